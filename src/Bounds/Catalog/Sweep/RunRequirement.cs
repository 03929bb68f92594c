using System.Globalization;

namespace BoundLab.Bounds.Catalog.Sweep;

/// <summary>A condition of an entry's theorem on the trained run itself (optimizer, depth, activation, loss, …), checked
/// against the run's <see cref="RunFacts"/> before any quantity is looked at.</summary>
/// <param name="Fact">The fact it is about: optimizer, depth, activation, loss, batch, task or model.</param>
/// <param name="Description">The condition as `bounds show` prints it, e.g. "optimizer ∈ {sgld}".</param>
/// <param name="Violation">The reason the run fails it, naming the fact and its value ("needs optimizer sgld; the run
/// used sgd"), or null when the run satisfies it.</param>
public sealed record RunRequirement(string Fact, string Description, Func<RunFacts, string?> Violation)
{
    private static string Set(IReadOnlyList<string> values) => values.Count == 1 ? values[0] : $"one of {string.Join(", ", values)}";

    /// <summary>The run was trained by one of these optimizers (wire names: sgd, gd, sgld, pgd, admm).</summary>
    public static RunRequirement Optimizer(string why, params string[] allowed) =>
        new("optimizer", $"optimizer ∈ {{{string.Join(", ", allowed)}}} ({why})",
            f => allowed.Contains(f.Optimizer, StringComparer.Ordinal) ? null : $"needs optimizer {Set(allowed)} ({why}); the run used {f.Optimizer}");

    /// <summary>The model is a plain chain of dense layers (the layer-wise norms are those of every weight matrix).</summary>
    public static RunRequirement Mlp() =>
        new("model", "a plain MLP (a chain of dense layers)",
            f => f.IsMlp ? null : "needs a plain MLP (its layer-wise norms are those of every weight matrix); the run's model is not one");

    /// <summary>The MLP has exactly this many weight matrices.</summary>
    public static RunRequirement Depth(int depth, string why) =>
        new("depth", $"depth = {depth.ToString(CultureInfo.InvariantCulture)} ({why})",
            f => f.IsMlp && f.Depth == depth ? null
                : $"needs depth {depth.ToString(CultureInfo.InvariantCulture)} ({why}); the run has {(f.IsMlp && f.Depth is int d ? $"depth {d.ToString(CultureInfo.InvariantCulture)}" : "no MLP depth (not a plain MLP)")}");

    /// <summary>The hidden activation is one of these (wire names: relu, tanh, sigmoid, identity).</summary>
    public static RunRequirement Activation(string why, params string[] allowed) =>
        new("activation", $"activation ∈ {{{string.Join(", ", allowed)}}} ({why})",
            f => allowed.Contains(f.Activation, StringComparer.Ordinal) ? null : $"needs activation {Set(allowed)} ({why}); the run used {f.Activation}");

    /// <summary>The training loss is one of these.</summary>
    public static RunRequirement Loss(string why, params string[] allowed) =>
        new("loss", $"training loss ∈ {{{string.Join(", ", allowed)}}} ({why})",
            f => allowed.Contains(f.Loss, StringComparer.Ordinal) ? null : $"needs training loss {Set(allowed)} ({why}); the run trained with {f.Loss}");

    /// <summary>Losses convex in the network's outputs (so convex in the parameters of a linear model only).</summary>
    public static readonly IReadOnlyList<string> ConvexLosses = ["cross-entropy", "squared", "hinge", "logistic", "exponential"];

    /// <summary>The training objective is convex in the parameters: a linear model (depth 1) trained with a convex loss.
    /// A network with a hidden layer never has a convex loss in its weights.</summary>
    public static RunRequirement ConvexObjective() =>
        new("loss", "the training loss is convex in the parameters: a linear model (depth 1) with a convex loss (never a neural network)",
            f => !(f.IsMlp && f.Depth == 1)
                ? $"needs a loss convex in the parameters, i.e. a linear model (depth 1) with a convex loss; the run has {(f.IsMlp && f.Depth is int d ? $"depth {d.ToString(CultureInfo.InvariantCulture)}" : "a named model")}, a neural network, whose loss is never convex in its weights"
                : ConvexLosses.Contains(f.Loss, StringComparer.Ordinal) ? null
                : $"needs a convex training loss ({string.Join(", ", ConvexLosses)}); the run trained with {f.Loss}");

    /// <summary>Training losses bounded in [0, 1] (none of the trainer's losses is).</summary>
    public static readonly IReadOnlyList<string> BoundedLosses = ["ramp", "zero-one"];

    /// <summary>The training loss itself lies in [0, 1] (uniform-stability theorems bound the gap of the loss they train on).</summary>
    public static RunRequirement BoundedTrainingLoss() =>
        new("loss", "the training loss takes values in [0, 1] (the theorem bounds the gap of the loss it trains on)",
            f => BoundedLosses.Contains(f.Loss, StringComparer.Ordinal) ? null
                : $"needs a training loss bounded in [0, 1] (the theorem bounds the gap of the loss it trains on); the run trained with {f.Loss}, which is unbounded");

    /// <summary>The gap is measured in a loss bounded in [0, 1]: the 0-1 loss of a classification run.</summary>
    public static RunRequirement BoundedGapLoss() =>
        new("task", "the gap is that of a loss in [0, 1] (the 0-1 loss of a classifier)",
            f => f.Classes is not null ? null : "needs a loss bounded in [0, 1] for the gap (the 0-1 loss of a classifier); the run is a regression, whose squared loss is unbounded");

    /// <summary>Full-batch updates (batch ≥ n): gradient Langevin dynamics, not its stochastic version.</summary>
    public static RunRequirement FullBatch(string why) =>
        new("batch", $"batch ≥ n, full-batch gradients ({why})",
            f => f.Batch is int b && f.NTrain is int n ? (b >= n ? null : $"needs full-batch updates, batch ≥ n ({why}); the run used batch {b.ToString(CultureInfo.InvariantCulture)} with n = {n.ToString(CultureInfo.InvariantCulture)}")
                : "needs full-batch updates (batch ≥ n); the run does not record its batch size");

    /// <summary>Mini-batches of at most half the sample.</summary>
    public static RunRequirement HalfBatch(string why) =>
        new("batch", $"batch ≤ n/2 ({why})",
            f => f.Batch is int b && f.NTrain is int n ? (2L * b <= n ? null : $"needs batch ≤ n/2 ({why}); the run used batch {b.ToString(CultureInfo.InvariantCulture)} with n = {n.ToString(CultureInfo.InvariantCulture)}")
                : "needs batch ≤ n/2; the run does not record its batch size");
}
