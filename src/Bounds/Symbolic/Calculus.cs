namespace BoundLab.Bounds.Symbolic;

/// <summary>Substitution, free symbols and symbolic differentiation.</summary>
public static class Calculus
{
    /// <summary>Replaces symbols (matched by name) and renormalizes.</summary>
    public static Expr Substitute(Expr e, IReadOnlyDictionary<string, Expr> replacements)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(replacements);
        return Rebuild(e, s => replacements.TryGetValue(s.Name, out var v) ? v : s);
    }

    /// <summary>Replaces one symbol (matched by name) and renormalizes.</summary>
    public static Expr Substitute(Expr e, Symbol symbol, Expr replacement)
    {
        ArgumentNullException.ThrowIfNull(symbol);
        ArgumentNullException.ThrowIfNull(replacement);
        return Substitute(e, new Dictionary<string, Expr> { [symbol.Name] = replacement });
    }

    /// <summary>The symbols occurring in e, sorted by name (index variables are not symbols; a vector's length symbol counts only where it occurs itself).</summary>
    public static IReadOnlyList<Symbol> FreeSymbols(Expr e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var set = new HashSet<Symbol>();
        Visit(e, set);
        return [.. set.OrderBy(s => s.Name, StringComparer.Ordinal).ThenBy(s => s.Domain)];

        static void Visit(Expr e, HashSet<Symbol> set)
        {
            if (e is Symbol s) set.Add(s);
            foreach (var c in Indexed.Children(e)) Visit(c, set);
        }
    }

    /// <summary>The vectors whose elements occur in e, sorted by name.</summary>
    public static IReadOnlyList<VectorSymbol> FreeVectors(Expr e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return Indexed.FreeVectors(e);
    }

    /// <summary>Every Σ/Π whose limits are numbers written out as a plain sum or product (substitute the lengths first).</summary>
    public static Expr Unroll(Expr e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return Indexed.Unroll(e);
    }

    /// <summary>e with every element for which <paramref name="replace"/> returns an expression replaced by it, renormalized.</summary>
    public static Expr ReplaceElements(Expr e, Func<Element, Expr?> replace)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(replace);
        return Indexed.ReplaceElements(e, replace);
    }

    /// <summary>
    /// ∂e/∂x (x matched by name), by the chain rule. kl⁻¹ is differentiated implicitly from kl(q‖p) = c:
    /// ∂p/∂c = p(1−p)/(p−q), ∂p/∂q = −(ln(q/p) − ln((1−q)/(1−p)))·p(1−p)/(p−q).
    /// min and max are rejected (NotSupportedException) when they depend on x: they are not differentiable
    /// where arguments tie, and a silent branch choice would hide that; differentiate the branches instead.
    /// Σ differentiates term by term; Π of known-positive factors as Π·Σ f′/f, other Π by the product rule
    /// Σ_k (Π_{i&lt;k} f_i) f′_k (Π_{i&gt;k} f_i). A Σ/Π whose limits depend on x is rejected (x is then a count).
    /// </summary>
    public static Expr Differentiate(Expr e, Symbol x)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(x);
        return D(e, new Wrt(x.Name, null, 0));
    }

    /// <summary>
    /// ∂e/∂v_j, the derivative with respect to element j (1-based) of a vector (matched by name): Σ_{i=lo}^{hi} f(v_i)
    /// gives f′(v_j) and Π_{i=lo}^{hi} f(v_i) gives (Π_{i=lo}^{j−1} f(v_i)) f′(v_j) (Π_{i=j+1}^{hi} f(v_i)) where lo ≤ j ≤ hi
    /// (a range up to the vector's own length is taken to contain j: v_j is checked to exist when evaluated).
    /// A body must read the vector at its own index only (v_i in Σ over i); others are rejected (NotSupportedException).
    /// </summary>
    public static Expr Differentiate(Expr e, VectorSymbol vector, int element)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(vector);
        if (element < 1)
            throw new ArgumentOutOfRangeException(nameof(element), element, $"Elements of {vector.Name} are numbered from 1.");
        return D(e, new Wrt(null, vector, element));
    }

    // What to differentiate with respect to: a scalar (by name) or element Element of a vector.
    private readonly record struct Wrt(string? Scalar, VectorSymbol? Vector, int Element)
    {
        public override string ToString() => Scalar ?? $"{Vector!.Name}_{Element}";
    }

    private static bool DependsOn(Expr e, Wrt x) => x.Scalar is { } name
        ? FreeSymbols(e).Any(s => s.Name == name)
        : Indexed.FreeVectors(e).Any(v => v.Name == x.Vector!.Name);

    private static Expr D(Expr e, Wrt x)
    {
        switch (e)
        {
            case Number or NamedConstant or IndexVariable: return Expr.Zero;
            case Symbol s: return s.Name == x.Scalar ? Expr.One : Expr.Zero;
            case Element el:
                if (x.Vector is null || el.Vector.Name != x.Vector.Name) return Expr.Zero;
                return el.Index is Number n ? (n.Value == new Rational(x.Element, 1) ? Expr.One : Expr.Zero)
                    : throw new NotSupportedException($"Cannot differentiate {el.Vector.Name}_({el.Index}) with respect to {x}: its index is not bound by a sum or product over it.");
            case BigOperator b: return DBig(b, x);
            case Infinity or UndefinedValue: return Expr.Undefined;
            case Sum s: return Expr.Add(s.Terms.Select(t => D(t, x)));
            case Product p:
                return Expr.Add(p.Factors.Select((f, i) =>
                    Expr.Multiply(p.Factors.Select((g, j) => i == j ? D(g, x) : g))));
            case Power p:
                if (!DependsOn(p.Exponent, x))
                    return Expr.Multiply(p.Exponent, Expr.Pow(p.Base, p.Exponent - 1), D(p.Base, x));
                // d(b^g) = b^g (g' ln b + g b'/b), valid for b > 0 where b^g with variable g is defined.
                return p * (D(p.Exponent, x) * Expr.Ln(p.Base) + p.Exponent * D(p.Base, x) / p.Base);
            case Function f: return DFunction(f, x);
            default:
                throw new NotSupportedException($"Cannot differentiate node {e.GetType().Name}.");
        }
    }

    private static Expr DBig(BigOperator b, Wrt x)
    {
        if (DependsOn(b.Lower, x) || DependsOn(b.Upper, x))
            throw new NotSupportedException($"Cannot differentiate {b} with respect to {x}: the range of the {Indexed.Name(b.Kind)} depends on it.");
        if (!DependsOn(b.Body, x)) return Expr.Zero;
        if (x.Vector is { } v) return DBigElement(b, v, x);
        var i = b.Index;
        var dBody = D(b.Body, x);
        if (b.Kind == BigOperatorKind.Sum) return Expr.SumOver(i, b.Lower, b.Upper, dBody);
        if (Signs.IsPositive(b.Body)) return b * Expr.SumOver(i, b.Lower, b.Upper, dBody / b.Body);
        var k = Indexed.Fresh("k", b, dBody);
        return Expr.SumOver(k, b.Lower, b.Upper,
            Expr.ProductOver(i, b.Lower, k - 1, b.Body) * Indexed.SubstituteIndex(dBody, i.Name, k) * Expr.ProductOver(i, k + 1, b.Upper, b.Body));
    }

    private static Expr DBigElement(BigOperator b, VectorSymbol v, Wrt x)
    {
        var reads = new List<Element>();
        Collect(b.Body);
        if (reads.Any(r => !r.Index.Equals(b.Index)))
            throw new NotSupportedException($"Cannot differentiate {b} with respect to {x}: its body reads {v.Name} at an index other than {b.Index.Name}.");
        var jr = new Rational(x.Element, 1);
        var j = Expr.Num(jr);
        bool inRange = (b.Lower, b.Upper) switch
        {
            (Number lo, Number hi) => lo.Value <= jr && jr <= hi.Value,
            (Number lo, Symbol hi) when hi.Equals(v.Length) => lo.Value <= jr,
            _ => throw new NotSupportedException($"Cannot differentiate {b} with respect to {x}: cannot decide whether {x.Element} lies in {b.Lower}..{b.Upper}."),
        };
        if (!inRange) return Expr.Zero;
        var atJ = D(Indexed.SubstituteIndex(b.Body, b.Index.Name, j), x);
        return b.Kind == BigOperatorKind.Sum ? atJ
            : Expr.ProductOver(b.Index, b.Lower, j - 1, b.Body) * atJ * Expr.ProductOver(b.Index, j + 1, b.Upper, b.Body);

        void Collect(Expr e)
        {
            if (e is Element el && el.Vector.Name == v.Name) reads.Add(el);
            foreach (var c in Indexed.Children(e)) Collect(c);
        }
    }

    private static Expr DFunction(Function f, Wrt x) => f.Kind switch
    {
        FunctionKind.Ln => D(f.Arguments[0], x) / f.Arguments[0],
        FunctionKind.Exp => f * D(f.Arguments[0], x),
        FunctionKind.Expm1 => Expr.Exp(f.Arguments[0]) * D(f.Arguments[0], x),
        FunctionKind.Min or FunctionKind.Max => DependsOn(f, x) ? throw new NotSupportedException(
            $"Cannot differentiate {f} with respect to {x}: {f.Kind} is not differentiable where its arguments tie; differentiate each branch.") : Expr.Zero,
        FunctionKind.KlInv => DKlInv(f, x),
        // ∂bin⁻¹/∂δ = −1/(n C(n−1, qn) p^{qn} (1 − p)^{n−1−qn}) needs the binomial coefficient of a symbolic count, which
        // the core cannot write; the node is refused like min/max rather than differentiated wrongly.
        FunctionKind.BinomInv => DependsOn(f, x) ? throw new NotSupportedException(
            $"Cannot differentiate {f} with respect to {x}: the derivative of the binomial-tail inversion needs a binomial coefficient of a symbolic count.") : Expr.Zero,
    };

    private static Expr DKlInv(Function f, Wrt x)
    {
        Expr q = f.Arguments[0], c = f.Arguments[1], p = f;
        var dpdc = p * (1 - p) / (p - q);
        var dklDq = Expr.Ln(q / p) - Expr.Ln((1 - q) / (1 - p));
        return -dklDq * dpdc * D(q, x) + dpdc * D(c, x);
    }

    private static Expr Rebuild(Expr e, Func<Symbol, Expr> leaf) => e is Symbol s ? leaf(s) : Indexed.Map(e, c => Rebuild(c, leaf));
}
