using BoundLab.Bounds.Symbolic;

namespace BoundLab.Bounds.Catalog.Entries;

/// <summary>The convolution-aware margin bounds of <see cref="Conv"/> with per-layer (indexed) inputs measured on the trained
/// network, every post-hoc norm and the margin paid for by a union bound over geometric grids.</summary>
internal static class ConvGrid
{
    private static Expr Confidence(Expr delta, Expr n) => 3 * Expr.Sqrt(Expr.Ln(2 / delta) / (2 * n));

    private const string Relu = "ReLU activations, each optionally followed by max pooling with non-overlapping windows (1-Lipschitz in ℓ2, 0 at 0) or a flatten; no residual connections";
    private const string NoBiases = "the convolutions and dense layers have no biases (train with --no-bias)";

    // Graf, Zeng, Rieck, Niethammer, Kwitt (NeurIPS 2022), Theorem 3.5, first bound, as documented with the authors' code
    // (rkwitt/excess_capacity, bounds/rademacher_bounds_docu.md; see Conv.Graf22): for constraints s_l (Lipschitz constant of
    // layer l) and b_l (‖K_l − K_l⁰‖_(2,1), grouped as `delta.norm(dim=1).norm(p=1)` on the OIHW kernel: ℓ2 over the input
    // channels of every (filter, ky, kx), summed) fixed in advance,
    //   R_S(F_γ) ≤ 4/n + (12 H_{n−1}/√n) sqrt(ln 2W) (Σ_i ⌈C̃_i^{2/3}⌉)^{3/2},  C̃_i = (4/γ)(‖X‖/√n)(Π_l s_l) b_i/s_i.
    // BoundLab's steps (each only loosens it): ⌈x⌉ ≤ x + 1, H_{n−1} ≤ 1 + ln(n − 1), the empirical Rademacher theorem
    // (Mohri et al. 2018, Thm 5.8 form: R ≤ R̂_γ + 2 R_S(F_γ) + 3 sqrt(ln(2/δ)/(2n))), and a union bound over geometric grids:
    // γ rounded down, every s_l and b_l rounded up (the network then lies in the constrained class, R̂_γ is computed at the
    // snapped γ), δ shared over the 2L + 1 grid indices (BoundEvaluator adds their penalties to ln(1/δ)).
    internal static BoundEntry Graf22()
    {
        var b = new EntryBuilder();
        var loss = b.Input("ramp_loss", "empirical ramp loss R̂_γ at the (snapped) margin gamma", InputDomain.UnitInterval);
        var gamma = b.PostHoc("gamma", "margin γ", SnapDirection.Down, Margin.GridRatio);
        var depth = b.Input("conv_depth", "number L of parametric layers (convolutions and dense layers)", InputDomain.PositiveInteger);
        var s = b.PostHocVector("lip", "Lipschitz constants s_l = ‖A_l‖₂ of the layers' linear maps, l = 1..conv_depth", depth, SnapDirection.Up, Margin.GridRatio);
        var k = b.PostHocVector("kernel_l21_init", "b_l = ‖K_l − K_l⁰‖_(2,1) of the kernels (ℓ2 over input channels of each filter position, summed), l = 1..conv_depth", depth, SnapDirection.Up, Margin.GridRatio);
        var x = b.Input("x_norm", "data norm ‖X‖ = sqrt(Σ_i ‖x_i‖²)", InputDomain.PositiveReal);
        var w = b.Input("max_params", "W = max_l W_l, the largest number of kernel parameters of a layer", InputDomain.PositiveInteger);
        var n = b.Input("n", "number of training examples", InputDomain.PositiveInteger);
        var delta = b.Delta("delta", "empirical Rademacher theorem, union over the grids of gamma and every lip_l, kernel_l21_init_l (2·conv_depth + 1 grid indices)");
        b.Require("n", "n ≥ 2", v => v["n"] >= 2, v => $"{EntryBuilder.Show(v, "n")} is too small: H_(n−1) needs n ≥ 2.");
        b.Assume(Relu);
        b.Assume("the initialization K⁰ is fixed before seeing the data");
        b.AssumeNoBiases(NoBiases);
        var i = Expr.IndexVar("i");
        var j = Expr.IndexVar("j");
        var c = 4 / gamma * x / Expr.Sqrt(n) * Expr.ProductOver(j, depth, s[j]);
        var ratios = Expr.SumOver(i, depth, Expr.Pow(k[i] / s[i], Expr.Num(2, 3)));
        var rad = b.Term("Rademacher bound R_S(F_γ)",
            4 / n + 12 * (1 + Expr.Ln(n - 1)) / Expr.Sqrt(n) * Expr.Sqrt(Expr.Ln(2 * w)) * Expr.Pow(Expr.Pow(c, Expr.Num(2, 3)) * ratios + depth, Expr.Num(3, 2)));
        var confidence = b.Term("confidence 3 sqrt(ln(2/δ)/(2n))", Confidence(delta, n));
        b.Term("ramp loss", loss);
        return b.Build("graf22-conv-grid", "Convolution-aware spectral margin bound, norms on grids (Graf et al. 2022)", BoundFamily.Spectral, BoundTarget.TestError,
            new Citation("Graf, Zeng, Rieck, Niethammer, Kwitt", 2022, "Measuring excess capacity in neural networks (NeurIPS)", "Theorem 3.5 (first bound), with Mohri et al. (2018) and a grid union bound"),
            Provenance.Unverified,
            "Theorem 3.5 read in the authors' code documentation (rkwitt/excess_capacity), not in the paper; ⌈·⌉ ≤ · + 1, H_(n−1) ≤ 1 + ln(n − 1) and the union bound over the γ, s_l, b_l grids are BoundLab's (SOURCES.md).",
            formula: loss + 2 * rad + confidence);
    }

    // Ledent, Mustafa, Lei, Kloft (AAAI 2021), Theorem 11 as Graf et al. implement it (rkwitt/excess_capacity,
    // bounds/rademacher_bounds.py, `ledent_main`; see Conv.Ledent21), written per layer (1-based, L parametric layers):
    //   b_l  the largest ℓ2 norm of an input patch of layer l on the training set, b_{L+1} = γ,
    //   ρ_l  the Lipschitz constant of layer l, a_l = Σ_filters ‖K_l[o] − K_l⁰[o]‖₂ (the last layer: ‖K_L − K_L⁰‖_F),
    //   d_l  the spatial input width of layer l (1 for a dense layer),
    //   ρ_{l+} = max_{i=l+1..L} d_{l+1} (Π_{j=l+1}^{i} ρ_j)/b_{i+1} for l < L, and the code's ρ_{L+} = b_L/γ,
    //   r_l = b_l ρ_{l+} a_l,  R = (Σ_l r_l^{2/3})^{3/2},  Γ = max_l r_l O_l m_l,  W̄ = max_l O_l m_l,
    //   R_S ≤ 4/n + 768 R sqrt(log₂(32 Γ n² + 7 W̄ n)) ln(n)/√n.
    // BoundLab's steps (each only loosens it): the max over i in ρ_{l+} and the max in Γ are replaced by sums (the symbolic
    // core has no indexed max; the sum of non-negative terms is ≥ their max), the empirical Rademacher theorem as for
    // graf22-conv-grid, and the union bound over geometric grids: γ rounded down, every ρ_l, a_l, b_l rounded up
    // (3L + 1 grid indices). d_l, O_l m_l and W̄ are fixed by the architecture.
    internal static BoundEntry Ledent21()
    {
        var b = new EntryBuilder();
        var loss = b.Input("ramp_loss", "empirical ramp loss R̂_γ at the (snapped) margin gamma; the patch-norm augmentation is 0 on the training set (b_l is the training maximum)", InputDomain.UnitInterval);
        var gamma = b.PostHoc("gamma", "margin γ", SnapDirection.Down, Margin.GridRatio);
        var depth = b.Input("conv_depth", "number L of parametric layers (convolutions and dense layers)", InputDomain.PositiveInteger);
        var rho = b.PostHocVector("lip", "Lipschitz constants ρ_l = ‖A_l‖₂ of the layers' linear maps, l = 1..conv_depth", depth, SnapDirection.Up, Margin.GridRatio);
        var a = b.PostHocVector("ledent_a", "a_l: Σ over filters of ‖K_l[o] − K_l⁰[o]‖₂ (the last layer: ‖K_L − K_L⁰‖_F), l = 1..conv_depth", depth, SnapDirection.Up, Margin.GridRatio);
        var p = b.PostHocVector("patch_norm", "b_l: the largest ℓ2 norm of an input patch of layer l on the training set, l = 1..conv_depth", depth, SnapDirection.Up, Margin.GridRatio);
        var d = b.Vector("spatial_in", "d_l: the spatial input width of layer l (1 for a dense layer), l = 1..conv_depth", depth, InputDomain.PositiveInteger);
        var om = b.Vector("out_units", "O_l m_l: output positions times output channels of layer l, l = 1..conv_depth", depth, InputDomain.PositiveInteger);
        var wbar = b.Input("ledent_bar_w", "W̄ = max_l O_l m_l", InputDomain.PositiveReal);
        var n = b.Input("n", "number of training examples", InputDomain.PositiveInteger);
        var delta = b.Delta("delta", "empirical Rademacher theorem, union over the grids of gamma and every lip_l, ledent_a_l, patch_norm_l (3·conv_depth + 1 grid indices)");
        b.Assume(Relu);
        b.Assume("the initialization K⁰ is fixed before seeing the data");
        b.AssumeNoBiases(NoBiases);
        var l = Expr.IndexVar("l");
        var i = Expr.IndexVar("i");
        var j = Expr.IndexVar("j");
        // ρ_{l+} ≤ d_{l+1} (Σ_{i=l+1}^{L−1} (Π_{j=l+1}^{i} ρ_j)/b_{i+1} + (Π_{j=l+1}^{L} ρ_j)/γ), for l = 1..L−1.
        var rhoPlus = d[l + 1] * (Expr.SumOver(i, l + 1, depth - 1, Expr.ProductOver(j, l + 1, i, rho[j]) / p[i + 1])
            + Expr.ProductOver(j, l + 1, depth, rho[j]) / gamma);
        var inner = p[l] * rhoPlus * a[l];
        var last = p[l] * p[l] / gamma * a[l];
        var r = Expr.Pow(Expr.SumOver(l, 1, depth - 1, Expr.Pow(inner, Expr.Num(2, 3))) + Expr.SumOver(l, depth, depth, Expr.Pow(last, Expr.Num(2, 3))), Expr.Num(3, 2));
        var g = Expr.SumOver(l, 1, depth - 1, inner * om[l]) + Expr.SumOver(l, depth, depth, last * om[l]);
        var rad = b.Term("Rademacher bound",
            4 / n + 768 * r * Expr.Sqrt(Expr.Ln(32 * g * n * n + 7 * wbar * n) / Expr.Ln(2)) * Expr.Ln(n) / Expr.Sqrt(n));
        var confidence = b.Term("confidence 3 sqrt(ln(2/δ)/(2n))", Confidence(delta, n));
        b.Term("ramp loss", loss);
        return b.Build("ledent21-conv-grid", "Norm-based bound for multi-class CNNs, norms on grids (Ledent et al. 2021)", BoundFamily.Spectral, BoundTarget.TestError,
            new Citation("Ledent, Mustafa, Lei, Kloft", 2021, "Norm-based generalisation bounds for deep multi-class convolutional neural networks (AAAI)", "Theorem 11 (as implemented by Graf et al. 2022), with Mohri et al. (2018) and a grid union bound"),
            Provenance.Unverified,
            "Theorem 11 read only in Graf et al.'s implementation (rkwitt/excess_capacity, ledent_main), not in the paper; max → sum and the union bound over the γ, ρ_l, a_l, b_l grids are BoundLab's (SOURCES.md).",
            formula: loss + 2 * rad + confidence);
    }
}
