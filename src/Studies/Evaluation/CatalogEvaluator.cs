using System.Globalization;
using BoundLab.Bounds.Catalog;
using BoundLab.Bounds.Catalog.Sweep;
using BoundLab.Numerics.Data;
using BoundLab.Numerics.Measurements;
using BoundLab.Numerics.Models;
using BoundLab.Numerics.Runs;
using BoundLab.Studies.Results;

namespace BoundLab.Studies.Evaluation;

/// <summary>One entry evaluated on one run: the sweep's outcome, the row the store keeps, and the margin it was taken at.</summary>
/// <param name="Outcome">Value, not applicable (with the reason) or input error.</param>
/// <param name="Row">The results-store row.</param>
/// <param name="Gamma">The measured γ candidate chosen for the entry (null when the entry takes no margin).</param>
/// <param name="GammaEvaluated">The γ the margin losses were computed at: the grid point γ was snapped down to, or γ itself.</param>
public sealed record EntryEvaluation(BoundOutcome Outcome, BoundRow Row, double? Gamma, double? GammaEvaluated);

/// <summary>
/// The study's <see cref="IRunEvaluator"/>: every catalog entry on every run, from the run's quantities in vocabulary
/// names. Margins are picked from the training margins' quantiles, and an entry whose γ goes onto a grid gets its
/// ramp/margin loss computed at the snapped γ (the theorem's statement is at the grid point; the grid's union bound
/// pays for the choice, so the best candidate is taken). PAC-Bayes entries need a posterior's empirical risk and KL,
/// which no run measures yet: they are not applicable, never fed an invented KL.
/// </summary>
public sealed class CatalogEvaluator : IRunEvaluator
{
    /// <summary>The quantiles of the training margins tried as γ.</summary>
    public static readonly IReadOnlyList<double> GammaQuantiles = [0.05, 0.1, 0.25, 0.5];

    private readonly Func<string, RunFacts?>? epochFacts;
    private readonly IReadOnlyList<BoundEntry> entries;

    /// <summary>Creates the evaluator over <paramref name="entries"/> (default: the whole catalog). <paramref name="epochFacts"/>
    /// gives the facts of a run still being trained (optimizer, loss, batch), which have no run.json yet; without it they are
    /// read from the model and the data, with optimizer and loss "unknown".</summary>
    public CatalogEvaluator(IEnumerable<BoundEntry>? entries = null, Func<string, RunFacts?>? epochFacts = null)
    {
        this.entries = (entries ?? BoundCatalog.All).ToArray();
        this.epochFacts = epochFacts;
    }

    /// <inheritdoc/>
    public RunEvaluation Epoch(string runDir, Model<float> net, Model<float> init, Dataset train, int threads)
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(train);
        // The model and data decide classes, depth, activation and biases; the caller adds what only the run's config knows.
        RunFacts model = FactsOfModel(net, train);
        RunFacts facts = epochFacts?.Invoke(runDir) is { } given
            ? model with { Optimizer = given.Optimizer, Loss = given.Loss, Batch = given.Batch ?? model.Batch }
            : model;
        var q = RunQuantities.FromModel(facts, net, init, train, threads);
        return new RunEvaluation(q.Values, EvaluateAll(q, entries).Select(e => e.Row).ToArray());
    }

    /// <inheritdoc/>
    public RunEvaluation Final(string runDir, int threads)
    {
        var q = RunQuantities.Load(runDir, margins: true, threads);
        return new RunEvaluation(q.Values, EvaluateAll(q, entries).Select(e => e.Row).ToArray());
    }

    /// <summary>The facts of an in-memory network: depth, activation and biases from its spec, classes from the data.</summary>
    public static RunFacts FactsOfModel(Model<float> net, Dataset train)
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(train);
        var mlp = net.Spec.Mlp;
        return new RunFacts(train.Labels is null ? null : train.Classes, mlp?.Layers, mlp is null ? "mixed" : ModelSpecJson.Name(mlp.Hidden),
            "unknown", "unknown", mlp?.Bias ?? net.Spec.HasBiases, mlp is not null) { NTrain = train.Count };
    }

    /// <summary>Every entry of <paramref name="catalog"/> (default: the whole catalog) on the run, in catalog order.</summary>
    public static IReadOnlyList<EntryEvaluation> EvaluateAll(RunQuantities run, IEnumerable<BoundEntry>? catalog = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        return (catalog ?? BoundCatalog.All).Select(e => Evaluate(e, run)).ToArray();
    }

    /// <summary>One entry on the run; never throws for a bad quantity (the outcome says what went wrong).</summary>
    public static EntryEvaluation Evaluate(BoundEntry entry, RunQuantities run)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(run);
        bool takesGamma = entry.Inputs.Any(i => i.Name == "gamma");
        bool takesMarginLoss = entry.Inputs.Any(i => i.Name is "ramp_loss" or "margin_loss");
        var values = new Dictionary<string, double>(run.Values, StringComparer.Ordinal);
        if (!values.ContainsKey("delta") && entry.Inputs.Any(i => i.Name == "delta"))
            values["delta"] = DefaultDelta;

        if (entry.Target == BoundTarget.Measure)
        {
            if (entry.Inputs.Any(i => i.Name == "margin_q10") && values.TryGetValue("margin_q10", out double q10) && q10 <= 0)
                return Finish(entry, run, new BoundNotApplicable(entry,
                    $"needs a positive margin γ = margin_q10; the run's 10th-percentile training margin is {Format(q10)} (more than a tenth of the training points are misclassified)"), null, null);
            if (takesGamma && values.TryGetValue("margin_q10", out double g) && g > 0)
                return WithGamma(entry, run, values, g, g);
            return Finish(entry, run, BoundSweep.Evaluate(entry, run.Facts, values, run.Vectors), null, null);
        }

        if (entry.Family == BoundFamily.PacBayes && entry.Inputs.Any(i => i.Name is "emp_risk" or "mc_error" or "kl") && !values.ContainsKey("kl"))
        {
            return Finish(entry, run, new BoundNotApplicable(entry, BoundSweep.NotApplicableReason(entry, run.Facts) ?? NoPosterior), null, null);
        }

        // The posterior variance was read off the data (the sharpness σ): only an entry that pays for that choice over the
        // prior-variance grid (dr17's 2 ln j) may use this KL.
        if (entry.Family == BoundFamily.PacBayes && entry.Inputs.Any(i => i.Name == "kl") && entry.Inputs.All(i => i.Name != "prior_index"))
        {
            return Finish(entry, run, new BoundNotApplicable(entry, BoundSweep.NotApplicableReason(entry, run.Facts) ?? DataChosenPrior), null, null);
        }

        bool free = entry.PostHoc.Any(p => p.Symbol == "gamma") || entry.PaidInFormula.Contains("gamma");
        if (!takesGamma || !free || run.Margins is null)
        {
            var outcome = BoundSweep.Evaluate(entry, run.Facts, values, run.Vectors);
            if (outcome is BoundNotApplicable na && takesGamma && !free)
                outcome = na with { Reason = $"{na.Reason}; its margin must be fixed before seeing the data, so the run cannot supply it" };
            else if (outcome is BoundNotApplicable na2 && takesMarginLoss && run.Margins is null)
                outcome = na2 with { Reason = $"{na2.Reason} (the per-sample training margins were not computed)" };
            return Finish(entry, run, outcome, null, null);
        }

        var grid = entry.PostHoc.FirstOrDefault(p => p.Symbol == "gamma");
        EntryEvaluation? best = null;
        foreach (double gamma in Candidates(run.Margins))
        {
            // The theorem holds at the grid point γ_k ≤ γ: its margin loss is the one at γ_k, never at the measured γ.
            double at = grid is null ? gamma : grid.Grid.Snap(gamma, grid.Direction).Value;
            var e = WithGamma(entry, run, values, gamma, at);
            if (best is null || (e.Outcome is BoundEvaluated ev && (best.Outcome is not BoundEvaluated bv || ev.Result.Value < bv.Result.Value)))
                best = e;
        }

        return best ?? Finish(entry, run, new BoundNotApplicable(entry,
            "needs a positive margin γ; every tried quantile of the training margins is ≤ 0"), null, null);
    }

    /// <summary>The δ an entry is evaluated at when the run does not say (the catalog's customary 0.05).</summary>
    public const double DefaultDelta = 0.05;

    private const string DataChosenPrior =
        "the run's posterior N(w, λ_j I) and prior N(w₀, λ_j I) take their variance from the training data (the sharpness σ); this entry's prior must be fixed before the data are seen, so only dr17, which pays 2 ln j for the prior-variance grid, uses that KL";

    private const string NoPosterior =
        "no posterior was sampled (measures.json has no sharpness_sigma): a PAC-Bayes entry needs the empirical risk of a stochastic posterior Q (with its Monte-Carlo correction when sampled) and KL(Q‖P), which no run measures; no KL is invented";

    private static IEnumerable<double> Candidates(IReadOnlyList<double> margins) =>
        GammaQuantiles.Select(q => Margins.Quantile(margins, q)).Where(g => g > 0 && double.IsFinite(g)).Distinct();

    private static EntryEvaluation WithGamma(BoundEntry entry, RunQuantities run, Dictionary<string, double> values, double gamma, double at)
    {
        var v = new Dictionary<string, double>(values, StringComparer.Ordinal) { ["gamma"] = gamma };
        if (run.MarginLosses(at) is { } losses)
        {
            v["ramp_loss"] = losses.Ramp;
            v["margin_loss"] = losses.MarginError;
        }

        var outcome = BoundSweep.Evaluate(entry, run.Facts, v, run.Vectors);
        // The point the evaluator used must be the one the losses were computed at (snapping is deterministic).
        if (outcome is BoundEvaluated ev && ev.Result.DeltaBudget.Grids.FirstOrDefault(g => g.Symbol == "gamma") is { } use && use.Point.Value != at)
            outcome = new BoundInputError(entry, $"{entry.Id}: gamma = {Format(gamma)} was snapped to {Format(use.Point.Value)}, not to {Format(at)} where its margin loss was computed; no value is reported.");
        return Finish(entry, run, outcome, gamma, at);
    }

    private static EntryEvaluation Finish(BoundEntry entry, RunQuantities run, BoundOutcome outcome, double? gamma, double? at)
    {
        string family = entry.Family.Name(), provenance = entry.Provenance.Name(), target = entry.Target.Name();
        BoundRow row = outcome switch
        {
            BoundEvaluated ev => new BoundRow(entry.Id, family, provenance, target, outcome.Status, ev.Result.Value,
                entry.Target == BoundTarget.Measure ? null : ev.Result.Vacuous, Flag(entry, ev.Result, run),
                ev.Result.DeltaBudget.IsEmpty ? null : ev.Result.DeltaBudget.Total),
            BoundNotApplicable na => new BoundRow(entry.Id, family, provenance, target, outcome.Status, null, null, na.Reason, null),
            BoundInputError err => new BoundRow(entry.Id, family, provenance, target, outcome.Status, null, null, err.Message, null),
            _ => throw new InvalidOperationException($"unknown outcome {outcome.GetType().Name}"),
        };
        return new EntryEvaluation(outcome, row, gamma, at);
    }

    /// <summary>The prefix of a row's reason when a test-error bound came out below the run's measured test error.</summary>
    public const string BelowTestErrorFlag = "BELOW MEASURED TEST ERROR";

    // A test-error bound below the measured test error is a bug or a δ-event (for a verified entry), or a wrong formula
    // (for an unverified one): never silent.
    private static string? Flag(BoundEntry entry, BoundResult result, RunQuantities run) =>
        entry.Target == BoundTarget.TestError && run.Values.TryGetValue("test_error", out double test) && result.Value < test
            ? $"{BelowTestErrorFlag}: {entry.Provenance.Name()} bound {Format(result.Value)} < test error {Format(test)} " +
              (entry.Provenance == Provenance.Verified ? "(a bug or a δ-event)" : "(an unverified formula may be wrong)")
            : null;

    private static string Format(double x) => x.ToString("G6", CultureInfo.InvariantCulture);
}
