using BoundLab.Bounds.Symbolic;

namespace BoundLab.Bounds.Catalog.Entries;

/// <summary>Occam and compression bounds for a hypothesis described by a prefix-free code of ℓ bits.</summary>
internal static class CompressionBounds
{
    private static Symbol CodeLength(EntryBuilder b) =>
        b.Input("code_length_bits", "length ℓ in bits of a prefix-free code of the (quantized) hypothesis, the code fixed before seeing the data (`boundlab compress` computes it)", InputDomain.PositiveInteger);

    // Langford (2005), Tutorial on practical prediction theory for classification, Occam's Razor bound in its
    // relative-entropy form: with a prior P(h) = 2^{−ℓ(h)} from a prefix-free code (Kraft: Σ_h P(h) ≤ 1), the test-set
    // Chernoff bound P(R̂ ≤ q) ≤ exp(−n kl(q‖p)) at confidence δ·P(h) for every h, joined by a union bound, gives
    // kl(R̂(h) ‖ R(h)) ≤ (ℓ ln 2 + ln(1/δ))/n for all h at once.
    internal static BoundEntry OccamKl()
    {
        var b = new EntryBuilder();
        var err = b.Input("train_error", "training 0-1 error R̂ of the coded (quantized) classifier", InputDomain.UnitInterval);
        var bits = CodeLength(b);
        var n = b.Input("n", "number of training examples", InputDomain.PositiveInteger);
        var delta = b.Delta("delta", "union over all codewords, δ·2^{−ℓ} each");
        b.Term("train error", err);
        var budget = b.Term("kl budget (ℓ ln 2 + ln(1/δ))/n", (bits * Expr.Ln(2) + Expr.Ln(1 / delta)) / n);
        return b.Build("occam-kl", "Occam's razor bound (prefix-free code, kl-inverse)", BoundFamily.Compression, BoundTarget.TestError,
            new Citation("Langford", 2005, "Tutorial on practical prediction theory for classification", "Occam's Razor bound, relative-entropy (Chernoff) form"),
            Provenance.Verified,
            "verified (derivation): Kraft's inequality plus the relative-entropy Chernoff test-set bound at δ·2^{−ℓ}, joined by a union bound (code comment); the tutorial's statement itself was not reached (SOURCES.md).",
            formula: Expr.KlInv(err, budget));
    }

    // Lotfi, Finzi, Kapoor, Potapczynski, Goldblum, Wilson (NeurIPS 2022), PAC-Bayes compression bounds so tight that
    // they can explain generalization: point-mass posterior on the quantized model, prior 2^{−ℓ}, so KL = ℓ ln 2, in the
    // union-bounded Catoni form of their released code (CatoniGrid; evaluate_idmodel/eval_acc_and_bound in
    // pactl/bounds/get_bound_from_chk_v2.py: divergence = (prefix_message_len + extra bits)·ln 2). Their code takes
    // prefix_message_len = ℓ_raw + 2 log₂ ℓ_raw, whose Kraft sum over lengths is Σ 1/ℓ² = π²/6 > 1; BoundLab asks for
    // the length of a genuinely prefix-free code instead (`boundlab compress`: a self-delimiting message, no extra term).
    internal static BoundEntry Lotfi22()
    {
        var b = new EntryBuilder();
        var err = b.Input("train_error", "training 0-1 error of the quantized classifier", InputDomain.UnitInterval);
        var bits = CodeLength(b);
        var n = b.Input("n", "number of training examples", InputDomain.PositiveInteger);
        var c = b.Input("catoni_c", "Catoni's constant C = λ/n = e^g/n, any C ≥ 1/n, chosen after seeing the data (paid by the grid union bound)", InputDomain.PositiveReal);
        var delta = b.Delta("delta", "union over codewords (prior 2^{−ℓ}) and over the grid λ = nC ∈ {(1 + 10⁻⁴)^j}; the paper uses 0.05");
        CatoniGrid.RequireGridRange(b);
        b.Term("train error", err);
        var kl = b.Term("KL = ℓ ln 2", bits * Expr.Ln(2));
        var formula = CatoniGrid.Formula(err, kl, n, c, delta, b);
        return b.Build("lotfi22-compression", "Compression bound on quantized weights (Catoni form, grid over C)", BoundFamily.Compression, BoundTarget.TestError,
            new Citation("Lotfi, Finzi, Kapoor, Potapczynski, Goldblum, Wilson", 2022, "PAC-Bayes compression bounds so tight that they can explain generalization (NeurIPS)", "Section 4 bound as implemented in the authors' released code (pac_bayes_bound_opt)"),
            Provenance.Verified,
            "verified against the authors' released code activatedgeek/tight-pac-bayes (pac_bayes_bound_opt: α = 1e-4, δ-grid 2 ln(2 + g/ln(1+α)), Catoni form; KL = code bits·ln 2); the code's 2 log₂ ℓ self-delimiting term is replaced by a prefix-free length (SOURCES.md).",
            formula: formula);
    }
}
