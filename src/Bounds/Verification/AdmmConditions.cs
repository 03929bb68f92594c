using BoundLab.Bounds.Symbolic;

namespace BoundLab.Bounds.Verification;

/// <summary>One sufficient condition of the form parameter ≥ a·B^m, with a ≥ 0 computed from the problem and the other parameters.</summary>
/// <param name="Name">Identifier, e.g. "beta2".</param>
/// <param name="Claim">The condition in words.</param>
/// <param name="Parameter">Index of the constrained parameter (0 = β₁, 1 = β₂, 2 = β₃, 3 = λ).</param>
/// <param name="Exponent">m, the power of B.</param>
/// <param name="Coefficient">a as a function of the problem and the parameters.</param>
/// <param name="Right">The right-hand side a·B^m as a symbolic expression in the problem's and parameters' symbols.</param>
public sealed record AdmmCondition(string Name, string Claim, int Parameter, int Exponent,
    Func<AdmmProblem, AdmmParameters, Rational> Coefficient, Expr Right);

/// <summary>
/// The ADMM convergence conditions for three-layer sigmoid networks with squared loss (Zeng, Lin, Yao, Zhou, "On ADMM
/// in deep learning: convergence and saturation-avoidance", JMLR 2021; as stated on the seed slides, references/ADMM.md):
/// B = max{2√r₁/(‖X‖_F/√n), (2√r₂/(‖X‖_F/√n))^(1/2), (‖Y‖_F/‖X‖_F)^(1/3)}, β₃ ≥ 2, β₂ ≥ 16(β₃+1)B², β₁ ≥ 11(β₂+1)B⁴‖X‖_F,
/// λ ≥ max{(3/4)β₁B‖X‖_F³, 10β₂B⁴‖X‖_F³, 4β₃B⁴‖X‖_F²}. No verified statement exists here for other depths (DESIGN.md, point 12).
/// </summary>
public static class AdmmConditions
{
    /// <summary>The depth (number of weight layers) the conditions are stated for.</summary>
    public const int Depth = 3;

    /// <summary>Symbols of the obligations; the SMT files name the inputs this way.</summary>
    public static readonly Symbol N = Expr.Sym("n"), XFro = Expr.Sym("x_fro"), YFro = Expr.Sym("y_fro"),
        R1 = Expr.Sym("r1"), R2 = Expr.Sym("r2"), Beta1 = Expr.Sym("beta1"), Beta2 = Expr.Sym("beta2"),
        Beta3 = Expr.Sym("beta3"), Lambda = Expr.Sym("lam");

    private static readonly Symbol[] ParameterSymbols = [Beta1, Beta2, Beta3, Lambda];

    /// <summary>B as a symbolic expression.</summary>
    public static Expr B { get; } = BuildB();

    /// <summary>The six conditions, in the order they constrain the parameters (each monotone in the earlier ones).</summary>
    public static IReadOnlyList<AdmmCondition> All { get; } =
    [
        new("beta3", "β₃ ≥ 2", 2, 0, (_, _) => 2, Expr.Num(2)),
        new("beta2", "β₂ ≥ 16 (β₃ + 1) B²", 1, 2, (_, p) => 16 * (p.Beta3 + 1),
            16 * (Beta3 + 1) * Expr.Pow(B, 2)),
        new("beta1", "β₁ ≥ 11 (β₂ + 1) B⁴ ‖X‖_F", 0, 4, (d, p) => 11 * (p.Beta2 + 1) * d.XFro,
            11 * (Beta2 + 1) * Expr.Pow(B, 4) * XFro),
        new("lambda-beta1", "λ ≥ (3/4) β₁ B ‖X‖_F³", 3, 1, (d, p) => new Rational(3, 4) * p.Beta1 * Rational.Pow(d.XFro, 3),
            Expr.Num(3, 4) * Beta1 * B * Expr.Pow(XFro, 3)),
        new("lambda-beta2", "λ ≥ 10 β₂ B⁴ ‖X‖_F³", 3, 4, (d, p) => 10 * p.Beta2 * Rational.Pow(d.XFro, 3),
            10 * Beta2 * Expr.Pow(B, 4) * Expr.Pow(XFro, 3)),
        new("lambda-beta3", "λ ≥ 4 β₃ B⁴ ‖X‖_F²", 3, 4, (d, p) => 4 * p.Beta3 * Rational.Pow(d.XFro, 2),
            4 * Beta3 * Expr.Pow(B, 4) * Expr.Pow(XFro, 2)),
    ];

    /// <summary>The obligation whose unsat answer proves the condition for these exact values.</summary>
    public static Obligation ObligationFor(AdmmCondition condition, AdmmProblem problem, AdmmParameters parameters, string namePrefix = "admm")
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(parameters);
        var values = new Dictionary<string, Rational>
        {
            [N.Name] = problem.N, [XFro.Name] = problem.XFro, [YFro.Name] = problem.YFro,
            [R1.Name] = problem.R1, [R2.Name] = problem.R2,
        };
        for (int i = 0; i < ParameterSymbols.Length; i++) values[ParameterSymbols[i].Name] = parameters[i];
        var enc = new SmtLibEncoder();
        string left = enc.Term(ParameterSymbols[condition.Parameter]), right = enc.Term(condition.Right);
        var free = Calculus.FreeSymbols(condition.Right).Select(s => s.Name).Append(ParameterSymbols[condition.Parameter].Name).Distinct();
        var assertions = free.OrderBy(s => s, StringComparer.Ordinal).Select(s => $"(= {s} {SmtNumeral.Of(values[s])})").ToList();
        assertions.Add($"(not (>= {left} {right}))");
        string claim = $"{condition.Claim} for n = {problem.N}, ‖X‖_F = {ExactRoots.ExactText(problem.XFro)}, ‖Y‖_F = {ExactRoots.ExactText(problem.YFro)}, " +
                       $"r₁ = {ExactRoots.ExactText(problem.R1)}, r₂ = {ExactRoots.ExactText(problem.R2)}, β₁ = {ExactRoots.ExactText(parameters.Beta1)}, " +
                       $"β₂ = {ExactRoots.ExactText(parameters.Beta2)}, β₃ = {ExactRoots.ExactText(parameters.Beta3)}, λ = {ExactRoots.ExactText(parameters.Lambda)}";
        return new Obligation($"{namePrefix}-{condition.Name}", claim, enc.Script(assertions));
    }

    /// <summary>Whether the condition holds, decided exactly in rational arithmetic (independently of any solver).</summary>
    public static bool HoldsExactly(AdmmCondition condition, AdmmProblem problem, AdmmParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var p = parameters[condition.Parameter];
        var a = condition.Coefficient(problem, parameters);
        // parameter ≥ a·max_i(c_i^(1/k_i))^m ⟺ parameter ≥ a·c_i^(m/k_i) for every candidate i.
        return problem.BCandidates.All(c => ExactRoots.SignOfDifference(p, a, c.Radicand, condition.Exponent, c.Index) >= 0);
    }

    /// <summary>The least value of the condition's parameter given the others, a·B^m: exact when rational, else an upper bound within 10^(−digits) relative.</summary>
    public static (Rational Value, bool Exact) Required(AdmmCondition condition, AdmmProblem problem, AdmmParameters parameters, int digits = 40)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var a = condition.Coefficient(problem, parameters);
        var (c, k) = problem.B;
        var power = Rational.Pow(c, condition.Exponent);
        if (ExactRoots.TryExactRoot(power, k) is { } exact) return (a * exact, true);
        return (a * ExactRoots.RootUpper(power, k, digits), false);
    }

    /// <summary>The closed form a·c^(m/k) of the required value, e.g. "288" or "1152*(2/5)^(1/2)".</summary>
    public static string RequiredClosedForm(AdmmCondition condition, AdmmProblem problem, AdmmParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var (c, k) = problem.B;
        var e = Expr.Num(condition.Coefficient(problem, parameters)) * Expr.Pow(Expr.Num(c), Expr.Num(new Rational(condition.Exponent, k)));
        return TextPrinter.Infix(e);
    }

    private static Expr BuildB()
    {
        var scale = XFro / Expr.Sqrt(N); // ‖X‖_F/√n
        return Expr.Max(2 * Expr.Sqrt(R1) / scale, Expr.Sqrt(2 * Expr.Sqrt(R2) / scale), Expr.Pow(YFro / XFro, Expr.Num(1, 3)));
    }
}

/// <summary>Exact SMT-LIB numerals for rationals.</summary>
public static class SmtNumeral
{
    /// <summary>"3.0", "(/ 1.0 3.0)", "(- (/ 1.0 3.0))".</summary>
    public static string Of(Rational r)
    {
        static string Abs(System.Numerics.BigInteger v) => System.Numerics.BigInteger.Abs(v).ToString(System.Globalization.CultureInfo.InvariantCulture) + ".0";
        string magnitude = r.IsInteger ? Abs(r.Numerator) : $"(/ {Abs(r.Numerator)} {Abs(r.Denominator)})";
        return r.Sign < 0 ? $"(- {magnitude})" : magnitude;
    }
}
