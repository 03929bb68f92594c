namespace BoundLab.Bounds.Catalog;

/// <summary>One named part of the failure probability, e.g. the PAC-Bayes δ or the Monte-Carlo δ′.</summary>
/// <param name="Symbol">The input symbol that carries it.</param>
/// <param name="Delta">The probability spent on this part.</param>
/// <param name="Purpose">What this part pays for.</param>
public sealed record DeltaShare(string Symbol, double Delta, string Purpose);

/// <summary>A post-hoc quantity moved onto its grid: the measured value and the grid point used instead.</summary>
/// <param name="Symbol">The input symbol; an element of a post-hoc vector input is named name[k] (1-based).</param>
/// <param name="Measured">The value given by the caller.</param>
/// <param name="Direction">How it was rounded.</param>
/// <param name="Point">The grid point the formula is evaluated at.</param>
public sealed record GridUse(string Symbol, double Measured, SnapDirection Direction, GridPoint Point);

/// <summary>
/// How the failure probability of an evaluated bound is spent: the total δ (sum of the shares), each share,
/// the grid points of post-hoc quantities, and the confidence the formula was actually evaluated with
/// (the first share multiplied by every grid weight).
/// </summary>
/// <param name="Total">The failure probability of the whole statement (sum of the shares).</param>
/// <param name="Shares">The parts δ is split into.</param>
/// <param name="Grids">The post-hoc quantities and the grid points used (empty when none).</param>
/// <param name="Effective">The first share after the grid union bound (0 when it underflows; see LnInverseEffective).</param>
/// <param name="LnInverseEffective">ln(1/δ_eff), the quantity the formula of a grid entry is evaluated with (0 when no δ is spent).</param>
public sealed record DeltaBudget(double Total, IReadOnlyList<DeltaShare> Shares, IReadOnlyList<GridUse> Grids, double Effective, double LnInverseEffective)
{
    /// <summary>The budget of an entry that holds in expectation or is a measure: no δ is spent.</summary>
    public static DeltaBudget None { get; } = new(0, Array.Empty<DeltaShare>(), Array.Empty<GridUse>(), 0, 0);

    /// <summary>True when the entry spends no failure probability.</summary>
    public bool IsEmpty => Shares.Count == 0;
}
