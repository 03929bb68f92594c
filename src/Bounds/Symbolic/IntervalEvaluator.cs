using System.Runtime.CompilerServices;
using static BoundLab.Bounds.Symbolic.DirectedRounding;

namespace BoundLab.Bounds.Symbolic;

/// <summary>
/// Interval evaluation with outward rounding (Moore 1966, "Interval Analysis"; Moore, Kearfott and Cloud 2009, ch. 2-4):
/// every node's enclosure contains the exact real value of the node at the (exact double) inputs.
/// </summary>
internal static class IntervalEvaluator
{
    // Ulps of padding for libm results. glibc documents a maximal error of 1 ulp for exp, log and pow on x86-64
    // (its manual, "Errors in Math Functions"); .NET calls the platform libm. Padded by 4 to be safe elsewhere.
    private const int LibmPad = 4;
    // Elementary.ExpM1 (Kahan's correction) is within 2 ulps of mpmath in ElementaryTests (a few ulps in general). Padded by 16.
    private const int ExpM1Pad = 16;

    private static readonly ConditionalWeakTable<Number, StrongBox<Enclosure>> numbers = new();

    public static Enclosure Enclose(Expr e, Bindings values) => e switch
    {
        Number n => numbers.GetValue(n, k => new StrongBox<Enclosure>(Bracket(k.Value))).Value,
        Symbol s => Enclosure.Point(values.Scalar(s)),
        IndexVariable i => Enclosure.Point(values.Index(i)),
        Element el => Enclosure.Point(values.Element(el.Vector, Exact(Enclose(el.Index, values), $"index of {el.Vector.Name}"))),
        BigOperator b => Big(b, values),
        // Math.E = 2.71828182845904509… < e = 2.71828182845904523…; Math.PI = 3.14159265358979311… < π = 3.14159265358979323…
        NamedConstant { Kind: ConstantKind.E } => new Enclosure(Math.E, Math.BitIncrement(Math.E)),
        NamedConstant => new Enclosure(Math.PI, Math.BitIncrement(Math.PI)),
        Infinity => Enclosure.Point(double.PositiveInfinity),
        UndefinedValue => throw new InvalidOperationException("Cannot evaluate an Undefined expression."),
        Sum s => s.Terms.Aggregate(Enclosure.Point(0), (acc, t) => Add(acc, Enclose(t, values))),
        Product p => p.Factors.Aggregate(Enclosure.Point(1), (acc, f) => Mul(acc, Enclose(f, values))),
        Power p => Pow(Enclose(p.Base, values), p.Exponent, values),
        Function f => f.Kind switch
        {
            FunctionKind.Ln => Ln(Enclose(f.Arguments[0], values)),
            FunctionKind.Exp => Exp(Enclose(f.Arguments[0], values)),
            FunctionKind.Expm1 => ExpM1(Enclose(f.Arguments[0], values)),
            FunctionKind.Min => f.Arguments.Select(a => Enclose(a, values))
                .Aggregate((a, b) => new Enclosure(Math.Min(a.Lo, b.Lo), Math.Min(a.Hi, b.Hi))),
            FunctionKind.Max => f.Arguments.Select(a => Enclose(a, values))
                .Aggregate((a, b) => new Enclosure(Math.Max(a.Lo, b.Lo), Math.Max(a.Hi, b.Hi))),
            FunctionKind.KlInv => KlInv(Enclose(f.Arguments[0], values), Enclose(f.Arguments[1], values)),
            FunctionKind.BinomInv => BinomInv(Enclose(f.Arguments[0], values), Enclose(f.Arguments[1], values), Enclose(f.Arguments[2], values)),
        },
        _ => throw new NotSupportedException($"Cannot evaluate node {e.GetType().Name}."),
    };

    // Limits and indices are integer arithmetic on exact integers, so their enclosures are points.
    private static double Exact(Enclosure a, string what) =>
        a.Lo == a.Hi ? a.Lo : throw new InvalidOperationException($"The {what} must be an exact integer; it lies in {a}.");

    // Σ adds outward in index order; Π of factors that are all ≥ 0 is a scaled product rounded down at the lower end and
    // up at the upper end (no overflow or underflow on the way), otherwise the plain interval product.
    private static Enclosure Big(BigOperator b, Bindings values)
    {
        long lo = Bindings.Integer(Exact(Enclose(b.Lower, values), "lower limit"), $"lower limit of the {Indexed.Name(b.Kind)} over {b.Index.Name}");
        long hi = Bindings.Integer(Exact(Enclose(b.Upper, values), "upper limit"), $"upper limit of the {Indexed.Name(b.Kind)} over {b.Index.Name}");
        var items = new List<Enclosure>();
        for (long i = lo; i <= hi; i++) items.Add(Enclose(b.Body, values.With(b.Index, i)));
        if (b.Kind == BigOperatorKind.Sum) return items.Aggregate(Enclosure.Point(0), Add);
        if (items.Any(f => !(f.Lo >= 0))) return items.Aggregate(Enclosure.Point(1), Mul);
        ScaledProduct down = default, up = default;
        foreach (var f in items)
        {
            down.Step(f.Lo, -1);
            up.Step(f.Hi, +1);
        }
        return new Enclosure(down.Value(-1), up.Value(+1));
    }

    /// <summary>The tightest double interval around an exact rational.</summary>
    internal static Enclosure Bracket(Rational r)
    {
        double d = r.ToDouble();
        if (!double.IsFinite(d))
            return r.Sign > 0 ? new Enclosure(double.MaxValue, double.PositiveInfinity) : new Enclosure(double.NegativeInfinity, -double.MaxValue);
        double lo = d, hi = d;
        while (double.IsFinite(lo) && Rational.FromDouble(lo) > r) lo = Math.BitDecrement(lo);
        while (double.IsFinite(hi) && Rational.FromDouble(hi) < r) hi = Math.BitIncrement(hi);
        // ToDouble may be off by more than half an ulp: tighten to adjacent doubles (or a point when r is a double).
        while (Rational.FromDouble(Math.BitIncrement(lo)) <= r) lo = Math.BitIncrement(lo);
        while (Rational.FromDouble(Math.BitDecrement(hi)) >= r) hi = Math.BitDecrement(hi);
        return new Enclosure(lo, hi);
    }

    internal static Enclosure Add(Enclosure a, Enclosure b) => new(AddDown(a.Lo, b.Lo), AddUp(a.Hi, b.Hi));

    internal static Enclosure Mul(Enclosure a, Enclosure b)
    {
        if (a.Lo >= 0 && b.Lo >= 0) return new Enclosure(MulDown(a.Lo, b.Lo), MulUp(a.Hi, b.Hi));
        double lo = Math.Min(Math.Min(MulDown(a.Lo, b.Lo), MulDown(a.Lo, b.Hi)), Math.Min(MulDown(a.Hi, b.Lo), MulDown(a.Hi, b.Hi)));
        double hi = Math.Max(Math.Max(MulUp(a.Lo, b.Lo), MulUp(a.Lo, b.Hi)), Math.Max(MulUp(a.Hi, b.Lo), MulUp(a.Hi, b.Hi)));
        return new Enclosure(lo, hi);
    }

    /// <summary>a / b; a divisor enclosure that contains 0 gives [−∞, +∞] (the quotient is unbounded or undefined).</summary>
    internal static Enclosure Div(Enclosure a, Enclosure b)
    {
        if (b.Lo <= 0 && b.Hi >= 0) return new Enclosure(double.NegativeInfinity, double.PositiveInfinity);
        double lo = Math.Min(Math.Min(DivDown(a.Lo, b.Lo), DivDown(a.Lo, b.Hi)), Math.Min(DivDown(a.Hi, b.Lo), DivDown(a.Hi, b.Hi)));
        double hi = Math.Max(Math.Max(DivUp(a.Lo, b.Lo), DivUp(a.Lo, b.Hi)), Math.Max(DivUp(a.Hi, b.Lo), DivUp(a.Hi, b.Hi)));
        return new Enclosure(lo, hi);
    }

    internal static Enclosure Sqrt(Enclosure a)
    {
        var x = NonNegative(a, "the base of a square root");
        return new Enclosure(SqrtDown(x.Lo), SqrtUp(x.Hi));
    }

    private static Enclosure Pow(Enclosure b, Expr exponent, Bindings values)
    {
        if (exponent is Number n)
        {
            if (n.Value == new Rational(1, 2)) return Sqrt(b);
            if (n.Value == new Rational(-1, 2)) return Div(Enclosure.Point(1), Sqrt(b));
            if (n.Value == Rational.MinusOne) return Div(Enclosure.Point(1), b);
            if (n.Value.IsInteger && BigIntegerFits(n.Value)) return IntPow(b, (long)n.Value.Numerator);
        }
        var y = Enclose(exponent, values);
        if (y.Lo == y.Hi && Math.Floor(y.Lo) == y.Lo && Math.Abs(y.Lo) <= 1L << 53) return IntPow(b, (long)y.Lo);
        return GeneralPow(NonNegative(b, "the base of a non-integer power"), y);
    }

    private static bool BigIntegerFits(Rational r) => System.Numerics.BigInteger.Abs(r.Numerator) <= new System.Numerics.BigInteger(1L << 53);

    /// <summary>b^n for an integer n by repeated squaring; an even power of a sign-changing enclosure starts at 0.</summary>
    private static Enclosure IntPow(Enclosure b, long n)
    {
        if (n == 0) return Enclosure.Point(1);
        if (n < 0) return Div(Enclosure.Point(1), IntPow(b, -n));
        if ((n & 1) == 1) return n == 1 ? b : Mul(b, IntPow(b, n - 1));
        double mig = b.Lo > 0 ? b.Lo : b.Hi < 0 ? -b.Hi : 0, mag = Math.Max(Math.Abs(b.Lo), Math.Abs(b.Hi));
        var result = Enclosure.Point(1);
        var square = new Enclosure(mig, mag);
        for (long k = n; k > 0; k >>= 1)
        {
            if ((k & 1) == 1) result = Mul(result, square);
            if (k > 1) square = Mul(square, square);
        }
        return result;
    }

    /// <summary>b^y for b ≥ 0: monotone in each argument, so the extremes are at the corners (Math.Pow padded by LibmPad ulps).</summary>
    private static Enclosure GeneralPow(Enclosure b, Enclosure y)
    {
        double c1 = Math.Pow(b.Lo, y.Lo), c2 = Math.Pow(b.Lo, y.Hi), c3 = Math.Pow(b.Hi, y.Lo), c4 = Math.Pow(b.Hi, y.Hi);
        double lo = Math.Min(Math.Min(c1, c2), Math.Min(c3, c4)), hi = Math.Max(Math.Max(c1, c2), Math.Max(c3, c4));
        return new Enclosure(Math.Max(0, StepDown(lo, LibmPad)), StepUp(hi, LibmPad));
    }

    private static Enclosure Ln(Enclosure a)
    {
        var x = NonNegative(a, "the argument of ln");
        return new Enclosure(LibmDown(Math.Log(x.Lo), x.Lo == 1), LibmUp(Math.Log(x.Hi), x.Hi == 1));
    }

    private static Enclosure Exp(Enclosure a) =>
        new(Math.Max(0, LibmDown(Math.Exp(a.Lo), a.Lo == 0)), LibmUp(Math.Exp(a.Hi), a.Hi == 0));

    // e^x − 1 > −1, increasing.
    private static Enclosure ExpM1(Enclosure a) =>
        new(Math.Max(-1, a.Lo == 0 ? 0 : StepDown(Elementary.ExpM1(a.Lo), ExpM1Pad)),
            a.Hi == 0 ? 0 : StepUp(Elementary.ExpM1(a.Hi), ExpM1Pad));

    private static double LibmDown(double v, bool exact) => exact || double.IsInfinity(v) && v < 0 ? v : StepDown(v, LibmPad);

    private static double LibmUp(double v, bool exact) => exact || double.IsPositiveInfinity(v) ? v : StepUp(v, LibmPad);

    // kl⁻¹ is increasing in q and in c: the certified upper inverse at the upper ends, the certified lower one at the lower ends.
    private static Enclosure KlInv(Enclosure q, Enclosure c)
    {
        var unit = Unit(q, "q of kl⁻¹");
        var budget = NonNegative(c, "the budget c of kl⁻¹");
        return new Enclosure(KlDivergence.InverseLower(unit.Lo, budget.Lo), KlDivergence.Inverse(unit.Hi, budget.Hi));
    }

    // bin⁻¹(q, n, δ) is increasing in q and decreasing in δ; n must be exact (it fixes the integer count qn).
    private static Enclosure BinomInv(Enclosure q, Enclosure n, Enclosure delta)
    {
        if (n.Lo != n.Hi)
            throw new InvalidOperationException($"bin⁻¹ needs an exact sample size n; its enclosure is {n}.");
        var unit = Unit(q, "q of bin⁻¹");
        return new Enclosure(BinomialTailLower.Inverse(unit.Lo, n.Lo, delta.Hi), BinomialTail.Inverse(unit.Hi, n.Lo, delta.Lo));
    }

    /// <summary>
    /// The part of a that lies in [0, ∞). An enclosure entirely below 0 is a domain error; one that straddles 0
    /// (rounding around an exact value ≥ 0, e.g. 1 − x at x near 1) is clamped, since the function is defined only there.
    /// </summary>
    private static Enclosure NonNegative(Enclosure a, string what)
    {
        if (!(a.Hi >= 0))
            throw new InvalidOperationException($"{what} must be ≥ 0; it lies in {a}.");
        return a.Lo >= 0 ? a : new Enclosure(0, a.Hi);
    }

    private static Enclosure Unit(Enclosure a, string what)
    {
        if (!(a.Hi >= 0 && a.Lo <= 1))
            throw new InvalidOperationException($"{what} must be in [0, 1]; it lies in {a}.");
        return new Enclosure(Math.Max(0, a.Lo), Math.Min(1, a.Hi));
    }
}
