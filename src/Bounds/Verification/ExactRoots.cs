using System.Numerics;
using BoundLab.Bounds.Symbolic;

namespace BoundLab.Bounds.Verification;

/// <summary>
/// Exact arithmetic with real roots c^(1/k) of nonnegative rationals, by integer arithmetic only: comparisons are
/// decided by raising both sides to the k-th power, and roots are bracketed by integer k-th roots. This is the
/// independent exact check that every solver verdict on the ADMM conditions is compared with.
/// </summary>
public static class ExactRoots
{
    /// <summary>The sign of p − a·c^(m/k) for a ≥ 0, c ≥ 0, m ≥ 0, k ≥ 1 (decided exactly).</summary>
    public static int SignOfDifference(Rational p, Rational a, Rational c, int m, int k)
    {
        if (a.Sign < 0) throw new ArgumentOutOfRangeException(nameof(a), a, "The coefficient must be ≥ 0.");
        if (c.Sign < 0) throw new ArgumentOutOfRangeException(nameof(c), c, "The radicand must be ≥ 0.");
        if (m < 0) throw new ArgumentOutOfRangeException(nameof(m), m, "The exponent must be ≥ 0.");
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), k, "The root index must be ≥ 1.");
        if (a.IsZero || (c.IsZero && m > 0)) return p.Sign;
        if (p.Sign <= 0) return -1; // a·c^(m/k) > 0 here
        // p ≥ a·c^(m/k) ⟺ (p/a)^k ≥ c^m, both sides nonnegative.
        return Rational.Pow(p / a, k).CompareTo(Rational.Pow(c, m));
    }

    /// <summary>The exact root c^(1/k) when it is rational, otherwise null.</summary>
    public static Rational? TryExactRoot(Rational c, int k)
    {
        if (c.Sign < 0) throw new ArgumentOutOfRangeException(nameof(c), c, "The radicand must be ≥ 0.");
        var num = FloorRoot(c.Numerator, k);
        var den = FloorRoot(c.Denominator, k);
        return BigInteger.Pow(num, k) == c.Numerator && BigInteger.Pow(den, k) == c.Denominator ? new Rational(num, den) : null;
    }

    /// <summary>A rational u with c^(1/k) ≤ u ≤ c^(1/k)·(1 + 10^(−digits)) (exact when the root is rational).</summary>
    public static Rational RootUpper(Rational c, int k, int digits)
    {
        if (TryExactRoot(c, k) is { } exact) return exact;
        // u = ⌈(c·S^k)^(1/k)⌉ / S with S large enough that one unit in S is below the requested relative error.
        var scale = Scale(c, k, digits);
        var scaled = c * new Rational(BigInteger.Pow(scale, k));
        var root = FloorRoot(Ceiling(scaled), k);
        if (Rational.Pow(new Rational(root), k) < scaled) root += 1;
        return new Rational(root, scale);
    }

    /// <summary>A rational l with c^(1/k)·(1 − 10^(−digits)) ≤ l ≤ c^(1/k).</summary>
    public static Rational RootLower(Rational c, int k, int digits)
    {
        if (TryExactRoot(c, k) is { } exact) return exact;
        var scale = Scale(c, k, digits);
        var scaled = c * new Rational(BigInteger.Pow(scale, k));
        return new Rational(FloorRoot(Floor(scaled), k), scale);
    }

    /// <summary>The smallest decimal with the given number of significant digits that is ≥ x (x &gt; 0).</summary>
    public static Rational CeilingDecimal(Rational x, int significantDigits)
    {
        if (x.Sign <= 0) throw new ArgumentOutOfRangeException(nameof(x), x, "Only positive values are rounded here.");
        int exp10 = (int)Math.Floor(BigInteger.Log10(x.Numerator) - BigInteger.Log10(x.Denominator)) - significantDigits + 1;
        var unit = exp10 >= 0 ? new Rational(BigInteger.Pow(10, exp10)) : new Rational(BigInteger.One, BigInteger.Pow(10, -exp10));
        var steps = Ceiling(x / unit);
        return new Rational(steps) * unit;
    }

    /// <summary>A decimal string for x: exact when x has a terminating expansion of at most 60 digits after the point, else rounded to 17 significant digits with a leading '≈'.</summary>
    public static string Decimal(Rational x)
    {
        var d = x.Denominator;
        int twos = 0, fives = 0;
        while (d % 2 == 0) { d /= 2; twos++; }
        while (d % 5 == 0) { d /= 5; fives++; }
        int places = Math.Max(twos, fives);
        if (d.IsOne && places <= 60)
        {
            var scaled = BigInteger.Abs(x.Numerator * BigInteger.Pow(10, places) / x.Denominator);
            string digits = scaled.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(places + 1, '0');
            string text = places == 0 ? digits : digits[..^places] + "." + digits[^places..];
            return x.Sign < 0 ? "-" + text : text;
        }
        return "≈" + x.ToDouble().ToString("G17", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>x exactly: a decimal when its expansion terminates within 60 places, else "p/q".</summary>
    public static string ExactText(Rational x)
    {
        string d = Decimal(x);
        return d.StartsWith('≈') ? x.ToString() : d;
    }

    /// <summary>⌊n^(1/k)⌋ for n ≥ 0.</summary>
    public static BigInteger FloorRoot(BigInteger n, int k)
    {
        if (n.Sign < 0) throw new ArgumentOutOfRangeException(nameof(n), n, "Only nonnegative integers have a real floor root here.");
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), k, "The root index must be ≥ 1.");
        if (n < 2 || k == 1) return n;
        // Newton's iteration from an overestimate decreases monotonically to ⌊n^(1/k)⌋.
        var x = BigInteger.One << (int)((n.GetBitLength() + k - 1) / k + 1);
        while (true)
        {
            var y = ((k - 1) * x + n / BigInteger.Pow(x, k - 1)) / k;
            if (y >= x) break;
            x = y;
        }
        while (BigInteger.Pow(x, k) > n) x -= 1;
        while (BigInteger.Pow(x + 1, k) <= n) x += 1;
        return x;
    }

    private static BigInteger Scale(Rational c, int k, int digits)
    {
        // The root is at least c^(1/k) ≥ 10^(floor(log10 c)/k − 1); pick S with 1/S ≤ that × 10^(−digits).
        double log10Root = (BigInteger.Log10(c.Numerator) - BigInteger.Log10(c.Denominator)) / k;
        int exp = Math.Max(0, digits + 2 - (int)Math.Floor(log10Root));
        return BigInteger.Pow(10, exp);
    }

    private static BigInteger Floor(Rational x) => BigInteger.Divide(x.Numerator - (x.Sign < 0 ? x.Denominator - 1 : 0), x.Denominator);

    private static BigInteger Ceiling(Rational x) => -Floor(-x);
}
