using System.Text;

namespace BoundLab.Bounds.Verification;

/// <summary>
/// One proof obligation as SMT-LIB 2 text: its assertions are the negation of the claim, so unsat proves the claim
/// and sat refutes it (the model is a counterexample).
/// </summary>
/// <param name="Name">A short file-name-safe identifier, e.g. "admm-beta2".</param>
/// <param name="Claim">What unsat proves, in words, e.g. "β₂ ≥ 16 (β₃ + 1) B²".</param>
/// <param name="Script">The assertions and (check-sat), nothing else (no set-logic, no get-model): any solver can run it.</param>
public sealed record Obligation(string Name, string Claim, string Script)
{
    /// <summary>The .smt2 file text: a "; expect:" line, a "; proves:" line, then the script.</summary>
    public string ToFileText(SmtVerdict expect)
    {
        var sb = new StringBuilder();
        sb.Append("; expect: ").AppendLine(expect switch { SmtVerdict.Unsat => "unsat", SmtVerdict.Sat => "sat", _ => "unknown" });
        sb.Append("; proves: ").AppendLine(expect == SmtVerdict.Sat ? $"NOT ({Claim}) — the claim is violated (sat)" : Claim);
        sb.Append(Script);
        return sb.ToString();
    }
}

/// <summary>The three-valued answer for a claim; Unknown is never a proof.</summary>
public enum ClaimVerdict
{
    /// <summary>The negated claim is unsat: the claim holds.</summary>
    Proved,
    /// <summary>The negated claim is sat: the claim fails (and an exact re-check agreed).</summary>
    Violated,
    /// <summary>The solver gave up (timeout, resource limit, incompleteness); see the reason.</summary>
    Unknown,
}

/// <summary>How one obligation was decided.</summary>
/// <param name="Obligation">The obligation.</param>
/// <param name="Verdict">The verdict.</param>
/// <param name="Reason">For Unknown: the solver's reason (e.g. "canceled", "max. resource limit exceeded"); otherwise null.</param>
/// <param name="Model">For Violated: the solver's model (SMT-LIB text), the counterexample; otherwise null.</param>
/// <param name="SecondOpinion">cvc5's verdict when it was run, else null.</param>
/// <param name="Seconds">Wall time of the in-process Z3 check.</param>
public sealed record ObligationResult(Obligation Obligation, ClaimVerdict Verdict, string? Reason, string? Model, SmtVerdict? SecondOpinion, double Seconds);
