using System.Globalization;

namespace BoundLab.Bounds.Catalog;

/// <summary>The values a catalog input may take; checked before every evaluation.</summary>
public enum InputDomain
{
    /// <summary>Any finite real.</summary>
    Real,
    /// <summary>x &gt; 0.</summary>
    PositiveReal,
    /// <summary>x ≥ 0.</summary>
    NonNegativeReal,
    /// <summary>The closed interval [0, 1] (error rates: 0 is a valid training error).</summary>
    UnitInterval,
    /// <summary>The open interval (0, 1) (failure probabilities δ).</summary>
    OpenUnitInterval,
    /// <summary>1, 2, 3, … (sample counts, dimensions, grid indices).</summary>
    PositiveInteger,
}

/// <summary>One input of a catalog entry: its symbol name, what it means, and its domain.</summary>
/// <param name="Name">The symbol name used in the formula and on the command line (a <see cref="Vocabulary"/> name).</param>
/// <param name="Meaning">One line saying what the caller must supply (the vocabulary's meaning of the name).</param>
/// <param name="Domain">The allowed values.</param>
public sealed record BoundInput(string Name, string Meaning, InputDomain Domain)
{
    /// <summary>What this entry adds to the vocabulary's meaning (e.g. "fixed before seeing the data", "post hoc: rounded
    /// down onto the grid 1.1^k"); null when nothing.</summary>
    public string? Note { get; init; }

    /// <summary>The meaning followed by the entry's note, for display.</summary>
    public string Description => Note is null ? Meaning : $"{Meaning}; here: {Note}";

    /// <summary>
    /// The value the formula is evaluated with when an optional input is not given (e.g. M = ∞ for the number of
    /// Monte-Carlo samples: no sampling error); null for a required input.
    /// </summary>
    public double? WhenAbsent { get; init; }

    /// <summary>True when the input may be left out (see <see cref="WhenAbsent"/>).</summary>
    public bool IsOptional => WhenAbsent is not null;

    /// <summary>For a vector input, the name of the integer input that holds its length (e.g. depth); null for a scalar.
    /// Every element must lie in <see cref="Domain"/>.</summary>
    public string? Length { get; init; }

    /// <summary>True for a vector input (see <see cref="Length"/>).</summary>
    public bool IsVector => Length is not null;
}

/// <summary>Membership tests and human-readable descriptions of <see cref="InputDomain"/>.</summary>
public static class InputDomains
{
    /// <summary>The allowed set written for an error message, e.g. "(0, 1)" or "an integer ≥ 1".</summary>
    public static string Describe(this InputDomain domain) => domain switch
    {
        InputDomain.Real => "a finite real number",
        InputDomain.PositiveReal => "a real number > 0",
        InputDomain.NonNegativeReal => "a real number ≥ 0",
        InputDomain.UnitInterval => "in the interval [0, 1]",
        InputDomain.OpenUnitInterval => "in the open interval (0, 1)",
        InputDomain.PositiveInteger => "an integer ≥ 1",
        _ => throw new ArgumentOutOfRangeException(nameof(domain), domain, "Unknown input domain."),
    };

    /// <summary>True when the value lies in the domain (NaN and infinities never do).</summary>
    public static bool Contains(this InputDomain domain, double value) => double.IsFinite(value) && domain switch
    {
        InputDomain.Real => true,
        InputDomain.PositiveReal => value > 0,
        InputDomain.NonNegativeReal => value >= 0,
        InputDomain.UnitInterval => value >= 0 && value <= 1,
        InputDomain.OpenUnitInterval => value > 0 && value < 1,
        InputDomain.PositiveInteger => value >= 1 && Math.Floor(value) == value,
        _ => false,
    };

    /// <summary>Throws an <see cref="ArgumentException"/> naming the symbol, the value and the allowed set.</summary>
    public static void Require(this BoundInput input, double value)
    {
        if (!input.Domain.Contains(value))
            throw new ArgumentException(
                $"{input.Name} = {Format(value)} is outside its domain: {input.Name} ({input.Meaning}) must be {input.Domain.Describe()}.",
                input.Name);
    }

    /// <summary>A value printed round-trip and culture-independent.</summary>
    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>A condition of the theorem beyond the input domains (e.g. n ≥ d), checked before evaluation.</summary>
/// <param name="Symbol">The input the condition is about (named as the argument in the exception).</param>
/// <param name="Description">The condition as written in the source, e.g. "n ≥ vc_dim".</param>
/// <param name="Violation">Returns the error message when the values violate the condition, null when they satisfy it.</param>
public sealed record Precondition(string Symbol, string Description, Func<IReadOnlyDictionary<string, double>, string?> Violation);
