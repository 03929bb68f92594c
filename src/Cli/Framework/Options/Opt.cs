using System.Globalization;

namespace BoundLab.Cli.Framework.Options;

/// <summary>Declares options; each factory states the type, the range or the allowed words once, and the same
/// statement produces the help text, the completions and the error message.</summary>
public static class Opt
{
    /// <summary>A switch.</summary>
    public static CliFlag Flag(string name, string help) => new(name, help);

    /// <summary>A free-text value (a path, an architecture…), checked by the command.</summary>
    public static CliOption<string> Text(string name, string valueName, string help, string? defaultValue = null, string? defaultText = null)
        => new(name, valueName, help, "", s => s, defaultValue is not null, defaultValue!, defaultText ?? defaultValue, null);

    /// <summary>A value of any type, converted by <paramref name="convert"/> (which throws a <see cref="UsageException"/>
    /// naming the option for a bad value); no default.</summary>
    public static CliOption<T> Of<T>(string name, string valueName, string help, string allowed, Func<string, T> convert)
        => new(name, valueName, help, allowed, convert, false, default!, null, null);

    /// <summary>A free-text option that may be given several times (read with <see cref="ParsedArgs.Many"/>).</summary>
    public static CliOption<string> Many(string name, string valueName, string help)
        => new(name, valueName, help, "", s => s, false, null!, null, null, repeatable: true);

    /// <summary>One of a fixed set of words, case-insensitive, returned in its canonical spelling.</summary>
    public static CliOption<string> Choice(string name, string valueName, string help, string? defaultValue, IReadOnlyList<string> allowed)
    {
        ArgumentNullException.ThrowIfNull(allowed);
        string allowedText = "one of " + string.Join(", ", allowed);
        return new(name, valueName, help, allowedText,
            s => allowed.FirstOrDefault(a => string.Equals(a, s, StringComparison.OrdinalIgnoreCase))
                 ?? throw UsageException.BadValue(name, s, allowedText),
            defaultValue is not null, defaultValue!, defaultValue, allowed);
    }

    /// <summary>An integer in [min, max].</summary>
    public static CliOption<int> Int(string name, string valueName, string help, int? defaultValue, int min = int.MinValue,
        int max = int.MaxValue, string? defaultText = null)
    {
        string allowed = ValueText.IntRange(min, max);
        return new(name, valueName, help, allowed,
            s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int x) && x >= min && x <= max
                ? x
                : throw UsageException.BadValue(name, s, allowed),
            defaultValue is not null, defaultValue ?? 0, defaultText ?? defaultValue?.ToString(CultureInfo.InvariantCulture), null);
    }

    /// <summary>A 64-bit unsigned integer (seeds).</summary>
    public static CliOption<ulong> UInt64(string name, string valueName, string help, ulong defaultValue)
    {
        const string allowed = "an integer 0 … 18446744073709551615";
        return new(name, valueName, help, allowed,
            s => ulong.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out ulong x) ? x : throw UsageException.BadValue(name, s, allowed),
            true, defaultValue, defaultValue.ToString(CultureInfo.InvariantCulture), null);
    }

    /// <summary>A finite real in [min, max], or (min, max] when <paramref name="minExclusive"/>.</summary>
    public static CliOption<double> Double(string name, string valueName, string help, double? defaultValue,
        double min = double.NegativeInfinity, double max = double.PositiveInfinity, bool minExclusive = false, string? defaultText = null)
        => new(name, valueName, help, ValueText.DoubleRange(min, max, minExclusive),
            s => ValueText.ParseDouble(name, s, min, max, minExclusive),
            defaultValue is not null, defaultValue ?? 0, defaultText ?? defaultValue?.ToString("R", CultureInfo.InvariantCulture), null);
}
