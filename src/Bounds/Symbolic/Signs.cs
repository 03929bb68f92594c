namespace BoundLab.Bounds.Symbolic;

/// <summary>
/// Conservative sign facts derived from symbol domains: "true" is a proof, "false" means "not known".
/// The rewrite rules use them for side conditions such as x &gt; 0 in exp(ln x) = x.
/// </summary>
public static class Signs
{
    /// <summary>True when e &gt; 0 for every assignment of its symbols within their domains.</summary>
    public static bool IsPositive(Expr e) => e switch
    {
        Number n => n.Value.Sign > 0,
        NamedConstant => true,
        Symbol s => s.Domain is Domain.PositiveReal or Domain.Probability or Domain.PositiveInteger,
        Element el => el.Vector.Domain is Domain.PositiveReal or Domain.Probability or Domain.PositiveInteger,
        // An empty product is 1; a sum is positive only when its range is known non-empty (1..L with L ≥ 1).
        BigOperator { Kind: BigOperatorKind.Product } b => IsPositive(b.Body),
        BigOperator b => IsPositive(b.Body) && b.Lower is Number { Value.IsOne: true } && Satisfies(b.Upper, Domain.PositiveInteger),
        Sum s => s.Terms.All(IsNonNegative) && s.Terms.Any(IsPositive),
        Product p => p.Factors.All(IsPositive),
        Power p => IsPositive(p.Base),
        Function { Kind: FunctionKind.Exp } => true,
        Function { Kind: FunctionKind.Expm1 } f => IsPositive(f.Arguments[0]),
        Function { Kind: FunctionKind.Min } f => f.Arguments.All(IsPositive),
        Function { Kind: FunctionKind.Max } f => f.Arguments.Any(IsPositive),
        // kl⁻¹(q, c) ≥ q.
        Function { Kind: FunctionKind.KlInv } f => IsPositive(f.Arguments[0]),
        // bin⁻¹(q, n, δ) > 0 for δ < 1 (P(X ≤ k) = 1 > δ at p = 0).
        Function { Kind: FunctionKind.BinomInv } => true,
        _ => false,
    };

    /// <summary>True when e ≥ 0 for every assignment of its symbols within their domains.</summary>
    public static bool IsNonNegative(Expr e) => IsPositive(e) || e switch
    {
        Number n => n.Value.Sign >= 0,
        Symbol s => s.Domain == Domain.NonNegativeReal,
        Element el => el.Vector.Domain == Domain.NonNegativeReal,
        BigOperator b => IsNonNegative(b.Body),
        Sum s => s.Terms.All(IsNonNegative),
        Product p => p.Factors.All(IsNonNegative),
        Power p => IsNonNegative(p.Base) || (p.Exponent is Number k && k.Value.IsInteger && k.Value.Numerator.IsEven),
        Function { Kind: FunctionKind.Expm1 } f => IsNonNegative(f.Arguments[0]),
        Function { Kind: FunctionKind.Min } f => f.Arguments.All(IsNonNegative),
        Function { Kind: FunctionKind.Max } f => f.Arguments.Any(IsNonNegative),
        Function { Kind: FunctionKind.KlInv } f => IsNonNegative(f.Arguments[0]),
        _ => false,
    };

    /// <summary>True when e is known to lie in the domain d.</summary>
    public static bool Satisfies(Expr e, Domain d) => d switch
    {
        Domain.Real => e is not Infinity and not UndefinedValue,
        Domain.PositiveReal => IsPositive(e),
        Domain.NonNegativeReal => IsNonNegative(e),
        Domain.Probability => e is Symbol { Domain: Domain.Probability } || (e is Number n && n.Value.Sign > 0 && n.Value < Rational.One),
        Domain.PositiveInteger => e is Symbol { Domain: Domain.PositiveInteger } || (e is Number k && k.Value.IsInteger && k.Value.Sign > 0),
        _ => false,
    };
}
