using BoundLab.Bounds.Symbolic;

namespace BoundLab.Bounds.Verification;

/// <summary>The verdict on one ADMM condition.</summary>
/// <param name="Condition">The condition.</param>
/// <param name="Result">How its obligation was decided (Z3, cvc5 second opinion).</param>
/// <param name="HoldsExactly">The exact rational decision (<see cref="AdmmConditions.HoldsExactly"/>); the solver verdict agreed with it whenever it was not Unknown.</param>
/// <param name="Required">The least admissible value of the parameter given the others (exact, or rounded up when irrational).</param>
/// <param name="RequiredExact">Whether <paramref name="Required"/> is exact.</param>
/// <param name="RequiredClosedForm">The exact required value as an expression.</param>
/// <param name="Given">The parameter's given value.</param>
public sealed record AdmmConditionVerdict(AdmmCondition Condition, ObligationResult Result, bool HoldsExactly,
    Rational Required, bool RequiredExact, string RequiredClosedForm, Rational Given)
{
    /// <summary>required − given when the condition is violated (how much the parameter falls short), else 0.</summary>
    public Rational Shortfall => Result.Verdict == ClaimVerdict.Violated ? Required - Given : Rational.Zero;
}

/// <summary>The verdict on all conditions: Violated if one is violated, else Unknown if one is unknown, else Proved.</summary>
public sealed record AdmmReport(AdmmProblem Problem, AdmmParameters Parameters, ClaimVerdict Verdict, IReadOnlyList<AdmmConditionVerdict> Conditions);

/// <summary>The componentwise-least admissible parameters and the report that proves them.</summary>
/// <param name="Parameters">β₁, β₂, β₃, λ: exact when <paramref name="Exact"/>, otherwise each rounded UP to <paramref name="Digits"/> significant digits.</param>
/// <param name="Exact">Whether all four are the exact least values (B^m rational for the exponents used).</param>
/// <param name="Digits">Significant digits of the upward rounding (when not exact).</param>
/// <param name="ClosedForms">The exact least values as expressions (β₁, β₂, β₃, λ), each in terms of the earlier ones' exact values.</param>
/// <param name="Proof">The verification of <paramref name="Parameters"/>; its verdict is Proved unless the solver gave up.</param>
public sealed record AdmmSynthesis(AdmmParameters Parameters, bool Exact, int Digits, IReadOnlyList<string> ClosedForms, AdmmReport Proof);

/// <summary>Checks the three-layer ADMM conditions with Z3 (cross-checked exactly and by cvc5) and synthesizes the least parameters.</summary>
public static class AdmmVerifier
{
    /// <summary>Decides every condition for the given values.</summary>
    public static AdmmReport Verify(AdmmProblem problem, AdmmParameters parameters, CheckOptions options)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(options);
        problem.Validated();
        parameters.Validated();
        var verdicts = new List<AdmmConditionVerdict>();
        foreach (var c in AdmmConditions.All)
        {
            var result = ObligationRunner.Check(AdmmConditions.ObligationFor(c, problem, parameters), options);
            bool holds = AdmmConditions.HoldsExactly(c, problem, parameters);
            if ((result.Verdict == ClaimVerdict.Proved && !holds) || (result.Verdict == ClaimVerdict.Violated && holds))
                throw new SolverDisagreementException(
                    $"Z3 says {result.Verdict} for '{c.Claim}' but exact rational evaluation says it {(holds ? "holds" : "fails")}; refusing to report either.");
            var (required, exact) = AdmmConditions.Required(c, problem, parameters);
            verdicts.Add(new AdmmConditionVerdict(c, result, holds, required, exact,
                AdmmConditions.RequiredClosedForm(c, problem, parameters), parameters[c.Parameter]));
        }
        var verdict = verdicts.Any(v => v.Result.Verdict == ClaimVerdict.Violated) ? ClaimVerdict.Violated
            : verdicts.Any(v => v.Result.Verdict == ClaimVerdict.Unknown) ? ClaimVerdict.Unknown
            : ClaimVerdict.Proved;
        return new AdmmReport(problem, parameters, verdict, verdicts);
    }

    /// <summary>
    /// The componentwise-least admissible (β₁, β₂, β₃, λ): β₃ = 2, then each parameter the least value its condition
    /// allows given the earlier ones. When a value is irrational it is rounded up to <paramref name="digits"/>
    /// significant digits (never down) and the later ones are computed from the rounded value; the result is then
    /// verified like any user input.
    /// </summary>
    public static AdmmSynthesis Synthesize(AdmmProblem problem, CheckOptions options, int digits = 30)
    {
        ArgumentNullException.ThrowIfNull(problem);
        if (digits is < 5 or > 200) throw new ArgumentOutOfRangeException(nameof(digits), digits, "allowed: 5 … 200 significant digits");
        problem.Validated();
        // Initial values only: each step below sets the parameter its conditions constrain (β₃, β₂, β₁, λ), in that order.
        var p = new AdmmParameters(1, 1, 1, 1);
        bool allExact = true;
        var closed = new string[4];
        foreach (int index in new[] { 2, 1, 0, 3 })
        {
            Rational best = Rational.Zero;
            string bestForm = "0";
            bool bestExact = true;
            foreach (var c in AdmmConditions.All.Where(c => c.Parameter == index))
            {
                var (value, exact) = AdmmConditions.Required(c, problem, p, digits + 10);
                if (value > best) { best = value; bestExact = exact; bestForm = AdmmConditions.RequiredClosedForm(c, problem, p); }
            }
            if (!bestExact) best = ExactRoots.CeilingDecimal(best, digits);
            allExact &= bestExact;
            closed[index] = bestForm;
            p = index switch
            {
                0 => p with { Beta1 = best },
                1 => p with { Beta2 = best },
                2 => p with { Beta3 = best },
                _ => p with { Lambda = best },
            };
        }
        return new AdmmSynthesis(p, allExact, digits, closed, Verify(problem, p, options));
    }
}
