using BoundLab.Numerics.Data;
using BoundLab.Numerics.Models;
using BoundLab.Numerics.Random;

namespace BoundLab.Numerics.Stochastic;

/// <summary>How the Monte-Carlo error of a stochastic classifier draws its networks.</summary>
public enum GibbsSampling
{
    /// <summary>Per example when the model allows it, else per batch.</summary>
    Auto,

    /// <summary>A fresh network for every example of every pass (exact for dense/activation models through the local
    /// reparameterization: the pre-activations of one example are Gaussian given the layer input).</summary>
    PerExample,

    /// <summary>A fresh network for every batch of <see cref="GibbsOptions.BatchRows"/> examples (any model).</summary>
    PerBatch,
}

/// <summary>Options of the Monte-Carlo estimate.</summary>
/// <param name="Passes">Passes over the data set, each with fresh draws.</param>
/// <param name="BatchRows">Rows per batch (per-batch sampling: the examples that share one network).</param>
/// <param name="Sampling">How networks are drawn.</param>
public sealed record GibbsOptions(int Passes = 10, int BatchRows = 1000, GibbsSampling Sampling = GibbsSampling.Auto);

/// <summary>A Monte-Carlo estimate of the stochastic classifier's 0-1 error on a data set.</summary>
/// <param name="Errors">Σ of the terms (per-example: misclassified draws; per-batch: Σ of the batch error rates).</param>
/// <param name="Terms">M, the number of independent [0,1]-valued terms averaged (per-example: examples × passes;
/// per-batch: batches × passes).</param>
/// <param name="Error">The estimate (mean of the terms).</param>
/// <param name="Sampling">The sampling used (never Auto).</param>
/// <param name="Examples">Examples evaluated in total (rows × passes).</param>
/// <param name="Seconds">Wall time.</param>
public sealed record GibbsEstimate(double Errors, long Terms, double Error, GibbsSampling Sampling, long Examples, double Seconds);

/// <summary>The Monte-Carlo 0-1 error of the Gibbs classifier of Q = N(μ, diag σ²).</summary>
public static class GibbsError
{
    /// <summary>Estimates E_{h~Q} R̂(h) on <paramref name="data"/>; every draw is keyed from <paramref name="key"/>, so the
    /// result is the same for any thread count.</summary>
    public static GibbsEstimate Estimate(ModelSpec spec, IReadOnlyList<float[]> mean, IReadOnlyList<float[]> std, Dataset data,
        GibbsOptions options, RngKey key, int threads = 0, IProgress<int>? passDone = null, CancellationToken cancel = default)
        => throw new NotImplementedException("contract: issue 11 helper B");
}
