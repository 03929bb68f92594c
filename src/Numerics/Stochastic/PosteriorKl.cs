namespace BoundLab.Numerics.Stochastic;

/// <summary>KL(Q‖P) between a diagonal Gaussian posterior and an isotropic Gaussian prior, in closed form:
/// KL = ½ Σ_i [ (σ_i² + (μ_i − μ₀_i)²)/λ − 1 − ln(σ_i²/λ) ], accumulated in float64.</summary>
public static class PosteriorKl
{
    /// <summary>KL(Q‖N(μ₀, λI)) in nats for a certificate: every term in float64, the sum rounded up so the value is
    /// never below the exact KL of the float32 parameters.</summary>
    public static double Certified(GaussianPosterior posterior, IReadOnlyList<float[]> priorCenter, double priorVariance)
        => throw new NotImplementedException("contract: issue 11 helper A");
}
