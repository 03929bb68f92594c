namespace BoundLab.Bounds.Symbolic;

/// <summary>
/// Direct double evaluation (the reference semantics the compiler is tested against), round-to-nearest and so not a
/// certificate, and <see cref="Enclose"/>, a certified interval around the exact value.
/// </summary>
public static class Evaluator
{
    /// <summary>
    /// An interval [Lo, Hi] that contains the exact real value of e at the given (exact double) inputs, by interval
    /// arithmetic with outward rounding; a missing symbol throws ArgumentException naming it, and a negative argument of
    /// ln or of a square root or non-integer power throws InvalidOperationException naming the interval.
    /// </summary>
    public static Enclosure Enclose(Expr e, IReadOnlyDictionary<string, double> values)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(values);
        return IntervalEvaluator.Enclose(e, values);
    }

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
        Function f => f.Kind switch
        {
            FunctionKind.Ln => Math.Log(Eval(f.Arguments[0], values)),
            FunctionKind.Exp => Math.Exp(Eval(f.Arguments[0], values)),
            FunctionKind.Expm1 => Elementary.ExpM1(Eval(f.Arguments[0], values)),
            FunctionKind.Min => f.Arguments.Min(a => Eval(a, values)),
            FunctionKind.Max => f.Arguments.Max(a => Eval(a, values)),
            FunctionKind.KlInv => KlDivergence.Inverse(Eval(f.Arguments[0], values), Eval(f.Arguments[1], values)),
            FunctionKind.BinomInv => BinomialTail.Inverse(Eval(f.Arguments[0], values), Eval(f.Arguments[1], values), Eval(f.Arguments[2], values)),
        },
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
