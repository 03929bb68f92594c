using BoundLab.Bounds.Catalog;
using BoundLab.Numerics.Stochastic;
using BoundLab.Studies.Results;
using BoundLab.Studies.Specs;

namespace BoundLab.Studies.PacBayes;

/// <summary>The study's PAC-Bayes stage: after a run is trained and measured, a run whose spec sets <c>pacbayes</c> (a
/// method) gets the pipeline's certificate as one more bound row, "&lt;entry&gt; (optimized posterior)", beside the catalog's
/// own rows (whose dr17 row is the unoptimized posterior at the sharpness σ), and its KL, n, M and test errors as measures.</summary>
public static class PacBayesStage
{
    /// <summary>The suffix of the certificate's row id, which keeps it apart from the catalog's unoptimized row of the same entry.</summary>
    public const string RowSuffix = " (optimized posterior)";

    /// <summary>The row id of a method's certificate: "dr17 (optimized posterior)" or "pbb21-kl (optimized posterior)".</summary>
    public static string RowId(PacBayesMethod method) => PacBayesOptions.EntryOf(method) + RowSuffix;

    /// <summary>The pipeline options a run spec asks for (null when it sets no <c>pacbayes</c> method).</summary>
    public static PacBayesOptions? OptionsOf(RunSpec spec, int threads)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Get("pacbayes") is not string name)
            return null;
        PacBayesMethod method = PacBayesOptions.Parse(name)
            ?? throw new ArgumentException($"{spec.PathOf("pacbayes")}: pacbayes '{name}'; allowed: {string.Join(", ", PacBayesOptions.MethodNames)}.", nameof(spec));
        return new PacBayesOptions(method, Epochs: (int?)(spec.Get("pacbayes_epochs") as long?),
            McPasses: (int)(spec.Get("pacbayes_mc_passes") as long? ?? 10), Threads: threads, DataDir: spec.Get("data_dir") as string);
    }

    /// <summary>Runs the pipeline on <paramref name="runDir"/> (resuming what an interrupted study left) and returns
    /// <paramref name="evaluation"/> with the certificate's row and measures added. A run the method cannot certify (dr17 on
    /// a 10-class run, pbb on a run without --train-size) gets a not-applicable row saying why.</summary>
    public static RunEvaluation Apply(RunEvaluation evaluation, string runDir, PacBayesOptions options, IPacBayesProgress? progress = null,
        CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        ArgumentException.ThrowIfNullOrEmpty(runDir);
        ArgumentNullException.ThrowIfNull(options);
        BoundEntry entry = BoundCatalog.Get(PacBayesOptions.EntryOf(options.Method));
        string id = RowId(options.Method), family = entry.Family.Name(), provenance = entry.Provenance.Name(), target = entry.Target.Name();
        BoundRow row;
        var measures = new Dictionary<string, double>(evaluation.Measures, StringComparer.Ordinal);
        try
        {
            PacBayesCertificate c = PacBayesPipeline.Run(runDir, options, progress, cancel);
            string? flag = c.Value < c.StochasticTestError
                ? $"{Evaluation.CatalogEvaluator.BelowTestErrorFlag}: certificate {c.Value:G6} < the stochastic test error {c.StochasticTestError:G6} (a bug or a δ-event)"
                : null;
            row = new BoundRow(id, family, provenance, target, "value", c.Value, c.Value >= 1, flag, c.Delta + c.DeltaMc);
            measures["pacbayes_kl"] = c.Kl;
            measures["pacbayes_n"] = c.N;
            measures["pacbayes_mc_samples"] = c.McSamples;
            measures["pacbayes_mc_error"] = c.McError;
            measures["pacbayes_stochastic_test_error"] = c.StochasticTestError;
            measures["pacbayes_deterministic_test_error"] = c.DeterministicTestError;
            measures["pacbayes_prior_variance"] = c.PriorVariance;
            measures["pacbayes_seconds"] = c.Seconds.Total;
        }
        catch (PacBayesException e)
        {
            row = new BoundRow(id, family, provenance, target, "not_applicable", null, null, e.Message, null);
        }

        return new RunEvaluation(measures, [.. evaluation.Bounds, row]);
    }
}
