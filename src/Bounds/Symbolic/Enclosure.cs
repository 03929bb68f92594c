namespace BoundLab.Bounds.Symbolic;

/// <summary>A closed interval [Lo, Hi] of doubles that contains an exact real value (see <see cref="Evaluator.Enclose"/>).</summary>
public readonly record struct Enclosure(double Lo, double Hi)
{
    /// <summary>The degenerate interval [v, v] (an exact double).</summary>
    public static Enclosure Point(double v) => new(v, v);

    /// <summary>Hi − Lo in units of the last place of the larger end (0 for a point; +∞ when an end is infinite).</summary>
    public double WidthInUlps => Lo == Hi ? 0
        : double.IsFinite(Lo) && double.IsFinite(Hi) ? (Hi - Lo) / Math.Max(Math.BitIncrement(Math.Max(Math.Abs(Lo), Math.Abs(Hi))) - Math.Max(Math.Abs(Lo), Math.Abs(Hi)), double.Epsilon)
        : double.PositiveInfinity;

    /// <summary>"[lo, hi]" with round-trip digits.</summary>
    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"[{Lo:R}, {Hi:R}]");
}
