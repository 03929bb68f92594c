using System.Globalization;
using System.Text.Json.Nodes;
using BoundLab.Numerics.Backends;
using BoundLab.Numerics.Data;
using BoundLab.Numerics.Models;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Numerics.Measurements;

/// <summary>What <see cref="NetworkMeasures.Compute"/> measures besides the always-cheap norms and margins.</summary>
/// <param name="Sharpness">The sharpness search's options; null skips it (it is the slow part).</param>
/// <param name="DataSpectralNorm">Whether to compute σ_max(X) of the training inputs (a power iteration over the whole set).</param>
public sealed record MeasureOptions(SharpnessOptions? Sharpness = null, bool DataSpectralNorm = true)
{
    /// <summary>Everything, sharpness with Jiang et al.'s defaults under <paramref name="seed"/>.</summary>
    public static MeasureOptions All(ulong seed = 0) => new(new SharpnessOptions(Seed: seed));

    /// <summary>Norms, margins and the path norm only: what a per-epoch record affords.</summary>
    public static MeasureOptions Cheap { get; } = new(null, false);
}

/// <summary>One quantile of the training margins.</summary>
/// <param name="Level">q ∈ [0, 1].</param>
/// <param name="Value">Type-7 quantile (see <see cref="Margins.Quantile"/>).</param>
public sealed record MarginQuantile(double Level, double Value);

/// <summary>The training margins' statistics.</summary>
/// <param name="Quantiles">At 0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 1.</param>
/// <param name="Mean">Mean margin.</param>
/// <param name="TrainError">Fraction of margins &lt; 0.</param>
/// <param name="Ties">Margins exactly 0.</param>
/// <param name="Q10">The ⌊n/10⌋-th smallest margin, 0-based (Jiang et al.'s margin).</param>
public sealed record MarginMeasures(IReadOnlyList<MarginQuantile> Quantiles, double Mean, double TrainError, int Ties, double Q10)
{
    /// <summary>The quantile levels reported.</summary>
    public static IReadOnlyList<double> Levels { get; } = [0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 1];

    /// <summary>The statistics of a list of margins.</summary>
    public static MarginMeasures Of(IReadOnlyList<double> margins)
    {
        ArgumentNullException.ThrowIfNull(margins);
        if (margins.Count == 0)
        {
            throw new ArgumentException("margins is empty; allowed: at least one margin.", nameof(margins));
        }

        return new MarginMeasures(Levels.Select(q => new MarginQuantile(q, Margins.Quantile(margins, q))).ToArray(),
            margins.Average(), margins.Count(m => m < 0) / (double)margins.Count, margins.Count(m => m == 0), Margins.Q10(margins));
    }
}

/// <summary>Every measurement of a trained network against its initialization on its training set, as a typed record;
/// <see cref="ToJson"/> is measures.json's object. A study calls <see cref="Cheap"/> after every epoch and
/// <see cref="Compute"/> at the end.</summary>
/// <param name="Arch">The architecture's name.</param>
/// <param name="Chain">Whether the model is a plain MLP (a chain of dense layers): path norm and unit counts need it.</param>
/// <param name="TrainCount">n, the training points measured on.</param>
/// <param name="Layers">W_1 … W_L (for named models, their dense layers only).</param>
/// <param name="LogProdSpectral">Σ ln σ_max(W_i); null when a factor is 0 or non-finite.</param>
/// <param name="LogProdFrobenius">Σ ln ‖W_i‖_F; null likewise.</param>
/// <param name="ParameterCount">Trainable parameters.</param>
/// <param name="HiddenUnits">Hidden units of an MLP; null otherwise.</param>
/// <param name="XNorm">‖X‖₂ = sqrt(Σ_i ‖x_i‖²) (BFT's data norm).</param>
/// <param name="InputNorm">max_i ‖x_i‖.</param>
/// <param name="XSpectralNorm">σ_max(X); null when not computed (<see cref="MeasureOptions.DataSpectralNorm"/>).</param>
/// <param name="LogPathNormSquared">ln of the squared ℓ2 path norm; null for non-chains or when non-finite.</param>
/// <param name="Margins">Margin statistics; null for regression.</param>
/// <param name="Sharpness">The sharpness searches; null when not measured or for regression.</param>
/// <param name="Trajectory">Trajectory sums of the run (set by the caller that has the run's trajectory); null when none.</param>
/// <param name="ParamLayers">Every convolution and dense layer of a convolutional chain (<see cref="ParamLayerMeasures.Applies"/>),
/// with operator norms and kernel norms; null for other models.</param>
public sealed record NetworkMeasures(
    string Arch, bool Chain, int TrainCount, IReadOnlyList<LayerMeasures> Layers, double? LogProdSpectral, double? LogProdFrobenius,
    long ParameterCount, long? HiddenUnits, double XNorm, double InputNorm, double? XSpectralNorm, double? LogPathNormSquared,
    MarginMeasures? Margins, SharpnessMeasures? Sharpness, TrajectoryMeasures? Trajectory = null, IReadOnlyList<ParamLayerMeasures>? ParamLayers = null)
{
    /// <summary>The ℓ2 path norm; null when <see cref="LogPathNormSquared"/> is null or its square root overflows.</summary>
    public double? PathNorm => LogPathNormSquared is { } l && double.IsFinite(Math.Exp(0.5 * l)) ? Math.Exp(0.5 * l) : null;

    /// <summary>Norms, margins and the path norm of <paramref name="net"/> against <paramref name="init"/> on
    /// <paramref name="train"/>: no sharpness, no σ_max(X).</summary>
    public static NetworkMeasures Cheap(Model<float> net, Model<float> init, Dataset train, int threads = 0)
        => Compute(net, init, train, MeasureOptions.Cheap, threads);

    /// <summary>Everything <paramref name="options"/> asks for (default: all but sharpness); bit-identical for any
    /// <paramref name="threads"/>.</summary>
    public static NetworkMeasures Compute(Model<float> net, Model<float> init, Dataset train, MeasureOptions? options = null,
        int threads = 0, IProgress<SharpnessProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(init);
        ArgumentNullException.ThrowIfNull(train);
        options ??= new MeasureOptions();
        options.Sharpness?.Validate();
        if (init.Spec != net.Spec)
        {
            throw new ArgumentException($"init is {init.Spec.Name}, net is {net.Spec.Name}; allowed: the same architecture.", nameof(init));
        }

        if (train.InputDim != net.Spec.InputDim)
        {
            throw new ArgumentException($"net {net.Spec.Name} takes {net.Spec.InputDim} inputs; '{train.Name}' has {train.InputDim}.", nameof(train));
        }

        if (train.Count == 0)
        {
            throw new ArgumentException($"'{train.Name}' is empty; allowed: at least one training point.", nameof(train));
        }

        int k = net.Spec.OutputDim;
        if (train.Labels is not null && k != train.Classes && !(k == 1 && train.Classes == 2))
        {
            throw new ArgumentException($"net {net.Spec.Name} has {k} outputs; '{train.Name}' has {train.Classes} classes.", nameof(train));
        }

        if (threads < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(threads), threads, "allowed: threads ≥ 0 (0 = all processors)");
        }

        return ComputeCore(net, init, train, options, threads, progress);
    }

    private static NetworkMeasures ComputeCore(Model<float> net, Model<float> init, Dataset train, MeasureOptions options,
        int threads, IProgress<SharpnessProgress>? progress)
    {
        Matrix<float>[] weights = net.DenseWeights(), initWeights = init.DenseWeights();
        LayerMeasures[] layers = weights.Select((w, i) => LayerMeasures.Compute(i + 1, w, initWeights[i])).ToArray();
        bool chain = net.Spec.Mlp is not null;
        IReadOnlyList<float[]> biases = net.Spec.Mlp is { Bias: true } ? net.DenseBiases() : [];
        double logPath = chain ? Measurements.PathNorm.LogSquared(weights, biases) : double.NaN;
        MarginMeasures? margins = null;
        SharpnessMeasures? sharpness = null;
        if (train.Labels is not null)
        {
            Matrix<float> logits = Model<float>.FromValues(net.Spec, new CpuBackend(threads), net.Values()).Predict(train.Inputs);
            margins = MarginMeasures.Of(Measurements.Margins.Compute(logits, train.Labels));
            if (options.Sharpness is { } s)
            {
                sharpness = Measurements.Sharpness.Compute(net, train, s, threads, progress);
            }
        }

        return new NetworkMeasures(
            net.Spec.Name, chain, train.Count, layers,
            LogProduct(layers.Select(l => l.SpectralNorm)), LogProduct(layers.Select(l => l.FrobeniusNorm)),
            chain ? Counts.Parameters(weights, biases) : net.ParameterCount, chain ? Counts.HiddenUnits(weights) : null,
            Norms.Frobenius(train.Inputs), Norms.MaxRowNorm(train.Inputs),
            options.DataSpectralNorm ? SpectralNorm.Compute(train.Inputs).Value : null,
            double.IsFinite(logPath) ? logPath : null, margins, sharpness, null,
            ParamLayerMeasures.Applies(net.Spec) ? ParamLayerMeasures.Compute(net, init, train.Inputs, threads) : null);
    }

    private static double? LogProduct(IEnumerable<double> factors)
    {
        double[] f = factors.ToArray();
        return f.All(x => x > 0 && double.IsFinite(x)) ? Norms.LogProduct(f) : null;
    }

    /// <summary>measures.json's object (without the run's path and weights hash, which the caller adds); throws rather
    /// than write a non-finite number.</summary>
    public JsonObject ToJson()
    {
        var layers = new JsonArray();
        foreach (LayerMeasures m in Layers)
        {
            layers.Add(new JsonObject
            {
                ["index"] = m.Index,
                ["shape"] = new JsonArray(m.Rows, m.Cols),
                ["spectral_norm"] = Finite("spectral_norm", m.SpectralNorm),
                ["spectral_method"] = m.SpectralMethod,
                ["frobenius_norm"] = Finite("frobenius_norm", m.FrobeniusNorm),
                ["frobenius_from_init"] = Finite("frobenius_from_init", m.FrobeniusFromInit),
                ["spectral_from_init"] = Finite("spectral_from_init", m.SpectralFromInit),
                ["l21"] = Finite("l21", m.L21),
                ["l21_from_init"] = Finite("l21_from_init", m.L21FromInit),
            });
        }

        var doc = new JsonObject
        {
            ["boundlab_measures"] = 1,
            ["arch"] = Arch,
            // A named model's layers list holds its dense layers only: a convolution's operator norm is not that of its
            // reshaped kernel, and a residual block's Lipschitz constant is not the product of its layers' norms.
            ["layers_cover"] = Chain ? "every weight matrix of the MLP"
                : ParamLayers is null ? "the dense layers only (not convolutions; residual structure ignored)"
                : "the dense layers only (not convolutions); param_layers holds every convolution and dense layer with its operator norm",
            ["n_train"] = TrainCount,
            ["layers"] = layers,
            ["log_prod_spectral"] = LogProdSpectral,
            ["log_prod_frobenius"] = LogProdFrobenius,
            ["parameter_count"] = ParameterCount,
            ["hidden_units"] = HiddenUnits,
            // The catalog's vocabulary: x_norm is BFT's data norm ‖X‖₂ = sqrt(Σ_i ‖x_i‖²) (the Frobenius norm of the data
            // matrix, an input of the spectral and margin entries) and input_norm is max_i ‖x_i‖; the spectral norm of X
            // is ≤ x_norm and would under-report those bounds, so it gets its own key.
            ["x_norm"] = Finite("x_norm", XNorm),
            ["input_norm"] = Finite("input_norm", InputNorm),
            ["x_spectral_norm"] = XSpectralNorm is { } xs ? Finite("x_spectral_norm", xs) : null,
            ["path_norm"] = PathNorm,
            ["log_path_norm_squared"] = LogPathNormSquared,
        };

        // Regression: margins are not defined; the keys stay, as null, so readers see why.
        doc["margin_q10"] = Margins?.Q10;
        doc["margins"] = Margins is null ? null : MarginsJson(Margins);
        AddSharpness(doc);
        doc["trajectory"] = Trajectory?.ToJson();
        if (ParamLayers is not null)
            doc["param_layers"] = ParamLayersJson(ParamLayers);
        return doc;
    }

    private static JsonArray ParamLayersJson(IReadOnlyList<ParamLayerMeasures> layers)
    {
        var array = new JsonArray();
        foreach (ParamLayerMeasures m in layers)
        {
            array.Add(new JsonObject
            {
                ["index"] = m.Index,
                ["kind"] = m.Kind,
                ["in"] = new JsonArray(m.InHeight, m.InWidth, m.InChannels),
                ["out"] = new JsonArray(m.OutHeight, m.OutWidth, m.OutChannels),
                ["kernel"] = m.Kernel,
                ["stride"] = m.Stride,
                ["padding"] = m.Padding,
                ["kernel_params"] = m.KernelParams,
                ["lipschitz"] = Finite("lipschitz", m.Lipschitz),
                ["lipschitz_method"] = m.LipschitzMethod,
                ["kernel_spectral_norm"] = Finite("kernel_spectral_norm", m.KernelSpectral),
                ["frobenius_from_init"] = Finite("frobenius_from_init", m.FrobeniusFromInit),
                ["kernel_l21_from_init"] = Finite("kernel_l21_from_init", m.KernelL21FromInit),
                ["filter_l2_sum_from_init"] = Finite("filter_l2_sum_from_init", m.FilterL2SumFromInit),
                ["max_filter_norm"] = Finite("max_filter_norm", m.MaxFilterNorm),
                ["max_overlap"] = m.MaxOverlap,
                ["max_patch_norm"] = Finite("max_patch_norm", m.MaxPatchNorm),
            });
        }

        return array;
    }

    private static JsonObject MarginsJson(MarginMeasures m)
    {
        var quantiles = new JsonObject();
        foreach (MarginQuantile q in m.Quantiles)
        {
            quantiles[q.Level.ToString("0.##", CultureInfo.InvariantCulture)] = q.Value;
        }

        return new JsonObject
        {
            ["quantiles"] = quantiles,
            ["mean"] = m.Mean,
            ["train_error"] = m.TrainError,
            ["ties"] = m.Ties,
        };
    }

    // Keys stay (null) when sharpness was not measured, so a reader sees it was skipped rather than missing.
    private void AddSharpness(JsonObject doc)
    {
        SharpnessMeasures? s = Sharpness;
        doc["sharpness_sigma"] = s?.Isotropic.Sigma;
        doc["sharpness_sigma_mag"] = s?.MagnitudeAware.Sigma;
        doc["sharpness_target"] = s?.Options.Target;
        doc["sharpness_draws"] = s?.Options.Draws;
        doc["sharpness_subsample"] = s?.SubsampleSize;
        doc["sharpness_mag_eps"] = s?.Options.MagnitudeEpsilon;
        doc["sharpness"] = s is null ? null : new JsonObject
        {
            ["criterion"] = "mean training error over the draws minus the unperturbed one, on the subsample",
            ["base_error"] = s.BaseError,
            ["seed"] = s.Options.Seed,
            ["lower"] = s.Options.Lower,
            ["upper"] = s.Options.Upper,
            ["depth"] = s.Options.Depth,
            ["tolerance"] = s.Options.Tolerance,
            ["isotropic"] = SearchJson(s.Isotropic, "w_i + σ·ξ_i, ξ_i ~ N(0, 1)"),
            ["magnitude_aware"] = SearchJson(s.MagnitudeAware, "w_i + sqrt(σ′²·w_i² + ε²)·ξ_i, ξ_i ~ N(0, 1)"),
        };
    }

    private static JsonObject SearchJson(SharpnessSearch s, string perturbation) => new()
    {
        ["perturbation"] = perturbation,
        ["sigma"] = Finite("sharpness sigma", s.Sigma),
        ["increase"] = Finite("sharpness increase", s.Increase),
        ["evaluations"] = s.Evaluations,
        ["converged"] = s.Converged,
        ["bracket"] = new JsonArray(s.Bracket.Lo, s.Bracket.Hi),
        ["upper_reached"] = s.UpperReached,
    };

    private static double Finite(string name, double v)
        => double.IsFinite(v) ? v : throw new InvalidOperationException($"{name} is {v}; refusing to write a non-finite number to measures.json.");
}
