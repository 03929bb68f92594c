using BoundLab.Bounds.Catalog.Sweep;
using BoundLab.Bounds.Symbolic;

namespace BoundLab.Bounds.Catalog.Entries;

/// <summary>Rademacher-complexity margin bounds for real-valued binary classifiers.</summary>
internal static class Margin
{
    private const string BinaryOnly =
        "The binary margin theorem (Mohri et al. 2018 Thm 5.8/5.9) is for real-valued binary classifiers; use margin-mohri-multiclass (Thm 9.2) for k > 2 classes.";

    // Ratio of the grids for margins and norm products: fine enough that rounding costs at most 10 %,
    // coarse enough that the index penalty 2 ln i stays a few nats.
    internal const double GridRatio = 1.1;

    // Mohri, Rostamizadeh, Talwalkar (2018), Foundations of Machine Learning 2nd ed., Theorem 5.8 (empirical form).
    internal static BoundEntry Mohri()
    {
        var b = new EntryBuilder();
        var loss = b.Input("ramp_loss", "empirical margin loss R̂_ρ at margin gamma", InputDomain.UnitInterval);
        var rho = b.Input("gamma", "margin ρ, fixed before seeing the data", InputDomain.PositiveReal);
        var rad = b.Input("rademacher", "empirical Rademacher complexity R̂_S(H) of the real-valued class", InputDomain.NonNegativeReal);
        var n = b.Input("n", "number of training examples", InputDomain.PositiveInteger);
        var delta = b.Delta("delta", "concentration of the empirical Rademacher complexity and of the margin loss");
        b.Term("margin loss", loss);
        b.Term("complexity", 2 / rho * rad);
        b.Term("confidence", 3 * Expr.Sqrt(Expr.Ln(2 / delta) / (2 * n)));
        return b.Build("margin-mohri", "Binary margin bound, fixed margin", BoundFamily.Rademacher, BoundTarget.TestError,
            new Citation("Mohri, Rostamizadeh, Talwalkar", 2018, "Foundations of Machine Learning (2nd ed.)", "Theorem 5.8, eq. (5.40)"),
            Provenance.Verified, "verified: Theorem 5.8, eq. (5.40), read in a transcription of the 2nd edition (SOURCES.md).",
            binaryOnlyReason: BinaryOnly);
    }

    // Mohri, Rostamizadeh, Talwalkar (2018), Foundations of Machine Learning 2nd ed., Theorem 5.9 (empirical form).
    internal static BoundEntry MohriUniform()
    {
        var b = new EntryBuilder();
        var loss = b.Input("ramp_loss", "empirical margin loss R̂_ρ at margin gamma", InputDomain.UnitInterval);
        var rho = b.Input("gamma", "margin ρ, any value in (0, r] (the theorem is uniform over ρ)", InputDomain.PositiveReal);
        var r = b.Input("gamma_max", "largest margin r covered, fixed before seeing the data", InputDomain.PositiveReal);
        var rad = b.Input("rademacher", "empirical Rademacher complexity R̂_S(H) of the real-valued class", InputDomain.NonNegativeReal);
        var n = b.Input("n", "number of training examples", InputDomain.PositiveInteger);
        var delta = b.Delta("delta", "concentration, uniform over ρ ∈ (0, r]");
        b.Require("gamma", "gamma ≤ gamma_max", v => v["gamma"] <= v["gamma_max"],
            v => $"{EntryBuilder.Show(v, "gamma")} exceeds {EntryBuilder.Show(v, "gamma_max")}: Theorem 5.9 holds for ρ ∈ (0, r].");
        b.Term("margin loss", loss);
        b.Term("complexity", 4 / rho * rad);
        b.Term("margin union", Expr.Sqrt(Expr.Ln(Expr.Ln(2 * r / rho) / Expr.Ln(2)) / n));
        b.Term("confidence", 3 * Expr.Sqrt(Expr.Ln(4 / delta) / (2 * n)));
        return b.Build("margin-mohri-uniform", "Binary margin bound, uniform over the margin", BoundFamily.Rademacher, BoundTarget.TestError,
            new Citation("Mohri, Rostamizadeh, Talwalkar", 2018, "Foundations of Machine Learning (2nd ed.)", "Theorem 5.9, eq. (5.42)"),
            Provenance.Verified, "verified: Theorem 5.9, eq. (5.42), read in a transcription of the 2nd edition (SOURCES.md).",
            binaryOnlyReason: BinaryOnly);
    }

    // Mohri, Rostamizadeh, Talwalkar (2018), Foundations of Machine Learning 2nd ed., Theorem 9.2, eq. (9.10):
    // R ≤ R̂_ρ + (4k/ρ) ℜ_m(Π₁(H)) + sqrt(ln(1/δ)/(2m)), with the expected (not empirical) Rademacher complexity
    // of Π₁(H) = {x ↦ h(x, y) : y ∈ Y, h ∈ H}; the book gives no empirical-complexity version of this theorem.
    internal static BoundEntry MohriMulticlass()
    {
        var b = new EntryBuilder();
        var loss = b.Input("ramp_loss", "empirical multiclass margin loss R̂_ρ at margin gamma", InputDomain.UnitInterval);
        var rho = b.Input("gamma", "margin ρ, fixed before seeing the data", InputDomain.PositiveReal);
        var rad = b.Input("rademacher_pi1", "an upper bound on the expected Rademacher complexity ℜ_m(Π₁(H)) of the per-class scores", InputDomain.NonNegativeReal);
        var k = b.Input("classes", "number of classes", InputDomain.PositiveInteger);
        var n = b.Input("n", "number of training examples", InputDomain.PositiveInteger);
        var delta = b.Delta("delta", "concentration of the margin loss");
        b.Require("classes", "classes ≥ 2", v => v["classes"] >= 2, v => $"{EntryBuilder.Show(v, "classes")} is not a classification problem: Theorem 9.2 needs k ≥ 2 classes.");
        b.Term("margin loss", loss);
        b.Term("complexity", 4 * k / rho * rad);
        b.Term("confidence", Expr.Sqrt(Expr.Ln(1 / delta) / (2 * n)));
        return b.Build("margin-mohri-multiclass", "Multiclass margin bound, fixed margin", BoundFamily.Rademacher, BoundTarget.TestError,
            new Citation("Mohri, Rostamizadeh, Talwalkar", 2018, "Foundations of Machine Learning (2nd ed.)", "Theorem 9.2, eq. (9.10)"),
            Provenance.Verified, "verified: Theorem 9.2, eq. (9.10), read in a transcription of the 2nd edition (SOURCES.md).");
    }

    // Golowich, Rakhlin, Shamir (2018), Size-independent sample complexity of neural networks, Theorem 1
    // (R̂_S ≤ (sqrt(2 ln(2) L) + 1) Π M_F(j) ‖X‖₂ / n for 1-Lipschitz positively homogeneous activations),
    // inserted into Mohri et al. (2018) Theorem 5.8. γ and Π‖W_j‖_F are read off the trained network, so both
    // go onto geometric grids: ReLU is positively homogeneous, so layers can be rescaled and the class depends
    // on the norms only through their product, which is therefore the quantity put on a grid.
    internal static BoundEntry Golowich()
    {
        var b = new EntryBuilder();
        var loss = b.Input("ramp_loss", "at the grid margin gamma (the loss at the measured margin also bounds it)", InputDomain.UnitInterval);
        var gamma = b.PostHoc("gamma", "margin γ of the scalar-output network", SnapDirection.Down, GridRatio);
        var frob = b.PostHoc("frob_prod", "product of the layers' Frobenius norms Π_j ‖W_j‖_F", SnapDirection.Up, GridRatio);
        var x = b.Input("x_norm", "data norm ‖X‖₂ = sqrt(Σ_i ‖x_i‖²)", InputDomain.PositiveReal);
        var depth = b.Input("depth", "number of weight matrices L", InputDomain.PositiveInteger);
        var n = b.Input("n", "number of training examples", InputDomain.PositiveInteger);
        var delta = b.Delta("delta", "margin theorem, union over the (gamma, frob_prod) grid");
        b.Assume("activations are 1-Lipschitz and positively homogeneous (e.g. ReLU); the network has one output");
        b.Needs(RunRequirement.Mlp());
        b.Needs(RunRequirement.Activation("1-Lipschitz and positively homogeneous", "relu", "identity"));
        b.AssumeNoBiases("the network has no biases, or its biases are folded into the weight matrices through an augmented input (x, 1) whose norm is the one in x_norm");
        b.Term("margin loss", loss);
        b.Term("complexity", 2 / gamma * (Expr.Sqrt(2 * Expr.Ln(2) * depth) + 1) * frob * x / n);
        b.Term("confidence", 3 * Expr.Sqrt(Expr.Ln(2 / delta) / (2 * n)));
        return b.Build("golowich-frobenius", "Frobenius-norm margin bound (size-independent Rademacher bound)", BoundFamily.Rademacher, BoundTarget.TestError,
            new Citation("Golowich, Rakhlin, Shamir", 2018, "Size-independent sample complexity of neural networks", "Theorem 1, with Mohri et al. (2018) Theorem 5.8"),
            Provenance.Unverified, "Theorem 1 seen only in restatements (SOURCES.md); the combination with Thm 5.8 and the grid union bound are BoundLab's.",
            binaryOnlyReason: BinaryOnly);
    }
}
