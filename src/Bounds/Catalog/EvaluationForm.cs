using System.Runtime.CompilerServices;
using BoundLab.Bounds.Symbolic;

namespace BoundLab.Bounds.Catalog;

/// <summary>
/// The form of an entry that is evaluated. Every ln of a product of positive factors is expanded into a sum
/// of logarithms (ln(e·n/d) = 1 + ln n − ln d), so that valid extreme inputs such as n = 1e308 do not
/// overflow inside the logarithm. When a grid union bound shrinks the first δ, the grid weights
/// 6/(π² i²) of 2L + 1 post-hoc quantities multiply to far below the smallest double for deep networks
/// with large norms, so δ_eff is never formed: every ln(…δ…) of the formula is expanded (ln(a·δ^k) =
/// ln a + k ln δ, valid since a·δ^k &gt; 0 and δ &gt; 0) and ln δ is replaced by −λ, λ = ln(1/δ_eff) =
/// ln(1/δ) + Σ (2 ln i + ln(π²/6)), carried in the point under <see cref="LnInverseName"/>. Entries without
/// grids, or whose δ occurs outside a logarithm, keep their formula (δ_eff is then a plain double).
/// </summary>
public sealed record EvaluationForm(Expr Formula, IReadOnlyList<NamedTerm> Terms, Expr? VacuousAt, string? LnInverseName)
{
    private static readonly ConditionalWeakTable<BoundEntry, EvaluationForm> cache = new();

    /// <summary>The name of λ = ln(1/δ_eff) for a δ symbol, e.g. ln_inv_delta.</summary>
    public static string LnInverseNameFor(string delta) => "ln_inv_" + delta;

    /// <summary>The evaluation form of an entry (built once per entry).</summary>
    public static EvaluationForm Of(BoundEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return cache.GetValue(entry, Build);
    }

    /// <summary>True when the formula reads λ = ln(1/δ_eff) instead of δ.</summary>
    public bool InLogSpace => LnInverseName is not null;

    private static EvaluationForm Build(BoundEntry entry)
    {
        static Expr Logs(Expr e) => ExpandLogs(e);
        var expanded = new EvaluationForm(Logs(entry.Formula),
            entry.Terms.Select(t => t with { Expression = Logs(t.Expression) }).ToArray(),
            entry.VacuousAt is { } level ? Logs(level) : null, null);
        if (entry.PostHoc.Count == 0 || entry.Confidence.Count == 0) return expanded;
        string delta = entry.Confidence[0].Symbol;
        string name = LnInverseNameFor(delta);
        if (entry.Inputs.Any(i => i.Name == name)) return expanded;
        var lambda = Expr.Sym(name, Domain.PositiveReal);
        try
        {
            Expr Rewrite(Expr e) => Expand(e, delta, lambda);
            return new EvaluationForm(Rewrite(expanded.Formula),
                expanded.Terms.Select(t => t with { Expression = Rewrite(t.Expression) }).ToArray(),
                expanded.VacuousAt is { } v ? Rewrite(v) : null, name);
        }
        catch (NotSupportedException)
        {
            return expanded;
        }
    }

    // ln(Π f_i) = Σ ln f_i and ln(x^k) = k ln x where every f_i (every x) is known positive; elsewhere unchanged.
    private static Expr ExpandLogs(Expr e) => e switch
    {
        Function { Kind: FunctionKind.Ln } f => LnExpanded(ExpandLogs(f.Arguments[0])),
        Sum s => Expr.Add(s.Terms.Select(ExpandLogs)),
        Product p => Expr.Multiply(p.Factors.Select(ExpandLogs)),
        Power p => Expr.Pow(ExpandLogs(p.Base), ExpandLogs(p.Exponent)),
        Function f => Rebuild(f, f.Arguments.Select(ExpandLogs).ToArray()),
        _ => e,
    };

    private static Expr LnExpanded(Expr argument) => argument switch
    {
        Product p when p.Factors.All(Signs.IsPositive) => Expr.Add(p.Factors.Select(LnExpanded)),
        Power { Exponent: Number } p when Signs.IsPositive(p.Base) => p.Exponent * LnExpanded(p.Base),
        _ => Expr.Ln(argument),
    };

    /// <summary>
    /// The formula with absent optional inputs replaced by their <see cref="BoundInput.WhenAbsent"/> values and
    /// kl⁻¹(q, 0) collapsed to q (q is an input in [0, 1]), so that derivatives exist where the numeric form
    /// only happens to evaluate correctly (the Monte-Carlo correction at M = ∞).
    /// </summary>
    internal static Expr WithoutAbsent(Expr formula, IEnumerable<BoundInput> absent)
    {
        var replacements = absent.ToDictionary(i => i.Name,
            i => double.IsPositiveInfinity(i.WhenAbsent!.Value) ? Expr.PositiveInfinity : Expr.FromDouble(i.WhenAbsent.Value));
        return replacements.Count == 0 ? formula : CollapseKlInvZero(Calculus.Substitute(formula, replacements));
    }

    private static Expr CollapseKlInvZero(Expr e) => e switch
    {
        Function { Kind: FunctionKind.KlInv } f when CollapseKlInvZero(f.Arguments[1]) == Expr.Zero => CollapseKlInvZero(f.Arguments[0]),
        Sum s => Expr.Add(s.Terms.Select(CollapseKlInvZero)),
        Product p => Expr.Multiply(p.Factors.Select(CollapseKlInvZero)),
        Power p => Expr.Pow(CollapseKlInvZero(p.Base), CollapseKlInvZero(p.Exponent)),
        Function f => Rebuild(f, f.Arguments.Select(CollapseKlInvZero).ToArray()),
        _ => e,
    };

    private static bool DependsOn(Expr e, string name) => e.FreeSymbols.Any(s => s.Name == name);

    private static Expr Expand(Expr e, string delta, Symbol lambda) => e switch
    {
        _ when !DependsOn(e, delta) => e,
        Symbol => throw new NotSupportedException($"{delta} occurs outside a logarithm."),
        Function { Kind: FunctionKind.Ln } f => LnOf(f.Arguments[0], delta, lambda),
        Sum s => Expr.Add(s.Terms.Select(t => Expand(t, delta, lambda))),
        Product p => Expr.Multiply(p.Factors.Select(t => Expand(t, delta, lambda))),
        Power p => Expr.Pow(Expand(p.Base, delta, lambda), Expand(p.Exponent, delta, lambda)),
        Function f => Rebuild(f, f.Arguments.Select(a => Expand(a, delta, lambda)).ToArray()),
        _ => throw new NotSupportedException($"Cannot expand {e}."),
    };

    // ln of a positive expression in which δ occurs only as factors δ^k: ln(rest) + Σ k·(−λ).
    private static Expr LnOf(Expr argument, string delta, Symbol lambda)
    {
        var factors = argument is Product p ? p.Factors.ToArray() : [argument];
        var rest = new List<Expr>();
        var logs = new List<Expr>();
        foreach (var f in factors)
        {
            if (!DependsOn(f, delta)) rest.Add(f);
            else if (f is Symbol) logs.Add(-lambda);
            else if (f is Power { Base: Symbol, Exponent: Number k }) logs.Add(k * -lambda);
            else throw new NotSupportedException($"{delta} occurs in {f}, not as a power of {delta}.");
        }
        if (rest.Count > 0) logs.Add(Expr.Ln(Expr.Multiply(rest)));
        return Expr.Add(logs);
    }

    private static Expr Rebuild(Function f, Expr[] args) => f.Kind switch
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
