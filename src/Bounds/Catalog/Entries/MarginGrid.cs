using BoundLab.Bounds.Symbolic;

namespace BoundLab.Bounds.Catalog.Entries;

/// <summary>The fixed-margin theorems of Mohri et al. (2018) for a margin chosen after training (geometric-grid union bound).</summary>
internal static class MarginGrid
{
    private const string BinaryOnly =
        "The binary margin theorem (Mohri et al. 2018 Thm 5.8) is for real-valued binary classifiers; use margin-mohri-multiclass-grid for k > 2 classes.";

    // Mohri, Rostamizadeh, Talwalkar (2018), Theorem 5.8, eq. (5.40), at every grid margin ρ_k = 1.1^k with confidence
    // δ·6/(π² i_k²). The measured ρ is rounded down onto the grid: the ρ-margin loss is nondecreasing in ρ, so the
    // loss measured at ρ bounds the loss at the grid margin, and the complexity 2/ρ_k only grows.
    internal static BoundEntry Mohri()
    {
        var b = new EntryBuilder();
        var loss = b.Input("ramp_loss", "empirical margin loss R̂_ρ at the measured margin gamma (it bounds the loss at the smaller grid margin)", InputDomain.UnitInterval);
        var rho = b.PostHoc("gamma", "margin ρ chosen after training", SnapDirection.Down, Margin.GridRatio);
        var rad = b.Input("rademacher", "empirical Rademacher complexity R̂_S(H) of the real-valued class", InputDomain.NonNegativeReal);
        var n = b.Input("n", "number of training examples", InputDomain.PositiveInteger);
        var delta = b.Delta("delta", "Theorem 5.8 at every grid margin, union over the grid");
        b.Term("margin loss", loss);
        b.Term("complexity", 2 / rho * rad);
        b.Term("confidence", 3 * Expr.Sqrt(Expr.Ln(2 / delta) / (2 * n)));
        return b.Build("margin-mohri-grid", "Binary margin bound, margin chosen after training (grid)", BoundFamily.Rademacher, BoundTarget.TestError,
            new Citation("Mohri, Rostamizadeh, Talwalkar", 2018, "Foundations of Machine Learning (2nd ed.)", "Theorem 5.8, eq. (5.40), union over a geometric grid of ρ"),
            Provenance.Verified, "verified: Theorem 5.8 (SOURCES.md); the grid union bound is BoundLab's (two-sided 1.1^k grid, weight 6/(π² i²)).",
            binaryOnlyReason: BinaryOnly);
    }

    // Mohri, Rostamizadeh, Talwalkar (2018), Theorem 9.2, eq. (9.10), with the same grid over ρ as above.
    internal static BoundEntry MohriMulticlass()
    {
        var b = new EntryBuilder();
        var loss = b.Input("ramp_loss", "empirical multiclass margin loss R̂_ρ at the measured margin gamma", InputDomain.UnitInterval);
        var rho = b.PostHoc("gamma", "margin ρ chosen after training", SnapDirection.Down, Margin.GridRatio);
        var rad = b.Input("rademacher_pi1", "an upper bound on the expected Rademacher complexity ℜ_m(Π₁(H)) of the per-class scores", InputDomain.NonNegativeReal);
        var k = b.Input("classes", "number of classes", InputDomain.PositiveInteger);
        var n = b.Input("n", "number of training examples", InputDomain.PositiveInteger);
        var delta = b.Delta("delta", "Theorem 9.2 at every grid margin, union over the grid");
        b.Require("classes", "classes ≥ 2", v => v["classes"] >= 2, v => $"{EntryBuilder.Show(v, "classes")} is not a classification problem: Theorem 9.2 needs k ≥ 2 classes.");
        b.Term("margin loss", loss);
        b.Term("complexity", 4 * k / rho * rad);
        b.Term("confidence", Expr.Sqrt(Expr.Ln(1 / delta) / (2 * n)));
        return b.Build("margin-mohri-multiclass-grid", "Multiclass margin bound, margin chosen after training (grid)", BoundFamily.Rademacher, BoundTarget.TestError,
            new Citation("Mohri, Rostamizadeh, Talwalkar", 2018, "Foundations of Machine Learning (2nd ed.)", "Theorem 9.2, eq. (9.10), union over a geometric grid of ρ"),
            Provenance.Verified, "verified: Theorem 9.2 (SOURCES.md); the grid union bound is BoundLab's (two-sided 1.1^k grid, weight 6/(π² i²)).");
    }
}
