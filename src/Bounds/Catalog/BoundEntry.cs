using BoundLab.Bounds.Symbolic;

namespace BoundLab.Bounds.Catalog;

/// <summary>Where a formula comes from: paper and theorem or equation.</summary>
/// <param name="Authors">Authors, e.g. "Mohri, Rostamizadeh, Talwalkar".</param>
/// <param name="Year">Publication year.</param>
/// <param name="Work">Paper or book title.</param>
/// <param name="Location">Theorem, corollary or equation number.</param>
public sealed record Citation(string Authors, int Year, string Work, string Location)
{
    /// <summary>"Authors (Year), Work, Location".</summary>
    public override string ToString() => $"{Authors} ({Year}), {Work}, {Location}";
}

/// <summary>A named part of a bound (e.g. the complexity term), shown next to the value.</summary>
/// <param name="Name">Short name, e.g. "complexity".</param>
/// <param name="Expression">The part as an expression over the entry's inputs.</param>
public sealed record NamedTerm(string Name, Expr Expression);

/// <summary>A failure-probability input of an entry and what it pays for.</summary>
/// <param name="Symbol">The input symbol (domain (0, 1)).</param>
/// <param name="Purpose">What this part of δ pays for.</param>
public sealed record ConfidenceInput(string Symbol, string Purpose);

/// <summary>An input taken from the trained network that the bound pays a union bound for.</summary>
/// <param name="Symbol">The input symbol.</param>
/// <param name="Grid">The geometric grid its value is moved onto.</param>
/// <param name="Direction">Which way it is rounded so the bound stays valid.</param>
public sealed record PostHocQuantity(string Symbol, GeometricGrid Grid, SnapDirection Direction);

/// <summary>
/// One catalog entry: a generalization bound (or measure) as a symbolic expression with everything needed
/// to evaluate it honestly — input domains, preconditions, what it bounds, where it comes from and how far
/// that was checked. Entries are immutable values; <see cref="BoundCatalog"/> holds them all.
/// </summary>
public sealed record BoundEntry
{
    /// <summary>Stable identifier, e.g. "vc-mohri".</summary>
    public required string Id { get; init; }
    /// <summary>One-line title.</summary>
    public required string Title { get; init; }
    /// <summary>The family.</summary>
    public required BoundFamily Family { get; init; }
    /// <summary>The formula over the input symbols (post-hoc inputs stand for their grid values, δ for the effective δ).</summary>
    public required Expr Formula { get; init; }
    /// <summary>The inputs in the order they are documented.</summary>
    public required IReadOnlyList<BoundInput> Inputs { get; init; }
    /// <summary>Conditions of the theorem beyond the input domains.</summary>
    public required IReadOnlyList<Precondition> Preconditions { get; init; }
    /// <summary>The named parts shown next to the value.</summary>
    public required IReadOnlyList<NamedTerm> Terms { get; init; }
    /// <summary>What the value bounds.</summary>
    public required BoundTarget Target { get; init; }
    /// <summary>The source.</summary>
    public required Citation Citation { get; init; }
    /// <summary>How far the formula was checked.</summary>
    public required Provenance Provenance { get; init; }
    /// <summary>What was checked and where (see SOURCES.md).</summary>
    public required string ProvenanceNote { get; init; }
    /// <summary>The failure-probability symbols and what each pays for; the first receives the grid union bound.</summary>
    public IReadOnlyList<ConfidenceInput> Confidence { get; init; } = Array.Empty<ConfidenceInput>();
    /// <summary>Inputs measured on the trained network that go through a geometric-grid union bound.</summary>
    public IReadOnlyList<PostHocQuantity> PostHoc { get; init; } = Array.Empty<PostHocQuantity>();
    /// <summary>The value at or above which the bound says nothing (1 for error rates); null for measures.</summary>
    public Expr? VacuousAt { get; init; }
    /// <summary>Conditions of the theorem the catalog cannot check from the inputs (each becomes a warning).</summary>
    public IReadOnlyList<string> Assumptions { get; init; } = Array.Empty<string>();
    /// <summary>Optional inputs that must be given together or not at all (e.g. mc_samples with delta_mc).</summary>
    public IReadOnlyList<IReadOnlyList<string>> OptionalGroups { get; init; } = Array.Empty<IReadOnlyList<string>>();
    /// <summary>Why the entry does not apply to more than two classes; null when it does.</summary>
    public string? BinaryOnlyReason { get; init; }
    /// <summary>The theorem is stated for networks without biases (or with biases folded into an augmented input), so
    /// it is evaluated from a trained run's measurements only when that run has no biases.</summary>
    public bool RequiresBiasFree { get; init; }
    /// <summary>Inputs that may be chosen after seeing the data because the formula pays for the choice (besides the
    /// grid-snapped <see cref="PostHoc"/> ones).</summary>
    public IReadOnlyList<string> PaidInFormula { get; init; } = Array.Empty<string>();
    /// <summary>What a trained run must be for the entry to apply (optimizer, depth, activation, loss, …), checked on its facts.</summary>
    public IReadOnlyList<Sweep.RunRequirement> Requirements { get; init; } = Array.Empty<Sweep.RunRequirement>();

    /// <summary>The input with this symbol name; throws naming the known inputs otherwise.</summary>
    public BoundInput Input(string name) =>
        Inputs.FirstOrDefault(i => i.Name == name)
        ?? throw new ArgumentException(
            $"'{name}' is not an input of {Id}; its inputs are: {string.Join(", ", Inputs.Select(i => i.Name))}.", nameof(name));

    /// <summary>The symbol of an input, as it occurs in <see cref="Formula"/>.</summary>
    public Symbol Symbol(string name) => EntryBuilder.SymbolFor(Input(name));

    /// <summary>The vector of a vector input (<see cref="BoundInput.IsVector"/>), as its elements occur in <see cref="Formula"/>.</summary>
    public VectorSymbol Vector(string name) => EntryBuilder.VectorFor(Input(name));

    /// <summary>True when some input is a vector (evaluate with <see cref="BoundInputs"/>).</summary>
    public bool HasVectorInputs => Inputs.Any(i => i.IsVector);
}
