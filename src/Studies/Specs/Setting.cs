using System.Globalization;

namespace BoundLab.Studies.Specs;

/// <summary>The JSON type of a study setting.</summary>
public enum SettingKind
{
    /// <summary>A string.</summary>
    Text,

    /// <summary>A whole number (JSON number without fraction).</summary>
    Integer,

    /// <summary>A finite number.</summary>
    Real,

    /// <summary>true or false.</summary>
    Flag,
}

/// <summary>One key a study file may set (in <c>settings</c>) or sweep (in <c>grid</c>). Values are string, long, double
/// or bool. Resolution runs in table order: <see cref="Applies"/> and <see cref="Default"/> read only keys above.</summary>
/// <param name="Key">JSON key, e.g. "label_noise".</param>
/// <param name="Kind">JSON type.</param>
/// <param name="Help">One line for the documentation.</param>
/// <param name="Default">The value when the key is not given and applies (null: the key stays unset).</param>
/// <param name="Applies">Whether the key means anything given the keys resolved so far.</param>
/// <param name="AppliesTo">Where it applies, for the error message ("optimizer sgd or gd").</param>
/// <param name="Choices">The allowed strings of a text key (null: any non-empty string).</param>
/// <param name="Min">Smallest allowed number.</param>
/// <param name="Max">Largest allowed number.</param>
/// <param name="MinExclusive">Whether <paramref name="Min"/> itself is excluded.</param>
public sealed record Setting(string Key, SettingKind Kind, string Help, Func<IReadOnlyDictionary<string, object>, object?> Default,
    Func<IReadOnlyDictionary<string, object>, bool> Applies, string AppliesTo, IReadOnlyList<string>? Choices = null,
    double Min = double.NegativeInfinity, double Max = double.PositiveInfinity, bool MinExclusive = false)
{
    /// <summary>What the key accepts, in words ("an integer ≥ 1", "one of sgd, gd, sgld, pgd").</summary>
    public string Allowed => Kind switch
    {
        SettingKind.Text => Choices is null ? "a non-empty string" : $"one of {string.Join(", ", Choices)}",
        SettingKind.Flag => "true or false",
        _ => (Kind == SettingKind.Integer ? "an integer" : "a number") + Range(),
    };

    /// <summary>Whether <paramref name="value"/> (string, long, double or bool) is of this key's type and range.</summary>
    public bool Accepts(object value) => value switch
    {
        string s => Kind == SettingKind.Text && s.Length > 0 && (Choices is null || Choices.Contains(s)),
        bool => Kind == SettingKind.Flag,
        long l => Kind is SettingKind.Integer or SettingKind.Real && InRange(l),
        double d => Kind == SettingKind.Real && double.IsFinite(d) && InRange(d),
        _ => false,
    };

    /// <summary>A value as the canonical config and the axes show it.</summary>
    public static string Show(object? value) => value switch
    {
        null => "n/a",
        string s => s,
        bool b => b ? "true" : "false",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private bool InRange(double v) => (MinExclusive ? v > Min : v >= Min) && v <= Max;

    private string Range()
    {
        string Num(double x) => x.ToString("R", CultureInfo.InvariantCulture);
        bool lo = !double.IsNegativeInfinity(Min), hi = !double.IsPositiveInfinity(Max);
        return (lo, hi) switch
        {
            (true, true) => $" in {(MinExclusive ? "(" : "[")}{Num(Min)}, {Num(Max)}]",
            (true, false) => $" {(MinExclusive ? ">" : "≥")} {Num(Min)}",
            (false, true) => $" ≤ {Num(Max)}",
            _ => "",
        };
    }
}
