using System.Numerics;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Numerics.Measurements;

// Neyshabur, Tomioka & Srebro 2015 (ℓ2 path-regularizer φ₂); computed as in Jiang et al. 2020's path-norm measure:
// one forward pass of the squared weights on the all-ones input.
/// <summary>The ℓ2 path norm φ₂(w) = sqrt(Σ_paths Π_{edges e on the path} w_e²) of a fully connected network.</summary>
/// <remarks>A path runs from an input unit, or from the constant-1 bias unit of any layer i (edge weight b_i[u]),
/// through one unit per later layer to an output unit. So φ₂² = 1ᵀ v_L with v_0 = 1 (d_0 ones) and
/// v_i = (W_i∘W_i) v_{i−1} + b_i∘b_i — the forward pass of squared weights and squared biases with the
/// activation replaced by the identity (for ReLU this is Jiang et al.'s forward pass: every value is ≥ 0).
/// The pass runs in float64 with a running rescaling (value = exp(scale)·vector), so depth 100 neither overflows nor
/// underflows; the result is returned as ln φ₂².</remarks>
public static class PathNorm
{
    /// <summary>ln φ₂² for weights W_1 … W_L (W_i is d_i × d_{i−1}) and biases b_1 … b_L (an empty list, or
    /// empty arrays, for a network without biases).</summary>
    public static double LogSquared<T>(IReadOnlyList<Matrix<T>> weights, IReadOnlyList<T[]> biases)
        where T : unmanaged, INumber<T>
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(biases);
        if (weights.Count == 0)
        {
            throw new ArgumentException("weights is empty; allowed: at least one layer.", nameof(weights));
        }

        if (biases.Count != 0 && biases.Count != weights.Count)
        {
            throw new ArgumentException(
                $"biases has {biases.Count} entries; allowed: 0 or one per layer ({weights.Count}).", nameof(biases));
        }

        CheckShapes(weights, biases);
        var v = new double[weights[0].Cols];
        Array.Fill(v, 1.0);
        double logScale = 0; // true v = exp(logScale) · v
        for (int i = 0; i < weights.Count; i++)
        {
            Matrix<T> w = weights[i];
            T[] b = biases.Count == 0 ? [] : biases[i];
            Dense64 d = Dense64.From(w).CheckFinite($"weights[{i}]");
            for (int k = 0; k < d.Data.Length; k++)
            {
                d.Data[k] *= d.Data[k];
            }

            var next = new double[w.Rows];
            d.Multiply(v, next);
            // true next_u = exp(logScale)·next_u + b_u²; rescale by the largest of the two terms' logarithms.
            var logBias = new double[b.Length];
            double top = next.Max() > 0 ? logScale + Math.Log(next.Max()) : double.NegativeInfinity;
            for (int u = 0; u < b.Length; u++)
            {
                double bu = double.CreateChecked(b[u]);
                if (!double.IsFinite(bu))
                {
                    throw new ArgumentException($"biases[{i}] has {bu} at {u}; allowed: finite entries only.", nameof(biases));
                }

                logBias[u] = bu == 0 ? double.NegativeInfinity : 2 * Math.Log(Math.Abs(bu));
                top = Math.Max(top, logBias[u]);
            }

            if (double.IsNegativeInfinity(top))
            {
                v = next; // all zero: no path reaches this layer, but a later bias can still start one
                continue;
            }

            // When every incoming value is 0, exp(logScale − top) may overflow: 0 · ∞ must not make a NaN.
            double carry = next.Max() > 0 ? Math.Exp(logScale - top) : 0;
            for (int u = 0; u < next.Length; u++)
            {
                next[u] = next[u] * carry + (u < b.Length ? Math.Exp(logBias[u] - top) : 0);
            }

            logScale = top;
            v = next;
        }

        double sum = v.Sum();
        return sum > 0 ? logScale + Math.Log(sum) : double.NegativeInfinity;
    }

    /// <summary>φ₂ itself (may be +∞ for a very deep net: use <see cref="LogSquared"/> there).</summary>
    public static double Value<T>(IReadOnlyList<Matrix<T>> weights, IReadOnlyList<T[]> biases)
        where T : unmanaged, INumber<T>
        => Math.Exp(0.5 * LogSquared(weights, biases));

    private static void CheckShapes<T>(IReadOnlyList<Matrix<T>> weights, IReadOnlyList<T[]> biases)
        where T : unmanaged, INumber<T>
    {
        ArgumentNullException.ThrowIfNull(weights[0], nameof(weights));
        int width = weights[0].Cols;
        for (int i = 0; i < weights.Count; i++)
        {
            Matrix<T> w = weights[i];
            ArgumentNullException.ThrowIfNull(w, nameof(weights));
            if (w.Cols != width || w.Rows == 0)
            {
                throw new ArgumentException(
                    $"weights[{i}] is {w.Shape}; it must have {width} columns (the previous layer's width) and ≥ 1 row.", nameof(weights));
            }

            T[] b = biases.Count == 0 ? [] : biases[i];
            ArgumentNullException.ThrowIfNull(b, nameof(biases));
            if (b.Length != 0 && b.Length != w.Rows)
            {
                throw new ArgumentException(
                    $"biases[{i}] has {b.Length} entries; allowed: 0 or {w.Rows} (one per unit).", nameof(biases));
            }

            width = w.Rows;
        }
    }
}
