using BoundLab.Numerics.Losses;
using BoundLab.Numerics.Models;
using BoundLab.Numerics.Optimizers;

namespace BoundLab.Numerics.Training;

/// <summary>Algorithm names accepted by the CLI's <c>--optimizer</c>.</summary>
public static class OptimizerKinds
{
    /// <summary>sgd, gd, sgld, pgd.</summary>
    public static IReadOnlyList<string> All { get; } = ["sgd", "gd", "sgld", "pgd"];
}

/// <summary>Everything that determines a training run (with the data): same config + same data ⇒
/// bit-identical weights on CPU whatever the thread count. Compares by value.</summary>
/// <param name="Model">The architecture.</param>
/// <param name="Loss">The training loss.</param>
/// <param name="Algorithm">The update rule with its typed options.</param>
/// <param name="Schedule">Learning rate by epoch.</param>
/// <param name="BatchSize">Minibatch size (chunk size of full-batch gradients).</param>
/// <param name="Epochs">Epochs (full-batch algorithms: iterations).</param>
/// <param name="Seed">Root of every random draw.</param>
/// <param name="Init">Weight initialization.</param>
/// <param name="InitStd">σ of <see cref="Initialization.Gaussian"/>.</param>
/// <param name="Threads">CPU threads (0 = all); never changes results.</param>
/// <param name="RecordSteps">Whether to keep the per-step trajectory.</param>
public sealed record TrainConfig(
    ModelSpec Model,
    LossKind Loss,
    AlgorithmOptions Algorithm,
    Schedule Schedule,
    int BatchSize,
    int Epochs,
    ulong Seed,
    Initialization Init = Initialization.He,
    double InitStd = 0.01,
    int Threads = 0,
    bool RecordSteps = false)
{
    /// <summary>Checks the numbers that the record's types do not (the CLI reports these as exit 2).</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Model);
        ArgumentNullException.ThrowIfNull(Algorithm);
        ArgumentNullException.ThrowIfNull(Schedule);
        Algorithm.Validate();
        if (BatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "allowed: batch size ≥ 1");
        }

        if (Epochs < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "allowed: epochs ≥ 0");
        }

        if (Threads < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "allowed: threads ≥ 0 (0 = all processors)");
        }
    }
}
