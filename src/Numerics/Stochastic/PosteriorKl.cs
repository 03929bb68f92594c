using System.Globalization;
using System.Numerics;
using System.Numerics.Tensors;

namespace BoundLab.Numerics.Stochastic;

/// <summary>KL(Q‖P) between a diagonal Gaussian posterior and an isotropic Gaussian prior, in closed form:
/// KL = ½ Σ_i [ (σ_i² + (μ_i − μ₀_i)²)/λ − 1 − ln(σ_i²/λ) ], accumulated in float64.</summary>
public static class PosteriorKl
{
    // Per-term error of the float64 evaluation of t = (σ² + d²)/λ − 1 − ln(σ²/λ), d = μ − μ₀, from float32 μ, σ, μ₀:
    // σ² is exact; d has ≤ 1 rounding, d² ≤ 2 more, the sum and the division one each (|a| ≤ 5u relative); b = σ²/λ
    // one rounding, so ln b is off by ≤ u + u|ln b| plus Math.Log's own ≤ 1 ulp; the two subtractions one each relative
    // to |a| + 1 + |ln b|. So |error(t)| ≤ 10u·(|a| + 1 + |ln b|). Neumaier summation of N terms adds ≤ 2u Σ|t| + O(N u²).
    // We add 64u·Σ(|a| + 1 + |ln b|), which covers both with room (u = 2⁻⁵³), then round the result up by one ulp.
    private const double Allowance = 64.0 / 9007199254740992.0;

    /// <summary>KL(Q‖N(μ₀, λI)) in nats for a certificate: every term in float64, the sum rounded up so the value is
    /// never below the exact KL of the float32 parameters.</summary>
    /// <remarks>Q's σ is the float32 <see cref="GaussianPosterior.Std"/>, the value the Monte-Carlo error samples with;
    /// the result bounds the exact KL between N(μ, diag σ²) with those float32 numbers and N(μ₀, λI) with the given double λ.</remarks>
    public static double Certified(GaussianPosterior posterior, IReadOnlyList<float[]> priorCenter, double priorVariance)
    {
        ArgumentNullException.ThrowIfNull(posterior);
        CheckPrior(posterior, priorCenter, priorVariance, nameof(priorCenter), nameof(priorVariance));
        return CertifiedCore(posterior.MeanArrays, posterior.Std(), priorCenter, priorVariance);
    }

    /// <summary>The certified KL of N(μ, diag σ²) with float32 μ, σ (σ &gt; 0) to N(μ₀, λI).</summary>
    internal static double CertifiedCore(IReadOnlyList<float[]> mean, IReadOnlyList<float[]> std, IReadOnlyList<float[]> priorCenter, double priorVariance)
    {
        double sum = 0, compensation = 0, magnitude = 0;
        for (int k = 0; k < std.Count; k++)
        {
            float[] mu = mean[k], center = priorCenter[k], s = std[k];
            for (int i = 0; i < s.Length; i++)
            {
                double d = (double)mu[i] - center[i];
                double s2 = (double)s[i] * s[i];
                double a = (s2 + d * d) / priorVariance;
                double lnB = Math.Log(s2 / priorVariance);
                double t = a - 1 - lnB;
                magnitude += Math.Abs(a) + 1 + Math.Abs(lnB);
                // Neumaier's compensated summation.
                double next = sum + t;
                compensation += Math.Abs(sum) >= Math.Abs(t) ? (sum - next) + t : (t - next) + sum;
                sum = next;
            }
        }

        double total = sum + compensation;
        double bound = 0.5 * (total + Allowance * magnitude);
        bound = Math.BitIncrement(bound);
        if (!double.IsFinite(bound))
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"the KL of this posterior to the prior of variance {priorVariance} is {bound}; the parameters are too far from the prior for a finite certificate."), "posterior");
        }

        return Math.Max(bound, 0);
    }

    /// <summary>Throws unless <paramref name="center"/> matches the posterior's layout with finite values and λ is finite and &gt; 0.</summary>
    internal static void CheckPrior(GaussianPosterior posterior, IReadOnlyList<float[]> center, double variance, string centerName, string varianceName)
    {
        ArgumentNullException.ThrowIfNull(center, centerName);
        if (!(variance > 0) || !double.IsFinite(variance))
        {
            throw new ArgumentOutOfRangeException(varianceName, variance, "allowed: a finite prior variance λ > 0");
        }

        _ = GaussianPosterior.CheckArrays(posterior.Spec, GaussianPosterior.Shapes(posterior.Spec), center, centerName);
    }

    /// <summary>Σ(σ² + (μ − μ₀)²) and Σ ln σ² over every parameter, in float64, for the training objective (the KL is
    /// <see cref="KlStats.Kl"/>); <paramref name="scratch"/> holds ln σ per tensor (Softplus only).</summary>
    internal static KlStats Stats<T>(SigmaParameterization p, T[][] mu, T[][] rho, T[][] sigma, T[][] center, T[][] scratch)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double squares = 0, logs = 0;
        long count = 0;
        for (int k = 0; k < mu.Length; k++)
        {
            T[] m = mu[k], c = center[k], s = sigma[k];
            // ln σ² = 2ρ exactly under Exp (DR17 write the KL with 2·Σ log_post_std).
            T[] lnSigma = p == SigmaParameterization.Exp ? rho[k] : scratch[k];
            if (p != SigmaParameterization.Exp)
            {
                TensorPrimitives.Log<T>(s, lnSigma);
            }

            for (int i = 0; i < m.Length; i++)
            {
                double d = double.CreateTruncating(m[i]) - double.CreateTruncating(c[i]);
                double si = double.CreateTruncating(s[i]);
                squares += si * si + d * d;
                logs += 2 * double.CreateTruncating(lnSigma[i]);
            }

            count += m.Length;
        }

        return new KlStats(squares, logs, count);
    }
}

/// <summary>What the training objective needs of the KL: S = Σ(σ² + (μ − μ₀)²), Σ ln σ² and the count P; then
/// KL(λ) = ½(S/λ − P − Σ ln σ² + P ln λ) and ∂KL/∂λ = ½(P/λ − S/λ²).</summary>
internal readonly record struct KlStats(double SquareSum, double LogVarianceSum, long Count)
{
    /// <summary>The KL to N(μ₀, λI).</summary>
    public double Kl(double lambda) => 0.5 * (SquareSum / lambda - Count - LogVarianceSum + Count * Math.Log(lambda));

    /// <summary>∂KL/∂λ.</summary>
    public double DKlDLambda(double lambda) => 0.5 * (Count / lambda - SquareSum / (lambda * lambda));
}
