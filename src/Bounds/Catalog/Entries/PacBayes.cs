using BoundLab.Bounds.Symbolic;

namespace BoundLab.Bounds.Catalog.Entries;

/// <summary>PAC-Bayes bounds on the risk of a stochastic classifier Q.</summary>
internal static class PacBayes
{
    // Maurer (2004), A note on the PAC Bayesian theorem, Theorem 5: kl(R̂_Q ‖ R_Q) ≤ (KL(Q‖P) + ln(2√n/δ))/n.
    internal static BoundEntry Maurer()
    {
        var b = new EntryBuilder();
        var risk = b.Input("emp_risk", "empirical 0-1 risk R̂_Q of the stochastic classifier", InputDomain.UnitInterval);
        var kl = b.Input("kl", "KL(Q‖P) between posterior and data-independent prior, in nats", InputDomain.NonNegativeReal);
        var n = b.Input("n", "number of training examples", InputDomain.PositiveInteger);
        var delta = b.Delta("delta", "PAC-Bayes bound, uniform over posteriors");
        var gibbs = b.GibbsRisk(risk);
        // Restatements of Maurer's Theorem 5 carry the condition n ≥ 8 (not read in the paper); kept because it only narrows the domain.
        b.Require("n", "n ≥ 8", v => v["n"] >= 8, v => $"{EntryBuilder.Show(v, "n")} is too small: Maurer's theorem is stated (in restatements) for n ≥ 8.");
        b.Term("empirical risk", gibbs);
        var budget = b.Term("kl budget (KL + ln(2√n/δ))/n", (kl + Expr.Ln(2 * Expr.Sqrt(n) / delta)) / n);
        return b.Build("pacbayes-maurer", "PAC-Bayes-kl bound (Maurer)", BoundFamily.PacBayes, BoundTarget.TestError,
            new Citation("Maurer", 2004, "A note on the PAC Bayesian theorem", "Theorem 5"),
            Provenance.Unverified, "BOUNDS.md records it as verified; only restatements (one citing Theorem 5) were found (SOURCES.md).",
            formula: Expr.KlInv(gibbs, budget));
    }

    // R ≤ R̂ + sqrt((KL + ln(1/δ) + ln n + 2)/(2n − 1)), the form attributed to McAllester (1999), PAC-Bayesian model
    // averaging (COLT), whose statement was not read. BoundLab's justification is Maurer (2004) Theorem 5 with
    // Pinsker's inequality kl(q‖p) ≥ 2(p − q)²: R ≤ R̂ + sqrt((KL + ln(2√n/δ))/(2n)) for n ≥ 8, and
    // ln(2√n/δ) = ln 2 + ½ ln n + ln(1/δ) ≤ ln(1/δ) + ln n + 2 and 2n − 1 < 2n make this entry larger.
    internal static BoundEntry McAllester()
    {
        var b = new EntryBuilder();
        var risk = b.Input("emp_risk", "empirical 0-1 risk R̂_Q of the stochastic classifier", InputDomain.UnitInterval);
        var kl = b.Input("kl", "KL(Q‖P) between posterior and data-independent prior, in nats", InputDomain.NonNegativeReal);
        var n = b.Input("n", "number of training examples", InputDomain.PositiveInteger);
        var delta = b.Delta("delta", "PAC-Bayes bound, uniform over posteriors");
        var gibbs = b.GibbsRisk(risk);
        b.Require("n", "n ≥ 8", v => v["n"] >= 8, v => $"{EntryBuilder.Show(v, "n")} is too small: this entry is justified through Maurer's theorem, stated for n ≥ 8.");
        b.Term("empirical risk", gibbs);
        b.Term("complexity", Expr.Sqrt((kl + Expr.Ln(1 / delta) + Expr.Ln(n) + 2) / (2 * n - 1)));
        return b.Build("pacbayes-mcallester", "PAC-Bayes bound (McAllester 1999 form)", BoundFamily.PacBayes, BoundTarget.TestError,
            new Citation("McAllester", 1999, "PAC-Bayesian model averaging (COLT)",
                "no theorem number checked: the form attributed to it, implied by Maurer (2004) Theorem 5 and Pinsker's inequality for n ≥ 8"),
            Provenance.Unverified, "McAllester's statement was not reached; the entry is implied by pacbayes-maurer (Maurer 2004 Thm 5) and Pinsker's inequality for n ≥ 8 (SOURCES.md).");
    }

    // Catoni (2007), PAC-Bayesian supervised classification, Theorem 1.2.6, for a constant C fixed in advance.
    internal static BoundEntry Catoni()
    {
        var b = new EntryBuilder();
        var risk = b.Input("emp_risk", "empirical 0-1 risk R̂_Q of the stochastic classifier", InputDomain.UnitInterval);
        var kl = b.Input("kl", "KL(Q‖P) between posterior and data-independent prior, in nats", InputDomain.NonNegativeReal);
        var n = b.Input("n", "number of training examples", InputDomain.PositiveInteger);
        var c = b.Input("catoni_c", "Catoni's trade-off constant, fixed before seeing the data", InputDomain.PositiveReal);
        var delta = b.Delta("delta", "PAC-Bayes bound, uniform over posteriors");
        var gibbs = b.GibbsRisk(risk);
        b.Term("empirical risk", gibbs);
        var exponent = b.Term("exponent C R̂ + (KL + ln(1/δ))/n", c * gibbs + (kl + Expr.Ln(1 / delta)) / n);
        return b.Build("pacbayes-catoni", "PAC-Bayes bound (Catoni)", BoundFamily.PacBayes, BoundTarget.TestError,
            new Citation("Catoni", 2007, "PAC-Bayesian supervised classification", "Theorem 1.2.6"),
            Provenance.Unverified, "Statement recalled from the literature; not reached in this session (SOURCES.md).",
            // 1 − e^(−x) = −expm1(−x): written with expm1 so that a small C or exponent does not cancel.
            formula: Expr.Expm1(-exponent) / Expr.Expm1(-c));
    }

    // Dziugaite & Roy (2017), Computing nonvacuous generalization bounds for deep (stochastic) neural networks,
    // checked against their released code (gkdziugaite/pacbayes-opt, snn/core/network.py and extra_fn.py):
    // prior N(w₀, λI) with λ = c e^{−j/b} on a grid (c = 0.1, b = 100), union over j paid as 2 ln j + ln(π²/6);
    // bound kl⁻¹(R̂_Q, (KL + 2 ln j + ln(π² n/(6δ)))/(n − 1)), R̂_Q replaced by its Monte-Carlo upper
    // confidence bound kl⁻¹(R̂_MC, ln(2/δ′)/M). The released code defines that correction (SamplesConvBound)
    // but does not apply it to the final number; BoundLab applies it, so the statement holds w.p. 1 − δ − δ′.
    internal static BoundEntry Dr17()
    {
        var b = new EntryBuilder();
        var mc = b.Input("mc_error", "Monte-Carlo estimate of the stochastic classifier's training error", InputDomain.UnitInterval);
        var m = b.Input("mc_samples", "number M of posterior samples behind mc_error", InputDomain.PositiveInteger);
        var kl = b.Input("kl", "KL(Q‖P), with 2KL = (‖w − w₀‖² + Σs)/λ − Σ ln s + P ln λ − P", InputDomain.NonNegativeReal);
        var j = b.Input("prior_index", "prior-variance grid index, λ = 0.1·exp(−j/100)", InputDomain.PositiveInteger);
        var n = b.Input("n", "number of training examples", InputDomain.PositiveInteger);
        var delta = b.Delta("delta", "PAC-Bayes bound, union over the prior-variance grid j (δ·6/(π² j²) each); the paper uses 0.025");
        var deltaMc = b.Delta("delta_mc", "Monte-Carlo upper bound on the stochastic training error; the paper uses 0.01");
        b.Require("n", "n ≥ 2", v => v["n"] >= 2, v => $"{EntryBuilder.Show(v, "n")} is too small: the bound divides by n − 1.");
        var upper = b.Term("Monte-Carlo upper bound on R̂_Q", Expr.KlInv(mc, Expr.Ln(2 / deltaMc) / m));
        var budget = b.Term("kl budget (KL + 2 ln j + ln(π² n/(6δ)))/(n − 1)",
            (kl + 2 * Expr.Ln(j) + Expr.Ln(Expr.Pi * Expr.Pi * n / (6 * delta))) / (n - 1));
        return b.Build("dr17", "Dziugaite–Roy nonvacuous PAC-Bayes bound with Monte-Carlo correction", BoundFamily.PacBayes, BoundTarget.TestError,
            new Citation("Dziugaite, Roy", 2017, "Computing nonvacuous generalization bounds for deep (stochastic) neural networks", "Section 3 and released code (snn/core/network.py)"),
            Provenance.Verified, "verified against the authors' released code gkdziugaite/pacbayes-opt (KL, λ grid, δ = 0.025, n − 1, kl inversion, Monte-Carlo δ′ = 0.01).",
            formula: Expr.KlInv(upper, budget));
    }
}
