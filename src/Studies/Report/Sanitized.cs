using BoundLab.Studies.Results;

namespace BoundLab.Studies.Report;

/// <summary>Guards the report against values the store contract forbids (NaN, ±∞): they never reach a report.</summary>
internal static class Sanitized
{
    /// <summary>The results with every non-finite bound value turned into an input error and every non-finite measure dropped.</summary>
    public static StudyResults Of(StudyResults results)
    {
        ArgumentNullException.ThrowIfNull(results);
        return results with { Runs = results.Runs.Select(Run).ToArray() };
    }

    private static StudyRun Run(StudyRun run) => run with
    {
        TrainError = Finite(run.TrainError),
        TestError = Finite(run.TestError),
        Measures = Measures(run.Measures),
        Bounds = run.Bounds.Select(Row).ToArray(),
        Epochs = run.Epochs.Select(e => e with { Measures = Measures(e.Measures), Bounds = e.Bounds.Select(Row).ToArray() }).ToArray(),
    };

    private static double? Finite(double? x) => x is double v && double.IsFinite(v) ? v : null;

    private static SortedDictionary<string, double> Measures(IReadOnlyDictionary<string, double> m)
        => new(m.Where(kv => double.IsFinite(kv.Value)).ToDictionary(kv => kv.Key, kv => kv.Value), StringComparer.Ordinal);

    private static BoundRow Row(BoundRow row)
        => row.Status == "value" && !(row.Value is double v && double.IsFinite(v))
            ? row with { Status = "input_error", Value = null, Vacuous = null, Reason = $"the evaluated value is {(row.Value is double x ? x.ToString(System.Globalization.CultureInfo.InvariantCulture) : "missing")}, not a finite number" }
            : row with { Value = row.Status == "value" ? row.Value : null, Delta = Finite(row.Delta) };
}
