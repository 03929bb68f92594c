using ScottPlot;
using BoundLab.Studies.Results;

namespace BoundLab.Studies.Report.Figures;

/// <summary>The report's figures: bound vs gap per family (log axes, y = x), τ per entry, gap and bounds vs width and
/// vs label noise, bound and gap over epochs. Values that a log axis cannot show (gap ≤ 0, bound ≤ 0) are left out and counted in the caption.</summary>
public static class ReportFigures
{
    /// <summary>The axes plotted against, when the study has them with at least two numeric values.</summary>
    public static readonly IReadOnlyList<string> SweepAxes = ["width", "label_noise"];

    /// <summary>Renders every figure the results allow into <paramref name="dir"/> (PNG, SVG, PDF each), removes figure files
    /// of an earlier render that this one no longer makes, and returns what was written in report order.</summary>
    public static IReadOnlyList<FigureInfo> Write(StudyResults results, IReadOnlyList<EntryRanking> ranking, string dir)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(ranking);
        Directory.CreateDirectory(dir);
        StudyRun[] finished = results.Runs.Where(r => r.Status == "finished" && r.Gap is not null).ToArray();
        var figures = new List<(Plot Plot, FigureInfo Info)>();
        foreach (string family in finished.SelectMany(r => r.Bounds).Where(BoundScale.IsBoundValue).Select(b => b.Family).Distinct().Order(StringComparer.Ordinal))
        {
            Add(figures, BoundVsGap(finished, family));
        }

        Add(figures, TauBars(ranking));
        foreach (string axis in SweepAxes.Where(results.Axes.Contains))
        {
            Add(figures, VersusAxis(finished, axis));
        }

        foreach (StudyRun run in finished.Where(r => r.Epochs.Count > 0))
        {
            Add(figures, OverEpochs(run));
        }

        string font = EmbeddedFont.Use();
        foreach ((Plot plot, _) in figures)
        {
            plot.Font.Set(font);
        }

        var written = new HashSet<string>(StringComparer.Ordinal);
        foreach ((Plot plot, FigureInfo info) in figures)
        {
            foreach (string path in FigureFile.Save(plot, dir, info.Name))
            {
                written.Add(Path.GetFileName(path));
            }
        }

        foreach (string stale in Directory.EnumerateFiles(dir).Where(f => f.EndsWith(".png", StringComparison.Ordinal) || f.EndsWith(".svg", StringComparison.Ordinal) || f.EndsWith(".pdf", StringComparison.Ordinal)))
        {
            if (!written.Contains(Path.GetFileName(stale)))
            {
                File.Delete(stale);
            }
        }

        return figures.Select(f => f.Info).ToArray();
    }

    // Two figures never share a file name (two run ids with the same 12-character prefix get -2, -3, …).
    private static void Add(List<(Plot, FigureInfo)> figures, (Plot, FigureInfo)? figure)
    {
        if (figure is { } f)
        {
            string name = f.Item2.Name;
            for (int k = 2; figures.Any(g => g.Item2.Name == name); k++)
            {
                name = $"{f.Item2.Name}-{k}";
            }

            figures.Add((f.Item1, f.Item2 with { Name = name }));
        }
    }

    private static (Plot, FigureInfo)? BoundVsGap(StudyRun[] runs, string family)
    {
        var plot = new Plot();
        int shown = 0, dropped = 0;
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        string[] ids = runs.SelectMany(r => r.Bounds).Where(b => b.Family == family && BoundScale.IsBoundValue(b)).Select(b => b.Id).Distinct().Order(StringComparer.Ordinal).ToArray();
        foreach (string id in ids)
        {
            var points = runs.Select(r => (Run: r, Row: StudyRanking.Row(r, id))).Where(x => x.Row is not null && BoundScale.IsBoundValue(x.Row))
                .Select(x => (x.Run.Gap!.Value, BoundScale.GapBound(x.Row!, x.Run.TrainError!.Value))).ToArray();
            (double[] x, double[] y, int d) = LogAxes.Positive(points, logX: true);
            dropped += d;
            if (x.Length == 0)
            {
                continue;
            }

            var s = plot.Add.ScatterPoints(x, y);
            s.LegendText = id;
            s.MarkerSize = 8;
            shown += x.Length;
            lo = Math.Min(lo, Math.Min(x.Min(), y.Min()));
            hi = Math.Max(hi, Math.Max(x.Max(), y.Max()));
        }

        if (shown == 0)
        {
            return null;
        }

        var diagonal = plot.Add.Line(lo - 0.2, lo - 0.2, hi + 0.2, hi + 0.2);
        diagonal.LinePattern = LinePattern.Dashed;
        diagonal.Color = Colors.Gray;
        diagonal.LegendText = "y = x (a bound on the gap lies above)";
        LogAxes.Apply(plot.Axes.Bottom);
        LogAxes.Apply(plot.Axes.Left);
        plot.Title($"{family}: bound vs gap");
        plot.XLabel("gap = test error − train error");
        plot.YLabel("implied bound on the gap");
        plot.ShowLegend(Alignment.LowerRight); // points of a valid bound lie above y = x: the lower right is empty
        return (plot, new FigureInfo($"bound-vs-gap-{Safe(family)}",
            $"{family}: each entry's implied bound on the gap against the measured gap, log axes, y = x dashed ({shown} points{Dropped(dropped)})."));
    }

    private static (Plot, FigureInfo)? TauBars(IReadOnlyList<EntryRanking> ranking)
    {
        EntryRanking[] ranked = ranking.Where(e => e.KendallTau is not null).ToArray();
        if (ranked.Length == 0)
        {
            return null;
        }

        var plot = new Plot();
        var bars = plot.Add.Bars(ranked.Select(e => e.KendallTau!.Value).ToArray());
        bars.Horizontal = true;
        plot.Axes.Left.SetTicks(Enumerable.Range(0, ranked.Length).Select(i => (double)i).ToArray(), ranked.Select(e => e.Id).ToArray());
        plot.Axes.SetLimitsX(-1.05, 1.05);
        plot.Title("Kendall τ of each entry with the gap");
        plot.XLabel("τ (1: orders runs as their gaps)");
        return (plot, new FigureInfo("tau", $"Kendall τ with the gap per entry ({ranked.Length} entries with a τ)."));
    }

    private static (Plot, FigureInfo)? VersusAxis(StudyRun[] runs, string axis)
    {
        double[] values = runs.Select(r => r.Axes.TryGetValue(axis, out string? v) && AxisValueOrder.TryNumber(v, out double x) ? x : double.NaN)
            .Where(double.IsFinite).Distinct().Order().ToArray();
        if (values.Length < 2)
        {
            return null;
        }

        bool logX = axis == "width" && values[0] > 0;
        var plot = new Plot();
        int dropped = 0;
        string[] families = runs.SelectMany(r => r.Bounds).Where(BoundScale.IsBoundValue).Select(b => b.Family).Distinct().Order(StringComparer.Ordinal).ToArray();
        var series = new List<(string Name, Func<StudyRun, double?> Y)> { ("gap", r => r.Gap) };
        series.AddRange(families.Select(f => (f + " (tightest)", (Func<StudyRun, double?>)(r => BoundScale.Tightest(r, f) is { } b ? BoundScale.GapBound(b, r.TrainError!.Value) : null))));
        foreach ((string name, Func<StudyRun, double?> y) in series)
        {
            var points = new List<(double, double)>();
            foreach (double v in values)
            {
                double[] ys = runs.Where(r => AxisValueOrder.TryNumber(r.Axes.GetValueOrDefault(axis), out double x) && x == v)
                    .Select(y).Where(q => q is not null).Select(q => q!.Value).Order().ToArray();
                if (ys.Length > 0)
                {
                    points.Add((v, ys.Length % 2 == 1 ? ys[ys.Length / 2] : 0.5 * (ys[(ys.Length / 2) - 1] + ys[ys.Length / 2])));
                }
            }

            (double[] xs, double[] lys, int d) = LogAxes.Positive(points, logX);
            dropped += d;
            if (xs.Length > 0)
            {
                var s = plot.Add.Scatter(xs, lys);
                s.LegendText = name;
                s.MarkerSize = 7;
            }
        }

        // Ticks at the grid's own values (64, 128, 256 …), which powers of ten would mostly miss.
        plot.Axes.Bottom.SetTicks(values.Select(v => logX ? Math.Log10(v) : v).ToArray(), values.Select(BoundScale.Fmt).ToArray());

        LogAxes.Apply(plot.Axes.Left);
        plot.Title($"gap and bounds vs {axis}");
        plot.XLabel(axis);
        plot.YLabel("median over runs (log)");
        plot.ShowLegend(Edge.Right);
        return (plot, new FigureInfo($"vs-{Safe(axis)}",
            $"Gap and each family's tightest implied bound on the gap against {axis} (median over the runs at each value, log y{Dropped(dropped)})."));
    }

    private static (Plot, FigureInfo)? OverEpochs(StudyRun run)
    {
        var plot = new Plot();
        int dropped = 0, shown = 0;
        var gap = LogAxes.Positive(run.Epochs.Select(e => ((double)e.Epoch, e.TestError - e.TrainError)).ToArray(), logX: false);
        dropped += gap.Dropped;
        if (gap.X.Length > 0)
        {
            var g = plot.Add.Scatter(gap.X, gap.Y);
            g.LegendText = "gap";
            g.LineWidth = 3;
            shown += gap.X.Length;
        }

        string[] ids = run.Epochs.SelectMany(e => e.Bounds).Where(BoundScale.IsBoundValue).Select(b => b.Id).Distinct().Order(StringComparer.Ordinal).ToArray();
        foreach (string id in ids)
        {
            var points = run.Epochs.Select(e => (Epoch: e, Row: e.Bounds.FirstOrDefault(b => b.Id == id)))
                .Where(x => x.Row is not null && BoundScale.IsBoundValue(x.Row))
                .Select(x => ((double)x.Epoch.Epoch, BoundScale.GapBound(x.Row!, x.Epoch.TrainError))).ToArray();
            (double[] xs, double[] ys, int d) = LogAxes.Positive(points, logX: false);
            dropped += d;
            if (xs.Length > 0)
            {
                var s = plot.Add.Scatter(xs, ys);
                s.LegendText = id;
                shown += xs.Length;
            }
        }

        if (shown == 0)
        {
            return null;
        }

        LogAxes.Apply(plot.Axes.Left);
        plot.Title($"run {ReportMarkdown.Short(run.Id)}: bound and gap over epochs");
        plot.XLabel("epoch");
        plot.YLabel("gap / implied bound on the gap (log)");
        plot.ShowLegend(Edge.Right);
        return (plot, new FigureInfo($"epochs-{Safe(ReportMarkdown.Short(run.Id))}",
            $"Run {ReportMarkdown.Short(run.Id)}: gap and each bound's implied bound on the gap after every epoch (log y{Dropped(dropped)})."));
    }

    private static string Dropped(int n) => n == 0 ? "" : $"; {n} value{(n == 1 ? "" : "s")} ≤ 0 not shown";

    /// <summary>A file-name-safe form: letters, digits, '-' and '_' kept, anything else '_'.</summary>
    internal static string Safe(string s) => string.Concat(s.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_'));
}
