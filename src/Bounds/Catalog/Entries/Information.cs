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
        b.Term("expected gap bound", Expr.Sqrt(2 * cmi / n));
        return b.Build("cmi-sz20", "Conditional mutual information bound on the expected gap", BoundFamily.Information, BoundTarget.ExpectedGap,
            new Citation("Steinke, Zakynthinou", 2020, "Reasoning about generalization via conditional mutual information (COLT)", "main theorem, sqrt(2 CMI/n) for losses in [0, 1]"),
            Provenance.Unverified,
            "the paper's theorem text was not reached (abstract and restatements only); statement as widely restated (SOURCES.md).",
            formula: null);
    }
}
