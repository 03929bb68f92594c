using BoundLab.Numerics.Models;

namespace BoundLab.Numerics.Stochastic;

/// <summary>How a posterior's standard deviation σ is parameterized by the trained variable ρ.</summary>
public enum SigmaParameterization
{
    /// <summary>σ = e^ρ (Dziugaite and Roy 2017 train the log standard deviation).</summary>
    Exp,

    /// <summary>σ = ln(1 + e^ρ) (Pérez-Ortiz et al. 2021, PBB's <c>Gaussian.sigma</c>).</summary>
    Softplus,
}

/// <summary>A Gaussian N(μ, diag σ²) over every parameter (weights and biases) of a model: one μ and one ρ array per
/// parameter tensor, in <see cref="Model{T}.Parameters"/> order (the order of <see cref="Model{T}.Values"/>).
/// Immutable: training returns a new posterior.</summary>
public sealed class GaussianPosterior
{
    private GaussianPosterior(ModelSpec spec, float[][] mean, float[][] rho, SigmaParameterization parameterization)
    {
        Spec = spec;
        MeanArrays = mean;
        RhoArrays = rho;
        Parameterization = parameterization;
    }

    /// <summary>The architecture the parameters belong to.</summary>
    public ModelSpec Spec { get; }

    /// <summary>How σ follows from ρ.</summary>
    public SigmaParameterization Parameterization { get; }

    /// <summary>μ per parameter tensor (do not modify).</summary>
    public IReadOnlyList<float[]> Mean => MeanArrays;

    /// <summary>ρ per parameter tensor (do not modify).</summary>
    public IReadOnlyList<float[]> Rho => RhoArrays;

    /// <summary>Number of scalar parameters P.</summary>
    public long Count => MeanArrays.Sum(a => (long)a.Length);

    internal float[][] MeanArrays { get; }

    internal float[][] RhoArrays { get; }

    /// <summary>A posterior with mean <paramref name="mean"/> and standard deviations <paramref name="std"/> (each &gt; 0 and
    /// finite; shapes must match <paramref name="spec"/>'s parameters). The arrays are copied.</summary>
    public static GaussianPosterior FromStd(ModelSpec spec, IReadOnlyList<float[]> mean, IReadOnlyList<float[]> std, SigmaParameterization parameterization)
        => throw new NotImplementedException("contract: issue 11 helper A");

    /// <summary>A posterior from μ and ρ directly (copied; shapes checked against <paramref name="spec"/>).</summary>
    public static GaussianPosterior FromRho(ModelSpec spec, IReadOnlyList<float[]> mean, IReadOnlyList<float[]> rho, SigmaParameterization parameterization)
        => throw new NotImplementedException("contract: issue 11 helper A");

    /// <summary>σ per parameter tensor (fresh arrays).</summary>
    public float[][] Std() => throw new NotImplementedException("contract: issue 11 helper A");
}

/// <summary>The isotropic Gaussian prior N(μ₀, λ I): <paramref name="Center"/> per parameter tensor (same layout as the
/// posterior), <paramref name="Variance"/> λ &gt; 0.</summary>
public sealed record GaussianPrior(IReadOnlyList<float[]> Center, double Variance);
