using System.Collections.Concurrent;
using BoundLab.Bounds.Symbolic;

namespace BoundLab.Bounds.Catalog;

/// <summary>
/// An entry's evaluation form (<see cref="EvaluationForm"/>) compiled to a delegate over its inputs in <see cref="BoundEntry.Inputs"/> order
/// (the first δ of a grid entry replaced by ln_inv_δ), for
/// sweeps, sample-complexity searches and benchmarks. It does no input checking: values must come from
/// <see cref="BoundEvaluator.Prepare"/> (or satisfy the same checks).
/// </summary>
public sealed class CompiledBound
{
    private static readonly ConcurrentDictionary<BoundEntry, CompiledBound> cache = new(ReferenceEqualityComparer.Instance);
    private readonly Func<double[], double> function;

    private CompiledBound(BoundEntry entry)
    {
        Entry = entry;
        // A grid entry reads λ = ln(1/δ_eff) in the slot of its first δ (see EvaluationForm); Prepare supplies both.
        var form = EvaluationForm.Of(entry);
        string? delta = form.InLogSpace ? entry.Confidence[0].Symbol : null;
        var symbols = entry.Inputs
            .Select(i => i.Name == delta ? Expr.Sym(form.LnInverseName!, Domain.PositiveReal) : EntryBuilder.SymbolFor(i))
            .ToArray();
        Parameters = symbols.Select(s => s.Name).ToArray();
        function = Compiler.Compile<Func<double[], double>>(form.Formula, symbols);
    }

    /// <summary>The compiled form of an entry (compiled once per entry and cached).</summary>
    public static CompiledBound For(BoundEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return cache.GetOrAdd(entry, e => new CompiledBound(e));
    }

    /// <summary>The entry.</summary>
    public BoundEntry Entry { get; }

    /// <summary>Input names in the order the argument array is read.</summary>
    public IReadOnlyList<string> Parameters { get; }

    /// <summary>The formula's value; the array holds one value per parameter.</summary>
    public double Invoke(double[] values) => function(values);

    /// <summary>The delegate itself, for callers that evaluate in a tight loop.</summary>
    public Func<double[], double> Function => function;

    /// <summary>The argument array for a prepared point (see <see cref="BoundEvaluator.Prepare"/>).</summary>
    public double[] Arguments(IReadOnlyDictionary<string, double> point) => Parameters.Select(p => point[p]).ToArray();
}
