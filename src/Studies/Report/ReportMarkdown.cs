using System.Globalization;
using System.Text;
using BoundLab.Studies.Results;

namespace BoundLab.Studies.Report;

/// <summary>One figure of the report: its base name under figures/ (with .png, .svg and .pdf beside it) and its caption.</summary>
/// <param name="Name">File base name, e.g. "bound-vs-gap-spectral".</param>
/// <param name="Caption">One line saying what it shows.</param>
public sealed record FigureInfo(string Name, string Caption);

/// <summary>Renders DIR/report.md: runs, entries with their ranking, entries that do not apply, flagged bounds and figures.</summary>
public static class ReportMarkdown
{
    /// <summary>The marker of the section listing verified test-error bounds below the measured test error.</summary>
    public const string FlagHeading = "⚠ FLAG: verified test-error bounds BELOW the measured test error";

    /// <summary>A verified test-error bound below its run's measured test error.</summary>
    /// <param name="Run">Run id.</param>
    /// <param name="Epoch">Epoch, or null for the final network.</param>
    /// <param name="Row">The bound.</param>
    /// <param name="TestError">The measured test error it is below.</param>
    public sealed record Flag(string Run, int? Epoch, BoundRow Row, double TestError);

    /// <summary>Every verified test-error bound below the measured test error, on final networks and along training.</summary>
    public static IReadOnlyList<Flag> Flags(StudyResults results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var flags = new List<Flag>();
        foreach (StudyRun run in results.Runs.Where(r => r.Status == "finished"))
        {
            foreach (BoundRow b in run.Bounds.Where(Flagged(run.TestError)))
            {
                flags.Add(new Flag(run.Id, null, b, run.TestError!.Value));
            }

            foreach (EpochRow e in run.Epochs)
            {
                foreach (BoundRow b in e.Bounds.Where(Flagged(e.TestError)))
                {
                    flags.Add(new Flag(run.Id, e.Epoch, b, e.TestError));
                }
            }
        }

        return flags;
    }

    private static Func<BoundRow, bool> Flagged(double? testError)
        => b => testError is double t && b.Provenance == "verified" && b.Target == "test-error" && StudyRanking.HasValue(b) && b.Value!.Value < t;

    /// <summary>The report as UTF-8 text (LF line ends, no timestamps: the same results give the same bytes).</summary>
    public static string Render(StudyResults results, IReadOnlyList<EntryRanking> ranking, IReadOnlyList<FigureInfo> figures)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(ranking);
        ArgumentNullException.ThrowIfNull(figures);
        var md = new StringBuilder();
        StudyRun[] finished = results.Runs.Where(r => r.Status == "finished").ToArray();
        StudyRun[] failed = results.Runs.Where(r => r.Status != "finished").ToArray();
        IReadOnlyList<Flag> flags = Flags(results);

        Line(md, $"# Study `{results.Name}`: bounds against the generalization gap");
        Line(md);
        Line(md, $"{results.Runs.Count} runs: {finished.Length} finished, {failed.Length} failed. Axes: "
            + (results.Axes.Count == 0 ? "none" : string.Join("; ", results.Axes.Select(a =>
                $"{a} ∈ {{{string.Join(", ", results.Runs.Where(r => r.Axes.ContainsKey(a)).Select(r => r.Axes[a]).Distinct().Order(AxisValueOrder.Instance))}}}"))) + ".");
        Line(md, "gap = test error − train error. Values marked † are `unverified` (taken from a restatement, constants not checked); "
            + "`measure` entries are complexity measures, ranked against the gap but never bounds.");
        if (flags.Count > 0)
        {
            Line(md);
            Line(md, $"**⚠ {flags.Count} verified test-error bound value(s) lie below the measured test error — see [the flag section](#flag). Do not trust this report's certificates until explained.**");
        }

        if (flags.Count > 0)
        {
            Line(md);
            Line(md, "<a id=\"flag\"></a>");
            Line(md, $"## {FlagHeading}");
            Line(md);
            Line(md, "Each row is a `verified` bound on the test error whose value is below the test error measured on that run: either a bug "
                + "in BoundLab (a formula, a constant, a measurement) or the failure event of probability ≤ δ the bound allows.");
            Line(md);
            Line(md, "| run | epoch | entry | bound | test error | δ |");
            Line(md, "|---|---|---|---:|---:|---:|");
            foreach (Flag f in flags)
            {
                Line(md, $"| {Short(f.Run)} | {(f.Epoch is int e ? e.ToString(CultureInfo.InvariantCulture) : "final")} | `{f.Row.Id}` | {BoundScale.Fmt(f.Row.Value!.Value)} | {BoundScale.Fmt(f.TestError)} | {(f.Row.Delta is double d ? BoundScale.Fmt(d) : "—")} |");
            }
        }

        RunsTable(md, results, finished);
        if (failed.Length > 0)
        {
            Line(md);
            Line(md, "## Failed runs");
            Line(md);
            Line(md, "| run | error |");
            Line(md, "|---|---|");
            foreach (StudyRun r in failed)
            {
                Line(md, $"| {Short(r.Id)} | {Cell(r.Error ?? r.Status)} |");
            }
        }

        EntriesTable(md, finished, ranking);
        NotApplicable(md, finished);
        Figures(md, figures);
        PacBayesCertificates(md, finished);
        Definitions(md);
        return md.ToString();
    }

    private static void RunsTable(StringBuilder md, StudyResults results, StudyRun[] finished)
    {
        string[] families = finished.SelectMany(r => r.Bounds).Where(BoundScale.IsBoundValue).Select(b => b.Family)
            .Distinct().Order(StringComparer.Ordinal).ToArray();
        Line(md);
        Line(md, "## Runs");
        Line(md);
        Line(md, "Per family, the tightest non-vacuous bound (smallest implied test-error bound); when every bound of the family is vacuous, the tightest vacuous one, marked. "
            + "`err ≤` bounds the test error, `gap ≤` bounds the expected gap.");
        Line(md);
        Line(md, "| " + string.Join(" | ", new[] { "run" }.Concat(results.Axes).Concat(["train error", "test error", "gap"]).Concat(families)) + " |");
        Line(md, "|---|" + string.Concat(results.Axes.Select(_ => "---|")) + "---:|---:|---:|" + string.Concat(families.Select(_ => "---|")));
        foreach (StudyRun r in finished)
        {
            var cells = new List<string> { Short(r.Id) };
            cells.AddRange(results.Axes.Select(a => r.Axes.TryGetValue(a, out string? v) ? Cell(v) : "—"));
            cells.Add(Num(r.TrainError));
            cells.Add(Num(r.TestError));
            cells.Add(Num(r.Gap));
            foreach (string f in families)
            {
                BoundRow? b = BoundScale.Tightest(r, f);
                cells.Add(b is null ? "—" : $"{(b.Vacuous == true ? "**vacuous** " : "")}{(b.Target == "expected-gap" ? "gap" : "err")} ≤ {BoundScale.Fmt(b.Value!.Value)}{Dagger(b)} `{b.Id}`");
            }

            Line(md, "| " + string.Join(" | ", cells) + " |");
        }
    }

    private static void EntriesTable(StringBuilder md, StudyRun[] finished, IReadOnlyList<EntryRanking> ranking)
    {
        Line(md);
        Line(md, "## Entries");
        Line(md);
        Line(md, "bound/gap: median over finished runs with a positive gap of the implied bound on the gap divided by the gap (1 = tight; bounds only). "
            + "τ: Kendall τ with the gap; Ψ: granulated τ; sign-error: mean over coupled pairs / worst environment (definitions below).");
        Line(md);
        Line(md, "| entry | family | provenance | target | runs | vacuous | δ | bound/gap | τ | Ψ | sign-error |");
        Line(md, "|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (EntryRanking e in ranking)
        {
            var rows = finished.Select(r => (Run: r, Row: StudyRanking.Row(r, e.Id))).Where(x => StudyRanking.HasValue(x.Row)).ToArray();
            bool isBound = e.Provenance != "measure" && e.Target != "measure";
            string vacuous = isBound ? $"{rows.Count(x => x.Row!.Vacuous == true)}/{rows.Length}" : "—";
            double[] deltas = rows.Where(x => x.Row!.Delta is not null).Select(x => x.Row!.Delta!.Value).Distinct().Order().ToArray();
            string delta = deltas.Length == 0 ? "—" : deltas.Length == 1 ? BoundScale.Fmt(deltas[0]) : $"{BoundScale.Fmt(deltas[0])}–{BoundScale.Fmt(deltas[^1])}";
            double[] ratios = isBound
                ? rows.Where(x => x.Run.Gap > 0).Select(x => BoundScale.GapBound(x.Row!, x.Run.TrainError!.Value) / x.Run.Gap!.Value).Order().ToArray()
                : [];
            string ratio = ratios.Length == 0 ? "—" : BoundScale.Fmt(Median(ratios));
            string sign = e.SignError is { } s ? $"{BoundScale.Fmt(s.Mean)} / {BoundScale.Fmt(s.Worst)}" : "—";
            Line(md, $"| `{e.Id}` | {e.Family} | {e.Provenance} | {e.Target} | {e.Runs} | {vacuous} | {delta} | {ratio} | {Num(e.KendallTau)} | {Num(e.GranulatedTau?.Value)} | {sign} |");
        }

        var unranked = ranking.SelectMany(e => e.Reasons.Select(kv => (Stat: kv.Key, Reason: kv.Value, e.Id)))
            .GroupBy(x => (x.Stat, x.Reason)).OrderBy(g => g.Key.Stat, StringComparer.Ordinal).ThenBy(g => g.Key.Reason, StringComparer.Ordinal).ToArray();
        if (unranked.Length > 0)
        {
            Line(md);
            Line(md, "Statistics shown as —, and why:");
            foreach (var g in unranked)
            {
                Line(md, $"- {g.Key.Stat}: {g.Key.Reason} — {string.Join(", ", g.Select(x => $"`{x.Id}`"))}");
            }
        }
    }

    private static void NotApplicable(StringBuilder md, StudyRun[] finished)
    {
        var groups = finished.SelectMany(r => r.Bounds.Where(b => b.Status != "value").Select(b => (Run: r, Row: b)))
            .GroupBy(x => (x.Row.Id, x.Row.Status))
            .OrderBy(g => g.Key.Id, StringComparer.Ordinal).ThenBy(g => g.Key.Status, StringComparer.Ordinal).ToArray();
        if (groups.Length == 0)
        {
            return;
        }

        Line(md);
        Line(md, "## Entries that do not apply, and input errors");
        Line(md);
        foreach (var g in groups)
        {
            string what = g.Key.Status == "not_applicable" ? "not applicable" : g.Key.Status.Replace('_', ' ');
            // Reasons that differ only in their numbers (each run's own margin, n, VC dimension) are one line, with the
            // first run's reason as the example.
            foreach (var byReason in g.GroupBy(x => NumbersMasked(x.Row.Reason ?? "no reason recorded")).OrderBy(x => x.Key, StringComparer.Ordinal))
            {
                int n = byReason.Count();
                var reasons = byReason.Select(x => x.Row.Reason ?? "no reason recorded").Distinct(StringComparer.Ordinal).ToArray();
                string text = reasons.Length == 1 ? reasons[0] : $"for example: {reasons.Min(StringComparer.Ordinal)}";
                Line(md, $"- `{g.Key.Id}` ({what}, {n} run{(n == 1 ? "" : "s")}): {Cell(text)}");
            }
        }
    }

    private static string NumbersMasked(string reason) =>
        System.Text.RegularExpressions.Regex.Replace(reason, @"-?\d+(\.\d+)?([eE][+-]?\d+)?", "#");

    private static void Figures(StringBuilder md, IReadOnlyList<FigureInfo> figures)
    {
        if (figures.Count == 0)
        {
            return;
        }

        Line(md);
        Line(md, "## Figures");
        foreach (FigureInfo f in figures)
        {
            Line(md);
            Line(md, $"![{f.Caption}]({StudyReport.FiguresFolder}/{f.Name}.png)");
            Line(md, $"{f.Caption} ([SVG]({StudyReport.FiguresFolder}/{f.Name}.svg), [PDF]({StudyReport.FiguresFolder}/{f.Name}.pdf))");
        }
    }

    // The certificates of the study's pacbayes stage (optimized posteriors), with what they rest on; absent when no run has one.
    private static void PacBayesCertificates(StringBuilder md, StudyRun[] finished)
    {
        var rows = finished.SelectMany(r => r.Bounds.Where(b => b.Id.EndsWith(PacBayes.PacBayesStage.RowSuffix, StringComparison.Ordinal)).Select(b => (Run: r, Row: b)))
            .ToArray();
        if (rows.Length == 0)
            return;
        Line(md);
        Line(md, "## PAC-Bayes certificates (optimized posterior)");
        Line(md);
        Line(md, "The `pacbayes` stage's certificates: an upper bound on the test error of the stochastic classifier Q, w.p. ≥ 1 − δ (δ = δ_PAC-Bayes + δ′_Monte-Carlo); "
            + "the catalog's own `dr17` row is the unoptimized posterior at the sharpness σ. The run folder's pacbayes-<method>.json holds every term.");
        Line(md);
        Line(md, "| run | row | certificate | KL | n | M | Monte-Carlo error | stochastic test error | test error of the mean |");
        Line(md, "|---|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach ((StudyRun r, BoundRow b) in rows)
        {
            string M(string key) => r.Measures.TryGetValue(key, out double v) ? BoundScale.Fmt(v) : "—";
            string value = StudyRanking.HasValue(b) ? $"{(b.Vacuous == true ? "**vacuous** " : "")}{BoundScale.Fmt(b.Value!.Value)}" : Cell(b.Reason ?? b.Status);
            Line(md, $"| {Short(r.Id)} | `{b.Id}` | {value} | {M("pacbayes_kl")} | {M("pacbayes_n")} | {M("pacbayes_mc_samples")} | {M("pacbayes_mc_error")} | "
                + $"{M("pacbayes_stochastic_test_error")} | {M("pacbayes_deterministic_test_error")} |");
        }
    }

    private static void Definitions(StringBuilder md)
    {
        Line(md);
        Line(md, "## Definitions");
        Line(md);
        Line(md, "- τ (Jiang et al. 2020, Kendall's rank correlation): Σ_{i<j} sgn(μ_i − μ_j)·sgn(g_i − g_j) / (n(n−1)/2) over the finished runs with a value (τ-a: a tie counts 0).");
        Line(md, "- Ψ (Jiang et al. 2020, granulated Kendall coefficient): the mean over the axes that vary of m_a, the mean τ within the groups of runs equal on every other axis.");
        Line(md, "- sign-error (Dziugaite et al. 2020): over pairs of runs differing in exactly one axis, ½(1 − sgn Δμ · sgn Δg) (pairs with equal gaps skipped); "
            + "an environment fixes every other axis; worst = the largest environment mean (their robust sign-error).");
    }

    private static double Median(double[] sorted)
        => sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : 0.5 * (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]);

    private static string Dagger(BoundRow b) => b.Provenance == "unverified" ? "†" : "";

    private static string Num(double? x) => x is double v ? BoundScale.Fmt(v) : "—";

    /// <summary>A run id as the tables show it (the first 12 characters; results.json has the full id).</summary>
    internal static string Short(string id) => id.Length <= 12 ? id : id[..12];

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace('\n', ' ');

    private static void Line(StringBuilder md, string text = "") => md.Append(text).Append('\n');
}
