namespace BoundLab.Bounds.Catalog;

/// <summary>
/// The values an entry is evaluated at: scalars by name and, for entries with vector inputs (e.g. the spectral norms
/// spec of bft-spectral), vectors by name. A vector must have as many elements as its length input says.
/// </summary>
/// <param name="Scalars">Scalar inputs by name.</param>
/// <param name="Vectors">Vector inputs by name (empty for entries without vector inputs).</param>
public sealed record BoundInputs(IReadOnlyDictionary<string, double> Scalars, IReadOnlyDictionary<string, IReadOnlyList<double>> Vectors)
{
    /// <summary>No vectors.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<double>> NoVectors { get; } = new Dictionary<string, IReadOnlyList<double>>();

    /// <summary>Scalar inputs only.</summary>
    public static BoundInputs Of(IReadOnlyDictionary<string, double> scalars)
    {
        ArgumentNullException.ThrowIfNull(scalars);
        return new BoundInputs(scalars, NoVectors);
    }
}
