namespace BoundLab.Bounds.Symbolic;

/// <summary>
/// The normalizing constructor of Σ/Π and the index-aware traversals they need: free index variables (an inner
/// Σ over the same name shadows the outer one), substitution of an index, unrolling over numeric ranges, and the
/// vectors an expression reads.
/// </summary>
internal static class Indexed
{
    /// <summary>
    /// Σ/Π over lower..upper, normalized: an empty numeric range gives 0 (Σ) or 1 (Π); a body that does not depend on
    /// the index gives count·body (Σ) or body^count (Π) when the count upper − lower + 1 is known to be ≥ 0.
    /// </summary>
    public static Expr Make(BigOperatorKind kind, IndexVariable i, Expr lower, Expr upper, Expr body)
    {
        ArgumentNullException.ThrowIfNull(i);
        ArgumentNullException.ThrowIfNull(lower);
        ArgumentNullException.ThrowIfNull(upper);
        ArgumentNullException.ThrowIfNull(body);
        if (lower is UndefinedValue || upper is UndefinedValue || body is UndefinedValue) return Expr.Undefined;
        foreach (var (bound, what) in new[] { (lower, "lower"), (upper, "upper") })
        {
            if (bound is Number n && !n.Value.IsInteger)
                throw new ArgumentException($"The {what} limit of a {Name(kind)} over {i.Name} must be an integer, got {n.Value}.", what);
            if (DependsOnIndex(bound, i.Name))
                throw new ArgumentException($"The {what} limit {bound} of a {Name(kind)} over {i.Name} must not depend on {i.Name}.", what);
        }
        if (lower is Number lo && upper is Number hi && hi.Value < lo.Value)
            return kind == BigOperatorKind.Sum ? Expr.Zero : Expr.One;
        if (!DependsOnIndex(body, i.Name))
        {
            var count = upper - lower + 1;
            if (count is Number { Value.Sign: >= 0 } || Signs.IsNonNegative(count))
                return kind == BigOperatorKind.Sum ? count * body : Expr.Pow(body, count);
        }
        return new BigOperator(kind, i, lower, upper, body);
    }

    public static string Name(BigOperatorKind kind) => kind == BigOperatorKind.Sum ? "sum" : "product";

    /// <summary>True when the index variable occurs free in e.</summary>
    public static bool DependsOnIndex(Expr e, string index) => e switch
    {
        IndexVariable v => v.Name == index,
        BigOperator b => DependsOnIndex(b.Lower, index) || DependsOnIndex(b.Upper, index) || (b.Index.Name != index && DependsOnIndex(b.Body, index)),
        _ => Children(e).Any(c => DependsOnIndex(c, index)),
    };

    /// <summary>The names of the index variables that occur free in e.</summary>
    public static IEnumerable<string> FreeIndices(Expr e) => e switch
    {
        IndexVariable v => [v.Name],
        BigOperator b => FreeIndices(b.Lower).Concat(FreeIndices(b.Upper)).Concat(FreeIndices(b.Body).Where(n => n != b.Index.Name)),
        _ => Children(e).SelectMany(FreeIndices),
    };

    /// <summary>Every index name used in e, bound or free (to pick fresh names).</summary>
    public static IEnumerable<string> AllIndices(Expr e) => e switch
    {
        IndexVariable v => [v.Name],
        BigOperator b => new[] { b.Index.Name }.Concat(Children(e).SelectMany(AllIndices)),
        _ => Children(e).SelectMany(AllIndices),
    };

    /// <summary>An index name based on hint that does not occur in any of the expressions.</summary>
    public static IndexVariable Fresh(string hint, params Expr[] avoid)
    {
        var used = avoid.SelectMany(AllIndices).ToHashSet();
        if (!used.Contains(hint)) return Expr.IndexVar(hint);
        for (int k = 2; ; k++)
            if (!used.Contains(hint + k)) return Expr.IndexVar(hint + k);
    }

    /// <summary>e with the free occurrences of the index replaced by value (value must not mention indices bound in e).</summary>
    public static Expr SubstituteIndex(Expr e, string index, Expr value) => e switch
    {
        IndexVariable v => v.Name == index ? value : v,
        BigOperator b when b.Index.Name == index =>
            Make(b.Kind, b.Index, SubstituteIndex(b.Lower, index, value), SubstituteIndex(b.Upper, index, value), b.Body),
        _ => Map(e, c => SubstituteIndex(c, index, value)),
    };

    /// <summary>Every Σ/Π whose limits are numbers written out as a plain sum or product (innermost first).</summary>
    public static Expr Unroll(Expr e)
    {
        var mapped = Map(e, Unroll);
        if (mapped is not BigOperator { Lower: Number lo, Upper: Number hi } b) return mapped;
        var items = new List<Expr>();
        for (var j = lo.Value; j <= hi.Value; j += Rational.One)
            items.Add(Unroll(SubstituteIndex(b.Body, b.Index.Name, Expr.Num(j))));
        return b.Kind == BigOperatorKind.Sum ? Expr.Add(items) : Expr.Multiply(items);
    }

    /// <summary>e with each element that <paramref name="replace"/> maps replaced, renormalized.</summary>
    public static Expr ReplaceElements(Expr e, Func<Element, Expr?> replace)
    {
        var mapped = Map(e, c => ReplaceElements(c, replace));
        return mapped is Element el && replace(el) is { } r ? r : mapped;
    }

    /// <summary>The vectors read by e, by name.</summary>
    public static IReadOnlyList<VectorSymbol> FreeVectors(Expr e)
    {
        var set = new HashSet<VectorSymbol>();
        Visit(e);
        return [.. set.OrderBy(v => v.Name, StringComparer.Ordinal)];

        void Visit(Expr x)
        {
            if (x is Element el) set.Add(el.Vector);
            foreach (var c in Children(x)) Visit(c);
        }
    }

    /// <summary>True when e contains an element or a Σ/Π.</summary>
    public static bool HasIndexed(Expr e) => e is Element or BigOperator or IndexVariable || Children(e).Any(HasIndexed);

    /// <summary>The direct sub-expressions of e.</summary>
    public static IEnumerable<Expr> Children(Expr e) => e switch
    {
        Sum s => s.Terms,
        Product p => p.Factors,
        Power p => [p.Base, p.Exponent],
        Function f => f.Arguments,
        Element el => [el.Index],
        BigOperator b => [b.Lower, b.Upper, b.Body],
        _ => [],
    };

    /// <summary>e's node rebuilt (renormalized) with each direct sub-expression mapped; leaves are returned as they are.</summary>
    public static Expr Map(Expr e, Func<Expr, Expr> child) => e switch
    {
        Sum s => Expr.Add(s.Terms.Select(child)),
        Product p => Expr.Multiply(p.Factors.Select(child)),
        Power p => Expr.Pow(child(p.Base), child(p.Exponent)),
        Function f => Functions.Rebuild(f.Kind, [.. f.Arguments.Select(child)]),
        Element el => Expr.Element(el.Vector, child(el.Index)),
        BigOperator b => Make(b.Kind, b.Index, child(b.Lower), child(b.Upper), child(b.Body)),
        _ => e,
    };
}
