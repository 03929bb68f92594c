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
    public override double WeightDecay { get; }

    /// <inheritdoc />
    public override string Name => _fullBatch ? "gd" : "sgd";

    /// <inheritdoc />
    public override bool FullBatch => _fullBatch;

    /// <inheritdoc />
    public override IReadOnlyList<float[]> State => _velocity;

    /// <inheritdoc />
    public override void Step(IReadOnlyList<Parameter<float>> parameters, double learningRate, long step)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        float lr = (float)learningRate, mu = (float)Momentum, wd = (float)WeightDecay;
        for (int k = 0; k < parameters.Count; k++)
        {
            if (_velocity.Length == 0)
            {
                Update.Descend(parameters[k].Value, parameters[k].Grad, lr, wd);
            }
            else
            {
                Update.MomentumDescend(parameters[k].Value, parameters[k].Grad, _velocity[k], lr, mu, wd);
            }
        }
    }
}
