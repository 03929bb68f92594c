using System.Globalization;

namespace BoundLab.Cli.Framework.Options;

/// <summary>The words of the option errors and the conversions that go with them.</summary>
public static class ValueText
{
    /// <summary>Parses a finite real in [min, max] (or (min, max] when <paramref name="minExclusive"/>); otherwise a
    /// <see cref="UsageException"/> naming <paramref name="name"/>, the value and the range.</summary>
    public static double ParseDouble(string name, string v, double min = double.NegativeInfinity,
        double max = double.PositiveInfinity, bool minExclusive = false)
    {
        ArgumentNullException.ThrowIfNull(v);
        bool ok = double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double x)
            && double.IsFinite(x) && (minExclusive ? x > min : x >= min) && x <= max;
        return ok ? x : throw UsageException.BadValue(name, v, DoubleRange(min, max, minExclusive));
    }

    /// <summary>"a finite number", "a finite number > 0", "a finite number ≥ 0 and ≤ 1".</summary>
    public static string DoubleRange(double min = double.NegativeInfinity, double max = double.PositiveInfinity, bool minExclusive = false)
    {
        string low = double.IsNegativeInfinity(min) ? "" : (minExclusive ? $" > {Fmt(min)}" : $" ≥ {Fmt(min)}");
        string high = max >= double.MaxValue ? "" : $" ≤ {Fmt(max)}";
        string range = low.Length > 0 && high.Length > 0 ? $"{low} and{high}" : low + high;
        return "a finite number" + range;
    }

    /// <summary>"an integer", "an integer ≥ 1", "an integer ≤ 9", "an integer in 0 … 256".</summary>
    public static string IntRange(long min, long max)
        => min == int.MinValue && max == int.MaxValue ? "an integer"
            : max == int.MaxValue ? $"an integer ≥ {min}"
            : min == int.MinValue ? $"an integer ≤ {max}"
            : $"an integer in {min} … {max}";

    /// <summary>The edit distance between two words (for "did you mean").</summary>
    public static int Distance(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        int[] row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }

        return row[b.Length];
    }

    private static string Fmt(double x) => x.ToString("R", CultureInfo.InvariantCulture);
}
