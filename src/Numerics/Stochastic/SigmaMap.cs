using System.Numerics;
using System.Numerics.Tensors;

namespace BoundLab.Numerics.Stochastic;

/// <summary>σ(ρ), dσ/dρ and ρ(σ) for both parameterizations, vectorized (TensorPrimitives) and generic over the element
/// type, so the float32 trainer and the float64 gradient checks run the same code.</summary>
internal static class SigmaMap
{
    /// <summary>sigma[i] = σ(rho[i]): e^ρ (Exp) or ln(1 + e^ρ) = max(ρ, 0) + ln(1 + e^{−|ρ|}) (Softplus, without overflow).</summary>
    public static void Sigma<T>(SigmaParameterization p, ReadOnlySpan<T> rho, Span<T> sigma)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (p == SigmaParameterization.Exp)
        {
            TensorPrimitives.Exp(rho, sigma);
            return;
        }

        TensorPrimitives.Abs(rho, sigma);
        TensorPrimitives.Negate(sigma, sigma);
        TensorPrimitives.Exp(sigma, sigma);
        TensorPrimitives.LogP1(sigma, sigma);
        for (int i = 0; i < rho.Length; i++)
        {
            sigma[i] += T.Max(rho[i], T.Zero);
        }
    }

    /// <summary>d[i] = dσ/dρ at rho[i] given sigma[i] = σ(rho[i]): σ (Exp) or the logistic sigmoid of ρ (Softplus).</summary>
    public static void Derivative<T>(SigmaParameterization p, ReadOnlySpan<T> rho, ReadOnlySpan<T> sigma, Span<T> d)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (p == SigmaParameterization.Exp)
        {
            sigma.CopyTo(d);
        }
        else
        {
            TensorPrimitives.Sigmoid(rho, d);
        }
    }

    /// <summary>σ of one ρ (the same formulas, scalar).</summary>
    public static float SigmaOf(SigmaParameterization p, float rho)
    {
        Span<float> r = [rho], s = [0f];
        Sigma<float>(p, r, s);
        return s[0];
    }

    /// <summary>The float32 ρ whose σ is <paramref name="sigma"/> (computed in float64, then rounded): ln σ (Exp) or
    /// ln(e^σ − 1) = σ + ln(1 − e^{−σ}) (Softplus).</summary>
    public static float RhoOf(SigmaParameterization p, float sigma)
    {
        double s = sigma;
        return (float)(p == SigmaParameterization.Exp ? Math.Log(s) : s + Math.Log(-double.ExpM1(-s)));
    }
}
