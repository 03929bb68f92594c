using BoundLab.Studies.Results;

namespace BoundLab.Studies.Report;

/// <summary>Puts a bound on the scale of the quantity it is compared with: test-error bounds and expected-gap bounds
/// both become a bound on the gap (and on the test error), so one family's entries can be compared.</summary>
internal static class BoundScale
{
    /// <summary>Whether the row is a bound (not a measure) with a finite value.</summary>
    public static bool IsBoundValue(BoundRow row) => row.Provenance != "measure" && row.Target != "measure" && StudyRanking.HasValue(row);

    /// <summary>The bound on test error − train error the row implies: value − train error for a test-error bound, the value for an expected-gap bound.</summary>
    public static double GapBound(BoundRow row, double trainError)
        => row.Target == "expected-gap" ? row.Value!.Value : row.Value!.Value - trainError;

    /// <summary>The bound on the test error the row implies: the value for a test-error bound, train error + value for an expected-gap bound.</summary>
    public static double TestErrorBound(BoundRow row, double trainError)
        => row.Target == "expected-gap" ? trainError + row.Value!.Value : row.Value!.Value;

    /// <summary>The tightest bound of a family on a run: the smallest implied test-error bound among the non-vacuous
    /// ones, or, when all are vacuous, the smallest vacuous one; null when the family has no value on the run.</summary>
    public static BoundRow? Tightest(StudyRun run, string family)
    {
        double train = run.TrainError ?? 0;
        BoundRow[] rows = run.Bounds.Where(b => b.Family == family && IsBoundValue(b)).ToArray();
        BoundRow[] pool = rows.Any(b => b.Vacuous != true) ? rows.Where(b => b.Vacuous != true).ToArray() : rows;
        return pool.OrderBy(b => TestErrorBound(b, train)).ThenBy(b => b.Id, StringComparer.Ordinal).FirstOrDefault();
    }

    /// <summary>Numbers as the report prints them: 4 significant digits, invariant culture.</summary>
    public static string Fmt(double x) => x.ToString("G4", System.Globalization.CultureInfo.InvariantCulture);
}
