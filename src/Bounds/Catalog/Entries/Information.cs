using BoundLab.Bounds.Catalog.Sweep;
using BoundLab.Bounds.Symbolic;

namespace BoundLab.Bounds.Catalog.Entries;

/// <summary>Information-theoretic bounds on the expected generalization gap.</summary>
internal static class Information
{
    // Steinke, Zakynthinou (COLT 2020), Reasoning about generalization via conditional mutual information: for a loss in
    // [0, 1], |E[L_D(A(S)) − L_S(A(S))]| ≤ sqrt(2·CMI_D(A)/n), CMI_D(A) = I(A(S̃_U); U | S̃) for a supersample S̃ of
    // 2n points and selector bits U ∈ {0, 1}^n.
    internal static BoundEntry Sz20()
    {
        var b = new EntryBuilder();
        var cmi = b.Input("cmi", "conditional mutual information CMI_D(A) = I(A(S̃_U); U | S̃) in nats (supersample of 2n points, n selector bits)", InputDomain.NonNegativeReal);
        var n = b.Input("n", "number of training examples", InputDomain.PositiveInteger);
        b.Assume("the loss takes values in [0, 1] (e.g. the 0-1 loss)");
        b.Needs(RunRequirement.BoundedGapLoss());
        b.Term("expected gap bound", Expr.Sqrt(2 * cmi / n));
        return b.Build("cmi-sz20", "Conditional mutual information bound on the expected gap", BoundFamily.Information, BoundTarget.ExpectedGap,
            new Citation("Steinke, Zakynthinou", 2020, "Reasoning about generalization via conditional mutual information (COLT)", "main theorem, sqrt(2 CMI/n) for losses in [0, 1]"),
            Provenance.Unverified,
            "the paper's theorem text was not reached (abstract and restatements only); statement as widely restated (SOURCES.md).",
            formula: null);
    }

    // Haghifam, Negrea, Khisti, Roy, Dziugaite (NeurIPS 2020), Sharpened generalization bounds based on conditional
    // mutual information and an application to noisy, iterative algorithms: the CMI bound for full-batch Langevin
    // dynamics w_{t+1} = w_t − η_t ∇L̂(w_t) + sqrt(2η_t/β_t) ε_t, as computed in the authors' released code
    // (mhaghifam/sgld-genbound-NeurIPS2020, mnist_mlp_bounds.py, CmiBoundSimulator): bound = sqrt(Σ_t β_t η_t ‖ξ_t‖² θ_t²)/(n√2),
    // ξ_t = ∇ℓ(w_t, z_{J,1}) − ∇ℓ(w_t, z_{J,2}) the two-sample gradient incoherence of a supersample pair, θ_t ∈ [0, 1].
    // BoundLab drops θ_t ≤ 1 and takes the expectation (over supersample, J and the run) inside the square root, the
    // larger side of Jensen's inequality.
    internal static BoundEntry Haghifam20()
    {
        var b = new EntryBuilder();
        var s = b.Input("incoherence_sum", "E[Σ_t β_t η_t ‖ξ_t‖²], ξ_t = ∇ℓ(w_t, z_J1) − ∇ℓ(w_t, z_J2) on a supersample pair (needs the supersample option of the Langevin run)", InputDomain.NonNegativeReal);
        var n = b.Input("n", "number of training examples", InputDomain.PositiveInteger);
        b.Assume("full-batch Langevin dynamics with noise sqrt(2η_t/β_t)·N(0, I); loss in [0, 1]; the trainer does not record incoherence_sum yet");
        b.Needs(RunRequirement.Optimizer("Langevin dynamics", "sgld"));
        b.Needs(RunRequirement.FullBatch("full-batch Langevin dynamics"));
        b.Needs(RunRequirement.BoundedGapLoss());
        b.Term("expected gap bound", Expr.Sqrt(s) / (Expr.Sqrt(2) * n));
        return b.Build("haghifam20-ld", "CMI bound for Langevin dynamics (two-sample incoherence)", BoundFamily.Information, BoundTarget.ExpectedGap,
            new Citation("Haghifam, Negrea, Khisti, Roy, Dziugaite", 2020, "Sharpened generalization bounds based on conditional mutual information and an application to noisy, iterative algorithms (NeurIPS)", "Langevin-dynamics CMI bound as computed in the authors' released code"),
            Provenance.Unverified,
            "read only in the authors' released code (mhaghifam/sgld-genbound-NeurIPS2020, CmiBoundSimulator: 1/(n√2)·sqrt(Σ β_t η_t ‖ξ_t‖² θ_t²)); θ_t ≤ 1 dropped and E placed inside the root by BoundLab; the theorem text was not read (SOURCES.md).");
    }
}
