using BoundLab.Bounds.Symbolic;

namespace BoundLab.Bounds.Verification;

/// <summary>One sufficient condition of the form parameter ≥ a·‖X‖_F^j·B^m, with a ≥ 0 rational, computed from the other parameters.</summary>
/// <param name="Name">Identifier, e.g. "beta2".</param>
/// <param name="Claim">The condition in words.</param>
/// <param name="Parameter">Index of the constrained parameter (0 = β₁, 1 = β₂, 2 = β₃, 3 = λ).</param>
/// <param name="Exponent">m, the power of B.</param>
/// <param name="NormPower">j, the power of ‖X‖_F.</param>
/// <param name="Coefficient">a as a function of the parameters.</param>
/// <param name="Right">The right-hand side as a symbolic expression in the problem's and parameters' symbols.</param>
public sealed record AdmmCondition(string Name, string Claim, int Parameter, int Exponent, int NormPower,
    Func<AdmmParameters, Rational> Coefficient, Expr Right);

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

    /// <summary>The three candidates of B as real variables t₁, t₂, t₃ ≥ 0, pinned by <see cref="Definitions"/>.</summary>
    public static readonly Symbol T1 = Expr.Sym("t1", Domain.NonNegativeReal), T2 = Expr.Sym("t2", Domain.NonNegativeReal),
        T3 = Expr.Sym("t3", Domain.NonNegativeReal);

    /// <summary>
    /// Polynomial definitions of the candidates (NRA, no roots): for t ≥ 0 and ‖X‖_F &gt; 0, t₁²‖X‖_F² = 4r₁n ⟺ t₁ = 2√r₁/(‖X‖_F/√n),
    /// t₂⁴‖X‖_F² = 4r₂n ⟺ t₂ = (2√r₂/(‖X‖_F/√n))^(1/2), t₃³‖X‖_F = ‖Y‖_F ⟺ t₃ = (‖Y‖_F/‖X‖_F)^(1/3). Encoding B this way instead of
    /// through <see cref="BFormula"/>'s nested roots keeps Z3's problem to five algebraic numbers (≈ 0.3 s instead of 14 s).
    /// </summary>
    public static IReadOnlyList<(Expr Left, Expr Right)> Definitions { get; } =
    [
        (Expr.Pow(T1, 2) * Expr.Pow(XFro, 2), 4 * R1 * N),
        (Expr.Pow(T2, 4) * Expr.Pow(XFro, 2), 4 * R2 * N),
        (Expr.Pow(T3, 3) * XFro, YFro),
    ];

    private static readonly Symbol[] ParameterSymbols = [Beta1, Beta2, Beta3, Lambda];

    /// <summary>B as the seed states it, with roots (for display and for the test that the definitions match it).</summary>
    public static Expr BFormula { get; } = BuildB();

    /// <summary>B = max{t₁, t₂, t₃}, as the obligations use it.</summary>
    public static Expr B { get; } = Expr.Max(T1, T2, T3);

    /// <summary>The six conditions, in the order they constrain the parameters (each monotone in the earlier ones).</summary>
    public static IReadOnlyList<AdmmCondition> All { get; } =
    [
        new("beta3", "β₃ ≥ 2", 2, 0, 0, _ => 2, Expr.Num(2)),
        new("beta2", "β₂ ≥ 16 (β₃ + 1) B²", 1, 2, 0, p => 16 * (p.Beta3 + 1),
            16 * (Beta3 + 1) * Expr.Pow(B, 2)),
        new("beta1", "β₁ ≥ 11 (β₂ + 1) B⁴ ‖X‖_F", 0, 4, 1, p => 11 * (p.Beta2 + 1),
            11 * (Beta2 + 1) * Expr.Pow(B, 4) * XFro),
        new("lambda-beta1", "λ ≥ (3/4) β₁ B ‖X‖_F³", 3, 1, 3, p => new Rational(3, 4) * p.Beta1,
            Expr.Num(3, 4) * Beta1 * B * Expr.Pow(XFro, 3)),
        new("lambda-beta2", "λ ≥ 10 β₂ B⁴ ‖X‖_F³", 3, 4, 3, p => 10 * p.Beta2,
            10 * Beta2 * Expr.Pow(B, 4) * Expr.Pow(XFro, 3)),
        new("lambda-beta3", "λ ≥ 4 β₃ B⁴ ‖X‖_F²", 3, 4, 2, p => 4 * p.Beta3,
            4 * Beta3 * Expr.Pow(B, 4) * Expr.Pow(XFro, 2)),
    ];

    /// <summary>The obligation whose unsat answer proves the condition for these exact values.</summary>
    public static Obligation ObligationFor(AdmmCondition condition, AdmmProblem problem, AdmmParameters parameters, string namePrefix = "admm")
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(parameters);
        var values = new Dictionary<string, Rational> { [N.Name] = problem.N, [R1.Name] = problem.R1, [R2.Name] = problem.R2 };
        // The norms are pinned by their exact squares (x_fro > 0 is its symbol's domain constraint).
        var squares = new Dictionary<string, Rational> { [XFro.Name] = problem.XFroSquared, [YFro.Name] = problem.YFroSquared };
        for (int i = 0; i < ParameterSymbols.Length; i++) values[ParameterSymbols[i].Name] = parameters[i];
        var enc = new SmtLibEncoder();
        string left = enc.Term(ParameterSymbols[condition.Parameter]), right = enc.Term(condition.Right);
        var definitions = Definitions.Select(d => $"(= {enc.Term(d.Left)} {enc.Term(d.Right)})").ToList();
        var free = Calculus.FreeSymbols(condition.Right).Concat(Definitions.SelectMany(d => Calculus.FreeSymbols(d.Left).Concat(Calculus.FreeSymbols(d.Right))))
            .Select(s => s.Name).Append(ParameterSymbols[condition.Parameter].Name).Distinct()
            .Where(s => s is not "t1" and not "t2" and not "t3");
        var assertions = free.OrderBy(s => s, StringComparer.Ordinal)
            .Select(s => !squares.TryGetValue(s, out var sq) ? $"(= {s} {SmtNumeral.Of(values[s])})"
                // A rational norm is pinned directly (simpler for solvers without a CAD procedure, e.g. Debian's cvc5).
                : ExactRoots.TryExactRoot(sq, 2) is { } root ? $"(= {s} {SmtNumeral.Of(root)})"
                : $"(= (* {s} {s}) {SmtNumeral.Of(sq)})").ToList();
        assertions.AddRange(definitions);
        assertions.Add($"(not (>= {left} {right}))");
        string claim = $"{condition.Claim} for n = {problem.N}, ‖X‖_F = {Norm(problem.XFroSquared)}, ‖Y‖_F = {Norm(problem.YFroSquared)}, " +
                       $"r₁ = {ExactRoots.ExactText(problem.R1)}, r₂ = {ExactRoots.ExactText(problem.R2)}, β₁ = {ExactRoots.ExactText(parameters.Beta1)}, " +
                       $"β₂ = {ExactRoots.ExactText(parameters.Beta2)}, β₃ = {ExactRoots.ExactText(parameters.Beta3)}, λ = {ExactRoots.ExactText(parameters.Lambda)}";
        return new Obligation($"{namePrefix}-{condition.Name}", claim, enc.Script(assertions));
    }

    /// <summary>Whether the condition holds, decided exactly in rational arithmetic (independently of any solver).</summary>
    public static bool HoldsExactly(AdmmCondition condition, AdmmProblem problem, AdmmParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(problem);
        var p = parameters[condition.Parameter];
        var a = condition.Coefficient(parameters);
        // parameter ≥ a·‖X‖^j·max_i(c_i^(1/k_i))^m ⟺ parameter ≥ a·(‖X‖²^(j·k_i)·c_i^(2m))^(1/(2k_i)) for every candidate i.
        return problem.BCandidates.All(c => ExactRoots.SignOfDifference(p, a, Radicand(condition, problem, c), 1, 2 * c.Index) >= 0);
    }

    /// <summary>The least value of the condition's parameter given the others: exact when rational, else an upper bound within 10^(−digits) relative.</summary>
    public static (Rational Value, bool Exact) Required(AdmmCondition condition, AdmmProblem problem, AdmmParameters parameters, int digits = 40)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(problem);
        var a = condition.Coefficient(parameters);
        var b = problem.B;
        var radicand = Radicand(condition, problem, b);
        if (ExactRoots.TryExactRoot(radicand, 2 * b.Index) is { } exact) return (a * exact, true);
        return (a * ExactRoots.RootUpper(radicand, 2 * b.Index, digits), false);
    }

    /// <summary>The closed form a·C^(1/K) of the required value, e.g. "288" or "1152*(2/5)^(1/2)".</summary>
    public static string RequiredClosedForm(AdmmCondition condition, AdmmProblem problem, AdmmParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(problem);
        var b = problem.B;
        var e = Expr.Num(condition.Coefficient(parameters)) * Expr.Pow(Expr.Num(Radicand(condition, problem, b)), Expr.Num(new Rational(1, 2 * b.Index)));
        return TextPrinter.Infix(e);
    }

    /// <summary>C with ‖X‖_F^j·c^(m/k) = C^(1/(2k)): C = (‖X‖_F²)^(j·k)·c^(2m).</summary>
    private static Rational Radicand(AdmmCondition condition, AdmmProblem problem, (Rational Radicand, int Index) candidate) =>
        Rational.Pow(problem.XFroSquared, condition.NormPower * candidate.Index) * Rational.Pow(candidate.Radicand, 2 * condition.Exponent);

    /// <summary>A norm given by its exact square, as text: exact when the square root is rational.</summary>
    public static string Norm(Rational square) => ExactRoots.TryExactRoot(square, 2) is { } r
        ? ExactRoots.ExactText(r)
        : $"sqrt({ExactRoots.ExactText(square)}) ≈ {ExactRoots.RootUpper(square, 2, 20).ToDouble():G10}";

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
