using System.Numerics;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Numerics.Measurements;

/// <summary>The measurements of one weight matrix W_i (d_i × d_{i−1}) and its initialization W_i⁰.</summary>
/// <param name="Index">1-based layer index i.</param>
/// <param name="Rows">d_i (units).</param>
/// <param name="Cols">d_{i−1} (inputs).</param>
/// <param name="SpectralNorm">σ_max(W).</param>
/// <param name="SpectralMethod">How σ_max(W) was found ("power", "lanczos", "zero").</param>
/// <param name="FrobeniusNorm">‖W‖_F.</param>
/// <param name="FrobeniusFromInit">‖W − W⁰‖_F.</param>
/// <param name="SpectralFromInit">σ_max(W − W⁰).</param>
/// <param name="L21">BFT's ‖Wᵀ‖_{2,1} (sum over units of incoming-weight ℓ2 norms).</param>
/// <param name="L21FromInit">BFT's ‖Wᵀ − W⁰ᵀ‖_{2,1}.</param>
public sealed record LayerMeasures(
    int Index, int Rows, int Cols, double SpectralNorm, string SpectralMethod, double FrobeniusNorm,
    double FrobeniusFromInit, double SpectralFromInit, double L21, double L21FromInit)
{
    /// <summary>Measures W against its initialization W⁰ (same shape).</summary>
    public static LayerMeasures Compute<T>(int index, Matrix<T> w, Matrix<T> init) where T : unmanaged, INumber<T>
    {
        Norms.CheckSameShape(w, init);
        if (index < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, "allowed: a 1-based layer index ≥ 1");
        }

        SpectralNormResult s = Measurements.SpectralNorm.Compute(w);
        return new LayerMeasures(
            index, w.Rows, w.Cols, s.Value, s.Method, Norms.Frobenius(w), Norms.FrobeniusDistance(w, init),
            Measurements.SpectralNorm.Distance(w, init).Value, Norms.L21(w), Norms.L21Distance(w, init));
    }
}
