using System.Diagnostics;

namespace BoundLab.Bounds.Verification;

/// <summary>Options for deciding obligations.</summary>
/// <param name="Timeout">Wall-clock limit per solver call.</param>
/// <param name="ResourceLimit">Z3's deterministic resource limit (rlimit) per check, or null for none; a tiny value forces Unknown.</param>
/// <param name="CrossCheck">Also run cvc5 when it is on PATH; a sat/unsat disagreement throws.</param>
/// <param name="CrossCheckTimeout">cvc5's limit; Debian's cvc5 is built without libpoly and often cannot find
/// irrational models, so it answers unknown there — which is no disagreement — and should not wait long.</param>
public sealed record CheckOptions(TimeSpan Timeout, long? ResourceLimit = null, bool CrossCheck = true, TimeSpan? CrossCheckTimeout = null)
{
    /// <summary>10 s per Z3 call, no resource limit, cvc5 cross-check on with 1 s.</summary>
    public static CheckOptions Default { get; } = new(TimeSpan.FromSeconds(10), null, true, TimeSpan.FromSeconds(1));
}

/// <summary>Two solvers answered sat and unsat on the same obligation: one of them (or the encoding) is wrong.</summary>
public sealed class SolverDisagreementException(string message) : Exception(message);

/// <summary>Decides obligations with in-process Z3 and, when installed, cvc5 as a second opinion.</summary>
public static class ObligationRunner
{
    /// <summary>Runs the obligation: Z3 decides; when <see cref="CheckOptions.CrossCheck"/> and cvc5 is installed, cvc5 must not contradict it.</summary>
    public static ObligationResult Check(Obligation obligation, CheckOptions options)
    {
        ArgumentNullException.ThrowIfNull(obligation);
        ArgumentNullException.ThrowIfNull(options);
        if (options.ResourceLimit is < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.ResourceLimit, "ResourceLimit must be ≥ 1 or null.");
        var clock = Stopwatch.StartNew();
        // rlimit is a global Z3 parameter: it outlives the context, so every script sets it and a limited one resets it.
        string prefix = $"(set-option :rlimit {options.ResourceLimit ?? 0})\n";
        string suffix = options.ResourceLimit is null ? "" : "(set-option :rlimit 0)\n";
        var z3 = SmtSolver.Check(prefix + obligation.Script + "(get-info :reason-unknown)\n(get-model)\n" + suffix, options.Timeout);
        double seconds = clock.Elapsed.TotalSeconds;
        SmtVerdict? second = null;
        if (options.CrossCheck && Cvc5Solver.IsAvailable)
        {
            second = Cvc5Solver.Check(obligation.Script, options.CrossCheckTimeout ?? options.Timeout).Verdict;
            if (second != SmtVerdict.Unknown && z3.Verdict != SmtVerdict.Unknown && second != z3.Verdict)
                throw new SolverDisagreementException(
                    $"Z3 says {z3.Verdict} and cvc5 says {second} on obligation '{obligation.Name}' ({obligation.Claim}).");
        }
        return z3.Verdict switch
        {
            SmtVerdict.Unsat => new ObligationResult(obligation, ClaimVerdict.Proved, null, null, second, seconds),
            SmtVerdict.Sat => new ObligationResult(obligation, ClaimVerdict.Violated, null, ModelText(z3.Output), second, seconds),
            _ => new ObligationResult(obligation, ClaimVerdict.Unknown, ReasonUnknown(z3.Output), null, second, seconds),
        };
    }

    /// <summary>The text of Z3's (get-info :reason-unknown) answer, e.g. "canceled"; "unknown" when it printed none.</summary>
    internal static string ReasonUnknown(string output)
    {
        const string key = ":reason-unknown";
        int i = output.IndexOf(key, StringComparison.Ordinal);
        if (i < 0) return "unknown";
        var rest = output[(i + key.Length)..].Trim().TrimEnd(')').Trim().Trim('"');
        int end = rest.IndexOf('\n', StringComparison.Ordinal);
        return (end >= 0 ? rest[..end] : rest).Trim().TrimEnd(')').Trim('"');
    }

    private static string? ModelText(string output)
    {
        int i = output.IndexOf("(define-fun", StringComparison.Ordinal);
        if (i < 0) return null;
        int start = output.LastIndexOf('(', i - 1);
        return output[(start < 0 ? i : start)..].Trim();
    }
}
