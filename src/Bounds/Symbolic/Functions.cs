using System.Collections.Immutable;

namespace BoundLab.Bounds.Symbolic;

/// <summary>
/// The normalizing constructors of ln, exp, expm1, min, max and kl⁻¹. Structural laws (absorbing values, min/max
/// flattening) are here; every identity between function values is a row of <see cref="RewriteRules"/>.
/// </summary>
internal static class Functions
{
    public static Expr Ln(Expr x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x is UndefinedValue) return Expr.Undefined;
        if (x is Infinity) return Expr.PositiveInfinity;
        // ln of a nonpositive number has no real value (−∞ is not representable).
        if (x is Number n && n.Value.Sign <= 0) return Expr.Undefined;
        return Rewrite(new Function(FunctionKind.Ln, [x]));
    }

    public static Expr Exp(Expr x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x is UndefinedValue) return Expr.Undefined;
        if (x is Infinity) return Expr.PositiveInfinity;
        return Rewrite(new Function(FunctionKind.Exp, [x]));
    }

    public static Expr Expm1(Expr x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x is UndefinedValue) return Expr.Undefined;
        if (x is Infinity) return Expr.PositiveInfinity;
        return Rewrite(new Function(FunctionKind.Expm1, [x]));
    }

    public static Expr BinomInv(Expr q, Expr n, Expr delta)
    {
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(n);
        ArgumentNullException.ThrowIfNull(delta);
        if (q is UndefinedValue || n is UndefinedValue || delta is UndefinedValue || q is Infinity || delta is Infinity) return Expr.Undefined;
        if (q is Number nq && (nq.Value.Sign < 0 || nq.Value > Rational.One)) return Expr.Undefined;
        if (delta is Number nd && (nd.Value.Sign <= 0 || nd.Value >= Rational.One)) return Expr.Undefined;
        return Rewrite(new Function(FunctionKind.BinomInv, [q, n, delta]));
    }

    public static Expr KlInv(Expr q, Expr c)
    {
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(c);
        if (q is UndefinedValue || c is UndefinedValue || q is Infinity) return Expr.Undefined;
        // kl(q‖p) → ∞ only as p → 1, so an infinite budget allows p = 1.
        if (c is Infinity) return Expr.One;
        if (q is Number nq && (nq.Value.Sign < 0 || nq.Value > Rational.One))
            return Expr.Undefined;
        if (c is Number nc && nc.Value.Sign < 0) return Expr.Undefined;
        return Rewrite(new Function(FunctionKind.KlInv, [q, c]));
    }

    /// <summary>n-ary min/max: flattened, Undefined absorbing, ∞ absorbing in max and neutral in min, numbers folded, duplicates dropped, sorted.</summary>
    public static Expr MinMax(FunctionKind kind, IEnumerable<Expr> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        bool isMax = kind == FunctionKind.Max;
        var set = new HashSet<Expr>();
        Rational? best = null;
        bool infinite = false;
        var pending = new Stack<Expr>(args.Reverse());
        while (pending.Count > 0)
        {
            var a = pending.Pop();
            ArgumentNullException.ThrowIfNull(a, nameof(args));
            switch (a)
            {
                case UndefinedValue: return Expr.Undefined;
                case Infinity: infinite = true; break;
                case Function f when f.Kind == kind:
                    foreach (var inner in f.Arguments) pending.Push(inner);
                    break;
                case Number n:
                    if (best is not { } b || (isMax ? n.Value > b : n.Value < b)) best = n.Value;
                    break;
                default: set.Add(a); break;
            }
        }
        if (infinite && isMax) return Expr.PositiveInfinity;
        var list = set.ToList();
        if (best is { } v) list.Add(Expr.Num(v));
        if (list.Count == 0)
        {
            if (infinite) return Expr.PositiveInfinity;
            throw new ArgumentException($"{kind} needs at least one argument, got none.", nameof(args));
        }
        if (list.Count == 1) return list[0];
        list.Sort(ExprOrder.Instance);
        return Rewrite(new Function(kind, [.. list]));
    }

    /// <summary>The function of this kind applied to the arguments, normalized.</summary>
    public static Expr Rebuild(FunctionKind kind, Expr[] args) => kind switch
    {
        FunctionKind.Ln => Ln(args[0]),
        FunctionKind.Exp => Exp(args[0]),
        FunctionKind.Expm1 => Expm1(args[0]),
        FunctionKind.Min => MinMax(FunctionKind.Min, args),
        FunctionKind.Max => MinMax(FunctionKind.Max, args),
        FunctionKind.KlInv => KlInv(args[0], args[1]),
        FunctionKind.BinomInv => BinomInv(args[0], args[1], args[2]),
    };

    private static Expr Rewrite(Expr raw) => RewriteRules.Apply(raw) ?? raw;
}
