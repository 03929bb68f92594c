using BoundLab.Bounds.Catalog.Sweep;
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

    // Mohri et al. (2018) Corollary 3.19 with d replaced by the upper bound D of Bartlett, Harvey, Liaw, Mehrabian (JMLR 2019),
    // Theorem 7, for a ReLU network (p = 2 pieces): D = L + L̄W log₂(4ep Σ_i i k_i · log₂(2ep Σ_i i k_i)). Since
    // d ln(en/d) is increasing in d on (0, n], any D ≥ VCdim with D ≤ n may stand for d. VcDimension.Bhlm19 computes
    // L, L̄W = Σ_i W_i and Σ_i i k_i from the widths.
    internal static BoundEntry ReluBhlm19()
    {
        var b = new EntryBuilder();
        var err = b.Input("train_error", "training 0-1 error R̂ of the classifier sign(f)", InputDomain.UnitInterval);
        var n = b.Input("n", "number of training examples", InputDomain.PositiveInteger);
        var layers = b.Input("depth", "number L of weight layers (output layer included)", InputDomain.PositiveInteger);
        var cumulative = b.Input("cumulative_params", "L̄W = Σ_{i=1}^{L} W_i, W_i the number of parameters in layers 1 … i (VcDimension.Bhlm19)", InputDomain.PositiveReal);
        var units = b.Input("weighted_units", "Σ_{i=1}^{L} i·k_i, k_i the number of units in layer i (VcDimension.Bhlm19)", InputDomain.PositiveReal);
        var delta = b.Delta("delta", "uniform convergence over the class");
        double Vc(IReadOnlyDictionary<string, double> v) => VcDimension.Bound((int)v["depth"], v["cumulative_params"], v["weighted_units"], 2);
        b.Require("n", "n ≥ D (the BHLM19 VC-dimension bound)", v => v["n"] >= Vc(v),
            v => $"{EntryBuilder.Show(v, "n")} is below the VC-dimension bound D = {InputDomains.Format(Vc(v))}: the bound needs n ≥ D (Sauer's lemma).");
        b.Assume("ReLU (2-piece piecewise-linear) activations; the classifier is sign(f) of a one-output network (argmax of two outputs qualifies)");
        b.Needs(RunRequirement.Mlp());
        b.Needs(RunRequirement.Activation("piecewise linear with at most 2 pieces", "relu", "identity"));
        var r = 4 * Expr.E * units; // 2ep Σ i k_i with p = 2
        var d = b.Term("VC-dimension bound D = L + L̄W log₂(4ep Σik_i log₂(2ep Σik_i))", layers + cumulative * Expr.Ln(2 * r * Expr.Ln(r) / Expr.Ln(2)) / Expr.Ln(2));
        b.Term("train error", err);
        b.Term("complexity", Expr.Sqrt(2 * d * Expr.Ln(Expr.E * n / d) / n));
        b.Term("confidence", Expr.Sqrt(Expr.Ln(1 / delta) / (2 * n)));
        var formula = err + Expr.Sqrt(2 * d * Expr.Ln(Expr.E * n / d) / n) + Expr.Sqrt(Expr.Ln(1 / delta) / (2 * n));
        return b.Build("vc-relu-bhlm19", "VC bound with the VC dimension of the ReLU network itself", BoundFamily.Vc, BoundTarget.TestError,
            new Citation("Bartlett, Harvey, Liaw, Mehrabian", 2019, "Nearly-tight VC-dimension and pseudodimension bounds for piecewise linear neural networks (JMLR)", "Theorem 7, in Mohri et al. (2018) Corollary 3.19"),
            Provenance.Unverified,
            "Theorem 7 was not read (only abstracts); the formula matches the 'VC bound by Harvey et al. 2017' in Neyshabur et al.'s released code (bneyshabur/over-parametrization, measures.py) for two layers (SOURCES.md).",
            formula: formula, binaryOnlyReason: BinaryOnly);
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
