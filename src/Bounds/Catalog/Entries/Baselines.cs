using BoundLab.Bounds.Symbolic;

namespace BoundLab.Bounds.Catalog.Entries;

/// <summary>Held-out test-set bounds: the baseline every train-set bound is compared with.</summary>
internal static class Baselines
{
    // One-sided Hoeffding: P(R − R̂ ≥ ε) ≤ exp(−2 n ε²); setting the right side to δ gives ε = sqrt(ln(1/δ)/(2n)).
    internal static BoundEntry TestSetHoeffding()
    {
        var b = new EntryBuilder();
        var err = b.Input("test_error", "error rate on a held-out test set never used in training", InputDomain.UnitInterval);
        var n = b.Input("n_test", "number of test examples", InputDomain.PositiveInteger);
        var delta = b.Delta("delta", "test-set concentration");
        b.Term("test error", err);
        b.Term("confidence", Expr.Sqrt(Expr.Ln(1 / delta) / (2 * n)));
        return b.Build("test-set-hoeffding", "Hoeffding test-set bound", BoundFamily.Baseline, BoundTarget.TestError,
            new Citation("Hoeffding", 1963, "Probability inequalities for sums of bounded random variables", "Theorem 1 (one-sided), solved for ε"),
            Provenance.Verified, "verified (derivation): one-sided Hoeffding solved for ε; golden.py checks it lies above the exact binomial-tail inversion. Not re-read in a publication.");
    }

    // Langford (2005), "Tutorial on practical prediction theory for classification", test-set bound; the
    // relative-entropy Chernoff bound P(R̂ ≤ q) ≤ exp(−n kl(q‖p)) (q < p) gives the kl⁻¹ form, slightly looser
    // than inverting the binomial tail exactly.
    internal static BoundEntry TestSetBinomial()
    {
        var b = new EntryBuilder();
        var err = b.Input("test_error", "error rate on a held-out test set never used in training", InputDomain.UnitInterval);
        var n = b.Input("n_test", "number of test examples", InputDomain.PositiveInteger);
        var delta = b.Delta("delta", "test-set concentration");
        b.Term("test error", err);
        var budget = b.Term("kl budget ln(1/δ)/n_test", Expr.Ln(1 / delta) / n);
        return b.Build("test-set-binomial", "Binomial-tail (kl-inverse) test-set bound", BoundFamily.Baseline, BoundTarget.TestError,
            new Citation("Langford", 2005, "Tutorial on practical prediction theory for classification", "test set bound, relative-entropy (Chernoff) form"),
            Provenance.Verified, "verified (derivation): relative-entropy Chernoff bound inverted; golden.py compares it with the exact binomial-tail inversion. The tutorial's statement itself was not reached.",
            formula: Expr.KlInv(err, budget));
    }
}
