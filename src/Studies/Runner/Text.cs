namespace BoundLab.Studies.Runner;

/// <summary>One line of an exception for a user or a store row: no "(Parameter 'x')", no "Actual value was", no line breaks.</summary>
internal static class Text
{
    /// <summary>The exception's message on one line.</summary>
    public static string OneLine(Exception e)
    {
        ArgumentNullException.ThrowIfNull(e);
        string m = e.Message;
        string prefix = e is ArgumentOutOfRangeException { ParamName: { } p, ActualValue: { } v }
            ? $"{p}: got {Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)}; "
            : "";
        foreach (string cut in (string[])[" (Parameter '", "\nActual value was", " Actual value was"])
        {
            int i = m.IndexOf(cut, StringComparison.Ordinal);
            if (i >= 0)
            {
                m = m[..i];
            }
        }

        return prefix + m.ReplaceLineEndings(" ").Trim();
    }
}
