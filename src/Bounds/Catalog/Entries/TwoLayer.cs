using BoundLab.Bounds.Catalog.Sweep;
using BoundLab.Bounds.Symbolic;

namespace BoundLab.Bounds.Catalog.Entries;

/// <summary>The over-parameterization bound for two-layer ReLU networks in terms of width and distance from initialization.</summary>
internal static class TwoLayer
{
    // Neyshabur, Li, Bhojanapalli, LeCun, Srebro (ICLR 2019), The role of over-parametrization in generalization of
    // neural networks, Theorem 1/2 for f(x) = V[Ux]_+, with the explicit constants of the authors' released code
    // (bneyshabur/over-parametrization, measures.py, "Our bound"):
    //   R = 3√2 (√(2c) + 1)(‖V‖_F + 1)(‖[U₀X]_+‖_F/√m + ‖U − U₀‖_F ‖X‖_F/√m + 1)/γ,
    //   measure = (R + 3 sqrt(5h + ln(max(1, γ√m)/δ)))².
    // The code reports m·(gap)²; the gap term here is sqrt(measure/m), which matches the theorem's
    // Õ(√c‖V‖_F(‖U − U₀‖_F‖X‖_F + ‖U₀X‖_F)/(γm) + sqrt(h/m)). The +1 terms and ln(γ√m) pay for the norms and the
    // margin being read off the trained network.
    internal static BoundEntry Nlbls19()
    {
        var b = new EntryBuilder();
        var loss = b.Input("margin_loss", "empirical margin loss L̂_γ: fraction of training points with f(x)_y − max_{j≠y} f(x)_j ≤ γ", InputDomain.UnitInterval);
        var gamma = b.Input("gamma", "margin γ (any value; its choice is paid by the ln(max(1, γ√n)) term)", InputDomain.PositiveReal);
        var v = b.Input("v_frob", "‖V‖_F, Frobenius norm of the output layer", InputDomain.NonNegativeReal);
        var u = b.Input("u_dist", "‖U − U₀‖_F, distance of the hidden layer from its initialization", InputDomain.NonNegativeReal);
        var x = b.Input("x_rms", "sqrt((1/n) Σ_i ‖x_i‖²) = ‖X‖_F/√n", InputDomain.NonNegativeReal);
        var h0 = b.Input("init_hidden_rms", "sqrt((1/n) Σ_i ‖[U₀x_i]_+‖²), the initial hidden layer's output norm (authors' code; ‖U₀X‖_F/√n is larger and also safe)", InputDomain.NonNegativeReal);
        var c = b.Input("classes", "c, the outputs of V", InputDomain.PositiveInteger);
        var h = b.Input("hidden_units", "h", InputDomain.PositiveInteger);
        var n = b.Input("n", "number of training examples", InputDomain.PositiveInteger);
        var delta = b.Delta("delta", "margin bound, union over the norm and margin grids built into the constants");
        b.Require("hidden_units", "h ≥ 2", vals => vals["hidden_units"] >= 2, vals => $"{EntryBuilder.Show(vals, "hidden_units")} is too small: the theorem is stated for h ≥ 2 hidden units.");
        b.AssumeNoBiases("f(x) = V[Ux]_+ with no biases, U₀ the initialization fixed before seeing the data");
        b.Needs(RunRequirement.Depth(2, "a two-layer network f(x) = V[Ux]_+"));
        b.PaidInFormula("gamma");
        b.Needs(RunRequirement.Activation("f(x) = V[Ux]_+", "relu"));
        b.Term("margin loss", loss);
        var r = 3 * Expr.Sqrt(2) * (Expr.Sqrt(2 * c) + 1) * (v + 1) * (h0 + u * x + 1) / gamma;
        b.Term("capacity R/√n", r / Expr.Sqrt(n));
        b.Term("width term 3 sqrt((5h + ln(max(1, γ√n)/δ))/n)", 3 * Expr.Sqrt((5 * h + Expr.Ln(Expr.Max(Expr.One, gamma * Expr.Sqrt(n)) / delta)) / n));
        return b.Build("nlbls19-two-layer", "Two-layer over-parameterization bound (width, distance from init)", BoundFamily.Rademacher, BoundTarget.TestError,
            new Citation("Neyshabur, Li, Bhojanapalli, LeCun, Srebro", 2019, "The role of over-parametrization in generalization of neural networks (ICLR)", "Theorem 1 with the explicit constants of the authors' released code"),
            Provenance.Unverified,
            "constants read in the authors' released code (bneyshabur/over-parametrization, measures.py 'Our bound'), which returns n·gap²; the appendix statement and the division by n were not read (SOURCES.md).");
    }
}
