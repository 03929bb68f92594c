namespace BoundLab.Bounds.Catalog;

/// <summary>The architecture aggregates of Bartlett, Harvey, Liaw, Mehrabian (2019), Theorem 7, for a fully connected net.</summary>
/// <param name="Layers">L, the number of weight layers (the output layer included).</param>
/// <param name="Parameters">W, weights and biases of the one-output network.</param>
/// <param name="CumulativeParameters">Σ_{i=1}^{L} W_i with W_i the parameters of layers 1 … i (= L̄·W).</param>
/// <param name="WeightedUnits">Σ_{i=1}^{L} i·k_i with k_i the units of layer i.</param>
/// <param name="Pieces">p, the number of linear pieces of the activation (2 for ReLU).</param>
/// <param name="UpperBound">L + L̄W log₂(4ep Σ i k_i · log₂(2ep Σ i k_i)).</param>
/// <param name="VcDim">⌊UpperBound⌋ (a VC dimension is an integer), the value to pass as vc_dim.</param>
public sealed record VcArchitecture(int Layers, long Parameters, double CumulativeParameters, double WeightedUnits, int Pieces, double UpperBound, long VcDim);

/// <summary>
/// The VC dimension of sign(f) for a piecewise-linear fully connected network f, from its widths:
/// Bartlett, Harvey, Liaw, Mehrabian (JMLR 2019), Theorem 7, VCdim ≤ L + L̄W log₂(4ep Σ_i i k_i · log₂(2ep Σ_i i k_i)).
/// A binary classifier with two outputs and argmax is sign(f₁ − f₂), a one-output network of the same widths, so
/// d_L = 2 is read as d_L = 1. For more classes the VC dimension of sign(f) does not apply (see vc-mohri).
/// </summary>
public static class VcDimension
{
    /// <summary>The bound for widths d_0 (input), d_1, …, d_L (d_L ∈ {1, 2}), with or without biases, and p ≥ 2 pieces.</summary>
    public static VcArchitecture Bhlm19(IReadOnlyList<int> widths, bool bias, int pieces = 2)
    {
        ArgumentNullException.ThrowIfNull(widths);
        if (widths.Count < 2)
            throw new ArgumentException($"widths has {widths.Count} entries; give d_0 (input), …, d_L (output), at least two.", nameof(widths));
        if (widths.Any(w => w < 1))
            throw new ArgumentException($"widths [{string.Join(", ", widths)}] contains a width < 1; every width must be ≥ 1.", nameof(widths));
        if (widths[^1] > 2)
            throw new ArgumentException(
                $"the output width is {widths[^1]}: the VC dimension of sign(f) is for binary classifiers (one output, or two with argmax); for k > 2 classes it is not applicable.", nameof(widths));
        if (pieces < 2)
            throw new ArgumentOutOfRangeException(nameof(pieces), pieces, "pieces must be ≥ 2 (ReLU has 2).");
        var d = widths.ToArray();
        d[^1] = 1;
        int layers = d.Length - 1;
        long parameters = 0;
        double cumulative = 0, weightedUnits = 0;
        for (int i = 1; i <= layers; i++)
        {
            parameters += (long)d[i] * (d[i - 1] + (bias ? 1 : 0));
            cumulative += parameters;
            weightedUnits += (double)i * d[i];
        }
        double upper = Bound(layers, cumulative, weightedUnits, pieces);
        // A VC dimension is an integer, so ⌊bound⌋ is an upper bound; the 1e-12 slack keeps rounding from flooring too far.
        long vc = (long)Math.Floor(upper * (1 + 1e-12));
        return new VcArchitecture(layers, parameters, cumulative, weightedUnits, pieces, upper, vc);
    }

    /// <summary>L + C·log₂(4ep·U·log₂(2ep·U)) with C = Σ W_i (cumulative parameters) and U = Σ i k_i.</summary>
    public static double Bound(int layers, double cumulativeParameters, double weightedUnits, int pieces)
    {
        double r = 2 * Math.E * pieces * weightedUnits;
        return layers + cumulativeParameters * Math.Log2(2 * r * Math.Log2(r));
    }
}
