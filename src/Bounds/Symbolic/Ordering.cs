using System.Collections.Immutable;

namespace BoundLab.Bounds.Symbolic;

/// <summary>
/// The canonical total order of normal forms: numbers first (by value), then constants, symbols (by name),
/// index variables, vector elements, functions, Σ/Π; a power sorts next to its base so that x and x² are neighbours; products and sums compare
/// as lists of their operands.
/// </summary>
public sealed class ExprOrder : IComparer<Expr>
{
    /// <summary>The single instance.</summary>
    public static ExprOrder Instance { get; } = new();

    private ExprOrder() { }

    /// <inheritdoc/>
    public int Compare(Expr? a, Expr? b)
    {
        if (ReferenceEquals(a, b)) return 0;
        if (a is null) return -1;
        if (b is null) return 1;
        if (a is Number x && b is Number y) return x.Value.CompareTo(y.Value);
        if (a is Number) return -1;
        if (b is Number) return 1;
        if (a is Product || b is Product)
        {
            // The numeric coefficient is the last tie-breaker, so that x, −y, 2·z sort as x, y, z.
            var (ca, ra) = SplitCoefficient(Operands<Product>(a));
            var (cb, rb) = SplitCoefficient(Operands<Product>(b));
            int byRest = CompareLists(ra, rb);
            return byRest != 0 ? byRest : ca.CompareTo(cb);
        }
        if (a is Sum || b is Sum) return CompareLists(Operands<Sum>(a), Operands<Sum>(b));
        if (a is Power || b is Power)
        {
            int c = Compare(BaseOf(a), BaseOf(b));
            return c != 0 ? c : Compare(ExponentOf(a), ExponentOf(b));
        }
        int rank = Rank(a).CompareTo(Rank(b));
        if (rank != 0) return rank;
        return (a, b) switch
        {
            (NamedConstant p, NamedConstant q) => p.Kind.CompareTo(q.Kind),
            (Symbol p, Symbol q) => string.CompareOrdinal(p.Name, q.Name) is var n && n != 0 ? n : p.Domain.CompareTo(q.Domain),
            (Function p, Function q) => p.Kind != q.Kind ? p.Kind.CompareTo(q.Kind) : CompareLists(p.Arguments, q.Arguments),
            (IndexVariable p, IndexVariable q) => string.CompareOrdinal(p.Name, q.Name),
            // Elements of one vector sort by index (numbers first, by value), so spec_1, spec_2, … keep their order.
            (Element p, Element q) => string.CompareOrdinal(p.Vector.Name, q.Vector.Name) is var n && n != 0 ? n
                : Compare(p.Index, q.Index) is var c && c != 0 ? c
                : string.CompareOrdinal(p.Vector.Length.Name, q.Vector.Length.Name) is var l && l != 0 ? l : p.Vector.Domain.CompareTo(q.Vector.Domain),
            (BigOperator p, BigOperator q) => p.Kind != q.Kind ? p.Kind.CompareTo(q.Kind)
                : CompareLists([p.Body, p.Lower, p.Upper, p.Index], [q.Body, q.Lower, q.Upper, q.Index]),
            _ => 0,
        };
    }

    private static int Rank(Expr e) => e switch
    {
        NamedConstant => 1,
        Symbol => 2,
        IndexVariable => 3,
        Element => 4,
        Function => 5,
        BigOperator => 6,
        Infinity => 7,
        _ => 8,
    };

    private static Expr BaseOf(Expr e) => e is Power p ? p.Base : e;
    private static Expr ExponentOf(Expr e) => e is Power p ? p.Exponent : Expr.One;

    private static ImmutableArray<Expr> Operands<T>(Expr e) where T : Expr => e switch
    {
        Product p when typeof(T) == typeof(Product) => p.Factors,
        Sum s when typeof(T) == typeof(Sum) => s.Terms,
        _ => [e],
    };

    private static (Rational, ImmutableArray<Expr>) SplitCoefficient(ImmutableArray<Expr> factors) =>
        factors[0] is Number n ? (n.Value, factors.RemoveAt(0)) : (Rational.One, factors);

    private int CompareLists(ImmutableArray<Expr> a, ImmutableArray<Expr> b)
    {
        for (int i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            int c = Compare(a[i], b[i]);
            if (c != 0) return c;
        }
        return a.Length.CompareTo(b.Length);
    }
}
