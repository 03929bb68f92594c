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

    /// <summary>The symbols occurring in e, sorted by name.</summary>
    public static IReadOnlyList<Symbol> FreeSymbols(Expr e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var set = new HashSet<Symbol>();
        Visit(e, set);
        return [.. set.OrderBy(s => s.Name, StringComparer.Ordinal).ThenBy(s => s.Domain)];

        static void Visit(Expr e, HashSet<Symbol> set)
        {
            switch (e)
            {
                case Symbol s: set.Add(s); break;
                case Sum s: foreach (var t in s.Terms) Visit(t, set); break;
                case Product p: foreach (var t in p.Factors) Visit(t, set); break;
                case Power p: Visit(p.Base, set); Visit(p.Exponent, set); break;
                case Function f: foreach (var t in f.Arguments) Visit(t, set); break;
            }
        }
    }

    /// <summary>
    /// ∂e/∂x (x matched by name), by the chain rule. kl⁻¹ is differentiated implicitly from kl(q‖p) = c:
    /// ∂p/∂c = p(1−p)/(p−q), ∂p/∂q = −(ln(q/p) − ln((1−q)/(1−p)))·p(1−p)/(p−q).
    /// min and max are rejected (NotSupportedException) when they depend on x: they are not differentiable
    /// where arguments tie, and a silent branch choice would hide that; differentiate the branches instead.
    /// </summary>
    public static Expr Differentiate(Expr e, Symbol x)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(x);
        return D(e, x.Name);
    }

    private static bool DependsOn(Expr e, string x) => FreeSymbols(e).Any(s => s.Name == x);

    private static Expr D(Expr e, string x)
    {
        switch (e)
        {
            case Number or NamedConstant: return Expr.Zero;
            case Symbol s: return s.Name == x ? Expr.One : Expr.Zero;
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

    private static Expr DFunction(Function f, string x) => f.Kind switch
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

    private static Expr DKlInv(Function f, string x)
    {
        Expr q = f.Arguments[0], c = f.Arguments[1], p = f;
        var dpdc = p * (1 - p) / (p - q);
        var dklDq = Expr.Ln(q / p) - Expr.Ln((1 - q) / (1 - p));
        return -dklDq * dpdc * D(q, x) + dpdc * D(c, x);
    }

    private static Expr RebuildFunction(Function f, Func<Symbol, Expr> leaf)
    {
        var args = f.Arguments.Select(t => Rebuild(t, leaf)).ToArray();
        return f.Kind switch
        {
            FunctionKind.Ln => Expr.Ln(args[0]),
            FunctionKind.Exp => Expr.Exp(args[0]),
            FunctionKind.Expm1 => Expr.Expm1(args[0]),
            FunctionKind.Min => Expr.Min(args),
            FunctionKind.Max => Expr.Max(args),
            FunctionKind.KlInv => Expr.KlInv(args[0], args[1]),
            FunctionKind.BinomInv => Expr.BinomInv(args[0], args[1], args[2]),
        };
    }

    private static Expr Rebuild(Expr e, Func<Symbol, Expr> leaf) => e switch
    {
        Symbol s => leaf(s),
        Sum s => Expr.Add(s.Terms.Select(t => Rebuild(t, leaf))),
        Product p => Expr.Multiply(p.Factors.Select(t => Rebuild(t, leaf))),
        Power p => Expr.Pow(Rebuild(p.Base, leaf), Rebuild(p.Exponent, leaf)),
        Function f => RebuildFunction(f, leaf),
        _ => e,
    };
}
