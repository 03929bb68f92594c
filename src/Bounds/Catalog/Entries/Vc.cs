using BoundLab.Bounds.Symbolic;

namespace BoundLab.Bounds.Catalog.Entries;

/// <summary>VC-dimension bounds for binary classifiers.</summary>
internal static class Vc
{
    private const string BinaryOnly =
        "VC-dimension bounds hold for binary classifiers; for k > 2 classes a Natarajan-dimension bound would be needed and none is verified in the catalog.";

    private static (EntryBuilder b, Symbol err, Symbol n, Symbol d, Symbol delta) Inputs()
    {
        var b = new EntryBuilder();
        var err = b.Input("train_error", "training 0-1 error R̂ of the classifier", InputDomain.UnitInterval);
        var n = b.Input("n", "number of training examples", InputDomain.PositiveInteger);
        var d = b.Input("vc_dim", "VC dimension d of the hypothesis class", InputDomain.PositiveInteger);
        var delta = b.Delta("delta", "uniform convergence over the class");
        // Sauer's lemma bounds the growth function by (e n / d)^d only for n ≥ d.
        b.Require("n", "n ≥ vc_dim", v => v["n"] >= v["vc_dim"],
            v => $"{EntryBuilder.Show(v, "n")} is below {EntryBuilder.Show(v, "vc_dim")}: the bound needs n ≥ vc_dim (Sauer's lemma).");
        return (b, err, n, d, delta);
    }

    // Mohri, Rostamizadeh, Talwalkar (2018), Foundations of Machine Learning 2nd ed., Corollary 3.19.
    internal static BoundEntry Mohri()
    {
        var (b, err, n, d, delta) = Inputs();
        b.Term("train error", err);
        b.Term("complexity", Expr.Sqrt(2 * d * Expr.Ln(Expr.E * n / d) / n));
        b.Term("confidence", Expr.Sqrt(Expr.Ln(1 / delta) / (2 * n)));
        return b.Build("vc-mohri", "VC bound (growth function via Sauer's lemma)", BoundFamily.Vc, BoundTarget.TestError,
            new Citation("Mohri, Rostamizadeh, Talwalkar", 2018, "Foundations of Machine Learning (2nd ed.)", "Corollary 3.19, eq. (3.29)"),
            Provenance.Verified, "verified: Corollary 3.19, eq. (3.29), read in a transcription of the 2nd edition (SOURCES.md).",
            binaryOnlyReason: BinaryOnly);
    }

    // Vapnik (1998), Statistical Learning Theory, in the form of Mohri et al. (2018, 2nd ed.) section 3.3: the
    // unnumbered display after eq. (3.30) (Sauer's lemma combined with (3.23)).
    internal static BoundEntry Vapnik()
    {
        var (b, err, n, d, delta) = Inputs();
        b.Term("train error", err);
        b.Term("complexity and confidence", Expr.Sqrt((8 * d * Expr.Ln(2 * Expr.E * n / d) + 8 * Expr.Ln(4 / delta)) / n));
        return b.Build("vc-vapnik", "Vapnik's VC bound", BoundFamily.Vc, BoundTarget.TestError,
            new Citation("Vapnik", 1998, "Statistical Learning Theory", "as written in Mohri et al. (2018, 2nd ed.), section 3.3, display after eq. (3.30)"),
            Provenance.Verified, "verified: read in a transcription of Mohri et al. 2nd ed., section 3.3 (unnumbered, after eq. (3.30); BOUNDS.md's 'eq. 3.31' is the realizable lower bound in that edition) (SOURCES.md).",
            binaryOnlyReason: BinaryOnly);
    }
}
