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
    private readonly Func<double[], double>? function;
    private readonly Func<double[], double[][], double>? vectorFunction;

    private CompiledBound(BoundEntry entry)
    {
        Entry = entry;
        // A grid entry reads λ = ln(1/δ_eff) in the slot of its first δ (see EvaluationForm); Prepare supplies both.
        var form = EvaluationForm.Of(entry);
        string? delta = form.InLogSpace ? entry.Confidence[0].Symbol : null;
        var symbols = entry.Inputs.Where(i => !i.IsVector)
            .Select(i => i.Name == delta ? Expr.Sym(form.LnInverseName!, Domain.PositiveReal) : EntryBuilder.SymbolFor(i))
            .ToArray();
        var vectors = entry.Inputs.Where(i => i.IsVector).Select(EntryBuilder.VectorFor).ToArray();
        Parameters = symbols.Select(s => s.Name).ToArray();
        VectorParameters = vectors.Select(v => v.Name).ToArray();
        if (vectors.Length == 0)
            function = Compiler.Compile<Func<double[], double>>(form.Formula, symbols);
        else
            vectorFunction = Compiler.Compile<Func<double[], double[][], double>>(form.Formula, symbols, vectors);
    }

    /// <summary>The compiled form of an entry (compiled once per entry and cached).</summary>
    public static CompiledBound For(BoundEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return cache.GetOrAdd(entry, e => new CompiledBound(e));
    }

    /// <summary>The entry.</summary>
    public BoundEntry Entry { get; }

    /// <summary>Scalar input names in the order the argument array is read.</summary>
    public IReadOnlyList<string> Parameters { get; }

    /// <summary>Vector input names in the order the vector arguments are read (empty for entries without vector inputs).</summary>
    public IReadOnlyList<string> VectorParameters { get; }

    /// <summary>The formula's value; the array holds one value per parameter (entries without vector inputs).</summary>
    public double Invoke(double[] values) => Function(values);

    /// <summary>The formula's value for an entry with vector inputs: one value per parameter and one array per vector parameter.</summary>
    public double Invoke(double[] values, double[][] vectors) =>
        vectorFunction is { } f ? f(values, vectors)
        : vectors.Length == 0 ? Function(values)
        : throw new ArgumentException($"{Entry.Id} has no vector inputs; got {vectors.Length} vectors.", nameof(vectors));

    /// <summary>The delegate itself, for callers that evaluate in a tight loop (entries without vector inputs).</summary>
    public Func<double[], double> Function => function
        ?? throw new InvalidOperationException($"{Entry.Id} has vector inputs ({string.Join(", ", VectorParameters)}); call Invoke(values, vectors).");

    /// <summary>The argument array for a prepared point (see <see cref="BoundEvaluator.Prepare"/>).</summary>
    public double[] Arguments(IReadOnlyDictionary<string, double> point) => Parameters.Select(p => point[p]).ToArray();

    /// <summary>The vector arguments for a prepared point, in <see cref="VectorParameters"/> order.</summary>
    public double[][] VectorArguments(PreparedPoint point)
    {
        ArgumentNullException.ThrowIfNull(point);
        return VectorParameters.Select(p => point.Vectors[p].ToArray()).ToArray();
    }
}
