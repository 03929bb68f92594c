using System.Globalization;

namespace BoundLab.Studies.Report;

/// <summary>Orders axis values numerically when both parse as numbers ("64" before "128"), else ordinally.</summary>
internal sealed class AxisValueOrder : IComparer<string>
{
    /// <summary>The one instance.</summary>
    public static readonly AxisValueOrder Instance = new();

    /// <inheritdoc />
    public int Compare(string? x, string? y)
    {
        bool nx = TryNumber(x, out double a), ny = TryNumber(y, out double b);
        return nx && ny ? a.CompareTo(b) is var c && c != 0 ? c : string.CompareOrdinal(x, y)
            : nx ? -1 : ny ? 1 : string.CompareOrdinal(x, y);
    }

    /// <summary>Parses an axis value as an invariant-culture number.</summary>
    public static bool TryNumber(string? s, out double value)
        => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
}
