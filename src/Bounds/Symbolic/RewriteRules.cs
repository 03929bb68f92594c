using System.Collections.Immutable;

namespace BoundLab.Bounds.Symbolic;

/// <summary>A variable of a rewrite rule: it matches any expression known to lie in its symbol's domain, or only a number.</summary>
/// <param name="Symbol">The placeholder symbol used in the rule's patterns; its domain is the side condition.</param>
/// <param name="NumberOnly">True when the variable matches only rational constants.</param>
public sealed record RuleVariable(Symbol Symbol, bool NumberOnly);

/// <summary>One simplification identity Left = Right, valid whenever the variables satisfy their domains.</summary>
/// <param name="Name">A short unique name.</param>
/// <param name="Identity">The identity in words, for reports and test names.</param>
/// <param name="Variables">The pattern variables and their side conditions.</param>
/// <param name="Left">The pattern, built without normalization.</param>
/// <param name="Right">The replacement, a normal form in the variables.</param>
public sealed record RewriteRule(string Name, string Identity, ImmutableArray<RuleVariable> Variables, Expr Left, Expr Right)
{
    /// <summary>The pattern with variables replaced by the given expressions, WITHOUT normalization (what the rule rewrites; for proofs).</summary>
    public Expr InstantiateLeft(IReadOnlyDictionary<string, Expr> bindings) => Raw.Replace(Left, bindings);

    /// <summary>The replacement with variables replaced by the given expressions, normalized.</summary>
    public Expr InstantiateRight(IReadOnlyDictionary<string, Expr> bindings) => Calculus.Substitute(Right, bindings);

    internal IReadOnlyDictionary<string, Expr>? Match(Expr e)
    {
        var bindings = new Dictionary<string, Expr>();
        return MatchInto(Left, e, bindings) ? bindings : null;
    }

    private bool MatchInto(Expr pattern, Expr e, Dictionary<string, Expr> bindings)
    {
        if (pattern is Symbol s && Variables.FirstOrDefault(v => v.Symbol.Equals(s)) is { } v)
        {
            if (v.NumberOnly && e is not Number) return false;
            if (!Signs.Satisfies(e, s.Domain)) return false;
            if (bindings.TryGetValue(s.Name, out var bound)) return bound.Equals(e);
            bindings[s.Name] = e;
            return true;
        }
        return (pattern, e) switch
        {
            (Function p, Function f) => p.Kind == f.Kind && p.Arguments.Length == f.Arguments.Length
                && p.Arguments.Zip(f.Arguments).All(pair => MatchInto(pair.First, pair.Second, bindings)),
            (Power p, Power w) => MatchInto(p.Base, w.Base, bindings) && MatchInto(p.Exponent, w.Exponent, bindings),
            _ => pattern.Equals(e),
        };
    }
}

/// <summary>
/// Every identity between function values that the normalizing constructors apply, as data. The constructors
/// of ln, exp, power and kl⁻¹ look their freshly built node up here; each row is proved by Z3 in the tests
/// (assert Left ≠ Right under the variables' domains, expect unsat).
/// </summary>
public static class RewriteRules
{
    private static readonly Symbol X = Expr.Sym("x", Domain.Real);
    private static readonly Symbol XPositive = Expr.Sym("x", Domain.PositiveReal);
    private static readonly Symbol XNonNegative = Expr.Sym("x", Domain.NonNegativeReal);
    private static readonly Symbol APositive = Expr.Sym("a", Domain.PositiveReal);
    private static readonly Symbol BPositive = Expr.Sym("b", Domain.PositiveReal);
    private static readonly Symbol A = Expr.Sym("a", Domain.Real);
    private static readonly Symbol B = Expr.Sym("b", Domain.Real);
    private static readonly Symbol Q = Expr.Sym("q", Domain.Probability);

    // Built while the type initializes; Apply sees null during that time, so building Right sides cannot recurse.
    private static readonly ImmutableArray<RewriteRule>? table = Build();

    /// <summary>All rules, in the order they are tried.</summary>
    public static ImmutableArray<RewriteRule> All => table ?? [];

    private static ImmutableArray<RewriteRule> Build() =>
    [
        // ln(1) = 0
        Rule("ln-one", "ln(1) = 0", [], Raw.Fn(FunctionKind.Ln, Expr.One), Expr.Zero),
        // ln(e) = 1
        Rule("ln-e", "ln(e) = 1", [], Raw.Fn(FunctionKind.Ln, Expr.E), Expr.One),
        // ln(exp(x)) = x for every real x
        Rule("ln-exp", "ln(exp(x)) = x", [new(X, false)], Raw.Fn(FunctionKind.Ln, Raw.Fn(FunctionKind.Exp, X)), X),
        // exp(0) = 1
        Rule("exp-zero", "exp(0) = 1", [], Raw.Fn(FunctionKind.Exp, Expr.Zero), Expr.One),
        // expm1(0) = e^0 − 1 = 0
        Rule("expm1-zero", "expm1(0) = 0", [], Raw.Fn(FunctionKind.Expm1, Expr.Zero), Expr.Zero),
        // exp(1) = e (so that e has one normal form)
        Rule("exp-one", "exp(1) = e", [], Raw.Fn(FunctionKind.Exp, Expr.One), Expr.E),
        // exp(ln(x)) = x for x > 0
        Rule("exp-ln", "exp(ln(x)) = x for x > 0", [new(XPositive, false)],
            Raw.Fn(FunctionKind.Exp, Raw.Fn(FunctionKind.Ln, XPositive)), XPositive),
        // (x^a)^b = x^(a·b) for x ≥ 0 and numbers a, b > 0; e.g. √(x²) = x for x ≥ 0
        Rule("power-power-nonneg", "(x^a)^b = x^(a·b) for x ≥ 0, numbers a, b > 0", [new(XNonNegative, false), new(APositive, true), new(BPositive, true)],
            Raw.Pow(Raw.Pow(XNonNegative, APositive), BPositive), Expr.Pow(XNonNegative, Expr.Multiply(APositive, BPositive))),
        // (x^a)^b = x^(a·b) for x > 0 and any numbers a, b; e.g. √(1/x) = x^(−1/2)
        Rule("power-power-pos", "(x^a)^b = x^(a·b) for x > 0, numbers a, b", [new(XPositive, false), new(A, true), new(B, true)],
            Raw.Pow(Raw.Pow(XPositive, A), B), Expr.Pow(XPositive, Expr.Multiply(A, B))),
        // kl⁻¹(q, 0) = q: kl(q‖p) = 0 only at p = q
        Rule("klinv-zero", "kl⁻¹(q, 0) = q", [new(Q, false)], Raw.Fn(FunctionKind.KlInv, Q, Expr.Zero), Q),
    ];

    private static RewriteRule Rule(string name, string identity, RuleVariable[] variables, Expr left, Expr right) =>
        new(name, identity, [.. variables], left, right);

    /// <summary>The rewritten form of a freshly built node, or null when no rule applies.</summary>
    internal static Expr? Apply(Expr raw)
    {
        if (table is not { } rules) return null;
        foreach (var rule in rules)
        {
            if (rule.Left.GetType() != raw.GetType()) continue;
            if (rule.Left is Function lf && raw is Function rf && lf.Kind != rf.Kind) continue;
            if (rule.Match(raw) is { } bindings) return rule.InstantiateRight(bindings);
        }
        return null;
    }
}

/// <summary>Unnormalized construction, for rule patterns and proof obligations only.</summary>
internal static class Raw
{
    public static Expr Fn(FunctionKind kind, params Expr[] args) => new Function(kind, [.. args]);
    public static Expr Pow(Expr b, Expr e) => new Power(b, e);

    /// <summary>Replaces symbols by name, rebuilding nodes as they are (no normalization).</summary>
    public static Expr Replace(Expr e, IReadOnlyDictionary<string, Expr> bindings) => e switch
    {
        Symbol s => bindings.TryGetValue(s.Name, out var v) ? v : s,
        Sum s => new Sum([.. s.Terms.Select(t => Replace(t, bindings))]),
        Product p => new Product([.. p.Factors.Select(t => Replace(t, bindings))]),
        Power p => new Power(Replace(p.Base, bindings), Replace(p.Exponent, bindings)),
        Function f => new Function(f.Kind, [.. f.Arguments.Select(t => Replace(t, bindings))]),
        _ => e,
    };
}
