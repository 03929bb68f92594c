using BoundLab.Numerics.Backends;
using BoundLab.Numerics.Models;
using BoundLab.Numerics.Random;

namespace BoundLab.Numerics.Optimizers;

/// <summary>What an algorithm is built on: the model it updates, the backend its tensors live on, and the run's
/// noise key (every random draw of the algorithm derives from it).</summary>
/// <param name="Model">The model whose <see cref="Model{T}.Parameters"/> the algorithm updates.</param>
/// <param name="NoiseKey">The run's key for the algorithm's noise.</param>
/// <param name="TrainingData">The training set, for algorithms that work on it directly rather than through the
/// objective's gradient (ADMM) or record statistics on it (SGLD); null when the caller has none.</param>
/// <param name="Loss">The training loss, for per-example statistics; null when the caller has none.</param>
/// <param name="Ghost">With a supersample, its unused half: row i pairs with <paramref name="TrainingData"/>'s row i
/// (the pair (z_{i,0}, z_{i,1}) of Steinke and Zakynthinou's construction); null otherwise.</param>
public sealed record AlgorithmContext(Model<float> Model, RngKey NoiseKey, Data.Dataset? TrainingData = null,
    Losses.LossKind? Loss = null, Data.Dataset? Ghost = null)
{
    /// <summary>The model's backend.</summary>
    public Backend<float> Backend => Model.Backend;
}

/// <summary>One step's inputs: the closure that evaluates the objective (loss and gradient into the model's
/// gradients, on the step's minibatch or the whole training set), the learning rate and the global step index.</summary>
/// <param name="Evaluate">Computes the loss at the current parameters and leaves its gradient in the model (TorchSharp's step(closure)).</param>
/// <param name="LearningRate">η of this step.</param>
/// <param name="Step">Global 0-based step index (keys noise).</param>
/// <param name="RecordGradientNorm">Whether the result should carry ‖g‖².</param>
public sealed record StepContext(Func<double> Evaluate, double LearningRate, long Step, bool RecordGradientNorm);

/// <summary>What one step did.</summary>
/// <param name="Loss">The objective at the parameters the update started from (after any perturbation).</param>
/// <param name="GradientNormSquared">‖g + wd·w‖² of the gradient the update used, when asked for; else NaN.</param>
/// <param name="Stopped">The algorithm's stopping test fired (no update was made).</param>
/// <param name="GradStat">Per-example statistic g_e recorded at this step (see <see cref="SgldOptions"/>); null when none.</param>
/// <param name="Incoherence">Supersample pairs' incoherence recorded at this step; null when none.</param>
public sealed record StepResult(double Loss, double GradientNormSquared, bool Stopped, double? GradStat = null, double? Incoherence = null);

/// <summary>An update rule with its own typed, named state: the run loop calls <see cref="Step"/> once per step and
/// saves/restores <see cref="SaveState"/>/<see cref="RestoreState"/> in checkpoints, so every algorithm resumes
/// bit-identically.</summary>
public abstract class Algorithm(AlgorithmContext context)
{
    /// <summary>The model, backend and key.</summary>
    protected AlgorithmContext Context { get; } = context ?? throw new ArgumentNullException(nameof(context));

    /// <summary>The options it was made from.</summary>
    public abstract AlgorithmOptions Options { get; }

    /// <summary>The CLI name.</summary>
    public string Name => Options.Name;

    /// <summary>Whether each step uses the whole training set.</summary>
    public bool FullBatch => Options.FullBatch;

    /// <summary>One step: evaluate (through the closure), then update the model's parameters.</summary>
    public abstract StepResult Step(StepContext step);

    /// <summary>The algorithm's state after the last step (tensors copied to the host, scalars by name).</summary>
    public abstract AlgorithmState SaveState();

    /// <summary>Restores a state saved by <see cref="SaveState"/> of the same algorithm and model.</summary>
    public abstract void RestoreState(AlgorithmState state);

    /// <summary>Σ over parameters of ‖g + wd·w‖², accumulated in float64 on the backend.</summary>
    protected double GradientNormSquared(double weightDecay)
    {
        double s = 0;
        foreach (Parameter<float> p in Context.Model.Parameters)
        {
            s += Context.Backend.EffectiveGradientNormSquared(p.Value, p.Grad, weightDecay);
        }

        return s;
    }

    /// <summary>A named float32 tensor of a saved state.</summary>
    protected static float[] Floats(AlgorithmState state, string name) => Array.ConvertAll(state.Tensor(name), v => (float)v);

    /// <summary>Throws unless <paramref name="state"/> belongs to this algorithm.</summary>
    protected void RequireOwn(AlgorithmState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Algorithm != Name)
        {
            throw new InvalidDataException($"the checkpoint holds the state of '{state.Algorithm}', not of '{Name}'.");
        }
    }
}

/// <summary>An algorithm's named state: host tensors (momentum buffers, the perturbation anchor) and scalars
/// (counters, the anchor loss). Checkpoints store it as it is; the names are the algorithm's.</summary>
/// <param name="Algorithm">The algorithm's CLI name.</param>
/// <param name="Tensors">Named tensors, in the algorithm's order (float64, so float32 and float64 states both round-trip exactly).</param>
/// <param name="Scalars">Named scalars.</param>
public sealed record AlgorithmState(string Algorithm, IReadOnlyList<NamedTensor> Tensors, IReadOnlyDictionary<string, double> Scalars)
{
    /// <summary>The tensor called <paramref name="name"/>; a missing one is a corrupt checkpoint.</summary>
    public double[] Tensor(string name) => Tensors.FirstOrDefault(t => t.Name == name)?.Values
        ?? throw new InvalidDataException($"the checkpoint's {Algorithm} state has no tensor '{name}'.");

    /// <summary>The scalar called <paramref name="name"/>.</summary>
    public double Scalar(string name) => Scalars.TryGetValue(name, out double v) ? v
        : throw new InvalidDataException($"the checkpoint's {Algorithm} state has no value '{name}'.");
}

/// <summary>A named host tensor of an algorithm state.</summary>
/// <param name="Name">The algorithm's name for it (e.g. "velocity.W1").</param>
/// <param name="Values">The values.</param>
public sealed record NamedTensor(string Name, double[] Values)
{
    /// <summary>A float32 tensor, widened exactly.</summary>
    public static NamedTensor Of(string name, float[] values) => new(name, Array.ConvertAll(values, v => (double)v));

    /// <summary>The values narrowed to float32 (exact for values that came from <see cref="Of"/>).</summary>
    public float[] AsFloats() => Array.ConvertAll(Values, v => (float)v);
}
