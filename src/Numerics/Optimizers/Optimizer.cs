using BoundLab.Numerics.Models;

namespace BoundLab.Numerics.Optimizers;

/// <summary>An update rule applied to a network's parameters after each gradient evaluation.</summary>
/// <remarks>State (momentum buffers) is exposed as flat arrays so checkpoints can save and restore it:
/// a resumed run is bit-identical to an uninterrupted one.</remarks>
public abstract class Optimizer
{
    /// <summary>The CLI name ("sgd", "sgld", …).</summary>
    public abstract string Name { get; }

    /// <summary>Whether each step uses the full training set (GD, perturbed GD) rather than a minibatch.</summary>
    public virtual bool FullBatch => false;

    /// <summary>Applies one update with the gradients currently stored in <paramref name="parameters"/>.
    /// <paramref name="step"/> is the global step index (0-based), used to key any noise.</summary>
    public abstract void Step(IReadOnlyList<Parameter<float>> parameters, double learningRate, long step);

    /// <summary>The L2 coefficient the update adds to the loss gradient (0 when none).</summary>
    public virtual double WeightDecay => 0;

    /// <summary>Squared norm of the gradient the next <see cref="Step"/> will use (loss gradient plus
    /// weight decay), accumulated in float64 — the ‖g_k‖² of the SGLD bounds. Call before Step.</summary>
    public double GradientNormSquared(IReadOnlyList<Parameter<float>> parameters)
        => EffectiveGradientNormSquared(parameters, WeightDecay);

    /// <summary>Internal state buffers, one per parameter (empty when stateless).</summary>
    public virtual IReadOnlyList<float[]> State => [];

    /// <summary>Squared Euclidean norm of g + wd·w over all parameters, accumulated in float64.</summary>
    protected static double EffectiveGradientNormSquared(IReadOnlyList<Parameter<float>> parameters, double weightDecay)
    {
        double s = 0;
        foreach (Parameter<float> p in parameters)
        {
            s += Update.NormSquared(p.Value, p.Grad, weightDecay);
        }

        return s;
    }

    /// <summary>Checks a hyper-parameter is finite and within [min, max].</summary>
    protected static double Check(string name, double value, double min, double max = double.PositiveInfinity)
        => double.IsFinite(value) && value >= min && value <= max
            ? value
            : throw new ArgumentOutOfRangeException(name, value, $"allowed: {min} ≤ {name} ≤ {max}");
}
