using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace BoundLab.Studies.Report.Figures;

/// <summary>Log-scaled axes for ScottPlot, which plots log10 of the data on linear axes: ticks at powers of ten labelled with the value.</summary>
internal static class LogAxes
{
    /// <summary>Labels the axis's ticks as 10^k with minor ticks at 2…9 · 10^k.</summary>
    public static void Apply(IAxis axis)
        => axis.TickGenerator = new NumericAutomatic
        {
            MinorTickGenerator = new LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = k => Math.Pow(10, k).ToString("G3", CultureInfo.InvariantCulture),
        };

    /// <summary>log10 of the positive values; the others are dropped, with their count.</summary>
    public static (double[] X, double[] Y, int Dropped) Positive(IReadOnlyList<(double X, double Y)> points, bool logX)
    {
        var kept = points.Where(p => p.Y > 0 && (!logX || p.X > 0) && double.IsFinite(p.X) && double.IsFinite(p.Y)).ToArray();
        return (kept.Select(p => logX ? Math.Log10(p.X) : p.X).ToArray(), kept.Select(p => Math.Log10(p.Y)).ToArray(), points.Count - kept.Length);
    }
}
