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
    //
    // The Monte-Carlo term needs only that mc_error = (1/M) Σ_k X_k for M independent X_k ∈ [0, 1] whose means average to
    // R̂_Q. Hoeffding (1963), Probability inequalities for sums of bounded random variables, Theorem 1, is stated for
    // independent X_k with values in [0, 1], not necessarily identically distributed, with μ the average of their means:
    // P(X̄ − μ ≥ t) ≤ exp(−M kl(μ + t‖μ)); applied to 1 − X_k it gives the lower tail P(X̄ ≤ μ − t) ≤ exp(−M kl(μ − t‖μ)),
    // so R̂_Q ≤ kl⁻¹(X̄, ln(1/δ′)/M) w.p. ≥ 1 − δ′ (ln(2/δ′) as in the code only loosens it). So M may count whole
    // network samples each evaluated on all n examples (X_k their error) or one fresh network per example and pass
    // (X_k = 1[h_k(x_i) ≠ y_i], M = n × passes, E X_k = the posterior's error on x_i): the means average to R̂_Q either way.
    internal static BoundEntry Dr17()
    {
        var b = new EntryBuilder();
        var mc = b.Input("mc_error", "Monte-Carlo estimate of the stochastic classifier's training error", InputDomain.UnitInterval);
        var m = b.Input("mc_samples", "number M of independent [0,1]-valued Monte-Carlo terms averaged in mc_error", InputDomain.PositiveInteger);
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

    // Pérez-Ortiz, Rivasplata, Shawe-Taylor, Szepesvári (2021), Tighter risk certificates for neural networks (JMLR 22),
    // as their released code computes the final 0-1 certificate (mperezortiz/PBB, pbb/bounds.py, PBBobj.compute_final_stats_risk
    // and inv_kl): R ≤ kl⁻¹(kl⁻¹(R̂_MC, ln(2/δ′)/M), (KL + ln(2√n/δ))/n), the PAC-Bayes-kl bound (Maurer 2004, Theorem 5)
    // on the certification set of n examples the prior never saw, its Gibbs risk replaced by the Monte-Carlo upper bound
    // (independence as in Dr17 above). The code's deviations (SOURCES.md) are not copied: it uses δ′ = delta_test = 0.01 for the
    // PAC-Bayes term too, n = the whole training file's size when the prior is learnt, and an uncertified bisection.
    // One entry serves f_quad, f_lambda and f_classic: they are training objectives; the certificate is the same.
    internal static BoundEntry Pbb21Kl()
    {
        var b = new EntryBuilder();
        var mc = b.Input("mc_error", "Monte-Carlo estimate of the stochastic classifier's 0-1 error on the n certification examples", InputDomain.UnitInterval);
        var m = b.Input("mc_samples", "number M of independent [0,1]-valued Monte-Carlo terms averaged in mc_error", InputDomain.PositiveInteger);
        var kl = b.Input("kl", "KL(Q‖P), the prior P learnt on data disjoint from the certification set (or fixed before the data)", InputDomain.NonNegativeReal);
        var n = b.Input("n", "number n of certification examples (the held-out split's index count, not the data set's size)", InputDomain.PositiveInteger);
        var delta = b.Delta("delta", "PAC-Bayes-kl bound on the certification set; 0.025 as the released code's delta (its certificate reuses delta_test = 0.01 here)");
        var deltaMc = b.Delta("delta_mc", "Monte-Carlo upper bound on the stochastic error on the certification set; 0.01 as the released code's delta_test");
        b.Assume("the prior is independent of the n certification examples (learnt on another part of the data, or data-free)");
        // As pacbayes-maurer: restatements of Maurer's Theorem 5 carry n ≥ 8; kept because it only narrows the domain.
        b.Require("n", "n ≥ 8", v => v["n"] >= 8, v => $"{EntryBuilder.Show(v, "n")} is too small: Maurer's theorem is stated (in restatements) for n ≥ 8.");
        var upper = b.Term("Monte-Carlo upper bound on R̂_Q", Expr.KlInv(mc, Expr.Ln(2 / deltaMc) / m));
        var budget = b.Term("kl budget (KL + ln(2√n/δ))/n", (kl + Expr.Ln(2 * Expr.Sqrt(n) / delta)) / n);
        return b.Build("pbb21-kl", "PBB risk certificate (PAC-Bayes-kl with Monte-Carlo correction, learnt or data-free prior)", BoundFamily.PacBayes, BoundTarget.TestError,
            new Citation("Pérez-Ortiz, Rivasplata, Shawe-Taylor, Szepesvári", 2021, "Tighter risk certificates for neural networks (JMLR 22)",
                "released code mperezortiz/PBB: pbb/bounds.py compute_final_stats_risk and inv_kl (paper text not read)"),
            Provenance.Verified, "verified against the authors' released code mperezortiz/PBB (double kl inversion, ln(2√n/δ)/n, ln(2/δ′)/M); the paper text was not reached; "
                + "BoundLab uses δ for the PAC-Bayes term where the code reuses δ′ = 0.01, and n = the certification set's size (SOURCES.md).",
            formula: Expr.KlInv(upper, budget));
    }
}
