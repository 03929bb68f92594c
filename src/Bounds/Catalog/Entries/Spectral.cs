using BoundLab.Bounds.Symbolic;

namespace BoundLab.Bounds.Catalog.Entries;

/// <summary>The spectrally-normalized margin bound of Bartlett, Foster, Telgarsky (2017) with explicit constants.</summary>
internal static class Spectral
{
    /// <summary>Id prefix of the fixed-depth aliases; the number of weight matrices follows, e.g. "bft-spectral-3".</summary>
    internal const string IdPrefix = "bft-spectral-";

    /// <summary>The deepest fixed-depth alias (δ is carried in log space, so depth is not limited by underflow; the generic entry has no limit).</summary>
    internal const int MaxLayers = 64;

    // Bartlett, Foster, Telgarsky (2017), Spectrally-normalized margin bounds for neural networks, Lemma 3.1 and
    // Theorem 3.3 (both read in the camera-ready text), made explicit here:
    //  1. Lemma 3.1: R ≤ R̂_γ + 2 ℜ((F_γ)|_S) + 3 sqrt(ln(1/δ)/(2n)), F_γ the ramp loss ℓ_γ(−M(f(x), y)) ∈ [0, 1].
    //  2. ℓ_γ is 1/γ-Lipschitz and the margin operator M(·, y) is 2-Lipschitz in ‖·‖_∞ ≤ ‖·‖₂, so a cover of the
    //     network outputs H_X at scale εγ/2 covers (F_γ)|_S at scale ε: by Theorem 3.3 (ρ_i = 1)
    //     ln N((F_γ)|_S, ε, ‖·‖₂) ≤ C²/ε², C = 2 ‖X‖₂ sqrt(ln(2W²)) R / γ, R = Π s_j · (Σ (b_i/s_i)^{2/3})^{3/2}.
    //  3. Dudley's entropy integral for [0, 1]-valued classes, ℜ ≤ inf_α (4α/√n + (12/n) ∫_α^{√n} sqrt(ln N) dε),
    //     with α = 1/√n: ℜ ≤ 4/n + 12 C ln(n)/n = 4/n + 24 ln(n) ‖X‖₂ sqrt(ln(2W²)) R/(γ n).
    //  4. Hence R ≤ R̂_γ + 8/n + 48 ln(n) ‖X‖₂ sqrt(ln(2W²)) R/(γ n) + 3 sqrt(ln(1/δ)/(2n)) for fixed (γ, s, b).
    //  5. γ, s_i = ‖A_i‖_σ and b_i = ‖A_iᵀ − M_iᵀ‖_{2,1} are read off the trained network: each goes onto a
    //     geometric grid (γ down, s and b up, so the network lies in the covered class and R̂_γ does not grow)
    //     and δ is shared over all grid points (BoundEvaluator adds the 2L + 1 grid penalties to ln(1/δ), one per element).
    // Steps 2–5 are BoundLab's derivation: the paper's appendix (its Dudley lemma and final union bound) was not
    // read, so the entry is unverified; Graf et al. (2022) implement the constant 36 with a different log term.
    /// <summary>The id of the depth-generic entry; "bft-spectral-L" names it at a fixed depth L with scalar inputs s_i, b_i.</summary>
    internal const string Id = "bft-spectral";

    private static readonly Lazy<BoundEntry> generic = new(BuildGeneric);

    /// <summary>The entry over any depth: inputs depth = L and the vectors spec = (s_i) and l21_init = (b_i).</summary>
    internal static BoundEntry Generic() => generic.Value;

    private static BoundEntry BuildGeneric()
    {
        var b = new EntryBuilder();
        var loss = b.Input("ramp_loss", "empirical ramp loss R̂_γ at margin gamma (multiclass margin f(x)_y − max_{i≠y} f(x)_i)", InputDomain.UnitInterval);
        var gamma = b.PostHoc("gamma", "margin γ", SnapDirection.Down, Margin.GridRatio);
        var depth = b.Input("depth", "number L of weight matrices", InputDomain.PositiveInteger);
        var s = b.PostHocVector("spec", "spectral norms s_i = ‖A_i‖_σ of the weight matrices i = 1..depth", depth, SnapDirection.Up, Margin.GridRatio);
        var d = b.PostHocVector("l21_init", "b_i = ‖A_iᵀ − M_iᵀ‖_(2,1), i = 1..depth: sum over units of the ℓ2 norm of each unit's incoming-weight change from the reference M_i", depth, SnapDirection.Up, Margin.GridRatio);
        var x = b.Input("x_norm", "data norm ‖X‖₂ = sqrt(Σ_i ‖x_i‖²)", InputDomain.PositiveReal);
        var w = b.Input("width", "W = max(d_0, d_1, …, d_L), the largest layer width including the input", InputDomain.PositiveInteger);
        var n = b.Input("n", "number of training examples", InputDomain.PositiveInteger);
        var delta = b.Delta("delta", "margin bound, union over the grids of gamma and every spec_i, l21_init_i (2·depth + 1 grid indices)");
        b.Assume("activations are 1-Lipschitz with σ_i(0) = 0 (e.g. ReLU; max-pooling also qualifies)");
        b.Assume("the reference matrices M_i (0 or the initialization) are fixed before seeing the data");
        b.AssumeNoBiases("the network has no biases, or its biases are folded into the weight matrices through an augmented input (x, 1) whose norm is the one in x_norm");
        var i = Expr.IndexVar("i");
        var ratios = Expr.SumOver(i, depth, Expr.Pow(d[i] / s[i], Expr.Num(2, 3)));
        var complexity = Expr.ProductOver(i, depth, s[i]) * Expr.Pow(ratios, Expr.Num(3, 2));
        b.Term("ramp loss", loss);
        b.Term("Dudley floor 8/n", 8 / n);
        b.Term("spectral complexity", 48 * Expr.Ln(n) * x * Expr.Sqrt(Expr.Ln(2 * w * w)) * complexity / (gamma * n));
        b.Term("confidence", 3 * Expr.Sqrt(Expr.Ln(1 / delta) / (2 * n)));
        return b.Build(Id, "Spectrally-normalized margin bound, depth L", BoundFamily.Spectral, BoundTarget.TestError, Source, Provenance.Unverified, Note);
    }

    private static readonly Citation Source = new("Bartlett, Foster, Telgarsky", 2017, "Spectrally-normalized margin bounds for neural networks (NeurIPS)", "Lemma 3.1 and Theorem 3.3 with Dudley's integral (derived in the code comment)");
    private const string Note = "Lemma 3.1, Theorem 3.3 and eq. (1.2) were read in the camera-ready text; the Dudley step, the constant 48 and the grid union bound are BoundLab's derivation (SOURCES.md).";

    /// <summary>
    /// The generic entry at a fixed depth L (id bft-spectral-L) with scalar inputs s_1..s_L, b_1..b_L, kept for callers
    /// that name the layers' norms one by one: its terms are the generic terms with depth = L, Σ/Π written out and
    /// spec_i → s_i, l21_init_i → b_i, so both evaluate the same formula.
    /// </summary>
    internal static BoundEntry Bft(int layers)
    {
        if (layers < 1 || layers > MaxLayers)
            throw new ArgumentOutOfRangeException(nameof(layers), layers, $"bft-spectral-L is defined for 1 ≤ L ≤ {MaxLayers} weight matrices.");
        var g = Generic();
        var b = new EntryBuilder();
        b.Input("ramp_loss", g.Input("ramp_loss").Meaning, InputDomain.UnitInterval);
        b.PostHoc("gamma", "margin γ", SnapDirection.Down, Margin.GridRatio);
        var s = Enumerable.Range(1, layers)
            .Select(i => b.PostHoc($"s_{i}", $"spectral norm ‖A_{i}‖_σ of weight matrix {i}", SnapDirection.Up, Margin.GridRatio))
            .ToArray();
        var d = Enumerable.Range(1, layers)
            .Select(i => b.PostHoc($"b_{i}", $"‖A_{i}ᵀ − M_{i}ᵀ‖_(2,1): sum over units of the ℓ2 norm of each unit's incoming-weight change from the reference M_{i}", SnapDirection.Up, Margin.GridRatio))
            .ToArray();
        foreach (var name in new[] { "x_norm", "width", "n" })
            b.Input(name, g.Input(name).Meaning, g.Input(name).Domain);
        b.Delta("delta", $"margin bound, union over the grids of gamma and every s_i, b_i ({2 * layers + 1} grid indices)");
        foreach (var a in g.Assumptions.Take(g.Assumptions.Count - 1)) b.Assume(a);
        b.AssumeNoBiases(g.Assumptions[^1]);
        var atDepth = new Dictionary<string, Expr> { ["depth"] = layers };
        foreach (var t in g.Terms)
            b.Term(t.Name, Calculus.ReplaceElements(Calculus.Unroll(Calculus.Substitute(t.Expression, atDepth)), el =>
                el.Index is Number { Value: var k } ? (el.Vector.Name == "spec" ? s : d)[(int)k.Numerator - 1] : null));
        return b.Build($"{IdPrefix}{layers}", $"Spectrally-normalized margin bound, {layers} weight matrices", BoundFamily.Spectral, BoundTarget.TestError,
            Source, Provenance.Unverified, Note);
    }
}
