using BoundLab.Bounds.Catalog.Sweep;
using BoundLab.Bounds.Symbolic;

namespace BoundLab.Bounds.Catalog.Entries;

/// <summary>The PAC-Bayes spectrally-normalized margin bound of Neyshabur, Bhojanapalli, Srebro (2018) with explicit constants.</summary>
internal static class Nbs18
{
    // Neyshabur, Bhojanapalli, Srebro (ICLR 2018), Theorem 1, through its proof with the constants made explicit:
    //  1. Lemma 1 (PAC-Bayes margin): if P_u(max_x ‖f_{w+u}(x) − f_w(x)‖_∞ < γ/4) ≥ 1/2, then
    //     L₀(f_w) ≤ L̂_γ(f_w) + 4 sqrt((KL(w + u ‖ P) + ln(6m/δ))/(m − 1)).
    //  2. Lemma 2 (perturbation): ‖U_i‖₂ ≤ ‖W_i‖₂/d for all i ⇒ ‖f_{w+u}(x) − f_w(x)‖₂ ≤ e B Π‖W_i‖₂ Σ ‖U_i‖₂/‖W_i‖₂.
    //  3. Rescale (ReLU is positively homogeneous) so that every ‖W_i‖₂ = β = (Π‖W_i‖₂)^{1/d}. Prior and posterior
    //     N(0, σ²I), N(w, σ²I) with σ = γ̃/(42 d B β̃^{d−1} sqrt(h ln(4hd))); P(‖U_i‖₂ > t) ≤ 2h e^{−t²/(2hσ²)} and a
    //     union over the d layers give ‖U_i‖₂ ≤ σ sqrt(2h ln(4hd)) for all i with probability ≥ 1/2.
    //  4. BoundLab's grid (in place of the paper's cover |β − β̃| ≤ β/d): Π‖W_i‖₂ is rounded UP onto the 1.1^k grid,
    //     β̃ = (grid value)^{1/d} ≥ β, and γ DOWN, γ̃ ≤ γ. Then the perturbation is ≤ e d B β^{d−1} σ sqrt(2h ln(4hd))
    //     ≤ (e√2/42) γ̃ < γ̃/4, and ‖U_i‖₂ ≤ β/d holds whenever γ̃ ≤ 2Bβ^d (otherwise L̂_γ = 1 and the bound is trivial).
    //  5. KL = Σ‖W_i‖_F²/(2σ²) = 42² d² B² h ln(4hd) β̃^{2d−2} β² Σ‖W_i‖_F²/‖W_i‖₂² /(2γ̃²) ≤ 42² d² B² h ln(4hd) Π̃² R_F/(2γ̃²),
    //     and δ is shared over the (γ̃, Π̃) grid points (BoundEvaluator multiplies the two grid weights into δ).
    // Lemma 1's constants (4, ln(6m/δ), m − 1) and σ's 42 are as recalled from the paper: its text was not reached; the
    // authors' two-layer code (bneyshabur/over-parametrization, 'Spec_Fro bound': 42·8, ln(8H)) is consistent with them.
    internal static BoundEntry PacBayesSpectral()
    {
        var b = new EntryBuilder();
        var loss = b.Input("margin_loss", "empirical margin loss L̂_γ at the measured gamma (fraction of points with f(x)_y − max_{j≠y} f(x)_j ≤ γ)", InputDomain.UnitInterval);
        var gamma = b.PostHoc("gamma", "margin γ", SnapDirection.Down, Margin.GridRatio);
        var spec = b.PostHoc("spec_prod", "product of spectral norms Π_i ‖W_i‖₂", SnapDirection.Up, Margin.GridRatio);
        var ratio = b.Input("frob_ratio_sum", "Σ_i ‖W_i‖_F²/‖W_i‖₂²", InputDomain.PositiveReal);
        var bnorm = b.Input("input_domain_norm", "B", InputDomain.PositiveReal);
        var d = b.Input("depth", "number of layers d (weight matrices)", InputDomain.PositiveInteger);
        var h = b.Input("width", "h, the largest dimension of any weight matrix (input dimension included)", InputDomain.PositiveInteger);
        var n = b.Input("n", "number of training examples m", InputDomain.PositiveInteger);
        var delta = b.Delta("delta", "PAC-Bayes margin bound, union over the (gamma, spec_prod) grid");
        b.Require("n", "n ≥ 2", v => v["n"] >= 2, v => $"{EntryBuilder.Show(v, "n")} is too small: the bound divides by n − 1.");
        b.AssumeNoBiases("ReLU activations, no biases, inputs with ‖x‖₂ ≤ B");
        b.Needs(RunRequirement.Mlp());
        b.Needs(RunRequirement.Activation("ReLU: positively homogeneous, so layers can be rescaled", "relu"));
        b.Term("margin loss", loss);
        var kl = b.Term("KL = 42² d² B² h ln(4hd) Π̃² R_F/(2γ̃²)",
            42 * 42 * d * d * bnorm * bnorm * h * Expr.Ln(4 * h * d) * spec * spec * ratio / (2 * gamma * gamma));
        var complexity = b.Term("complexity 4 sqrt((KL + ln(6n/δ))/(n − 1))", 4 * Expr.Sqrt((kl + Expr.Ln(6 * n / delta)) / (n - 1)));
        return b.Build("nbs18-pacbayes-spectral", "PAC-Bayes spectrally-normalized margin bound (explicit constants)", BoundFamily.Spectral, BoundTarget.TestError,
            new Citation("Neyshabur, Bhojanapalli, Srebro", 2018, "A PAC-Bayesian approach to spectrally-normalized margin bounds for neural networks (ICLR)", "Theorem 1 via Lemmas 1 and 2, constants of the proof (derivation in the code comment)"),
            Provenance.Unverified,
            "the paper's text (Lemma 1, Lemma 2, σ, the β̃ cover) was not reached; constants as recalled, consistent with the authors' two-layer code; BoundLab's one-sided grid replaces the β̃ cover (SOURCES.md).",
            formula: loss + complexity);
    }
}
