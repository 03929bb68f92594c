using System.Diagnostics;
using BoundLab.Numerics.Data;
using BoundLab.Numerics.Models;
using BoundLab.Numerics.Models.Layers;
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

    /// <summary>A fresh network for every batch of <see cref="GibbsOptions.BatchRows"/> examples (any model); each batch is a
    /// fresh uniformly random subset of the data, so every batch error rate has mean R̂(Q).</summary>
    PerBatch,
}

/// <summary>Options of the Monte-Carlo estimate.</summary>
/// <param name="Passes">Passes over the data set, each with fresh draws.</param>
/// <param name="BatchRows">Rows per batch (per-batch sampling: the examples that share one network).</param>
/// <param name="Sampling">How networks are drawn.</param>
/// <param name="CacheMegabytes">Per-example sampling: memory allowed for the first dense layer's per-example means and
/// standard deviations (n × width × 8 bytes), computed once and reused by every pass; 0 recomputes them each pass.</param>
public sealed record GibbsOptions(int Passes = 10, int BatchRows = 1000, GibbsSampling Sampling = GibbsSampling.Auto, int CacheMegabytes = 1024)
{
    /// <summary>Largest <see cref="CacheMegabytes"/> accepted.</summary>
    public const int MaxCacheMegabytes = 1 << 20;

    /// <summary>Largest <see cref="Passes"/> accepted.</summary>
    public const int MaxPasses = 1_000_000;

    /// <summary>Largest <see cref="BatchRows"/> accepted.</summary>
    public const int MaxBatchRows = 1 << 16;

    /// <summary>Throws (naming the option, the value and what is allowed) when an option is out of range.</summary>
    public void Validate()
    {
        if (Passes < 1 || Passes > MaxPasses)
        {
            throw new ArgumentOutOfRangeException(nameof(Passes), Passes, $"Passes is {Passes}; allowed: 1 … {MaxPasses:N0} passes over the data.");
        }

        if (BatchRows < 1 || BatchRows > MaxBatchRows)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchRows), BatchRows, $"BatchRows is {BatchRows}; allowed: 1 … {MaxBatchRows:N0} rows per batch.");
        }

        if (CacheMegabytes < 0 || CacheMegabytes > MaxCacheMegabytes)
        {
            throw new ArgumentOutOfRangeException(nameof(CacheMegabytes), CacheMegabytes, $"CacheMegabytes is {CacheMegabytes}; allowed: 0 … {MaxCacheMegabytes:N0} MiB.");
        }

        if (!Enum.IsDefined(Sampling))
        {
            throw new ArgumentOutOfRangeException(nameof(Sampling), Sampling, $"Sampling is {(int)Sampling}; allowed: {string.Join(", ", Enum.GetNames<GibbsSampling>())}.");
        }
    }
}

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
/// <remarks>
/// <para>The quantity is R̂(Q) = (1/n) Σ_j p_j with p_j = P_{h~Q}[h errs on z_j]. An example counts as an error exactly
/// as <c>measures.json</c>'s <c>train_error</c> and the sharpness measure count it: the margin is (2y − 1)·f(x) for one
/// output (labels 0/1) and f(x)_y − max_{j≠y} f(x)_j for k ≥ 2 outputs; margin &lt; 0 is an error, margin = 0 (a tie)
/// is not, and a non-finite margin (a NaN or infinite logit) is an error. Under Q with σ &gt; 0 ties have probability 0.</para>
/// <para>Independence structure (what the kl-Chernoff upper confidence bound kl⁻¹(R̂_MC, ln(2/δ′)/M) of the catalog
/// needs; Hoeffding 1963, Theorem 1, covers independent, not necessarily identically distributed [0, 1] variables whose
/// mean of expectations is the target). Every draw is a pure function of (key, pass, …) through distinct Philox
/// counters, so the terms are independent (Philox modelled as ideal) and no draw depends on the batch size or the
/// thread count.</para>
/// <para>PerExample: the term of (pass t, example j) is 1[a fresh network h_{t,j} ~ Q errs on z_j], a {0, 1} variable with
/// mean p_j; the n × passes terms use disjoint noise, so they are independent, and the mean of their means is R̂(Q).
/// Drawn exactly in law by the local reparameterization (Kingma, Salimans and Welling 2015, §2.3): see
/// <see cref="GibbsPerExample"/>.</para>
/// <para>PerBatch: the term of (pass t, batch b) is the error rate of a fresh network w_{t,b} ~ Q on a fresh uniformly
/// random subset S_{t,b} of B = min(BatchRows, n) distinct examples — a [0, 1] variable with mean
/// E_S[(1/B) Σ_{j∈S} p_j] = (1/B) Σ_j (B/n) p_j = R̂(Q) exactly. Network and subset are drawn from keys of their own
/// (pass, batch), so the ⌈n/B⌉ × passes terms are independent and identically distributed. Random subsets (instead of
/// one fixed partition) keep every term the same size: a short last batch of a partition would be a term with another
/// mean, and the plain mean of the terms would no longer be unbiased for R̂(Q).</para>
/// </remarks>
public static class GibbsError
{
    /// <summary>Estimates E_{h~Q} R̂(h) on <paramref name="data"/>; every draw is keyed from <paramref name="key"/>, so the
    /// result is the same for any thread count.</summary>
    public static GibbsEstimate Estimate(ModelSpec spec, IReadOnlyList<float[]> mean, IReadOnlyList<float[]> std, Dataset data,
        GibbsOptions options, RngKey key, int threads = 0, IProgress<int>? passDone = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (threads < 0 || threads > Kernels.Gemm.MaxThreads)
        {
            throw new ArgumentOutOfRangeException(nameof(threads), threads, $"threads is {threads}; allowed: 0 … {Kernels.Gemm.MaxThreads} (0 = all processors).");
        }

        GibbsSampling sampling = Resolve(spec, options.Sampling);
        CheckData(spec, data);
        CheckParameters(spec, mean, std);
        int resolved = threads == 0 ? Environment.ProcessorCount : threads;
        long start = Stopwatch.GetTimestamp();
        (double errors, long terms, long examples) = sampling == GibbsSampling.PerExample
            ? new GibbsPerExample(spec, mean, std, data, options.BatchRows, resolved, (long)options.CacheMegabytes << 20).Run(options.Passes, key, passDone, cancel)
            : new GibbsPerBatch(spec, mean, std, data, options.BatchRows, resolved).Run(options.Passes, key, passDone, cancel);
        return new GibbsEstimate(errors, terms, errors / terms, sampling, examples, Stopwatch.GetElapsedTime(start).TotalSeconds);
    }

    /// <summary>Whether the per-example (local reparameterization) sampling applies: every layer is dense, an activation
    /// or a flatten.</summary>
    public static bool SupportsPerExample(ModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Layers.All(l => l is DenseSpec or ActivationSpec or FlattenSpec);
    }

    /// <summary>Whether one output row errs on <paramref name="label"/>: margin &lt; 0 or non-finite (see the remarks).</summary>
    internal static bool Errs(ReadOnlySpan<float> row, int label)
    {
        double margin;
        if (row.Length == 1)
        {
            margin = label == 1 ? row[0] : -row[0];
        }
        else
        {
            double best = double.NegativeInfinity;
            for (int j = 0; j < row.Length; j++)
            {
                best = j == label ? best : Math.Max(best, row[j]);
            }

            margin = row[label] - best;
        }

        return !(double.IsFinite(margin) && margin >= 0);
    }

    private static GibbsSampling Resolve(ModelSpec spec, GibbsSampling sampling)
    {
        bool exact = SupportsPerExample(spec);
        if (sampling == GibbsSampling.PerExample && !exact)
        {
            LayerSpec other = spec.Layers.First(l => l is not (DenseSpec or ActivationSpec or FlattenSpec));
            throw new ArgumentException(
                $"Sampling is PerExample but the model {spec.Name} has the layer {other.Describe()}; allowed: PerExample for models of dense, activation and flatten layers only, PerBatch or Auto for any model.",
                "options");
        }

        return sampling == GibbsSampling.Auto ? (exact ? GibbsSampling.PerExample : GibbsSampling.PerBatch) : sampling;
    }

    private static void CheckData(ModelSpec spec, Dataset data)
    {
        if (data.Labels is null)
        {
            throw new ArgumentException($"data '{data.Name}' is a regression data set; allowed: classification data only (the 0-1 error needs labels).", nameof(data));
        }

        if (data.Count < 1)
        {
            throw new ArgumentException($"data '{data.Name}' has no examples; allowed: at least one.", nameof(data));
        }

        if (data.InputDim != spec.InputDim)
        {
            throw new ArgumentException($"data '{data.Name}' has {data.InputDim} input features; allowed: {spec.InputDim}, the input width of the model {spec.Name}.", nameof(data));
        }

        bool fits = spec.OutputDim == 1 ? data.Classes == 2 : spec.OutputDim == data.Classes;
        if (!fits)
        {
            throw new ArgumentException(
                $"data '{data.Name}' has {data.Classes} classes but the model {spec.Name} has {spec.OutputDim} output(s); allowed: one output for 2 classes, or one output per class.",
                nameof(data));
        }
    }

    private static void CheckParameters(ModelSpec spec, IReadOnlyList<float[]> mean, IReadOnlyList<float[]> std)
    {
        IReadOnlyList<(string Name, int Length)> shapes = ParameterShapes(spec);
        foreach ((string argument, IReadOnlyList<float[]> arrays) in new[] { (nameof(mean), mean), (nameof(std), std) })
        {
            if (arrays.Count != shapes.Count)
            {
                throw new ArgumentException(
                    $"{argument} has {arrays.Count} arrays; allowed: {shapes.Count}, one per parameter tensor of {spec.Name} ({string.Join(", ", shapes.Select(s => s.Name))}).",
                    argument);
            }

            for (int k = 0; k < shapes.Count; k++)
            {
                float[] a = arrays[k] ?? throw new ArgumentNullException(argument, $"{argument}[{k}] ({shapes[k].Name}) is null; allowed: an array of {shapes[k].Length} values.");
                if (a.Length != shapes[k].Length)
                {
                    throw new ArgumentException($"{argument}[{k}] ({shapes[k].Name}) has {a.Length} values; allowed: {shapes[k].Length}.", argument);
                }

                for (int i = 0; i < a.Length; i++)
                {
                    bool ok = argument == nameof(std) ? float.IsFinite(a[i]) && a[i] >= 0 : float.IsFinite(a[i]);
                    if (!ok)
                    {
                        string allowed = argument == nameof(std) ? "a finite σ ≥ 0" : "a finite value";
                        throw new ArgumentOutOfRangeException(argument, a[i], $"{argument}[{k}] ({shapes[k].Name}) element {i} is {a[i]}; allowed: {allowed}.");
                    }
                }
            }
        }
    }

    // The parameter tensors of the spec in Model.Parameters order, from the layers a model would build.
    private static IReadOnlyList<(string Name, int Length)> ParameterShapes(ModelSpec spec)
    {
        var model = Model<float>.Zeros(spec, new Backends.ReferenceBackend<float>());
        return model.Parameters.Select(p => (p.Name, p.Length)).ToArray();
    }
}
