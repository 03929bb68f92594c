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

    // Langford (2005), Tutorial on practical prediction theory for classification, test-set bound in its exact form:
    // P(R̂ ≤ k/n) = Σ_{j≤k} C(n, j) p^j (1 − p)^{n−j} is decreasing in p, so with probability ≥ 1 − δ the true error
    // is at most Bin⁻¹ = sup{p : P(X ≤ k | n, p) ≥ δ}. BinomialTail.Inverse returns a value never below that root.
    internal static BoundEntry TestSetBinomialExact()
    {
        var b = new EntryBuilder();
        var err = b.Input("test_error", "error rate k/n_test on a held-out test set never used in training (k an integer count)", InputDomain.UnitInterval);
        var n = b.Input("n_test", "number of test examples", InputDomain.PositiveInteger);
        var delta = b.Delta("delta", "test-set binomial tail");
        b.Require("test_error", "test_error · n_test is an integer (a count of errors)",
            v => Math.Abs(v["test_error"] * v["n_test"] - Math.Round(v["test_error"] * v["n_test"])) <= 1e-9 * Math.Max(1, v["test_error"] * v["n_test"]),
            v => $"{EntryBuilder.Show(v, "test_error")} times {EntryBuilder.Show(v, "n_test")} is {InputDomains.Format(v["test_error"] * v["n_test"])}, not a whole number of errors: give test_error = k/n_test.");
        b.Term("test error", err);
        return b.Build("test-set-binomial-exact", "Exact binomial-tail inversion test-set bound", BoundFamily.Baseline, BoundTarget.TestError,
            new Citation("Langford", 2005, "Tutorial on practical prediction theory for classification", "test set bound, exact binomial-tail inversion"),
            Provenance.Verified, "verified (derivation): the binomial tail P(X ≤ k) is decreasing in p, so its inversion at δ is a (1 − δ) upper confidence bound; computed by a certified bisection (never below the true inverse) and checked against mpmath's incomplete beta. The tutorial's statement itself was not reached (SOURCES.md).",
            formula: Expr.BinomInv(err, n, delta));
    }
}
