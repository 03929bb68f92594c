using BoundLab.Numerics.Kernels;
using BoundLab.Numerics.Models;
using BoundLab.Numerics.Random;

namespace BoundLab.Numerics.Optimizers;

/// <summary>Perturbed gradient descent (Jin, Ge, Netrapalli, Kakade, Jordan, ICML 2017, Algorithm 2):
/// full-batch GD that, when the gradient is small (‖∇f‖ ≤ g_thres) and no perturbation happened in the
/// last t_thres steps, jumps to a uniform point of the ball of radius r around the iterate; if t_thres
/// steps later f has not decreased by f_thres, it returns the pre-perturbation point (an approximate
/// second-order stationary point).</summary>
/// <remarks>The thresholds are inputs here; the paper's choice from (ℓ, ρ, ε, c, δ, Δ_f) is in the bound
/// catalog. The trainer calls <see cref="ShouldPerturb"/>, <see cref="Perturb"/> and <see cref="ShouldStop"/>
/// around each full-gradient evaluation, in the algorithm's order.</remarks>
public sealed class PerturbedGd : Optimizer
{
    private readonly RngKey _key;
    private float[][]? _anchor;
    private double _anchorLoss;
    private long _lastPerturbation = long.MinValue / 2;

    /// <summary>Creates the optimizer with the algorithm's radius and thresholds.</summary>
    public PerturbedGd(double radius, double gradThreshold, int stepThreshold, double lossThreshold, RngKey key)
    {
        Radius = radius > 0 && double.IsFinite(radius) ? radius
            : throw new ArgumentOutOfRangeException(nameof(radius), radius, "allowed: a finite radius r > 0");
        GradThreshold = Check(nameof(gradThreshold), gradThreshold, 0);
        StepThreshold = stepThreshold >= 1 ? stepThreshold
            : throw new ArgumentOutOfRangeException(nameof(stepThreshold), stepThreshold, "allowed: t_thres ≥ 1");
        LossThreshold = Check(nameof(lossThreshold), lossThreshold, 0);
        _key = key;
    }

    /// <summary>r.</summary>
    public double Radius { get; }

    /// <summary>g_thres.</summary>
    public double GradThreshold { get; }

    /// <summary>t_thres.</summary>
    public int StepThreshold { get; }

    /// <summary>f_thres.</summary>
    public double LossThreshold { get; }

    /// <summary>Number of perturbations so far.</summary>
    public int Perturbations { get; private set; }

    /// <summary>The step of the last perturbation (for checkpoints); very negative when none.</summary>
    public long LastPerturbation => _lastPerturbation;

    /// <inheritdoc />
    public override string Name => "pgd";

    /// <inheritdoc />
    public override bool FullBatch => true;

    /// <summary>Whether step t should start with a perturbation, given ‖∇f(x_t)‖.</summary>
    public bool ShouldPerturb(long t, double gradNorm) => gradNorm <= GradThreshold && t - _lastPerturbation > StepThreshold;

    /// <summary>Remembers x̃_t = x_t and f(x̃_t), then moves to a uniform point of the r-ball around it.</summary>
    public void Perturb(IReadOnlyList<Parameter<float>> parameters, long t, double loss)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _anchor = parameters.Select(p => (float[])p.Value.Clone()).ToArray();
        _anchorLoss = loss;
        _lastPerturbation = t;
        Perturbations++;

        // Uniform in the ball: Gaussian direction ξ (keyed by step t and tensor k), radius r·U^{1/P}.
        // ‖ξ‖² is summed from one fill; the move regenerates the same ξ inside the update.
        RngKey direction = _key.Split("direction");
        long dim = parameters.Sum(p => (long)p.Value.Length);
        double norm2 = 0;
        for (int k = 0; k < parameters.Count; k++)
        {
            var xi = new float[parameters[k].Value.Length];
            GaussianNoise.Fill(new NoiseKey(direction, (ulong)t, (uint)k), xi, 0);
            norm2 += Update.NormSquared(xi, xi, 0);
        }

        double u = _key.Split("radius").Split((ulong)t).Stream().NextDoubleOpenZero();
        float scale = (float)(Radius * Math.Pow(u, 1.0 / dim) / Math.Sqrt(norm2));
        for (int k = 0; k < parameters.Count; k++)
        {
            GaussianNoise.AddScaled(new NoiseKey(direction, (ulong)t, (uint)k), parameters[k].Value, scale, 0);
        }
    }

    /// <summary>The algorithm's stopping test at step t with f(x_t) = <paramref name="loss"/>; when it
    /// fires, the parameters are restored to the pre-perturbation point x̃.</summary>
    public bool ShouldStop(IReadOnlyList<Parameter<float>> parameters, long t, double loss)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (_anchor is null || t - _lastPerturbation != StepThreshold || loss - _anchorLoss <= -LossThreshold)
        {
            return false;
        }

        for (int k = 0; k < parameters.Count; k++)
        {
            Array.Copy(_anchor[k], parameters[k].Value, _anchor[k].Length);
        }

        return true;
    }

    /// <inheritdoc />
    public override void Step(IReadOnlyList<Parameter<float>> parameters, double learningRate, long step)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        foreach (Parameter<float> p in parameters)
        {
            Update.Descend(p.Value, p.Grad, (float)learningRate, 0);
        }
    }
}
