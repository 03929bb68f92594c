namespace BoundLab.Bounds.Symbolic;

/// <summary>Direct double evaluation (the reference semantics the compiler is tested against).</summary>
public static class Evaluator
{
    /// <summary>The value of e with symbols taken from values by name; a missing symbol throws ArgumentException naming it.</summary>
    public static double Evaluate(Expr e, IReadOnlyDictionary<string, double> values)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(values);
        return Eval(e, values);
    }

    private static double Eval(Expr e, IReadOnlyDictionary<string, double> values) => e switch
    {
        Number n => n.Value.ToDouble(),
        Symbol s => values.TryGetValue(s.Name, out var v) ? v
            : throw new ArgumentException($"No value given for symbol '{s.Name}'.", nameof(values)),
        NamedConstant { Kind: ConstantKind.E } => Math.E,
        NamedConstant => Math.PI,
        Infinity => double.PositiveInfinity,
        UndefinedValue => throw new InvalidOperationException("Cannot evaluate an Undefined expression."),
        Sum s => s.Terms.Sum(t => Eval(t, values)),
        Product p => p.Factors.Aggregate(1.0, (acc, f) => acc * Eval(f, values)),
        Power p => Pow(Eval(p.Base, values), p.Exponent, values),
        Function { Kind: FunctionKind.Ln } f => Math.Log(Eval(f.Arguments[0], values)),
        Function { Kind: FunctionKind.Exp } f => Math.Exp(Eval(f.Arguments[0], values)),
        Function { Kind: FunctionKind.Min } f => f.Arguments.Min(a => Eval(a, values)),
        Function { Kind: FunctionKind.Max } f => f.Arguments.Max(a => Eval(a, values)),
        Function { Kind: FunctionKind.KlInv } f => KlDivergence.Inverse(Eval(f.Arguments[0], values), Eval(f.Arguments[1], values)),
        _ => throw new NotSupportedException($"Cannot evaluate node {e.GetType().Name}."),
    };

    private static double Pow(double b, Expr exponent, IReadOnlyDictionary<string, double> values)
    {
        if (exponent is Number n)
        {
            if (n.Value == new Rational(1, 2)) return Math.Sqrt(b);
            if (n.Value == new Rational(-1, 2)) return 1 / Math.Sqrt(b);
            if (n.Value == Rational.MinusOne) return 1 / b;
        }
        return Math.Pow(b, Eval(exponent, values));
    }
}
