using System.Numerics;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Numerics.Measurements;

/// <summary>Size measures of a fully connected network (Jiang et al. 2020's "number of parameters").</summary>
public static class Counts
{
    /// <summary>Σ_i d_i·d_{i−1} plus the bias entries (biases: empty list or one array per layer, possibly empty).</summary>
    public static long Parameters<T>(IReadOnlyList<Matrix<T>> weights, IReadOnlyList<T[]> biases) where T : unmanaged, INumber<T>
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(biases);
        return weights.Sum(w => (long)w.Length) + biases.Sum(b => (long)b.Length);
    }

    /// <summary>Hidden units Σ_{i&lt;L} d_i (the output layer's units are not counted).</summary>
    public static long HiddenUnits<T>(IReadOnlyList<Matrix<T>> weights) where T : unmanaged, INumber<T>
    {
        ArgumentNullException.ThrowIfNull(weights);
        return weights.Take(weights.Count - 1).Sum(w => (long)w.Rows);
    }
}
