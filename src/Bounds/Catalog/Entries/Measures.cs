using BoundLab.Bounds.Catalog.Sweep;
using BoundLab.Bounds.Symbolic;

namespace BoundLab.Bounds.Catalog.Entries;

/// <summary>Order-level complexity measures (constants dropped): ranked against gaps, never called bounds.</summary>
internal static class Measures
{
    private static BoundEntry Measure(EntryBuilder b, string id, string title, BoundFamily family, Citation citation, string note, Expr? formula = null) =>
        b.Build(id, title, family, BoundTarget.Measure, citation, Provenance.Measure, note, formula);

    // Neyshabur, Tomioka, Srebro (2015), Norm-based capacity control in neural networks: 2^L B Π‖W_j‖_F / sqrt(n).
    internal static BoundEntry Neyshabur2015()
    {
        var b = new EntryBuilder();
        var depth = b.Input("depth", "number of weight matrices L", InputDomain.PositiveInteger);
        var bnorm = b.Input("x_max_norm", "B", InputDomain.PositiveReal);
        var frob = b.Input("frob_prod", "product of the layers' Frobenius norms Π_j ‖W_j‖_F", InputDomain.PositiveReal);
        var n = b.Input("n", "number of training examples", InputDomain.PositiveInteger);
        b.Needs(RunRequirement.Mlp());
        b.Needs(RunRequirement.Activation("a ReLU network", "relu"));
        b.Term("measure", Expr.Pow(2, depth) * bnorm * frob / Expr.Sqrt(n));
        return Measure(b, "neyshabur2015-frobenius", "Frobenius-norm capacity 2^L B Π‖W‖_F/√n", BoundFamily.Rademacher,
            new Citation("Neyshabur, Tomioka, Srebro", 2015, "Norm-based capacity control in neural networks (COLT)", "Frobenius-norm Rademacher bound"),
            "measure: the final statement's constants were not reached (SOURCES.md).");
    }

    // Bartlett, Foster, Telgarsky (2017), Spectrally-normalized margin bounds, Section 2: the margin divided by
    // R_A ‖X‖₂ / n, R_A the spectral complexity of eq. (1.2) (the normalization of their plots).
    internal static BoundEntry BftNormalizedMargin()
    {
        var b = new EntryBuilder();
        var margin = b.Input("margin", "margin f(x)_y − max_{i≠y} f(x)_i of one example (or a margin quantile)", InputDomain.Real);
        var r = b.Input("spectral_complexity", "R_A = (Π ρ_i ‖A_i‖_σ)(Σ ‖A_iᵀ − M_iᵀ‖_{2,1}^{2/3}/‖A_i‖_σ^{2/3})^{3/2}", InputDomain.PositiveReal);
        var x = b.Input("x_norm", "data norm ‖X‖₂ = sqrt(Σ_i ‖x_i‖²)", InputDomain.PositiveReal);
        var n = b.Input("n", "number of training examples", InputDomain.PositiveInteger);
        b.Term("normalized margin", margin * n / (r * x));
        return Measure(b, "bft-normalized-margin", "Spectrally-normalized margin", BoundFamily.Spectral,
            new Citation("Bartlett, Foster, Telgarsky", 2017, "Spectrally-normalized margin bounds for neural networks (NeurIPS)", "eq. (1.2) and Section 2"),
            "measure: the normalization and eq. (1.2) were read in the camera-ready text (SOURCES.md).");
    }

    // Neyshabur, Bhojanapalli, Srebro (2018), A PAC-Bayesian approach to spectrally-normalized margin bounds,
    // Theorem 1 without its O(·) constant: sqrt((B² d² h ln(dh) Π‖W_i‖₂² Σ ‖W_i‖_F²/‖W_i‖₂² + ln(dn/δ))/(γ² n)).
    internal static BoundEntry Nbs18()
    {
        var b = new EntryBuilder();
        var bnorm = b.Input("x_max_norm", "the sample maximum stands for the domain bound B (a measure, not a bound)", InputDomain.PositiveReal);
        var d = b.Input("depth", "number of layers d", InputDomain.PositiveInteger);
        var h = b.Input("width", "largest layer width h", InputDomain.PositiveInteger);
        var spec = b.Input("spec_prod", "product of spectral norms Π_i ‖W_i‖₂", InputDomain.PositiveReal);
        var ratio = b.Input("frob_ratio_sum", "Σ_i ‖W_i‖_F²/‖W_i‖₂²", InputDomain.PositiveReal);
        var gamma = b.Input("gamma", "margin γ", InputDomain.PositiveReal);
        var n = b.Input("n", "number of training examples", InputDomain.PositiveInteger);
        var delta = b.Input("delta", "confidence parameter as it appears inside the O(·)", InputDomain.OpenUnitInterval);
        b.Term("measure", Expr.Sqrt((bnorm * bnorm * d * d * h * Expr.Ln(d * h) * spec * spec * ratio + Expr.Ln(d * n / delta)) / (gamma * gamma * n)));
        return Measure(b, "nbs18-spectral", "PAC-Bayes spectral margin complexity (constants dropped)", BoundFamily.Spectral,
            new Citation("Neyshabur, Bhojanapalli, Srebro", 2018, "A PAC-Bayesian approach to spectrally-normalized margin bounds for neural networks (ICLR)", "Theorem 1, O(·) dropped"),
            "measure: Theorem 1 is an O(·) statement; its explicit constants were not reached (SOURCES.md).");
    }

    // Mou, Wang, Zhai, Zheng (2018), Generalization bounds of SGLD for non-convex learning (COLT), stability
    // bound without its O(·) constant: (k₀ + L sqrt(β Σ_{k>k₀} η_k))/n.
    internal static BoundEntry Mou18Stability()
    {
        var b = new EntryBuilder();
        var k0 = b.Input("k0", "k₀ = min{k : η_k β L² < 1}", InputDomain.NonNegativeReal);
        var l = b.Input("lipschitz", "of the loss", InputDomain.PositiveReal);
        var beta = b.Input("sgld_beta", "inverse temperature β of SGLD", InputDomain.PositiveReal);
        b.Needs(RunRequirement.Optimizer("SGLD's stability", "sgld"));
        var eta = b.Input("eta_sum", "Σ_{k=k₀+1}^{N} η_k", InputDomain.NonNegativeReal);
        var n = b.Input("n", "number of training examples", InputDomain.PositiveInteger);
        b.Term("measure", (k0 + l * Expr.Sqrt(beta * eta)) / n);
        return Measure(b, "mou18-stability", "SGLD stability complexity (constants dropped)", BoundFamily.Stability,
            new Citation("Mou, Wang, Zhai, Zheng", 2018, "Generalization bounds of SGLD for non-convex learning (COLT)", "stability bound, O(·) dropped"),
            "measure: seed statement from BOUNDS.md; the paper's constants were not recovered (SOURCES.md).");
    }

    // Mou, Wang, Zhai, Zheng (2018), PAC-Bayes bound for ℓ2-regularized SGLD without its O(·) constant:
    // sqrt((β/n) Σ_k η_k e^{−λ(T_N − T_k)/2} E‖g_k‖²).
    internal static BoundEntry Mou18PacBayes()
    {
        var b = new EntryBuilder();
        var beta = b.Input("sgld_beta", "inverse temperature β of SGLD", InputDomain.PositiveReal);
        b.Needs(RunRequirement.Optimizer("ℓ2-regularized SGLD", "sgld"));
        var g = b.Input("weighted_grad_sum", "Σ_k η_k e^{−λ(T_N − T_k)/2} E‖g_k‖², T_k = Σ_{j≤k} η_j", InputDomain.NonNegativeReal);
        var n = b.Input("n", "number of training examples", InputDomain.PositiveInteger);
        b.Term("measure", Expr.Sqrt(beta / n * g));
        return Measure(b, "mou18-pacbayes", "SGLD PAC-Bayes complexity (constants dropped)", BoundFamily.PacBayes,
            new Citation("Mou, Wang, Zhai, Zheng", 2018, "Generalization bounds of SGLD for non-convex learning (COLT)", "PAC-Bayes bound, O(·) dropped"),
            "measure: seed statement from BOUNDS.md; the paper's constants were not recovered (SOURCES.md).");
    }
}
