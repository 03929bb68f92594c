namespace BoundLab.Bounds.Symbolic;

/// <summary>
/// An immutable real-valued expression, always in normal form: the only way to build one is through the
/// normalizing constructors below (sums and products flattened, constants folded exactly, like terms
/// collected, operands in canonical order, the rules of <see cref="RewriteRules"/> applied).
/// Equality is structural, so two expressions with the same normal form are equal.
/// </summary>
public abstract partial class Expr : IEquatable<Expr>
{
    private readonly int hash;

    private protected Expr(int hash) => this.hash = hash;

    /// <summary>0.</summary>
    public static Expr Zero { get; } = new Number(Rational.Zero);
    /// <summary>1.</summary>
    public static Expr One { get; } = new Number(Rational.One);
    /// <summary>−1.</summary>
    public static Expr MinusOne { get; } = new Number(-Rational.One);
    /// <summary>1/2, the exponent of a square root.</summary>
    public static Expr Half { get; } = new Number(new Rational(1, 2));
    /// <summary>Euler's number e.</summary>
    public static Expr E { get; } = new NamedConstant(ConstantKind.E);
    /// <summary>π.</summary>
    public static Expr Pi { get; } = new NamedConstant(ConstantKind.Pi);
    /// <summary>Positive infinity; absorbing in sums (x + ∞ = ∞ for real x).</summary>
    public static Expr PositiveInfinity { get; } = new Infinity();
    /// <summary>The undefined value (0·∞, ∞ − ∞, ln of a nonpositive number, …); absorbing everywhere.</summary>
    public static Expr Undefined { get; } = new UndefinedValue();

    /// <summary>An exact rational constant.</summary>
    public static Expr Num(Rational value) => value.IsZero ? Zero : value.IsOne ? One : new Number(value);

    /// <summary>The exact rational p/q.</summary>
    public static Expr Num(long numerator, long denominator) => Num(new Rational(numerator, denominator));

    /// <summary>A symbol with a name and a domain (default: positive reals).</summary>
    public static Symbol Sym(string name, Domain domain = Domain.PositiveReal) => new(name, domain);

    /// <summary>The n-ary sum, normalized.</summary>
    public static Expr Add(params Expr[] terms) => Algebra.Sum(terms);

    /// <summary>The n-ary sum, normalized.</summary>
    public static Expr Add(IEnumerable<Expr> terms) => Algebra.Sum(terms);

    /// <summary>The n-ary product, normalized.</summary>
    public static Expr Multiply(params Expr[] factors) => Algebra.Product(factors);

    /// <summary>The n-ary product, normalized.</summary>
    public static Expr Multiply(IEnumerable<Expr> factors) => Algebra.Product(factors);

    /// <summary>base^exponent, normalized.</summary>
    public static Expr Pow(Expr @base, Expr exponent) => Algebra.Power(@base, exponent);

    /// <summary>The square root, represented as x^(1/2) and printed as a root.</summary>
    public static Expr Sqrt(Expr x) => Algebra.Power(x, Half);

    /// <summary>The natural logarithm.</summary>
    public static Expr Ln(Expr x) => Functions.Ln(x);

    /// <summary>The exponential.</summary>
    public static Expr Exp(Expr x) => Functions.Exp(x);

    /// <summary>e^x − 1, kept as its own node so that small x does not cancel (Catoni's 1 − e^(−x) = −expm1(−x)).</summary>
    public static Expr Expm1(Expr x) => Functions.Expm1(x);

    /// <summary>The n-ary minimum (flattened, deduplicated, numbers folded).</summary>
    public static Expr Min(params Expr[] args) => Functions.MinMax(FunctionKind.Min, args);

    /// <summary>The n-ary minimum of a sequence.</summary>
    public static Expr Min(IEnumerable<Expr> args) => Functions.MinMax(FunctionKind.Min, args);

    /// <summary>The n-ary maximum (flattened, deduplicated, numbers folded).</summary>
    public static Expr Max(params Expr[] args) => Functions.MinMax(FunctionKind.Max, args);

    /// <summary>The n-ary maximum of a sequence.</summary>
    public static Expr Max(IEnumerable<Expr> args) => Functions.MinMax(FunctionKind.Max, args);

    /// <summary>kl⁻¹(q, c) = sup{p ∈ [q, 1] : kl(q‖p) ≤ c}, the inverse of the binary KL divergence in its second argument.</summary>
    public static Expr KlInv(Expr q, Expr c) => Functions.KlInv(q, c);

    /// <summary>bin⁻¹(q, n, δ) = sup{p ∈ [0, 1] : P(X ≤ qn | X ~ Bin(n, p)) ≥ δ}, the exact test-set bound (qn an integer).</summary>
    public static Expr BinomInv(Expr q, Expr n, Expr delta) => Functions.BinomInv(q, n, delta);

    /// <summary>Sum.</summary>
    public static Expr operator +(Expr a, Expr b) => Add(a, b);
    /// <summary>Difference.</summary>
    public static Expr operator -(Expr a, Expr b) => Add(a, Multiply(MinusOne, b));
    /// <summary>Negation.</summary>
    public static Expr operator -(Expr a) => Multiply(MinusOne, a);
    /// <summary>Product.</summary>
    public static Expr operator *(Expr a, Expr b) => Multiply(a, b);
    /// <summary>Quotient a · b^(−1).</summary>
    public static Expr operator /(Expr a, Expr b) => Multiply(a, Pow(b, MinusOne));
    /// <summary>Sum with an integer (F# resolves operators on the operand types, so these overloads are explicit).</summary>
    public static Expr operator +(int a, Expr b) => Num(a) + b;
    /// <summary>Sum with an integer.</summary>
    public static Expr operator +(Expr a, int b) => a + Num(b);
    /// <summary>Difference with an integer.</summary>
    public static Expr operator -(int a, Expr b) => Num(a) - b;
    /// <summary>Difference with an integer.</summary>
    public static Expr operator -(Expr a, int b) => a - Num(b);
    /// <summary>Product with an integer.</summary>
    public static Expr operator *(int a, Expr b) => Num(a) * b;
    /// <summary>Product with an integer.</summary>
    public static Expr operator *(Expr a, int b) => a * Num(b);
    /// <summary>Quotient with an integer.</summary>
    public static Expr operator /(int a, Expr b) => Num(a) / b;
    /// <summary>Quotient with an integer.</summary>
    public static Expr operator /(Expr a, int b) => a / Num(b);
    /// <summary>Sum with a double (its exact binary value).</summary>
    public static Expr operator +(double a, Expr b) => FromDouble(a) + b;
    /// <summary>Sum with a double.</summary>
    public static Expr operator +(Expr a, double b) => a + FromDouble(b);
    /// <summary>Product with a double.</summary>
    public static Expr operator *(double a, Expr b) => FromDouble(a) * b;
    /// <summary>Product with a double.</summary>
    public static Expr operator *(Expr a, double b) => a * FromDouble(b);
    /// <summary>Quotient with a double.</summary>
    public static Expr operator /(Expr a, double b) => a / FromDouble(b);
    /// <summary>Quotient with a double.</summary>
    public static Expr operator /(double a, Expr b) => FromDouble(a) / b;

    /// <summary>An integer constant.</summary>
    public static implicit operator Expr(int value) => Num(value);
    /// <summary>The exact rational value of a finite double; NaN and infinities are rejected.</summary>
    public static implicit operator Expr(double value) => FromDouble(value);
    /// <summary>An exact rational constant.</summary>
    public static implicit operator Expr(Rational value) => Num(value);

    /// <summary>The exact rational value of a finite double; throws for NaN and ±∞.</summary>
    public static Expr FromDouble(double value)
    {
        if (!double.IsFinite(value))
            throw new ArgumentOutOfRangeException(nameof(value), value, "Only finite doubles convert to an expression; use Expr.PositiveInfinity for ∞.");
        return Num(Rational.FromDouble(value));
    }

    /// <summary>Structural equality of the normal forms.</summary>
    public bool Equals(Expr? other) =>
        other is not null && (ReferenceEquals(this, other) || (hash == other.hash && GetType() == other.GetType() && EqualsSameType(other)));

    private protected abstract bool EqualsSameType(Expr other);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Expr e && Equals(e);
    /// <inheritdoc/>
    public override int GetHashCode() => hash;
    /// <summary>Structural equality.</summary>
    public static bool operator ==(Expr? a, Expr? b) => a is null ? b is null : a.Equals(b);
    /// <summary>Structural inequality.</summary>
    public static bool operator !=(Expr? a, Expr? b) => !(a == b);

    /// <summary>The ASCII infix form, readable back by <see cref="Parser"/>.</summary>
    public override string ToString() => TextPrinter.Infix(this);
}
