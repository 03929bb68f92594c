using BoundLab.Bounds.Symbolic;

namespace BoundLab.Bounds.Catalog.Entries;

/// <summary>Catoni's bound made valid for a trade-off constant chosen after seeing the data.</summary>
internal static class CatoniGrid
{
    /// <summary>α of the grid λ_j = (1 + α)^j, the value in Lotfi et al.'s released code (pac_bayes_bound_opt, alpha=1e-4).</summary>
    internal static readonly Expr Alpha = Expr.Num(1, 10000);

    // Catoni (2007), Theorem 1.2.6, for fixed λ = nC: R ≤ Φ_C(R̂ + (KL + ln(1/δ))/λ), Φ_C(q) = (1 − e^{−Cq})/(1 − e^{−C}).
    // Union bound over λ_j = (1 + α)^j, j = 0, 1, …, with δ_j = δ/(j + 2)² (Σ_j 1/(j + 2)² = π²/6 − 1 < 1), then for any
    // λ ≥ 1 take j = ⌊ln λ / ln(1 + α)⌋, so λ_j ≤ λ < (1 + α)λ_j:
    //   Φ_C(q) is nondecreasing in C (d/dC ln Φ = q/(e^{Cq} − 1) − 1/(e^C − 1) ≥ 0 for q ≤ 1, and Φ ≥ 1 for q ≥ 1)
    //   and in q, 1/λ_j ≤ (1 + α)/λ and ln (j + 2)² ≤ 2 ln(2 + ln λ / ln(1 + α)); hence for every C ≥ 1/n at once
    //   R ≤ Φ_C(R̂ + (1 + α)(KL + ln(1/δ) + 2 ln(2 + ln(nC)/ln(1 + α)))/(nC)).
    // This is the form of pac_bayes_bound_opt in the released code of Lotfi et al. (2022) (activatedgeek/tight-pac-bayes,
    // pactl/bounds/get_pac_bounds.py: q = err + ((1 + α)/e^g)(KL − ln ε + 2 ln(2 + g/ln(1 + α))), a = e^g/n,
    // expm1(−a q)/expm1(−a)), with g = ln λ = ln(nC); the derivation above is BoundLab's check of it.
    internal static Expr Formula(Expr risk, Expr kl, Expr n, Expr c, Expr delta, EntryBuilder b)
    {
        var index = b.Term("grid index penalty 2 ln(2 + ln(nC)/ln(1 + α))", 2 * Expr.Ln(2 + Expr.Ln(n * c) / Expr.Ln(1 + Alpha)));
        var exponent = b.Term("exponent C R̂ + (1 + α)(KL + ln(1/δ) + index)/n", c * risk + (1 + Alpha) * (kl + Expr.Ln(1 / delta) + index) / n);
        // (1 − e^{−x})/(1 − e^{−C}) written as expm1(−x)/expm1(−C): no cancellation when C or x is small.
        return Expr.Expm1(-exponent) / Expr.Expm1(-c);
    }

    internal static void RequireGridRange(EntryBuilder b) =>
        b.Require("catoni_c", "n·catoni_c ≥ 1 (λ = nC on the grid (1 + α)^j, j ≥ 0)", v => v["n"] * v["catoni_c"] >= 1,
            v => $"{EntryBuilder.Show(v, "catoni_c")} is below 1/n = {InputDomains.Format(1 / v["n"])}: the grid λ = nC = (1 + α)^j starts at j = 0, so C must be ≥ 1/n.");

    internal static BoundEntry Entry()
    {
        var b = new EntryBuilder();
        var risk = b.Input("emp_risk", "empirical 0-1 risk R̂_Q of the stochastic classifier", InputDomain.UnitInterval);
        var kl = b.Input("kl", "KL(Q‖P) between posterior and data-independent prior, in nats", InputDomain.NonNegativeReal);
        var n = b.Input("n", "number of training examples", InputDomain.PositiveInteger);
        var c = b.Input("catoni_c", "Catoni's trade-off constant, any C ≥ 1/n, chosen after seeing the data (paid by the grid union bound)", InputDomain.PositiveReal);
        var delta = b.Delta("delta", "PAC-Bayes bound, union over the grid λ = nC ∈ {(1 + 10⁻⁴)^j : j ≥ 0} (δ/(j + 2)² each)");
        RequireGridRange(b);
        b.Term("empirical risk", risk);
        var formula = Formula(risk, kl, n, c, delta, b);
        return b.Build("pacbayes-catoni-grid", "PAC-Bayes bound (Catoni), union over a grid of C", BoundFamily.PacBayes, BoundTarget.TestError,
            new Citation("Catoni", 2007, "PAC-Bayesian supervised classification", "Theorem 1.2.6, with the λ-grid union bound of Lotfi et al. (2022) released code"),
            Provenance.Unverified,
            "the union-bounded form was read in Lotfi et al.'s released code (pac_bayes_bound_opt) and re-derived in the code comment; Catoni's Theorem 1.2.6 itself was not reached (SOURCES.md).",
            formula: formula);
    }
}
