using BoundLab.Numerics.Kernels;
using BoundLab.Numerics.Models;
using BoundLab.Numerics.Random;

namespace BoundLab.Numerics.Optimizers;

/// <summary>Stochastic gradient Langevin dynamics, in the parameterisation of Mou, Wang, Zhai, Zheng
/// (COLT 2018): w ← w − η·(g + wd·w) + sqrt(2η/β)·ξ, ξ ~ N(0, I); β is the inverse temperature.</summary>
/// <remarks>ξ of parameter k at step t is <see cref="KeyedNormal"/> under (key, t, k), generated inside the
/// update (<see cref="GaussianNoise.LangevinStep"/>): the weights are bit-identical for any thread count.</remarks>
public sealed class Sgld : Optimizer
{
    private readonly RngKey _key;
    private readonly int _threads;

    /// <summary>Creates the optimizer; <paramref name="key"/> keys the noise of every step.</summary>
    public Sgld(double beta, double weightDecay, RngKey key, int threads)
    {
        Beta = beta > 0 && double.IsFinite(beta)
            ? beta
            : throw new ArgumentOutOfRangeException(nameof(beta), beta, "allowed: a finite inverse temperature β > 0");
        WeightDecay = Check(nameof(weightDecay), weightDecay, 0);
        _key = key;
        _threads = threads;
    }

    /// <summary>Inverse temperature β.</summary>
    public double Beta { get; }

    /// <summary>wd (the λ of Mou et al.'s ℓ2-regularized objective).</summary>
    public override double WeightDecay { get; }

    /// <inheritdoc />
    public override string Name => "sgld";

    /// <inheritdoc />
    public override void Step(IReadOnlyList<Parameter<float>> parameters, double learningRate, long step)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        float lr = (float)learningRate, wd = (float)WeightDecay;
        float std = (float)Math.Sqrt(2 * learningRate / Beta);
        for (int k = 0; k < parameters.Count; k++)
        {
            GaussianNoise.LangevinStep(new NoiseKey(_key, (ulong)step, (uint)k), parameters[k].Value, parameters[k].Grad,
                lr, wd, std, _threads);
        }
    }
}
