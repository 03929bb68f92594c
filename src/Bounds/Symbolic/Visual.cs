using System.Numerics;

namespace BoundLab.Bounds.Symbolic;

/// <summary>
/// The presentation tree that the text and LaTeX printers render: it turns the algebraic normal form
/// (products with negative exponents, coefficients, x^(1/2)) into what a reader expects (fractions, minus
/// signs, roots). Keeping it separate lets every printer share the same layout decisions.
/// </summary>
internal abstract record Visual
{
    /// <summary>Binding strength: 1 sum, 2 negation, 3 product/fraction, 4 power, 5 atom.</summary>
    public abstract int Precedence { get; }

    public static Visual From(Expr e)
    {
        switch (e)
        {
            case Number n:
                if (n.Value.Sign < 0) return new VNeg(From(Expr.Num(-n.Value)));
                return n.Value.IsInteger ? new VInteger(n.Value.Numerator)
                    : new VFraction(new VInteger(n.Value.Numerator), new VInteger(n.Value.Denominator));
            case Symbol s: return new VSymbol(s.Name);
            case NamedConstant c: return new VConstant(c.Kind);
            case Infinity: return new VInfinity();
            case UndefinedValue: return new VUndefined();
            case Sum s: return new VSum([.. s.Terms.Select(Signed)]);
            case Product p: return FromProduct(p);
            case Power { Exponent: Number { Value: var k } } p when k == new Rational(1, 2): return new VRoot(From(p.Base));
            case Power { Exponent: Number { Value.Sign: < 0 } k } p:
                return new VFraction(new VInteger(BigInteger.One), From(Expr.Pow(p.Base, Expr.Num(-k.Value))));
            case Power p: return new VPower(From(p.Base), From(p.Exponent));
            case Function f: return new VFunction(f.Kind, [.. f.Arguments.Select(From)]);
            case IndexVariable i: return new VSymbol(i.Name);
            case Element el: return new VElement(el.Vector.Name, From(el.Index));
            case BigOperator b: return new VBig(b.Kind, b.Index.Name, From(b.Lower), From(b.Upper), From(b.Body));
            default: throw new NotSupportedException($"No visual form for node {e.GetType().Name}.");
        }
    }

    private static (bool Negative, Visual Term) Signed(Expr term) => term switch
    {
        Number { Value.Sign: < 0 } n => (true, From(Expr.Num(-n.Value))),
        Product { Factors: [Number { Value.Sign: < 0 }, ..] } => (true, From(-term)),
        _ => (false, From(term)),
    };

    private static Visual FromProduct(Product p)
    {
        var coefficient = p.Factors[0] is Number n ? n.Value : Rational.One;
        var numerator = new List<Visual>();
        var denominator = new List<Visual>();
        var magnitude = BigInteger.Abs(coefficient.Numerator);
        if (!magnitude.IsOne) numerator.Add(new VInteger(magnitude));
        if (!coefficient.Denominator.IsOne) denominator.Add(new VInteger(coefficient.Denominator));
        foreach (var f in p.Factors)
        {
            if (f is Number) continue;
            if (f is Power { Exponent: Number { Value.Sign: < 0 } k } w)
                denominator.Add(From(Expr.Pow(w.Base, Expr.Num(-k.Value))));
            else
                numerator.Add(From(f));
        }
        Visual num = numerator.Count switch { 0 => new VInteger(BigInteger.One), 1 => numerator[0], _ => new VProduct(numerator) };
        Visual result = denominator.Count switch
        {
            0 => num,
            1 => new VFraction(num, denominator[0]),
            _ => new VFraction(num, new VProduct(denominator)),
        };
        return coefficient.Sign < 0 ? new VNeg(result) : result;
    }
}

internal sealed record VInteger(BigInteger Value) : Visual { public override int Precedence => 5; }
internal sealed record VSymbol(string Name) : Visual { public override int Precedence => 5; }
internal sealed record VConstant(ConstantKind Kind) : Visual { public override int Precedence => 5; }
internal sealed record VInfinity : Visual { public override int Precedence => 5; }
internal sealed record VUndefined : Visual { public override int Precedence => 5; }
internal sealed record VSum(IReadOnlyList<(bool Negative, Visual Term)> Terms) : Visual { public override int Precedence => 1; }
internal sealed record VNeg(Visual Inner) : Visual { public override int Precedence => 2; }
internal sealed record VProduct(IReadOnlyList<Visual> Factors) : Visual { public override int Precedence => 3; }
internal sealed record VFraction(Visual Numerator, Visual Denominator) : Visual { public override int Precedence => 3; }
internal sealed record VPower(Visual Base, Visual Exponent) : Visual { public override int Precedence => 4; }
internal sealed record VRoot(Visual Argument) : Visual { public override int Precedence => 5; }
internal sealed record VFunction(FunctionKind Kind, IReadOnlyList<Visual> Arguments) : Visual { public override int Precedence => 5; }
internal sealed record VElement(string Vector, Visual Index) : Visual { public override int Precedence => 5; }
// A big operator's body extends to the right, so it binds like a negation: parenthesized as a factor or exponent.
internal sealed record VBig(BigOperatorKind Kind, string Index, Visual Lower, Visual Upper, Visual Body) : Visual { public override int Precedence => 2; }
