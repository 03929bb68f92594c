namespace BoundLab.Bounds.Symbolic;

/// <summary>Σ or Π.</summary>
public enum BigOperatorKind
{
    /// <summary>Σ_{i=lo}^{hi} body (0 over an empty range).</summary>
    Sum,
    /// <summary>Π_{i=lo}^{hi} body (1 over an empty range).</summary>
    Product,
}

/// <summary>
/// A vector input x = (x_1, …, x_L) whose length L is a scalar symbol (e.g. spec of length depth); its elements are
/// <see cref="Element"/> nodes. Two vectors are equal when name, length symbol and element domain are.
/// </summary>
public sealed record VectorSymbol
{
    /// <summary>Creates the vector; the name must be non-empty and the length symbol must range over positive integers.</summary>
    public VectorSymbol(string name, Symbol length, Domain domain = Domain.PositiveReal)
    {
        if (string.IsNullOrWhiteSpace(name))
            throw new ArgumentException($"Vector name must be non-empty, got '{name}'.", nameof(name));
        ArgumentNullException.ThrowIfNull(length);
        if (length.Domain != Domain.PositiveInteger)
            throw new ArgumentException($"The length of vector '{name}' must be a positive-integer symbol; {length.Name} has domain {length.Domain}.", nameof(length));
        Name = name;
        Length = length;
        Domain = domain;
    }

    /// <summary>The name.</summary>
    public string Name { get; }
    /// <summary>The symbol holding the number of elements.</summary>
    public Symbol Length { get; }
    /// <summary>The domain of every element.</summary>
    public Domain Domain { get; }

    /// <summary>The element x_index (1-based; index is an index variable, an integer or integer arithmetic on them).</summary>
    public Expr this[Expr index] => Expr.Element(this, index);

    /// <summary>The name.</summary>
    public override string ToString() => Name;
}

/// <summary>The bound variable i of a Σ or Π; it ranges over integers, so it may index vectors.</summary>
public sealed class IndexVariable : Expr
{
    internal IndexVariable(string name) : base(HashCode.Combine(10, name))
    {
        if (string.IsNullOrWhiteSpace(name))
            throw new ArgumentException($"Index name must be non-empty, got '{name}'.", nameof(name));
        Name = name;
    }
    /// <summary>The name.</summary>
    public string Name { get; }
    private protected override bool EqualsSameType(Expr other) => Name == ((IndexVariable)other).Name;
}

/// <summary>The element Vector_Index of a vector input (1-based).</summary>
public sealed class Element : Expr
{
    internal Element(VectorSymbol vector, Expr index) : base(HashCode.Combine(11, vector, index))
    {
        Vector = vector;
        Index = index;
    }
    /// <summary>The vector.</summary>
    public VectorSymbol Vector { get; }
    /// <summary>The 1-based index (an integer-valued expression).</summary>
    public Expr Index { get; }
    private protected override bool EqualsSameType(Expr other) =>
        Vector.Equals(((Element)other).Vector) && Index.Equals(((Element)other).Index);
}

/// <summary>Σ_{Index=Lower}^{Upper} Body or Π_{Index=Lower}^{Upper} Body; Body depends on Index (else it is folded).</summary>
public sealed class BigOperator : Expr
{
    internal BigOperator(BigOperatorKind kind, IndexVariable index, Expr lower, Expr upper, Expr body)
        : base(HashCode.Combine(12, kind, index, lower, upper, body))
    {
        Kind = kind;
        Index = index;
        Lower = lower;
        Upper = upper;
        Body = body;
    }
    /// <summary>Σ or Π.</summary>
    public BigOperatorKind Kind { get; }
    /// <summary>The bound variable.</summary>
    public IndexVariable Index { get; }
    /// <summary>The first index (inclusive).</summary>
    public Expr Lower { get; }
    /// <summary>The last index (inclusive); the range is empty when Upper &lt; Lower.</summary>
    public Expr Upper { get; }
    /// <summary>The summand or factor, over Index.</summary>
    public Expr Body { get; }
    private protected override bool EqualsSameType(Expr other)
    {
        var o = (BigOperator)other;
        return Kind == o.Kind && Index.Equals(o.Index) && Lower.Equals(o.Lower) && Upper.Equals(o.Upper) && Body.Equals(o.Body);
    }
}

// The constructors of the indexed nodes.
public abstract partial class Expr
{
    /// <summary>The index variable with this name, to be bound by <see cref="SumOver(IndexVariable, Expr, Expr)"/> or <see cref="ProductOver(IndexVariable, Expr, Expr)"/>.</summary>
    public static IndexVariable IndexVar(string name) => new(name);

    /// <summary>The vector element v_index; a numeric index must be an integer ≥ 1.</summary>
    public static Expr Element(VectorSymbol vector, Expr index)
    {
        ArgumentNullException.ThrowIfNull(vector);
        ArgumentNullException.ThrowIfNull(index);
        if (index is UndefinedValue) return Undefined;
        if (index is Number n && !(n.Value.IsInteger && n.Value.Sign > 0))
            throw new ArgumentOutOfRangeException(nameof(index), n.Value.ToString(), $"An element index of {vector.Name} must be an integer ≥ 1.");
        return new Element(vector, index);
    }

    /// <summary>Σ_{i=1}^{upper} body.</summary>
    public static Expr SumOver(IndexVariable i, Expr upper, Expr body) => Indexed.Make(BigOperatorKind.Sum, i, One, upper, body);

    /// <summary>Σ_{i=lower}^{upper} body.</summary>
    public static Expr SumOver(IndexVariable i, Expr lower, Expr upper, Expr body) => Indexed.Make(BigOperatorKind.Sum, i, lower, upper, body);

    /// <summary>Π_{i=1}^{upper} body.</summary>
    public static Expr ProductOver(IndexVariable i, Expr upper, Expr body) => Indexed.Make(BigOperatorKind.Product, i, One, upper, body);

    /// <summary>Π_{i=lower}^{upper} body.</summary>
    public static Expr ProductOver(IndexVariable i, Expr lower, Expr upper, Expr body) => Indexed.Make(BigOperatorKind.Product, i, lower, upper, body);
}
