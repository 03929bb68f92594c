using System.Collections.Immutable;

namespace BoundLab.Bounds.Symbolic;

/// <summary>An exact rational constant.</summary>
public sealed class Number : Expr
{
    internal Number(Rational value) : base(HashCode.Combine(1, value)) => Value = value;
    /// <summary>The value.</summary>
    public Rational Value { get; }
    private protected override bool EqualsSameType(Expr other) => Value == ((Number)other).Value;
}

/// <summary>A named real variable with a domain; two symbols are equal when name and domain are.</summary>
public sealed class Symbol : Expr
{
    internal Symbol(string name, Domain domain) : base(HashCode.Combine(2, name, domain))
    {
        if (string.IsNullOrWhiteSpace(name))
            throw new ArgumentException($"Symbol name must be non-empty, got '{name}'.", nameof(name));
        Name = name;
        Domain = domain;
    }
    /// <summary>The name.</summary>
    public string Name { get; }
    /// <summary>The domain.</summary>
    public Domain Domain { get; }
    private protected override bool EqualsSameType(Expr other) =>
        Name == ((Symbol)other).Name && Domain == ((Symbol)other).Domain;
}

/// <summary>e or π.</summary>
public sealed class NamedConstant : Expr
{
    internal NamedConstant(ConstantKind kind) : base(HashCode.Combine(3, kind)) => Kind = kind;
    /// <summary>Which constant.</summary>
    public ConstantKind Kind { get; }
    private protected override bool EqualsSameType(Expr other) => Kind == ((NamedConstant)other).Kind;
}

/// <summary>A sum of at least two terms: none is a sum, only the first may be a number, no two are like terms.</summary>
public sealed class Sum : Expr
{
    internal Sum(ImmutableArray<Expr> terms) : base(ListHash(4, terms)) => Terms = terms;
    /// <summary>The terms in canonical order.</summary>
    public ImmutableArray<Expr> Terms { get; }
    private protected override bool EqualsSameType(Expr other) => Terms.SequenceEqual(((Sum)other).Terms);
    internal static int ListHash(int seed, ImmutableArray<Expr> items)
    {
        var h = new HashCode();
        h.Add(seed);
        foreach (var e in items) h.Add(e);
        return h.ToHashCode();
    }
}

/// <summary>A product of at least two factors: none is a product, only the first may be a number, each base occurs once.</summary>
public sealed class Product : Expr
{
    internal Product(ImmutableArray<Expr> factors) : base(Sum.ListHash(5, factors)) => Factors = factors;
    /// <summary>The factors in canonical order.</summary>
    public ImmutableArray<Expr> Factors { get; }
    private protected override bool EqualsSameType(Expr other) => Factors.SequenceEqual(((Product)other).Factors);
}

/// <summary>base^exponent with exponent ∉ {0, 1}; square roots are exponent 1/2.</summary>
public sealed class Power : Expr
{
    internal Power(Expr @base, Expr exponent) : base(HashCode.Combine(6, @base, exponent))
    {
        Base = @base;
        Exponent = exponent;
    }
    /// <summary>The base.</summary>
    public Expr Base { get; }
    /// <summary>The exponent.</summary>
    public Expr Exponent { get; }
    private protected override bool EqualsSameType(Expr other) =>
        Base.Equals(((Power)other).Base) && Exponent.Equals(((Power)other).Exponent);
}

/// <summary>ln, exp, expm1, min, max or kl⁻¹ applied to its arguments.</summary>
public sealed class Function : Expr
{
    internal Function(FunctionKind kind, ImmutableArray<Expr> arguments) : base(Sum.ListHash(7 + (int)kind * 16, arguments))
    {
        Kind = kind;
        Arguments = arguments;
    }
    /// <summary>Which function.</summary>
    public FunctionKind Kind { get; }
    /// <summary>The arguments (one for ln/exp/expm1, two for kl⁻¹ as (q, c), at least two for min/max).</summary>
    public ImmutableArray<Expr> Arguments { get; }
    private protected override bool EqualsSameType(Expr other) =>
        Kind == ((Function)other).Kind && Arguments.SequenceEqual(((Function)other).Arguments);
}

/// <summary>Positive infinity.</summary>
public sealed class Infinity : Expr
{
    internal Infinity() : base(8) { }
    private protected override bool EqualsSameType(Expr other) => true;
}

/// <summary>The undefined value.</summary>
public sealed class UndefinedValue : Expr
{
    internal UndefinedValue() : base(9) { }
    private protected override bool EqualsSameType(Expr other) => true;
}
