using BoundLab.Bounds.Catalog.Sweep;
using BoundLab.Bounds.Symbolic;

namespace BoundLab.Bounds.Catalog.Entries;

/// <summary>
/// The complexity measures of Jiang, Neyshabur, Mobahi, Krishnan, Bengio (ICLR 2020), Fantastic generalization measures
/// and where to find them, Appendix C, with their final size adjustment: a measure μ is reported as sqrt(μ/m) and a
/// logarithmic one as (μ − ln m)/2 (m = n). They are ranked with the bounds, never called bounds.
/// </summary>
/// <remarks>
/// Checked against the released implementation of Dziugaite et al. (2020), nitarshan/robust-generalization-measures,
/// data/generation/measures.py (get_all_measures), read, not copied. Differences that hold for every entry:
/// (1) γ is measures.json margin_q10, the ⌊n/10⌋-th smallest training margin counted from 0; the reference takes
/// torch.kthvalue(m // 10), the (m//10)-th smallest counted from 1 (one order statistic lower), and then |γ|. A
/// non-positive γ makes the margin measures not applicable here (more than a tenth of the training points are
/// misclassified; |γ| would rank such a network as if it had a margin). (2) Norms are those of every weight matrix of
/// a plain MLP, spectral norms exact (power iteration with a Lanczos fallback); the reference also covers convolutions
/// through reshaped kernels, which BoundLab does not (named models are not applicable). (3) Biases are excluded from
/// the weight norms, as in the reference; the parameter count includes them (run.json parameter_count), where the
/// reference counts weights only.
/// </remarks>
internal static class Jiang20
{
    private static readonly Citation Source = new("Jiang, Neyshabur, Mobahi, Krishnan, Bengio", 2020,
        "Fantastic generalization measures and where to find them (ICLR)", "Appendix C");

    private const string Reference = "equation as in Jiang et al. (2020) App. C and the reference implementation nitarshan/robust-generalization-measures data/generation/measures.py";

    private static BoundEntry Build(EntryBuilder b, string id, string title, int equation, Expr mu, bool logarithmic, BoundFamily family, string difference)
    {
        var n = b.Input("n", "m, the size adjustment");
        b.Needs(RunRequirement.Mlp());
        b.Term($"μ, eq. ({equation})", mu);
        Expr adjusted = logarithmic ? (mu - Expr.Ln(n)) / 2 : Expr.Sqrt(mu / n);
        string note = $"measure: {Reference} (eq. {equation}); size adjustment {(logarithmic ? "(μ − ln m)/2" : "sqrt(μ/m)")}. {difference}";
        return b.Build(id, title, family, BoundTarget.Measure, Source with { Location = $"Appendix C, eq. ({equation}), with the final size adjustment" },
            Provenance.Measure, note, adjusted);
    }

    private const string SameAsReference = "Same quantity as the reference (γ convention aside, see Jiang20.cs).";

    // μ = ω, the number of parameters (eq. 20).
    internal static BoundEntry Params()
    {
        var b = new EntryBuilder();
        var w = b.Input("params");
        return Build(b, "jiang-params", "Parameter count", 20, w, false, BoundFamily.Vc,
            "The reference counts weights only; BoundLab counts biases too (run.json parameter_count).");
    }

    // μ = 1/γ² (eq. 22).
    internal static BoundEntry InverseMargin()
    {
        var b = new EntryBuilder();
        var g = b.Input("margin_q10");
        return Build(b, "jiang-inverse-margin", "Inverse margin 1/γ²", 22, 1 / (g * g), false, BoundFamily.Rademacher, SameAsReference);
    }

    // μ = ln Π_i ‖W_i‖₂² (eq. 32) and μ − 2 ln γ (eq. 31); ln d + (1/d)(...) for the sums (eqs. 34, 35).
    internal static IEnumerable<BoundEntry> Spectral()
    {
        foreach (var (id, title, eq, overMargin, sum) in new[]
        {
            ("jiang-log-prod-spec-over-margin", "log Π‖W_i‖₂²/γ²", 31, true, false),
            ("jiang-log-prod-spec", "log Π‖W_i‖₂²", 32, false, false),
            ("jiang-log-sum-spec-over-margin", "log Σ‖W_i‖₂²/γ² (through the AM–GM form)", 34, true, true),
            ("jiang-log-sum-spec", "log Σ‖W_i‖₂² (through the AM–GM form)", 35, false, true),
        })
            yield return LogNorm(id, title, eq, "log_spec_prod", overMargin, sum, BoundFamily.Spectral);
    }

    // μ = ln Π_i ‖W_i‖_F² (eq. 37) and μ − 2 ln γ (eq. 36); the sums (eqs. 38, 39).
    internal static IEnumerable<BoundEntry> Frobenius()
    {
        foreach (var (id, title, eq, overMargin, sum) in new[]
        {
            ("jiang-log-prod-fro-over-margin", "log Π‖W_i‖_F²/γ²", 36, true, false),
            ("jiang-log-prod-fro", "log Π‖W_i‖_F²", 37, false, false),
            ("jiang-log-sum-fro-over-margin", "log Σ‖W_i‖_F²/γ² (through the AM–GM form)", 38, true, true),
            ("jiang-log-sum-fro", "log Σ‖W_i‖_F² (through the AM–GM form)", 39, false, true),
        })
            yield return LogNorm(id, title, eq, "log_frob_prod", overMargin, sum, BoundFamily.Rademacher);
    }

    // Jiang et al. write the sums as d·(Π‖W_i‖²)^{1/d} (the value of Σ‖W_i‖² after the rebalancing that ReLU's positive
    // homogeneity allows), whose log is ln d + (1/d) ln Π‖W_i‖², as the reference implements it.
    private static BoundEntry LogNorm(string id, string title, int eq, string logProd, bool overMargin, bool sum, BoundFamily family)
    {
        var b = new EntryBuilder();
        var lp = b.Input(logProd);
        Expr mu = 2 * lp;
        if (overMargin)
            mu -= 2 * Expr.Ln(b.Input("margin_q10"));
        if (sum)
        {
            var d = b.Input("depth");
            mu = Expr.Ln(d) + mu / d;
        }

        return Build(b, id, title, eq, mu, true, family, SameAsReference);
    }

    // μ = ln(Π‖W_i‖₂²/γ²) + ln Σ_i ‖W_i − W_i⁰‖_F²/‖W_i‖₂² (eq. 29) and with ‖W_i‖_F² in place of the distance (eq. 30).
    internal static IEnumerable<BoundEntry> SpectralMain()
    {
        foreach (var (id, title, eq, ratio) in new[]
        {
            ("jiang-log-spec-init-main", "log of the spectral bound's main term, distance from init", 29, "dist_frob_ratio_sum"),
            ("jiang-log-spec-orig-main", "log of the spectral bound's main term, from the origin", 30, "frob_ratio_sum"),
        })
        {
            var b = new EntryBuilder();
            var lp = b.Input("log_spec_prod");
            var g = b.Input("margin_q10");
            var r = b.Input(ratio);
            yield return Build(b, id, title, eq, 2 * lp - 2 * Expr.Ln(g) + Expr.Ln(r), true, BoundFamily.Spectral, SameAsReference);
        }
    }

    // μ = Σ ‖W_i‖_F²/‖W_i‖₂² (eq. 33), Σ‖W_i − W_i⁰‖_F² (eq. 40), Σ σ_max(W_i − W_i⁰)² (eq. 41), Σ‖W_i‖_F² (eq. 42).
    internal static IEnumerable<BoundEntry> Plain()
    {
        foreach (var (id, title, eq, name, family) in new[]
        {
            ("jiang-fro-over-spec", "Σ‖W_i‖_F²/‖W_i‖₂²", 33, "frob_ratio_sum", BoundFamily.Spectral),
            ("jiang-fro-dist", "Frobenius distance from initialization Σ‖W_i − W_i⁰‖_F²", 40, "dist_frob_sq_sum", BoundFamily.Rademacher),
            ("jiang-spec-dist", "Spectral distance from initialization Σ‖W_i − W_i⁰‖₂²", 41, "dist_spec_sq_sum", BoundFamily.Spectral),
            ("jiang-param-norm", "Parameter norm Σ‖W_i‖_F²", 42, "frob_sq_sum", BoundFamily.Rademacher),
        })
        {
            var b = new EntryBuilder();
            yield return Build(b, id, title, eq, b.Input(name), false, family, SameAsReference);
        }
    }

    // μ = φ₂², the squared ℓ2 path norm (eq. 44; Σ over paths of Π w², the forward pass of squared weights on the all-ones
    // input), and φ₂²/γ² (eq. 43).
    internal static IEnumerable<BoundEntry> PathNorm()
    {
        var b = new EntryBuilder();
        var p = b.Input("path_norm");
        var g = b.Input("margin_q10");
        b.Needs(RunRequirement.Activation("the all-ones forward pass of squared weights is the path norm for ReLU", "relu"));
        yield return Build(b, "jiang-path-norm-over-margin", "Path norm over margin φ₂²/γ²", 43, p * p / (g * g), false, BoundFamily.Rademacher,
            "Bias paths are included, as the reference's forward pass (which squares every parameter) includes them.");
        var c = new EntryBuilder();
        var q = c.Input("path_norm");
        c.Needs(RunRequirement.Activation("the all-ones forward pass of squared weights is the path norm for ReLU", "relu"));
        yield return Build(c, "jiang-path-norm", "Path norm φ₂²", 44, q * q, false, BoundFamily.Rademacher,
            "Bias paths are included, as in the reference.");
    }

    private const string SigmaNote =
        "σ is measures.json sharpness_sigma, the bisection of src/Numerics/Measurements (training-error increase at most 0.1, fixed seeds); the reference bisects on [0, 2] over 15 steps with 10 Monte-Carlo samples and a 0.01 tolerance on the accuracy change. Weights only (biases excluded), as the reference.";

    private const string SigmaMagNote =
        "σ′ is measures.json sharpness_sigma_mag with perturbation variance σ′²w_i² + ε², ε = 10⁻³ (Jiang et al.'s definition); the reference passes σ′²|w_i|² + ε² to torch.normal as the standard deviation, not the variance. The log-ratio sum (mag_log_ratio_*) is over the weights, biases excluded, with (w_i − w⁰_i) in the denominator for both init and orig, as the reference.";

    // μ = ‖w − w⁰‖²/(4σ²) + ln(m/σ) + 10 (eq. 48), with ‖w‖² (eq. 49); 1/σ² (eq. 53).
    internal static IEnumerable<BoundEntry> PacBayes()
    {
        foreach (var (id, title, eq, norm) in new[]
        {
            ("jiang-pacbayes-init", "PAC-Bayes flatness measure from initialization", 48, "dist_frob_sq_sum"),
            ("jiang-pacbayes-orig", "PAC-Bayes flatness measure from the origin", 49, "frob_sq_sum"),
        })
        {
            var b = new EntryBuilder();
            var w = b.Input(norm);
            var s = b.Input("sharpness_sigma");
            var n = b.Input("n", "m, inside ln(m/σ) and the size adjustment");
            b.Needs(RunRequirement.Mlp());
            var mu = b.Term($"μ, eq. ({eq})", w / (4 * s * s) + Expr.Ln(n / s) + 10);
            yield return b.Build(id, title, BoundFamily.PacBayes, BoundTarget.Measure, Source with { Location = $"Appendix C, eq. ({eq}), with the final size adjustment" },
                Provenance.Measure, $"measure: {Reference} (eq. {eq}); size adjustment sqrt(μ/m). {SigmaNote}", Expr.Sqrt(mu / n));
        }

        var f = new EntryBuilder();
        var sigma = f.Input("sharpness_sigma");
        yield return Build(f, "jiang-pacbayes-flatness", "PAC-Bayes flatness 1/σ²", 53, 1 / (sigma * sigma), false, BoundFamily.PacBayes, SigmaNote);
    }

    // μ = ¼ Σ_i ln((ε² + (σ′² + 1)‖w − w⁰‖²/ω)/(ε² + σ′²(w_i − w⁰_i)²)) + ln(m/σ′) + 10 (eq. 56), with ‖w‖² (eq. 57); 1/σ′² (eq. 61).
    internal static IEnumerable<BoundEntry> PacBayesMagnitude()
    {
        foreach (var (id, title, eq, sum) in new[]
        {
            ("jiang-pacbayes-mag-init", "Magnitude-aware PAC-Bayes measure from initialization", 56, "mag_log_ratio_init"),
            ("jiang-pacbayes-mag-orig", "Magnitude-aware PAC-Bayes measure from the origin", 57, "mag_log_ratio_orig"),
        })
        {
            var b = new EntryBuilder();
            var r = b.Input(sum);
            var s = b.Input("sharpness_sigma_mag");
            var n = b.Input("n", "m, inside ln(m/σ′) and the size adjustment");
            b.Needs(RunRequirement.Mlp());
            var mu = b.Term($"μ, eq. ({eq})", r / 4 + Expr.Ln(n / s) + 10);
            yield return b.Build(id, title, BoundFamily.PacBayes, BoundTarget.Measure, Source with { Location = $"Appendix C, eq. ({eq}), with the final size adjustment" },
                Provenance.Measure, $"measure: {Reference} (eq. {eq}); size adjustment sqrt(μ/m). {SigmaMagNote}", Expr.Sqrt(mu / n));
        }

        var f = new EntryBuilder();
        var sigma = f.Input("sharpness_sigma_mag");
        yield return Build(f, "jiang-pacbayes-mag-flatness", "Magnitude-aware PAC-Bayes flatness 1/σ′²", 61, 1 / (sigma * sigma), false, BoundFamily.PacBayes, SigmaMagNote);
    }

    /// <summary>Every measure, in equation order within each group.</summary>
    internal static IEnumerable<BoundEntry> All() =>
        new[] { Params(), InverseMargin() }.Concat(Spectral()).Concat(SpectralMain()).Concat(Frobenius()).Concat(Plain())
            .Concat(PathNorm()).Concat(PacBayes()).Concat(PacBayesMagnitude());
}
