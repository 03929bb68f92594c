using System.Globalization;
using System.Numerics;

namespace BoundLab.Bounds.Symbolic;

/// <summary>An exact rational number p/q with q &gt; 0 and gcd(p, q) = 1 (so equal values are equal structs).</summary>
public readonly struct Rational : IEquatable<Rational>, IComparable<Rational>, IComparable
{
    /// <summary>The numerator; carries the sign.</summary>
    public BigInteger Numerator { get; }

    /// <summary>The denominator; always positive (a default-constructed struct reads as 0/1).</summary>
    public BigInteger Denominator => denominatorMinusOne + BigInteger.One;

    // Stored minus one so that default(Rational) is the valid value 0/1 rather than 0/0.
    private readonly BigInteger denominatorMinusOne;

    /// <summary>Creates p/q in lowest terms with a positive denominator.</summary>
    public Rational(BigInteger numerator, BigInteger denominator)
    {
        if (denominator.IsZero)
            throw new ArgumentOutOfRangeException(nameof(denominator), denominator, "Denominator must be nonzero.");
        if (denominator.Sign < 0) { numerator = -numerator; denominator = -denominator; }
        var g = BigInteger.GreatestCommonDivisor(numerator, denominator);
        if (!g.IsOne && !g.IsZero) { numerator /= g; denominator /= g; }
        if (numerator.IsZero) denominator = BigInteger.One;
        Numerator = numerator;
        denominatorMinusOne = denominator - BigInteger.One;
    }

    /// <summary>The integer n as a rational.</summary>
    public Rational(BigInteger n) : this(n, BigInteger.One) { }

    /// <summary>0.</summary>
    public static Rational Zero => new(BigInteger.Zero);
    /// <summary>1.</summary>
    public static Rational One => new(BigInteger.One);
    /// <summary>−1.</summary>
    public static Rational MinusOne => new(BigInteger.MinusOne);

    /// <summary>True when the denominator is 1.</summary>
    public bool IsInteger => Denominator.IsOne;
    /// <summary>True for 0.</summary>
    public bool IsZero => Numerator.IsZero;
    /// <summary>True for 1.</summary>
    public bool IsOne => Numerator.IsOne && Denominator.IsOne;
    /// <summary>−1, 0 or 1.</summary>
    public int Sign => Numerator.Sign;

    /// <summary>The exact value of a finite double (every finite double is a dyadic rational).</summary>
    public static Rational FromDouble(double value)
    {
        if (!double.IsFinite(value))
            throw new ArgumentOutOfRangeException(nameof(value), value, "Only finite doubles convert to an exact rational.");
        if (value == 0) return Zero;
        long bits = BitConverter.DoubleToInt64Bits(value);
        bool negative = bits < 0;
        int exponent = (int)((bits >> 52) & 0x7FF);
        long mantissa = bits & 0xFFFFFFFFFFFFFL;
        if (exponent == 0) exponent++; else mantissa |= 1L << 52;
        exponent -= 1075;
        BigInteger num = negative ? -mantissa : mantissa;
        return exponent >= 0
            ? new Rational(num * BigInteger.Pow(2, exponent))
            : new Rational(num, BigInteger.Pow(2, -exponent));
    }

    /// <summary>Parses an integer or decimal literal such as "12", "0.25" or "1e-3" exactly.</summary>
    public static Rational ParseDecimal(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string mantissa = text;
        int exp10 = 0;
        int e = text.IndexOfAny(['e', 'E']);
        if (e >= 0)
        {
            exp10 = int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            mantissa = text[..e];
        }
        int dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        if (dot >= 0)
        {
            exp10 -= mantissa.Length - dot - 1;
            mantissa = mantissa.Remove(dot, 1);
        }
        if (mantissa.Length == 0 || !mantissa.All(char.IsAsciiDigit))
            throw new FormatException($"'{text}' is not a decimal literal.");
        var digits = BigInteger.Parse(mantissa, CultureInfo.InvariantCulture);
        return exp10 >= 0
            ? new Rational(digits * BigInteger.Pow(10, exp10))
            : new Rational(digits, BigInteger.Pow(10, -exp10));
    }

    /// <summary>The nearest double (exact when representable).</summary>
    public double ToDouble()
    {
        double d = (double)Numerator / (double)Denominator;
        if (double.IsFinite(d) && (d != 0 || IsZero)) return d;
        // Numerator or denominator beyond double range: go through logarithms.
        return Sign * Math.Exp(BigInteger.Log(BigInteger.Abs(Numerator)) - BigInteger.Log(Denominator));
    }

    /// <summary>r^n for an integer n (0^n with n &lt; 0 is rejected).</summary>
    public static Rational Pow(Rational r, int n)
    {
        if (n >= 0) return new Rational(BigInteger.Pow(r.Numerator, n), BigInteger.Pow(r.Denominator, n));
        if (r.IsZero) throw new DivideByZeroException("0 raised to a negative power.");
        return new Rational(BigInteger.Pow(r.Denominator, -n), BigInteger.Pow(r.Numerator, -n));
    }

    /// <summary>Sum.</summary>
    public static Rational operator +(Rational a, Rational b) =>
        new(a.Numerator * b.Denominator + b.Numerator * a.Denominator, a.Denominator * b.Denominator);
    /// <summary>Difference.</summary>
    public static Rational operator -(Rational a, Rational b) =>
        new(a.Numerator * b.Denominator - b.Numerator * a.Denominator, a.Denominator * b.Denominator);
    /// <summary>Negation.</summary>
    public static Rational operator -(Rational a) => new(-a.Numerator, a.Denominator);
    /// <summary>Product.</summary>
    public static Rational operator *(Rational a, Rational b) =>
        new(a.Numerator * b.Numerator, a.Denominator * b.Denominator);
    /// <summary>Quotient; throws on division by zero.</summary>
    public static Rational operator /(Rational a, Rational b)
    {
        if (b.IsZero) throw new DivideByZeroException("Rational division by zero.");
        return new(a.Numerator * b.Denominator, a.Denominator * b.Numerator);
    }
    /// <summary>The integer as a rational.</summary>
    public static implicit operator Rational(int n) => new(n);
    /// <summary>Order.</summary>
    public static bool operator <(Rational a, Rational b) => a.CompareTo(b) < 0;
    /// <summary>Order.</summary>
    public static bool operator >(Rational a, Rational b) => a.CompareTo(b) > 0;
    /// <summary>Order.</summary>
    public static bool operator <=(Rational a, Rational b) => a.CompareTo(b) <= 0;
    /// <summary>Order.</summary>
    public static bool operator >=(Rational a, Rational b) => a.CompareTo(b) >= 0;
    /// <summary>Equality.</summary>
    public static bool operator ==(Rational a, Rational b) => a.Equals(b);
    /// <summary>Inequality.</summary>
    public static bool operator !=(Rational a, Rational b) => !a.Equals(b);

    /// <inheritdoc/>
    public int CompareTo(Rational other) => (Numerator * other.Denominator).CompareTo(other.Numerator * Denominator);
    /// <inheritdoc/>
    public int CompareTo(object? obj) => obj is Rational r ? CompareTo(r)
        : throw new ArgumentException($"Cannot compare a Rational with {obj?.GetType().Name ?? "null"}.", nameof(obj));
    /// <inheritdoc/>
    public bool Equals(Rational other) => Numerator == other.Numerator && Denominator == other.Denominator;
    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Rational r && Equals(r);
    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Numerator, Denominator);
    /// <summary>"p" or "p/q".</summary>
    public override string ToString() => IsInteger
        ? Numerator.ToString(CultureInfo.InvariantCulture)
        : $"{Numerator.ToString(CultureInfo.InvariantCulture)}/{Denominator.ToString(CultureInfo.InvariantCulture)}";
}
