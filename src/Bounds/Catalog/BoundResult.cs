namespace BoundLab.Bounds.Catalog;

/// <summary>The value of one named part of a bound.</summary>
/// <param name="Name">The part's name.</param>
/// <param name="Value">Its value at the evaluation point.</param>
public sealed record TermValue(string Name, double Value);

/// <summary>
/// An evaluated catalog entry. Never contains NaN or ±∞ (evaluation throws instead). A measure is reported
/// with <see cref="BoundTarget.Measure"/> and a warning; it is never a bound.
/// </summary>
/// <param name="Id">The entry id.</param>
/// <param name="Value">The bound's (or measure's) value.</param>
/// <param name="Terms">The named parts, evaluated at the same point.</param>
/// <param name="Vacuous">True when the value is at or above the entry's vacuous level (1 for error rates).</param>
/// <param name="DeltaBudget">How the failure probability is spent (empty for expectation bounds and measures).</param>
/// <param name="Provenance">How far the formula was checked.</param>
/// <param name="Target">What the value bounds.</param>
/// <param name="Warnings">Everything a reader must know before trusting the number.</param>
/// <param name="Inputs">The values given by the caller.</param>
public sealed record BoundResult(
    string Id,
    double Value,
    IReadOnlyList<TermValue> Terms,
    bool Vacuous,
    DeltaBudget DeltaBudget,
    Provenance Provenance,
    BoundTarget Target,
    IReadOnlyList<string> Warnings,
    IReadOnlyDictionary<string, double> Inputs)
{
    /// <summary>The vector inputs given by the caller (empty for entries without vector inputs).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<double>> VectorInputs { get; init; } = BoundInputs.NoVectors;
}

/// <summary>Whether an entry applies to a k-class problem, and why not.</summary>
/// <param name="IsApplicable">True when the entry may be evaluated.</param>
/// <param name="Reason">Why it does not apply; null when it does.</param>
public sealed record Applicability(bool IsApplicable, string? Reason);

/// <summary>Thrown when an entry is asked for a problem it does not cover (e.g. a VC bound for k &gt; 2 classes).</summary>
public sealed class NotApplicableException : InvalidOperationException
{
    /// <summary>Creates the exception with the entry id and the reason.</summary>
    public NotApplicableException(string id, string reason) : base($"{id} is not applicable: {reason}")
    {
        Id = id;
        Reason = reason;
    }

    /// <summary>The entry id.</summary>
    public string Id { get; }
    /// <summary>Why the entry does not apply.</summary>
    public string Reason { get; }
}

/// <summary>The checked point a formula is evaluated at, and how δ was spent to get there.</summary>
/// <param name="Point">Input values with post-hoc inputs on their grid points and δ after the union bound.</param>
/// <param name="Budget">The δ budget.</param>
public sealed record PreparedPoint(IReadOnlyDictionary<string, double> Point, DeltaBudget Budget)
{
    /// <summary>Vector inputs with post-hoc elements on their grid points (empty for entries without vector inputs).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<double>> Vectors { get; init; } = BoundInputs.NoVectors;
}
