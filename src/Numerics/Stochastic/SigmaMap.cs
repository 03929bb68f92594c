using System.Numerics;
using System.Numerics.Tensors;

namespace BoundLab.Numerics.Stochastic;

/// <summary>σ(ρ), dσ/dρ and ρ(σ) for both parameterizations, vectorized (TensorPrimitives) and generic over the element
/// type, so the float32 trainer and the float64 gradient checks run the same code.</summary>
internal static class SigmaMap
{
    /// <summary>sigma[i] = σ(rho[i]): e^ρ (Exp) or ln(1 + e^ρ) = max(ρ, 0) + log1p(e^{−|ρ|}) (Softplus, without overflow).
    /// <paramref name="u"/> and <paramref name="logU"/> are scratch buffers of the same length (Softplus only).</summary>
    /// <remarks>log1p by Kahan's formula log1p(x) = ln(u)·x/(u − 1), u = 1 ⊕ x (x when u = 1), accurate to a few ulps:
    /// TensorPrimitives.LogP1 evaluates ln(1 ⊕ x), which loses every digit of x below the unit roundoff (σ = 0 at ρ = −20
    /// in float32, and a relative error ≈ 2e-6 at PBB's σ₀ = 0.03).</remarks>
    public static void Sigma<T>(SigmaParameterization p, ReadOnlySpan<T> rho, Span<T> sigma, Span<T> u, Span<T> logU)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (p == SigmaParameterization.Exp)
        {
            TensorPrimitives.Exp(rho, sigma);
            return;
        }

        u = u[..rho.Length];
        logU = logU[..rho.Length];
        TensorPrimitives.Abs(rho, sigma);
        TensorPrimitives.Negate<T>(sigma, sigma);
        TensorPrimitives.Exp<T>(sigma, sigma);
        TensorPrimitives.Add<T>(sigma, T.One, u);
        TensorPrimitives.Log<T>(u, logU);
        for (int i = 0; i < rho.Length; i++)
        {
            T x = sigma[i], d = u[i] - T.One;
            sigma[i] = (d == T.Zero ? x : logU[i] * (x / d)) + T.Max(rho[i], T.Zero);
        }
    }

    /// <summary><see cref="Sigma{T}(SigmaParameterization, ReadOnlySpan{T}, Span{T}, Span{T}, Span{T})"/> with its own scratch.</summary>
    public static void Sigma<T>(SigmaParameterization p, ReadOnlySpan<T> rho, Span<T> sigma)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] u = p == SigmaParameterization.Exp ? [] : new T[rho.Length], logU = p == SigmaParameterization.Exp ? [] : new T[rho.Length];
        Sigma(p, rho, sigma, u, logU);
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
