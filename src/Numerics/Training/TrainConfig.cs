using BoundLab.Numerics.Losses;
using BoundLab.Numerics.Models;
using BoundLab.Numerics.Optimizers;

namespace BoundLab.Numerics.Training;

/// <summary>Optimizer names accepted by <see cref="OptimizerConfig.Kind"/>.</summary>
public static class OptimizerKinds
{
    /// <summary>sgd, gd, sgld, pgd.</summary>
    public static IReadOnlyList<string> All { get; } = ["sgd", "gd", "sgld", "pgd"];
}

/// <summary>Which update rule, with its hyper-parameters (unused ones are ignored by the other rules).</summary>
/// <param name="Kind">"sgd" (minibatch), "gd" (full batch), "sgld", "pgd" (perturbed GD).</param>
/// <param name="Momentum">Heavy-ball μ (sgd, gd).</param>
/// <param name="WeightDecay">L2 coefficient (sgd, gd, sgld).</param>
/// <param name="Beta">SGLD inverse temperature β.</param>
/// <param name="PgdRadius">Perturbation radius r.</param>
/// <param name="PgdGradThreshold">g_thres.</param>
/// <param name="PgdStepThreshold">t_thres.</param>
/// <param name="PgdLossThreshold">f_thres.</param>
public sealed record OptimizerConfig(
    string Kind = "sgd",
    double Momentum = 0.9,
    double WeightDecay = 0,
    double Beta = 1e6,
    double PgdRadius = 1e-3,
    double PgdGradThreshold = 1e-3,
    int PgdStepThreshold = 50,
    double PgdLossThreshold = 1e-6);

/// <summary>Everything that determines a training run (with the data): same config + same data ⇒
/// bit-identical weights on CPU whatever the thread count.</summary>
public sealed record TrainConfig(
    MlpSpec Spec,
    LossKind Loss,
    OptimizerConfig Optimizer,
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
        ArgumentNullException.ThrowIfNull(Spec);
        ArgumentNullException.ThrowIfNull(Optimizer);
        ArgumentNullException.ThrowIfNull(Schedule);
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

        if (!OptimizerKinds.All.Contains(Optimizer.Kind))
        {
            throw new ArgumentException($"optimizer '{Optimizer.Kind}' is unknown; allowed: {string.Join(", ", OptimizerKinds.All)}.", nameof(Optimizer));
        }
    }
}
