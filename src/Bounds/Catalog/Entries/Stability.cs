using BoundLab.Bounds.Catalog.Sweep;
using BoundLab.Bounds.Symbolic;

namespace BoundLab.Bounds.Catalog.Entries;

/// <summary>Algorithmic-stability bounds on the expected generalization gap of (noisy) gradient methods.</summary>
internal static class Stability
{
    // Hardt, Recht, Singer (2016), Train faster, generalize better, Theorem 3.8: convex, L-Lipschitz, β-smooth
    // loss, SGM with α_t ≤ 2/β is (2L²/n) Σ_t α_t uniformly stable, which bounds the expected gap.
    internal static BoundEntry Hrs16Convex()
    {
        var b = new EntryBuilder();
        var l = b.Input("lipschitz");
        var n = b.Input("n");
        var sum = b.Input("lr_sum");
        b.Needs(RunRequirement.ConvexObjective());
        b.Needs(RunRequirement.Optimizer("stochastic gradient method", "sgd", "gd"));
        b.Assume("the loss is convex, L-Lipschitz and β-smooth in the parameters");
        b.Assume("every step size satisfies α_t ≤ 2/β");
        b.Term("stability", 2 * l * l / n * sum);
        return b.Build("hrs16-convex", "SGM stability, convex loss", BoundFamily.Stability, BoundTarget.ExpectedGap,
            new Citation("Hardt, Recht, Singer", 2016, "Train faster, generalize better: stability of stochastic gradient descent", "Theorem 3.8"),
            Provenance.Unverified, "Only the abstract and introduction were reached (SOURCES.md).", noVacuousLevel: true);
    }

    // Hardt, Recht, Singer (2016), Theorem 3.12: loss in [0, 1], L-Lipschitz, β-smooth, non-increasing α_t ≤ c/t.
    internal static BoundEntry Hrs16NonConvex()
    {
        var b = new EntryBuilder();
        var l = b.Input("lipschitz");
        var beta = b.Input("smoothness");
        var c = b.Input("step_c");
        var n = b.Input("n");
        var t = b.Input("steps", "SGM steps");
        b.Needs(RunRequirement.Optimizer("stochastic gradient method", "sgd", "gd"));
        b.Needs(RunRequirement.BoundedTrainingLoss());
        b.Require("n", "n ≥ 2", v => v["n"] >= 2, v => $"{EntryBuilder.Show(v, "n")} is too small: the bound divides by n − 1.");
        b.Assume("the loss takes values in [0, 1] and is L-Lipschitz and β-smooth");
        b.Assume("step sizes are non-increasing with α_t ≤ c/t");
        var bc = beta * c;
        b.Term("stability", (1 + 1 / bc) / (n - 1) * Expr.Pow(2 * c * l * l, 1 / (bc + 1)) * Expr.Pow(t, bc / (bc + 1)));
        return b.Build("hrs16-nonconvex", "SGM stability, non-convex loss", BoundFamily.Stability, BoundTarget.ExpectedGap,
            new Citation("Hardt, Recht, Singer", 2016, "Train faster, generalize better: stability of stochastic gradient descent", "Theorem 3.12"),
            Provenance.Unverified, "Not reached in this session (SOURCES.md).");
    }

    private static BoundEntry Llq20(string id, string title, Expr constant, string location, bool minibatch)
    {
        var b = new EntryBuilder();
        var c = b.Input("loss_max");
        b.Needs(RunRequirement.Optimizer("noisy gradient method", "sgld"));
        b.Needs(minibatch ? RunRequirement.HalfBatch("Theorem 11") : RunRequirement.FullBatch("Theorem 9: gradient Langevin dynamics"));
        b.Needs(RunRequirement.BoundedGapLoss());
        var n = b.Input("n", "number of training examples", InputDomain.PositiveInteger);
        var g = b.Input("grad_sum", "E Σ_t (γ_t²/σ_t²) g_e(t), g_e(t) the expected mean squared per-example gradient norm at step t", InputDomain.NonNegativeReal);
        b.Assume("update W_t = W_{t−1} − γ_t g_t + (σ_t/√2) N(0, I) (with Mou's η, β: σ_t² = 4η_t/β)");
        if (minibatch)
        {
            b.Assume("batch size b ≤ n/2");
            b.Assume("γ_t ≤ σ_t/(20 L) with L the Lipschitz constant of the objective");
        }
        b.Term("stability", constant * c / n * Expr.Sqrt(g));
        return b.Build(id, title, BoundFamily.Stability, BoundTarget.ExpectedGap,
            new Citation("Li, Luo, Qiao", 2020, "On generalization error bounds of noisy gradient methods for non-convex learning (ICLR)", location),
            Provenance.Verified, $"verified: {location} read in the paper's text (SOURCES.md).", vacuousAt: c);
    }

    // Li, Luo, Qiao (2020), Theorem 9 (full-batch gradient Langevin dynamics): err ≤ (2√2 C/n) sqrt(E Σ (γ_t²/σ_t²) g_e(t)).
    internal static BoundEntry Llq20Gld() =>
        Llq20("llq20-gld", "Bayes-stability bound for gradient Langevin dynamics", 2 * Expr.Sqrt(2), "Theorem 9", minibatch: false);

    // Li, Luo, Qiao (2020), Theorem 11 (SGLD, b ≤ n/2, γ_t ≤ σ_t/(20L)): the same form with constant 8.12.
    internal static BoundEntry Llq20Sgld() =>
        Llq20("llq20-sgld", "Bayes-stability bound for stochastic gradient Langevin dynamics", Expr.Num(812, 100), "Theorem 11", minibatch: true);
}
