using BoundLab.Numerics.Models;

namespace BoundLab.Numerics.Optimizers;

/// <summary>(Minibatch or full-batch) gradient descent with heavy-ball momentum and L2 weight decay,
/// in PyTorch's convention: v ← μ·v + (g + wd·w); w ← w − η·v.</summary>
public sealed class Sgd : Optimizer
{
    private readonly float[][] _velocity;
    private readonly bool _fullBatch;

    /// <summary>Creates the optimizer for the given parameter shapes.</summary>
    public Sgd(IReadOnlyList<Parameter<float>> parameters, double momentum = 0, double weightDecay = 0, bool fullBatch = false)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Momentum = Check(nameof(momentum), momentum, 0, 0.999999);
        WeightDecay = Check(nameof(weightDecay), weightDecay, 0);
        _fullBatch = fullBatch;
        _velocity = Momentum > 0 ? parameters.Select(p => new float[p.Value.Length]).ToArray() : [];
    }

    /// <summary>μ.</summary>
    public double Momentum { get; }

    /// <summary>wd.</summary>
    public double WeightDecay { get; }

    /// <inheritdoc />
    public override string Name => _fullBatch ? "gd" : "sgd";

    /// <inheritdoc />
    public override bool FullBatch => _fullBatch;

    /// <inheritdoc />
    public override IReadOnlyList<float[]> State => _velocity;

    /// <inheritdoc />
    public override double Step(IReadOnlyList<Parameter<float>> parameters, double learningRate, long step)
    {
        double norm2 = EffectiveGradientNormSquared(parameters, WeightDecay);
        float lr = (float)learningRate, mu = (float)Momentum, wd = (float)WeightDecay;
        for (int k = 0; k < parameters.Count; k++)
        {
            float[] w = parameters[k].Value, g = parameters[k].Grad;
            if (_velocity.Length == 0)
            {
                for (int i = 0; i < w.Length; i++)
                {
                    w[i] -= lr * (g[i] + wd * w[i]);
                }
            }
            else
            {
                float[] v = _velocity[k];
                for (int i = 0; i < w.Length; i++)
                {
                    v[i] = mu * v[i] + (g[i] + wd * w[i]);
                    w[i] -= lr * v[i];
                }
            }
        }

        return norm2;
    }
}
