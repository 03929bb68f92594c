using System.Globalization;

namespace BoundLab.Bounds.Catalog;

/// <summary>One quantity of the shared vocabulary: the name every entry and every measurement uses for it.</summary>
/// <param name="Name">The symbol name (entry input, measurement key, <c>--set</c> name).</param>
/// <param name="Meaning">What it is, in one line; the same in every entry that takes it.</param>
/// <param name="Domain">The values it may take.</param>
/// <param name="Unit">Its unit: "examples", "rate", "nats", "bits", "logit" (output units), "weight" (parameter units), "1" (a pure number).</param>
public sealed record Quantity(string Name, string Meaning, InputDomain Domain, string Unit);

/// <summary>An input name an entry used before the vocabulary, and the name it has now.</summary>
/// <param name="Entry">The entry id (or "*" for every entry).</param>
/// <param name="Old">The old name.</param>
/// <param name="New">The vocabulary name.</param>
public sealed record Renaming(string Entry, string Old, string New);

/// <summary>
/// The one table of quantities shared by every catalog entry and by the measurements of a run, so a run's measures feed
/// every entry without per-entry glue: a name means one thing everywhere (a stability constant, a loss range, a margin).
/// </summary>
public static class Vocabulary
{
    private static Quantity Q(string name, string meaning, InputDomain domain, string unit) => new(name, meaning, domain, unit);

    private static readonly Quantity[] quantities =
    [
        // Sample and problem.
        Q("n", "number of training examples", InputDomain.PositiveInteger, "examples"),
        Q("n_test", "number of held-out test examples", InputDomain.PositiveInteger, "examples"),
        Q("classes", "number of classes k of the classification problem", InputDomain.PositiveInteger, "1"),
        Q("delta", "failure probability δ of the bound's main statement", InputDomain.OpenUnitInterval, "1"),
        Q("delta_mc", "failure probability δ′ of the Monte-Carlo upper bound on a stochastic classifier's empirical risk", InputDomain.OpenUnitInterval, "1"),
        Q("train_error", "training 0-1 error of the classifier", InputDomain.UnitInterval, "rate"),
        Q("test_error", "0-1 error on a held-out test set never used in training", InputDomain.UnitInterval, "rate"),

        // Architecture.
        Q("depth", "number L of weight layers (weight matrices of an MLP, output layer included)", InputDomain.PositiveInteger, "1"),
        Q("width", "W = max(d_0, d_1, …, d_L), the largest layer width including the input dimension", InputDomain.PositiveInteger, "1"),
        Q("hidden_units", "h, the number of hidden units of a two-layer network", InputDomain.PositiveInteger, "1"),
        Q("params", "ω, the number of trainable parameters (weights and biases)", InputDomain.PositiveInteger, "1"),
        Q("vc_dim", "VC dimension d of the hypothesis class", InputDomain.PositiveInteger, "1"),
        Q("cumulative_params", "L̄W = Σ_{i=1}^{L} W_i, W_i the number of parameters in layers 1 … i (VcDimension.Bhlm19)", InputDomain.PositiveReal, "1"),
        Q("weighted_units", "Σ_{i=1}^{L} i·k_i, k_i the number of units in layer i (VcDimension.Bhlm19)", InputDomain.PositiveReal, "1"),

        // Data norms.
        Q("x_norm", "data norm ‖X‖ = sqrt(Σ_i ‖x_i‖²) over the training inputs (Frobenius norm of the data matrix)", InputDomain.PositiveReal, "input"),
        Q("x_max_norm", "max_i ‖x_i‖₂, the largest training-input norm", InputDomain.PositiveReal, "input"),
        Q("x_rms", "sqrt((1/n) Σ_i ‖x_i‖²) = ‖X‖_F/√n", InputDomain.NonNegativeReal, "input"),
        Q("input_domain_norm", "B = sup ‖x‖₂ over the whole input domain (a bound fixed before seeing the data, not a sample maximum)", InputDomain.PositiveReal, "input"),

        // Weight norms (MLP layers W_1 … W_L).
        Q("spec", "spectral norms ‖W_i‖₂ of the weight matrices i = 1 … depth (a vector of length depth)", InputDomain.PositiveReal, "weight"),
        Q("l21_init", "‖W_iᵀ − W_i⁰ᵀ‖_(2,1) of the weight matrices i = 1 … depth: sum over units of the ℓ2 norm of each unit's incoming-weight change from the initialization (a vector of length depth; positive: each element is rounded up onto a geometric grid)", InputDomain.PositiveReal, "weight"),
        Q("spec_prod", "product of the layers' spectral norms Π_i ‖W_i‖₂", InputDomain.PositiveReal, "weight"),
        Q("frob_prod", "product of the layers' Frobenius norms Π_i ‖W_i‖_F", InputDomain.PositiveReal, "weight"),
        Q("log_spec_prod", "Σ_i ln ‖W_i‖₂, the log of the product of the spectral norms", InputDomain.Real, "1"),
        Q("log_frob_prod", "Σ_i ln ‖W_i‖_F, the log of the product of the Frobenius norms", InputDomain.Real, "1"),
        Q("frob_ratio_sum", "Σ_i ‖W_i‖_F²/‖W_i‖₂²", InputDomain.PositiveReal, "1"),
        Q("dist_frob_ratio_sum", "Σ_i ‖W_i − W_i⁰‖_F²/‖W_i‖₂², distance from initialization over spectral norm", InputDomain.NonNegativeReal, "1"),
        Q("frob_sq_sum", "Σ_i ‖W_i‖_F², the squared ℓ2 norm of all weights (biases excluded)", InputDomain.PositiveReal, "weight²"),
        Q("dist_frob_sq_sum", "Σ_i ‖W_i − W_i⁰‖_F², the squared ℓ2 distance of the weights from the initialization (biases excluded)", InputDomain.NonNegativeReal, "weight²"),
        Q("dist_spec_sq_sum", "Σ_i σ_max(W_i − W_i⁰)², squared spectral distances from the initialization", InputDomain.NonNegativeReal, "weight²"),
        Q("path_norm", "ℓ2 path norm sqrt(Σ_paths Π_edges w²) of the network (bias paths included)", InputDomain.PositiveReal, "logit"),
        Q("v_frob", "‖V‖_F, Frobenius norm of the output layer of a two-layer network", InputDomain.NonNegativeReal, "weight"),
        Q("u_dist", "‖U − U₀‖_F, distance of a two-layer network's hidden layer from its initialization", InputDomain.NonNegativeReal, "weight"),
        Q("init_hidden_rms", "sqrt((1/n) Σ_i ‖[U₀x_i]_+‖²), the initial hidden layer's output norm of a two-layer network", InputDomain.NonNegativeReal, "logit"),
        Q("spectral_complexity", "R_A = (Π ρ_i ‖A_i‖_σ)(Σ ‖A_iᵀ − M_iᵀ‖_(2,1)^(2/3)/‖A_i‖_σ^(2/3))^(3/2) of Bartlett et al. (2017) eq. (1.2)", InputDomain.PositiveReal, "weight"),
        Q("lip_prod", "Π_l s_l, the product of the layers' Lipschitz constants (operator norms of the convolutions)", InputDomain.PositiveReal, "1"),
        Q("ratio_sum", "Σ_i (b_i/s_i)^(2/3), b_i = ‖K_i − K_i⁰‖_(2,1) of kernel tensor i (ℓ2 over the input channels of each filter position, summed: Graf et al.'s grouping), s_i its operator norm", InputDomain.NonNegativeReal, "1"),
        Q("max_params", "W = max_i W_i, the largest number of kernel parameters of a layer", InputDomain.PositiveInteger, "1"),
        Q("ledent_r", "R = (Σ_l r_l^(2/3))^(3/2) of Ledent et al. (2021) Eq. (25) at margin γ", InputDomain.NonNegativeReal, "1"),
        Q("ledent_gamma", "Γ = max_l r_l O_l m_l of Ledent et al. (2021) Eq. (25)", InputDomain.NonNegativeReal, "1"),
        Q("conv_depth", "number L of parametric layers (convolutions and dense layers) of a convolutional network", InputDomain.PositiveInteger, "1"),
        Q("lip", "Lipschitz constants ‖A_l‖₂ of the parametric layers' linear maps l = 1 … conv_depth: the operator norm of a convolution on its whole input with its padding and stride, the spectral norm of a dense layer (a vector of length conv_depth)", InputDomain.PositiveReal, "weight"),
        Q("kernel_l21_init", "‖K_l − K_l⁰‖_(2,1) of the kernels l = 1 … conv_depth as Graf et al. (2022) group it: ℓ2 over the input channels of each (filter, ky, kx), summed (a vector of length conv_depth)", InputDomain.PositiveReal, "weight"),
        Q("ledent_a", "a_l of Ledent et al. (2021) as Graf et al. (2022) compute it, l = 1 … conv_depth: Σ over filters of each filter's ℓ2 distance from initialization, the last layer's Frobenius distance (a vector of length conv_depth)", InputDomain.PositiveReal, "weight"),
        Q("patch_norm", "b_l, the largest ℓ2 norm of one input patch (window, zero-padded) of parametric layer l on the training set, l = 1 … conv_depth (a vector of length conv_depth)", InputDomain.PositiveReal, "1"),
        Q("spatial_in", "d_l, the spatial input width of parametric layer l (1 for a dense layer), l = 1 … conv_depth (a vector of length conv_depth)", InputDomain.PositiveInteger, "1"),
        Q("out_units", "O_l m_l, output positions (patches) times output channels of parametric layer l, l = 1 … conv_depth (a vector of length conv_depth)", InputDomain.PositiveInteger, "1"),
        Q("ledent_bar_w", "W̄ = max_l O_l m_l (patches × output channels) of Ledent et al. (2021)", InputDomain.PositiveReal, "1"),

        // Margins (multiclass margin f(x)_y − max_{j≠y} f(x)_j; for a binary real-valued classifier y·h(x)).
        Q("gamma", "margin γ > 0 of the classifier's outputs", InputDomain.PositiveReal, "logit"),
        Q("gamma_max", "largest margin r a margin-uniform bound covers, fixed before seeing the data", InputDomain.PositiveReal, "logit"),
        Q("margin", "one training margin f(x)_y − max_{j≠y} f(x)_j, or a quantile of the training margins", InputDomain.Real, "logit"),
        Q("margin_q10", "γ of Jiang et al. (2020): the ⌊n/10⌋-th smallest training margin (0-based)", InputDomain.PositiveReal, "logit"),
        Q("ramp_loss", "empirical ramp loss (1/n) Σ_i ℓ_γ(margin_i) at margin gamma, ℓ_γ(m) = 1 for m ≤ 0, 1 − m/γ on (0, γ), 0 for m ≥ γ (Mohri et al.'s margin loss Φ_γ)", InputDomain.UnitInterval, "rate"),
        Q("margin_loss", "empirical margin error at margin gamma: fraction of training points with margin ≤ γ (≥ ramp_loss)", InputDomain.UnitInterval, "rate"),
        Q("rademacher", "empirical Rademacher complexity R̂_S(H) of the real-valued class", InputDomain.NonNegativeReal, "logit"),
        Q("rademacher_pi1", "an upper bound on the expected Rademacher complexity ℜ_m(Π₁(H)) of the per-class scores", InputDomain.NonNegativeReal, "logit"),

        // Flatness (Jiang et al. 2020, §C.3).
        Q("sharpness_sigma", "σ: the largest isotropic Gaussian weight-perturbation scale that raises the training error by at most the target (bisection, fixed seeds)", InputDomain.PositiveReal, "weight"),
        Q("sharpness_sigma_mag", "σ′: the largest magnitude-aware perturbation scale (variance σ′²w_i² + ε²) that raises the training error by at most the target", InputDomain.PositiveReal, "1"),
        Q("mag_log_ratio_init", "Σ_i ln((ε² + (σ′² + 1)‖w − w⁰‖²/ω)/(ε² + σ′²(w_i − w⁰_i)²)), ε = 10⁻³, over the weights (Jiang et al. 2020 eq. (56))", InputDomain.Real, "1"),
        Q("mag_log_ratio_orig", "Σ_i ln((ε² + (σ′² + 1)‖w‖²/ω)/(ε² + σ′²(w_i − w⁰_i)²)), ε = 10⁻³, over the weights (Jiang et al. 2020 eq. (57))", InputDomain.Real, "1"),

        // PAC-Bayes.
        Q("emp_risk", "empirical 0-1 risk R̂_Q (Gibbs risk) of the stochastic classifier Q", InputDomain.UnitInterval, "rate"),
        Q("mc_error", "Monte-Carlo estimate of the stochastic classifier's training error", InputDomain.UnitInterval, "rate"),
        Q("mc_samples", "number M of independent [0,1]-valued Monte-Carlo terms averaged in the estimate of the Gibbs risk (whole posterior samples, or one fresh sample per example and pass)", InputDomain.PositiveInteger, "1"),
        Q("kl", "KL(Q‖P) between the posterior and a data-independent prior", InputDomain.NonNegativeReal, "nats"),
        Q("catoni_c", "Catoni's trade-off constant C (λ = nC)", InputDomain.PositiveReal, "1"),
        Q("prior_index", "prior-variance grid index j of Dziugaite and Roy (2017), λ = 0.1·exp(−j/100)", InputDomain.PositiveInteger, "1"),
        Q("code_length_bits", "length ℓ in bits of a prefix-free code of the (quantized) hypothesis, the code fixed before seeing the data (`boundlab compress` computes it)", InputDomain.PositiveInteger, "bits"),

        // Stability and information (constants of the loss and the algorithm).
        Q("lipschitz", "Lipschitz constant L of the loss in the parameters", InputDomain.PositiveReal, "1"),
        Q("smoothness", "smoothness β of the loss in the parameters (its gradient is β-Lipschitz)", InputDomain.PositiveReal, "1"),
        Q("loss_max", "upper end C of the range [0, C] of the loss whose gap is bounded", InputDomain.PositiveReal, "rate"),
        Q("step_c", "step-size constant c of a schedule α_t ≤ c/t", InputDomain.PositiveReal, "1"),
        Q("steps", "number T of (stochastic) gradient steps of the run", InputDomain.PositiveInteger, "1"),
        Q("lr_sum", "Σ_t α_t, the sum of the step sizes over the run", InputDomain.NonNegativeReal, "1"),
        Q("sgld_beta", "inverse temperature β of SGLD (noise sqrt(2η/β)·N(0, I))", InputDomain.PositiveReal, "1"),
        Q("k0", "k₀ = min{k : η_k β L² < 1} of Mou et al. (2018)", InputDomain.NonNegativeReal, "1"),
        Q("eta_sum", "Σ_{k=k₀+1}^{N} η_k, the step sizes after k₀", InputDomain.NonNegativeReal, "1"),
        Q("grad_sum", "E Σ_t (γ_t²/σ_t²) g_e(t), g_e(t) the expected mean squared per-example gradient norm at step t (Li, Luo, Qiao 2020)", InputDomain.NonNegativeReal, "1"),
        Q("weighted_grad_sum", "Σ_k η_k e^(−λ(T_N − T_k)/2) E‖g_k‖², T_k = Σ_{j≤k} η_j (Mou et al. 2018)", InputDomain.NonNegativeReal, "1"),
        Q("incoherence_sum", "E[Σ_t β_t η_t ‖ξ_t‖²], ξ_t = ∇ℓ(w_t, z_J1) − ∇ℓ(w_t, z_J2) on a supersample pair (Haghifam et al. 2020)", InputDomain.NonNegativeReal, "1"),
        Q("cmi", "conditional mutual information CMI_D(A) = I(A(S̃_U); U | S̃) (supersample of 2n points, n selector bits)", InputDomain.NonNegativeReal, "nats"),
    ];

    private static readonly Dictionary<string, Quantity> byName = quantities.ToDictionary(q => q.Name, StringComparer.Ordinal);

    /// <summary>Every quantity, grouped as documented.</summary>
    public static IReadOnlyList<Quantity> All => quantities;

    /// <summary>The quantity with this name, or null. Per-layer names s_i and b_i (elements i of spec and l21_init) are
    /// recognized too.</summary>
    public static Quantity? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (byName.TryGetValue(name, out var q))
            return q;
        if (name.Length > 2 && name[1] == '_' && (name[0] == 's' || name[0] == 'b')
            && int.TryParse(name.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out int i) && i >= 1)
            return name[0] == 's'
                ? new Quantity(name, $"spectral norm ‖W_{i}‖₂ of weight matrix {i} (element {i} of spec)", InputDomain.PositiveReal, "weight")
                : new Quantity(name, $"‖W_{i}ᵀ − M_{i}ᵀ‖_(2,1) of weight matrix {i}, M_{i} the reference fixed before the data (element {i} of l21_init)", InputDomain.PositiveReal, "weight");
        return null;
    }

    /// <summary>The quantity with this name; throws naming the known names otherwise.</summary>
    public static Quantity Get(string name) =>
        Find(name) ?? throw new ArgumentException(
            $"'{name}' is not a quantity of the vocabulary; known: {string.Join(", ", quantities.Select(q => q.Name))}.", nameof(name));

    /// <summary>Input names entries used before the vocabulary, with their new names (for the CLI's error on an old name).</summary>
    public static IReadOnlyList<Renaming> Renamed { get; } =
    [
        new("*", "k", "classes"),
        new("*", "rho", "gamma"),
        new("*", "emp_margin_loss", "ramp_loss"),
        new("margin-mohri-uniform", "r", "gamma_max"),
        new("golowich-frobenius", "margin_loss", "ramp_loss"),
        new("neyshabur2015-frobenius", "input_norm", "x_max_norm"),
        new("nbs18-spectral", "input_norm", "x_max_norm"),
        new("nbs18-pacbayes-spectral", "input_norm", "input_domain_norm"),
        new("nlbls19-two-layer", "width", "hidden_units"),
        new("pacbayes-catoni", "C", "catoni_c"),
        new("pacbayes-catoni-grid", "C", "catoni_c"),
        new("lotfi22-compression", "C", "catoni_c"),
        new("llq20-gld", "C", "loss_max"),
        new("llq20-sgld", "C", "loss_max"),
        new("*", "L", "lipschitz"),
        new("hrs16-nonconvex", "beta", "smoothness"),
        new("hrs16-nonconvex", "c", "step_c"),
        new("hrs16-nonconvex", "T", "steps"),
        new("hrs16-convex", "sum_alpha", "lr_sum"),
        new("mou18-stability", "beta", "sgld_beta"),
        new("mou18-pacbayes", "beta", "sgld_beta"),
        new("dr17", "j", "prior_index"),
    ];

    /// <summary>The new name of an input <paramref name="entryId"/> once called <paramref name="old"/>, or null.</summary>
    public static string? RenamedTo(string entryId, string old) =>
        Renamed.FirstOrDefault(r => r.Old == old && r.Entry == entryId)?.New
        ?? Renamed.FirstOrDefault(r => r.Old == old && r.Entry == "*")?.New;
}
