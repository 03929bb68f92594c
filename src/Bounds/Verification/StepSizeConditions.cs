using BoundLab.Bounds.Symbolic;

namespace BoundLab.Bounds.Verification;

/// <summary>A learning-rate schedule η_k (k = 1, 2, …) whose values are exact rationals.</summary>
public enum StepSchedule
{
    /// <summary>η_k = η.</summary>
    Constant,
    /// <summary>η_k = η / k.</summary>
    Inverse,
}

/// <summary>The result of the SGLD k₀ computation.</summary>
/// <param name="K0">k₀ = min{k ≥ 1 : η_k β L² &lt; 1}, or null when no k qualifies (constant schedule with η β L² ≥ 1).</param>
/// <param name="Verdict">Proved when Z3 proved both that k₀ qualifies and that no smaller k does (or, without k₀, that none does).</param>
/// <param name="Results">The obligations and their results.</param>
public sealed record SgldK0Report(long? K0, ClaimVerdict Verdict, IReadOnlyList<ObligationResult> Results);

/// <summary>Step-size conditions checked by Z3: GD's η ≤ 1/ℓ and SGLD's k₀.</summary>
public static class StepSizeConditions
{
    private static readonly Symbol Eta = Expr.Sym("eta"), Ell = Expr.Sym("ell"), BetaT = Expr.Sym("beta"), L = Expr.Sym("L"),
        K = Expr.Sym("k", Domain.PositiveInteger);

    /// <summary>
    /// GD on an ℓ-smooth objective with step η ≤ 1/ℓ decreases f by at least (η/2)‖∇f‖² per step (Nesterov 2004, Lectures,
    /// eq. 1.2.13; the descent lemma behind references/BOUNDS.md's GD rate). The obligation proves η ≤ 1/ℓ for the values.
    /// </summary>
    public static Obligation GdStepSize(Rational eta, Rational smoothness)
    {
        if (eta.Sign <= 0) throw new ArgumentOutOfRangeException(nameof(eta), eta, "η must be > 0.");
        if (smoothness.Sign <= 0) throw new ArgumentOutOfRangeException(nameof(smoothness), smoothness, "ℓ must be > 0.");
        var enc = new SmtLibEncoder();
        string e = enc.Term(Eta), bound = enc.Term(1 / Ell);
        var script = enc.Script([$"(= eta {SmtNumeral.Of(eta)})", $"(= ell {SmtNumeral.Of(smoothness)})", $"(not (<= {e} {bound}))"]);
        return new Obligation("gd-step-size", $"η ≤ 1/ℓ for η = {ExactRoots.ExactText(eta)}, ℓ = {ExactRoots.ExactText(smoothness)}", script);
    }

    /// <summary>The exact answer to η ≤ 1/ℓ.</summary>
    public static bool GdHoldsExactly(Rational eta, Rational smoothness) => eta * smoothness <= 1;

    /// <summary>
    /// k₀ = min{k : η_k β L² &lt; 1} from the SGLD stability bound of Mou, Wang, Zhai, Zheng (COLT 2018, Theorem 1 /
    /// references/BOUNDS.md mou18-stability), computed exactly and proved by Z3: η_{k₀} β L² &lt; 1, and η_k β L² ≥ 1 for
    /// every integer 1 ≤ k &lt; k₀ (a single obligation quantifying over k).
    /// </summary>
    public static SgldK0Report SgldK0(StepSchedule schedule, Rational eta, Rational beta, Rational lipschitz, CheckOptions options)
    {
        if (eta.Sign <= 0) throw new ArgumentOutOfRangeException(nameof(eta), eta, "η must be > 0.");
        if (beta.Sign <= 0) throw new ArgumentOutOfRangeException(nameof(beta), beta, "β must be > 0.");
        if (lipschitz.Sign <= 0) throw new ArgumentOutOfRangeException(nameof(lipschitz), lipschitz, "L must be > 0.");
        ArgumentNullException.ThrowIfNull(options);
        Rational product = eta * beta * lipschitz * lipschitz; // η β L²
        long? k0 = schedule switch
        {
            StepSchedule.Constant => product < 1 ? 1 : null,
            // η/k · βL² < 1 ⟺ k > ηβL², so k₀ = ⌊ηβL²⌋ + 1.
            _ => (long)System.Numerics.BigInteger.Divide(product.Numerator, product.Denominator) + 1,
        };
        Expr etaK = schedule == StepSchedule.Constant ? Eta : Eta / K;
        string values = $"(= eta {SmtNumeral.Of(eta)})", betaV = $"(= beta {SmtNumeral.Of(beta)})", lv = $"(= L {SmtNumeral.Of(lipschitz)})";
        string desc = $"η = {ExactRoots.ExactText(eta)}, β = {ExactRoots.ExactText(beta)}, L = {ExactRoots.ExactText(lipschitz)}, schedule {schedule.ToString().ToLowerInvariant()}";
        var obligations = new List<Obligation>();
        if (k0 is { } k)
        {
            var enc = new SmtLibEncoder();
            string t = enc.Term(etaK * BetaT * Expr.Pow(L, 2));
            obligations.Add(new Obligation("sgld-k0-qualifies", $"η_k β L² < 1 at k = k₀ = {k} for {desc}",
                enc.Script(schedule == StepSchedule.Constant ? [values, betaV, lv, $"(not (< {t} 1.0))"] : [values, betaV, lv, $"(= k {k}.0)", $"(not (< {t} 1.0))"])));
            if (k > 1)
            {
                var enc2 = new SmtLibEncoder();
                string t2 = enc2.Term(etaK * BetaT * Expr.Pow(L, 2));
                obligations.Add(new Obligation("sgld-k0-least", $"η_k β L² ≥ 1 for every integer 1 ≤ k < {k} for {desc}",
                    enc2.Script([values, betaV, lv, $"(< k {k}.0)", $"(not (>= {t2} 1.0))"])));
            }
        }
        else
        {
            var enc = new SmtLibEncoder();
            string t = enc.Term(etaK * BetaT * Expr.Pow(L, 2));
            obligations.Add(new Obligation("sgld-k0-none", $"η_k β L² ≥ 1 for every k ≥ 1 (no k₀ exists) for {desc}",
                enc.Script([values, betaV, lv, $"(not (>= {t} 1.0))"])));
        }
        var results = obligations.Select(o => ObligationRunner.Check(o, options)).ToList();
        var verdict = results.Any(r => r.Verdict == ClaimVerdict.Violated) ? ClaimVerdict.Violated
            : results.Any(r => r.Verdict == ClaimVerdict.Unknown) ? ClaimVerdict.Unknown : ClaimVerdict.Proved;
        if (verdict == ClaimVerdict.Violated)
            throw new SolverDisagreementException($"Z3 refuted an SGLD k₀ obligation that exact arithmetic established ({desc}).");
        return new SgldK0Report(k0, verdict, results);
    }
}
