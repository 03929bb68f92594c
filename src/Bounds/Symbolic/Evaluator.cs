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
        return IntervalEvaluator.Enclose(e, Bindings.Scalars(values));
    }

    /// <summary>
    /// <see cref="Enclose(Expr, IReadOnlyDictionary{string, double})"/> for an expression over vectors too: each vector is
    /// given by name and must have as many elements as its length symbol's value (a length without a value takes it).
    /// </summary>
    public static Enclosure Enclose(Expr e, IReadOnlyDictionary<string, double> values, IReadOnlyDictionary<string, IReadOnlyList<double>> vectors)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(vectors);
        return IntervalEvaluator.Enclose(e, Bindings.Create(e, values, vectors));
    }

    /// <summary>The value of e with symbols taken from values by name; a missing symbol throws ArgumentException naming it.</summary>
    public static double Evaluate(Expr e, IReadOnlyDictionary<string, double> values)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(values);
        return Eval(e, Bindings.Scalars(values));
    }

    /// <summary>
    /// The value of an expression over scalars and vectors; each vector must have as many elements as its length
    /// symbol's value (a length without a value takes it). A Π is a scaled product: it overflows or underflows only
    /// when its value does.
    /// </summary>
    public static double Evaluate(Expr e, IReadOnlyDictionary<string, double> values, IReadOnlyDictionary<string, IReadOnlyList<double>> vectors)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(vectors);
        return Eval(e, Bindings.Create(e, values, vectors));
    }

    private static double Eval(Expr e, Bindings values) => e switch
    {
        Number n => n.Value.ToDouble(),
        Symbol s => values.Scalar(s),
        IndexVariable i => values.Index(i),
        Element el => values.Element(el.Vector, Eval(el.Index, values)),
        BigOperator b => Big(b, values),
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

    private static double Big(BigOperator b, Bindings values)
    {
        long lo = Bindings.Integer(Eval(b.Lower, values), $"lower limit of the {Indexed.Name(b.Kind)} over {b.Index.Name}");
        long hi = Bindings.Integer(Eval(b.Upper, values), $"upper limit of the {Indexed.Name(b.Kind)} over {b.Index.Name}");
        if (b.Kind == BigOperatorKind.Sum)
        {
            double sum = 0;
            for (long i = lo; i <= hi; i++) sum += Eval(b.Body, values.With(b.Index, i));
            return sum;
        }
        var product = new ScaledProduct();
        for (long i = lo; i <= hi; i++) product.Multiply(Eval(b.Body, values.With(b.Index, i)));
        return product.Value();
    }

    private static double Pow(double b, Expr exponent, Bindings values)
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
