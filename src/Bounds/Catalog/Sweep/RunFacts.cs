namespace BoundLab.Bounds.Catalog.Sweep;

/// <summary>What is known about a trained run before any bound is evaluated: the facts an entry's applicability is
/// decided on (class count, depth, activation, optimizer, loss range, biases).</summary>
/// <param name="Classes">Number of classes; null for regression.</param>
/// <param name="Depth">Number of weight matrices of a plain MLP (a chain of dense layers); null for other models.</param>
/// <param name="Activation">Hidden activation wire name (relu, sigmoid, tanh, identity), or "mixed" for named models.</param>
/// <param name="Optimizer">Optimizer wire name (sgd, gd, sgld, pgd, admm).</param>
/// <param name="Loss">Training loss wire name (cross-entropy, squared, hinge, …).</param>
/// <param name="HasBias">Whether the network has biases.</param>
/// <param name="IsMlp">Whether the model is a plain chain of dense layers (the layer-wise entries' setting).</param>
public sealed record RunFacts(int? Classes, int? Depth, string Activation, string Optimizer, string Loss, bool HasBias, bool IsMlp)
{
    /// <summary>The mini-batch size of a gradient method; null where the run records none (ADMM).</summary>
    public int? Batch { get; init; }

    /// <summary>The number of training examples; null where unknown.</summary>
    public int? NTrain { get; init; }
}
