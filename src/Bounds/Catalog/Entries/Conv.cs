using BoundLab.Bounds.Symbolic;

namespace BoundLab.Bounds.Catalog.Entries;

/// <summary>Norm-based margin bounds with convolution-aware norms; the norms are inputs (per-network aggregates).</summary>
internal static class Conv
{
    private static Expr Confidence(Expr delta, Expr n) => 3 * Expr.Sqrt(Expr.Ln(2 / delta) / (2 * n));

    // Graf, Zeng, Rieck, Niethammer, Kwitt (NeurIPS 2022), Measuring excess capacity in neural networks, Theorem 3.5
    // (first bound), as documented with the authors' code (rkwitt/excess_capacity, bounds/rademacher_bounds_docu.md):
    //   R_S(F_γ) ≤ 4/n + (12 H_{n−1}/√n) sqrt(ln(2W)) (Σ_i ⌈C̃_i^{2/3}⌉)^{3/2},  C̃_i = (4/γ)(‖X‖/√n)(Π_l s_l) b_i/s_i,
    // s_l the layers' Lipschitz constants, b_i = ‖K_i − K_i⁰‖_{2,1} over the kernel tensors, W = max_i W_i kernel parameters.
    // BoundLab's steps: ⌈x⌉ ≤ x + 1 and H_{n−1} ≤ 1 + ln(n − 1) (both only loosen it), Σ_i C̃_i^{2/3} written through the
    // aggregate Σ_i (b_i/s_i)^{2/3}, and the empirical Rademacher theorem (Mohri et al. 2018, Thm 3.3):
    // R ≤ R̂_γ + 2 R_S(F_γ) + 3 sqrt(ln(2/δ)/(2n)); γ is put on the geometric grid.
    internal static BoundEntry Graf22()
    {
        var b = new EntryBuilder();
        var loss = b.Input("ramp_loss", "empirical ramp loss R̂_γ at the measured gamma", InputDomain.UnitInterval);
        var gamma = b.PostHoc("gamma", "margin γ", SnapDirection.Down, Margin.GridRatio);
        var x = b.Input("x_norm", "data norm ‖X‖ = sqrt(Σ_i ‖x_i‖²)", InputDomain.PositiveReal);
        var lip = b.Input("lip_prod", "Π_l s_l, the product of the layers' Lipschitz constants (operator norms of the convolutions)", InputDomain.PositiveReal);
        var ratios = b.Input("ratio_sum", "Σ_i (b_i/s_i)^{2/3}, b_i = ‖K_i − K_i⁰‖_{2,1} of kernel tensor i (ℓ2 over the input channels of each filter position, summed: the authors' code's grouping)", InputDomain.NonNegativeReal);
        var layers = b.Input("depth", "number L of parametric layers", InputDomain.PositiveInteger);
        var w = b.Input("max_params", "W = max_i W_i, the largest number of kernel parameters of a layer", InputDomain.PositiveInteger);
        var n = b.Input("n", "number of training examples", InputDomain.PositiveInteger);
        var delta = b.Delta("delta", "empirical Rademacher theorem, union over the gamma grid");
        b.Require("n", "n ≥ 2", v => v["n"] >= 2, v => $"{EntryBuilder.Show(v, "n")} is too small: H_(n−1) needs n ≥ 2.");
        b.Assume("ReLU activations; the constraints s_i, b_i (and the initialization K⁰) are fixed before seeing the data");
        var c = 4 / gamma * x / Expr.Sqrt(n) * lip;
        var rad = b.Term("Rademacher bound R_S(F_γ)",
            4 / n + 12 * (1 + Expr.Ln(n - 1)) / Expr.Sqrt(n) * Expr.Sqrt(Expr.Ln(2 * w)) * Expr.Pow(Expr.Pow(c, Expr.Num(2, 3)) * ratios + layers, Expr.Num(3, 2)));
        var confidence = b.Term("confidence 3 sqrt(ln(2/δ)/(2n))", Confidence(delta, n));
        b.Term("ramp loss", loss);
        return b.Build("graf22-conv", "Convolution-aware spectral margin bound (Graf et al. 2022)", BoundFamily.Spectral, BoundTarget.TestError,
            new Citation("Graf, Zeng, Rieck, Niethammer, Kwitt", 2022, "Measuring excess capacity in neural networks (NeurIPS)", "Theorem 3.5 (first bound), with Mohri et al. (2018) Theorem 3.3"),
            Provenance.Unverified,
            "Theorem 3.5 read in the authors' code documentation (rkwitt/excess_capacity), not in the paper; ⌈·⌉ ≤ · + 1, H_(n−1) ≤ 1 + ln(n − 1) and the γ grid are BoundLab's (SOURCES.md).",
            formula: loss + 2 * rad + confidence);
    }

    // Ledent, Mustafa, Lei, Kloft (AAAI 2021), Norm-based generalisation bounds for deep multi-class convolutional neural
    // networks, Theorem 11, as implemented by Graf et al. (rkwitt/excess_capacity, bounds/rademacher_bounds.py, ledent_main):
    //   R_S ≤ 4/n + 768 R sqrt(log₂(32 Γ n² + 7 W̄ n)) ln(n)/√n, R = (Σ_l r_l^{2/3})^{3/2}, Γ = max_l r_l O_l m_l,
    //   W̄ = max_l O_l m_l (their Eq. 25; r_l built from patch norms b_l, Lipschitz products and distances a_l, the
    //   last b_l being the margin γ); with the empirical Rademacher theorem as above.
    internal static BoundEntry Ledent21()
    {
        var b = new EntryBuilder();
        var loss = b.Input("ramp_loss", "empirical ramp loss R̂_γ at the margin gamma used inside R and Γ", InputDomain.UnitInterval);
        var r = b.Input("ledent_r", "R = (Σ_l r_l^{2/3})^{3/2} of Ledent et al. Eq. (25) at margin γ", InputDomain.NonNegativeReal);
        var g = b.Input("ledent_gamma", "Γ = max_l r_l O_l m_l of Eq. (25)", InputDomain.NonNegativeReal);
        var w = b.Input("ledent_bar_w", "W̄ = max_l O_l m_l (patches × output channels)", InputDomain.PositiveReal);
        var n = b.Input("n", "number of training examples", InputDomain.PositiveInteger);
        var delta = b.Delta("delta", "empirical Rademacher theorem");
        b.Assume("ReLU activations; γ, the patch-norm bounds b_l and the distance constraints a_l are fixed before seeing the data");
        var rad = b.Term("Rademacher bound", 4 / n + 768 * r * Expr.Sqrt(Expr.Ln(32 * g * n * n + 7 * w * n) / Expr.Ln(2)) * Expr.Ln(n) / Expr.Sqrt(n));
        var confidence = b.Term("confidence 3 sqrt(ln(2/δ)/(2n))", Confidence(delta, n));
        b.Term("ramp loss", loss);
        return b.Build("ledent21-conv", "Norm-based bound for multi-class CNNs (Ledent et al. 2021)", BoundFamily.Spectral, BoundTarget.TestError,
            new Citation("Ledent, Mustafa, Lei, Kloft", 2021, "Norm-based generalisation bounds for deep multi-class convolutional neural networks (AAAI)", "Theorem 11, with Mohri et al. (2018) Theorem 3.3"),
            Provenance.Unverified,
            "Theorem 11 read only in Graf et al.'s implementation (rkwitt/excess_capacity, ledent_main), not in the paper (SOURCES.md).",
            formula: loss + 2 * rad + confidence);
    }
}
