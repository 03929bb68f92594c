using System.Globalization;
using BoundLab.Numerics.Models;

namespace BoundLab.Numerics.Stochastic;

/// <summary>The initial posteriors of the two methods.</summary>
public static class PosteriorInitialization
{
    /// <summary>The floor of DR17's initial σ = 2|w|: their log(2|w|) is −∞ at a parameter that is exactly 0 (a KL of +∞);
    /// 10⁻⁶ lies far below the scale of trained weights, so only exact zeros are affected, each paying
    /// ½ ln(λ/10⁻¹²) ≈ 10.8 nats at λ = e⁻⁶ in the first KL until the optimizer grows its σ.</summary>
    public const float Dr17MinimumStd = 1e-6f;

    /// <summary>Dziugaite and Roy (2017), snn/core/network.py PACB_init: μ = the trained weights w, σ = 2|w| (floored at
    /// <see cref="Dr17MinimumStd"/>), σ = e^ρ.</summary>
    public static GaussianPosterior Dr17(ModelSpec spec, IReadOnlyList<float[]> weights)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(weights);
        float[][] std = weights.Select(w => w?.Select(x => MathF.Max(2 * MathF.Abs(x), Dr17MinimumStd)).ToArray()!).ToArray();
        return GaussianPosterior.FromStd(spec, weights, std, SigmaParameterization.Exp);
    }

    /// <summary>PBB (pbb/models.py ProbLinear with init_layer = the learnt prior's network): μ = the prior centre,
    /// σ = <paramref name="priorStd"/> everywhere, σ = softplus(ρ).</summary>
    public static GaussianPosterior AtPrior(ModelSpec spec, IReadOnlyList<float[]> center, double priorStd)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(center);
        if (!(priorStd > 0) || !float.IsFinite((float)priorStd) || (float)priorStd <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(priorStd), priorStd, string.Create(CultureInfo.InvariantCulture, $"--prior-std: allowed a finite σ₀ > 0 in float32"));
        }

        float[][] std = center.Select(c => Enumerable.Repeat((float)priorStd, c?.Length ?? 0).ToArray()).ToArray();
        return GaussianPosterior.FromStd(spec, center, std, SigmaParameterization.Softplus);
    }
}
