using System.Globalization;
using BoundLab.Numerics.Backends;
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
    {
        ArgumentNullException.ThrowIfNull(spec);
        CheckParameterization(parameterization);
        (string Name, int Length)[] shapes = Shapes(spec);
        float[][] mu = CheckArrays(spec, shapes, mean, nameof(mean));
        float[][] s = CheckArrays(spec, shapes, std, nameof(std));
        var rho = new float[s.Length][];
        for (int k = 0; k < s.Length; k++)
        {
            rho[k] = new float[s[k].Length];
            for (int i = 0; i < s[k].Length; i++)
            {
                float v = s[k][i];
                if (!(v > 0) || !float.IsFinite(v))
                {
                    throw new ArgumentException(
                        string.Create(CultureInfo.InvariantCulture, $"σ of {shapes[k].Name}[{i}] is {v}; allowed: a finite σ > 0."), nameof(std));
                }

                float r = SigmaMap.RhoOf(parameterization, v);
                if (!float.IsFinite(r))
                {
                    throw new ArgumentException(
                        string.Create(CultureInfo.InvariantCulture, $"σ of {shapes[k].Name}[{i}] is {v}: ρ = {r} under {parameterization} is not a finite float32."), nameof(std));
                }

                rho[k][i] = r;
            }
        }

        return new GaussianPosterior(spec, mu, rho, parameterization);
    }

    /// <summary>A posterior from μ and ρ directly (copied; shapes checked against <paramref name="spec"/>).</summary>
    public static GaussianPosterior FromRho(ModelSpec spec, IReadOnlyList<float[]> mean, IReadOnlyList<float[]> rho, SigmaParameterization parameterization)
    {
        ArgumentNullException.ThrowIfNull(spec);
        CheckParameterization(parameterization);
        (string Name, int Length)[] shapes = Shapes(spec);
        float[][] mu = CheckArrays(spec, shapes, mean, nameof(mean));
        float[][] r = CheckArrays(spec, shapes, rho, nameof(rho));
        for (int k = 0; k < r.Length; k++)
        {
            for (int i = 0; i < r[k].Length; i++)
            {
                float s = SigmaMap.SigmaOf(parameterization, r[k][i]);
                if (!(s > 0) || !float.IsFinite(s))
                {
                    throw new ArgumentException(
                        string.Create(CultureInfo.InvariantCulture, $"ρ of {shapes[k].Name}[{i}] is {r[k][i]}: σ = {s} under {parameterization}; allowed: ρ giving a finite σ > 0 in float32."), nameof(rho));
                }
            }
        }

        return new GaussianPosterior(spec, mu, r, parameterization);
    }

    /// <summary>σ per parameter tensor (fresh arrays).</summary>
    public float[][] Std()
    {
        var s = new float[RhoArrays.Length][];
        for (int k = 0; k < s.Length; k++)
        {
            s[k] = new float[RhoArrays[k].Length];
            SigmaMap.Sigma(Parameterization, RhoArrays[k], s[k]);
        }

        return s;
    }

    // Trusted constructor for the trainer (arrays already checked and owned).
    internal static GaussianPosterior Own(ModelSpec spec, float[][] mean, float[][] rho, SigmaParameterization parameterization)
        => new(spec, mean, rho, parameterization);

    /// <summary>(name, length) of each parameter tensor of <paramref name="spec"/>, in <see cref="Model{T}.Parameters"/> order.</summary>
    internal static (string Name, int Length)[] Shapes(ModelSpec spec)
        => Model<float>.Zeros(spec, ReferenceBackend<float>.Instance).Parameters.Select(p => (p.Name, p.Length)).ToArray();

    /// <summary>Copies of <paramref name="arrays"/> after checking count, lengths and finiteness.</summary>
    internal static float[][] CheckArrays(ModelSpec spec, (string Name, int Length)[] shapes, IReadOnlyList<float[]> arrays, string argument)
    {
        ArgumentNullException.ThrowIfNull(arrays, argument);
        if (arrays.Count != shapes.Length)
        {
            throw new ArgumentException(
                $"{argument} has {arrays.Count} tensors; the model {spec.Name} has {shapes.Length} ({string.Join(", ", shapes.Select(s => s.Name))}).", argument);
        }

        var copy = new float[shapes.Length][];
        for (int k = 0; k < shapes.Length; k++)
        {
            float[]? a = arrays[k];
            if (a is null || a.Length != shapes[k].Length)
            {
                throw new ArgumentException(
                    $"{argument}[{k}] ({shapes[k].Name}) has {(a is null ? "no array" : a.Length + " values")}; the model {spec.Name} needs {shapes[k].Length}.", argument);
            }

            for (int i = 0; i < a.Length; i++)
            {
                if (!float.IsFinite(a[i]))
                {
                    throw new ArgumentException(
                        string.Create(CultureInfo.InvariantCulture, $"{argument} of {shapes[k].Name}[{i}] is {a[i]}; allowed: finite values."), argument);
                }
            }

            copy[k] = (float[])a.Clone();
        }

        return copy;
    }

    private static void CheckParameterization(SigmaParameterization p)
    {
        if (p is not (SigmaParameterization.Exp or SigmaParameterization.Softplus))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "allowed: Exp or Softplus");
        }
    }
}

/// <summary>The isotropic Gaussian prior N(μ₀, λ I): <paramref name="Center"/> per parameter tensor (same layout as the
/// posterior), <paramref name="Variance"/> λ &gt; 0.</summary>
public sealed record GaussianPrior(IReadOnlyList<float[]> Center, double Variance);
