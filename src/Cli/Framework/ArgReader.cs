using System.Globalization;

namespace BoundLab.Cli.Framework;

/// <summary>Reads <c>--name value</c> / <c>--name=value</c> options and positionals; every bad value
/// throws a <see cref="UsageException"/> naming the option, the value and what is allowed.</summary>
/// <remarks>Read all options first, then call <see cref="Finish"/>, which rejects anything left over.
/// A value never starts with "--" (so <c>--out --force</c> is a missing value, not a folder named
/// "--force"; write <c>--out=--force</c> if that is meant) and is never empty; an option that takes one
/// value may be given once.</remarks>
public sealed class ArgReader
{
    private readonly List<string?> _args;
    private readonly HashSet<int> _attached = [];
    private readonly List<string> _known = [];

    /// <summary>Wraps the arguments after the verb (and sub-verb).</summary>
    public ArgReader(IEnumerable<string> args)
    {
        _args = [];
        foreach (string a in args)
        {
            int eq = a.IndexOf('=', StringComparison.Ordinal);
            if (a.StartsWith("--", StringComparison.Ordinal) && eq > 2)
            {
                _args.Add(a[..eq]);
                _attached.Add(_args.Count);
                _args.Add(a[(eq + 1)..]);
            }
            else
            {
                _args.Add(a);
            }
        }
    }

    /// <summary>Whether <c>--help</c> or <c>-h</c> was given.</summary>
    public bool HelpRequested => _args.Any(a => a is "--help" or "-h");

    /// <summary>A boolean switch (present or not).</summary>
    public bool Flag(string name)
    {
        _known.Add(name);
        bool found = false;
        int i;
        while ((i = _args.IndexOf(name)) >= 0)
        {
            if (_attached.Contains(i + 1))
            {
                throw UsageException.BadValue(name, _args[i + 1]!, "nothing: it is a switch and takes no value");
            }

            _args[i] = null;
            found = true;
        }

        return found;
    }

    /// <summary>An optional string option; null when absent.</summary>
    public string? OptionalString(string name)
    {
        _known.Add(name);
        string? value = null;
        int i;
        while ((i = _args.IndexOf(name)) >= 0)
        {
            string next = TakeValue(i, name);
            if (value is not null)
            {
                throw new UsageException($"{name}: given twice ('{value}' and '{next}'); give it once.");
            }

            value = next;
        }

        return value;
    }

    /// <summary>A string option with a default.</summary>
    public string String(string name, string defaultValue) => OptionalString(name) ?? defaultValue;

    /// <summary>All values of a repeatable option, in order.</summary>
    public IReadOnlyList<string> Many(string name)
    {
        _known.Add(name);
        var values = new List<string>();
        int i;
        while ((i = _args.IndexOf(name)) >= 0)
        {
            values.Add(TakeValue(i, name));
        }

        return values;
    }

    /// <summary>One of a fixed set of words (case-insensitive); returned in its canonical spelling.</summary>
    public string Choice(string name, string defaultValue, params string[] allowed)
    {
        string? v = OptionalString(name);
        if (v is null)
        {
            return defaultValue;
        }

        string? match = allowed.FirstOrDefault(a => string.Equals(a, v, StringComparison.OrdinalIgnoreCase));
        return match ?? throw UsageException.BadValue(name, v, "one of " + string.Join(", ", allowed));
    }

    /// <summary>An integer option in [min, max].</summary>
    public int Int(string name, int defaultValue, int min = int.MinValue, int max = int.MaxValue)
    {
        string? v = OptionalString(name);
        if (v is null)
        {
            return defaultValue;
        }

        if (!int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int x) || x < min || x > max)
        {
            throw UsageException.BadValue(name, v, DescribeRange("an integer", min, max, int.MinValue, int.MaxValue));
        }

        return x;
    }

    /// <summary>A 64-bit unsigned integer option (seeds).</summary>
    public ulong UInt64(string name, ulong defaultValue)
    {
        string? v = OptionalString(name);
        if (v is null)
        {
            return defaultValue;
        }

        return ulong.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out ulong x)
            ? x
            : throw UsageException.BadValue(name, v, "an integer 0 … 18446744073709551615");
    }

    /// <summary>A finite real option in [min, max] (or (min, max] when <paramref name="minExclusive"/>).</summary>
    public double Double(string name, double defaultValue, double min = double.NegativeInfinity,
        double max = double.PositiveInfinity, bool minExclusive = false)
    {
        string? v = OptionalString(name);
        return v is null ? defaultValue : ParseDouble(name, v, min, max, minExclusive);
    }

    /// <summary>An optional finite real option; null when absent.</summary>
    public double? OptionalDouble(string name, double min = double.NegativeInfinity,
        double max = double.PositiveInfinity, bool minExclusive = false)
    {
        string? v = OptionalString(name);
        return v is null ? null : ParseDouble(name, v, min, max, minExclusive);
    }

    /// <summary>Parses a finite real with the same checks and message as the options above.</summary>
    public static double ParseDouble(string name, string v, double min = double.NegativeInfinity,
        double max = double.PositiveInfinity, bool minExclusive = false)
    {
        bool ok = double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double x)
            && double.IsFinite(x) && (minExclusive ? x > min : x >= min) && x <= max;
        if (!ok)
        {
            throw UsageException.BadValue(name, v, DoubleRange(min, max, minExclusive));
        }

        return x;
    }

    /// <summary>"a finite number", "a finite number > 0", "a finite number ≥ 0 and ≤ 1" (the words of the error messages).</summary>
    public static string DoubleRange(double min = double.NegativeInfinity, double max = double.PositiveInfinity, bool minExclusive = false)
    {
        string low = double.IsNegativeInfinity(min) ? "" : (minExclusive ? $" > {Fmt(min)}" : $" ≥ {Fmt(min)}");
        string high = max >= double.MaxValue ? "" : $" ≤ {Fmt(max)}";
        string range = low.Length > 0 && high.Length > 0 ? $"{low} and{high}" : low + high;
        return "a finite number" + range;
    }

    /// <summary>The next positional argument (not an option); <paramref name="what"/> names it in the error.</summary>
    public string Positional(string what)
        => OptionalPositional() ?? throw new UsageException($"missing {what}.");

    /// <summary>The next positional argument, or null.</summary>
    public string? OptionalPositional()
    {
        for (int i = 0; i < _args.Count; i++)
        {
            string? a = _args[i];
            if (a is null)
            {
                continue;
            }

            if (a.StartsWith("--", StringComparison.Ordinal))
            {
                return null;
            }

            _args[i] = null;
            return a;
        }

        return null;
    }

    /// <summary>Rejects anything not read: unknown options and stray values.</summary>
    public void Finish()
    {
        string? left = _args.FirstOrDefault(a => a is not null);
        if (left is not null)
        {
            string? near = left.StartsWith('-') ? Nearest(left) : null;
            throw new UsageException(left.StartsWith('-')
                ? $"unknown option {left}{(near is null ? "" : $" (did you mean {near}?)")} (see --help)."
                : $"unexpected argument '{left}' (see --help).");
        }
    }

    private string TakeValue(int i, string name)
    {
        string? value = i + 1 < _args.Count ? _args[i + 1] : null;
        bool attached = _attached.Contains(i + 1);
        if (value is null || (!attached && value.StartsWith("--", StringComparison.Ordinal)))
        {
            throw new UsageException(value is null
                ? $"{name}: a value is required."
                : $"{name}: a value is required (got the option {value}; write {name}={value} if that is the value).");
        }

        if (value.Trim().Length == 0)
        {
            throw UsageException.BadValue(name, value, "a non-empty value");
        }

        _args[i] = null;
        _args[i + 1] = null;
        return value;
    }

    // The known option closest to a misspelt one (edit distance ≤ 2), for the error message.
    private string? Nearest(string option)
    {
        string? best = null;
        int bestDistance = 3;
        foreach (string k in _known.Distinct())
        {
            int d = Distance(option, k);
            if (d < bestDistance)
            {
                (best, bestDistance) = (k, d);
            }
        }

        return best;
    }

    /// <summary>The edit distance between two words.</summary>
    internal static int Distance(string a, string b)
    {
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

    private static string DescribeRange(string kind, long min, long max, long lowest, long highest)
    {
        if (min == lowest && max == highest)
        {
            return kind;
        }

        if (max == highest)
        {
            return $"{kind} ≥ {min}";
        }

        return min == lowest ? $"{kind} ≤ {max}" : $"{kind} in {min} … {max}";
    }

    private static string Fmt(double x) => x.ToString("R", CultureInfo.InvariantCulture);
}
