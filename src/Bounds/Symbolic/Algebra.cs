using System.Collections.Immutable;
using System.Numerics;

namespace BoundLab.Bounds.Symbolic;

/// <summary>
/// The normalizing constructors of sums, products and powers. The normal form they maintain:
/// <list type="bullet">
/// <item>no summand is a sum, no factor is a product (flattening: associativity);</item>
/// <item>all numbers are folded exactly into one, which comes first (and is dropped when 0 in sums, 1 in products);</item>
/// <item>like terms are collected, c₁·t + c₂·t = (c₁+c₂)·t, and like bases, x^a · x^b = x^(a+b)
///   (valid wherever both sides are defined, the usual CAS convention: x·x⁻¹ = 1);</item>
/// <item>operands are sorted by <see cref="ExprOrder"/> (commutativity);</item>
/// <item>∞ absorbs in sums, Undefined absorbs everywhere, 0·∞ and (−c)·∞ are Undefined.</item>
/// </list>
/// Products are never expanded over sums (not even c·(a + b)): expansion would make the normal form
/// depend on the order of construction, e.g. (2·(a + b))·x versus 2·((a + b)·x).
/// Function-level identities live in <see cref="RewriteRules"/>.
/// </summary>
internal static class Algebra
{
    public static Expr Sum(IEnumerable<Expr> terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        var constant = Rational.Zero;
        var coefficients = new Dictionary<Expr, Rational>();
        bool infinite = false;
        foreach (var term in Flatten<Sum>(terms, s => s.Terms))
        {
            switch (term)
            {
                case UndefinedValue: return Expr.Undefined;
                case Infinity: infinite = true; break;
                case Number n: constant += n.Value; break;
                default:
                    var (c, rest) = SplitCoefficient(term);
                    coefficients[rest] = coefficients.TryGetValue(rest, out var old) ? old + c : c;
                    break;
            }
        }
        if (infinite) return Expr.PositiveInfinity;
        var result = new List<Expr>(coefficients.Count + 1);
        foreach (var (rest, c) in coefficients)
            if (!c.IsZero) result.Add(WithCoefficient(c, rest));
        result.Sort(ExprOrder.Instance);
        if (!constant.IsZero) result.Insert(0, Expr.Num(constant));
        return result.Count switch
        {
            0 => Expr.Zero,
            1 => result[0],
            _ => new Sum([.. result]),
        };
    }

    public static Expr Product(IEnumerable<Expr> factors)
    {
        ArgumentNullException.ThrowIfNull(factors);
        var coefficient = Rational.One;
        var exponents = new Dictionary<Expr, List<Expr>>();
        var infinite = false;
        foreach (var factor in Flatten<Product>(factors, p => p.Factors))
        {
            switch (factor)
            {
                case UndefinedValue: return Expr.Undefined;
                case Infinity: infinite = true; break;
                case Number n: coefficient *= n.Value; break;
                default:
                    var (b, e) = factor is Power p ? (p.Base, p.Exponent) : (factor, Expr.One);
                    if (!exponents.TryGetValue(b, out var list)) exponents[b] = list = [];
                    list.Add(e);
                    break;
            }
        }
        var result = new List<Expr>(exponents.Count);
        foreach (var (b, es) in exponents)
        {
            var merged = es.Count == 1 ? (es[0].Equals(Expr.One) ? b : Power(b, es[0])) : Power(b, Sum(es));
            switch (merged)
            {
                case UndefinedValue: return Expr.Undefined;
                case Number n: coefficient *= n.Value; break;
                case Product p:
                    foreach (var f in p.Factors)
                        if (f is Number k) coefficient *= k.Value; else result.Add(f);
                    break;
                default: result.Add(merged); break;
            }
        }
        if (infinite)
            // c·∞ is ∞ only when the finite part is provably positive; 0·∞ and sign-unknown products are undefined.
            return coefficient.Sign > 0 && result.All(Signs.IsPositive) ? Expr.PositiveInfinity : Expr.Undefined;
        if (coefficient.IsZero) return Expr.Zero;
        result.Sort(ExprOrder.Instance);
        if (!coefficient.IsOne) result.Insert(0, Expr.Num(coefficient));
        return result.Count switch
        {
            0 => Expr.One,
            1 => result[0],
            _ => new Product([.. result]),
        };
    }

    public static Expr Power(Expr b, Expr e)
    {
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(e);
        if (b is UndefinedValue || e is UndefinedValue || e is Infinity) return Expr.Undefined;
        if (e is Number { Value.IsZero: true }) return Expr.One;
        if (e is Number { Value.IsOne: true }) return b;
        if (b is Number { Value.IsOne: true }) return Expr.One;
        if (b is Infinity)
            return e is Number k ? (k.Value.Sign > 0 ? Expr.PositiveInfinity : Expr.Zero) : Expr.Undefined;
        if (b is Number nb && e is Number ne) return NumberPower(nb.Value, ne.Value);
        if (b is NamedConstant { Kind: ConstantKind.E }) return Functions.Exp(e);
        if (e is Number { Value.IsInteger: true } n)
        {
            // Integer exponents distribute over products and multiply nested exponents for every real base.
            if (b is Power inner) return Power(inner.Base, Product([inner.Exponent, e]));
            if (b is Product p) return Product(p.Factors.Select(f => Power(f, n)));
        }
        var raw = new Power(b, e);
        return RewriteRules.Apply(raw) ?? raw;
    }

    /// <summary>r^e for rationals, exact when the root is rational; undefined for 0^(negative) and real roots of negatives.</summary>
    private static Expr NumberPower(Rational r, Rational e)
    {
        if (r.IsZero) return e.Sign > 0 ? Expr.Zero : Expr.Undefined;
        if (e.IsInteger)
            return e.Numerator.GetBitLength() <= 10
                ? Expr.Num(Rational.Pow(r, (int)e.Numerator))
                : new Power(Expr.Num(r), Expr.Num(e));
        if (r.Sign < 0) return Expr.Undefined;
        if (e.Denominator.GetBitLength() <= 16)
        {
            int q = (int)e.Denominator;
            var num = IntegerRoot(r.Numerator, q);
            var den = IntegerRoot(r.Denominator, q);
            if (num is { } a && den is { } d && e.Numerator.GetBitLength() <= 16)
                return Expr.Num(Rational.Pow(new Rational(a, d), (int)e.Numerator));
        }
        // Keep the power of a positive number; the integer part of the exponent stays inside, e.g. 2^(3/2).
        return new Power(Expr.Num(r), Expr.Num(e));
    }

    /// <summary>The exact q-th root of a nonnegative integer, or null when it is irrational.</summary>
    private static BigInteger? IntegerRoot(BigInteger n, int q)
    {
        if (n.IsZero || n.IsOne) return n;
        var guess = new BigInteger(Math.Round(Math.Exp(BigInteger.Log(n) / q)));
        for (var c = guess - 1; c <= guess + 1; c++)
            if (c.Sign > 0 && BigInteger.Pow(c, q) == n) return c;
        return null;
    }

    private static (Rational, Expr) SplitCoefficient(Expr term)
    {
        if (term is Product p && p.Factors[0] is Number n)
            return (n.Value, p.Factors.Length == 2 ? p.Factors[1] : new Product(p.Factors.RemoveAt(0)));
        return (Rational.One, term);
    }

    private static Expr WithCoefficient(Rational c, Expr rest)
    {
        if (c.IsOne) return rest;
        // rest is already a normalized product without a number, so prepending keeps the normal form.
        return rest is Product p ? new Product(p.Factors.Insert(0, Expr.Num(c))) : new Product([Expr.Num(c), rest]);
    }

    private static IEnumerable<Expr> Flatten<T>(IEnumerable<Expr> items, Func<T, ImmutableArray<Expr>> children) where T : Expr
    {
        foreach (var item in items)
        {
            ArgumentNullException.ThrowIfNull(item, nameof(items));
            if (item is T t)
                foreach (var c in children(t)) yield return c;
            else
                yield return item;
        }
    }
}
