using System.Globalization;
using System.Text.Json.Nodes;
using BoundLab.Bounds.Catalog.Sweep;
using BoundLab.Bounds.Catalog;
using BoundLab.Numerics.Backends;
using BoundLab.Numerics.Data;
using BoundLab.Numerics.Measurements;
using BoundLab.Numerics.Models;
using BoundLab.Numerics.Runs;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Studies.Evaluation;

/// <summary>The norms of one weight matrix W_i the catalog's layer-wise quantities are built from.</summary>
/// <param name="Spectral">‖W_i‖₂.</param>
/// <param name="Frobenius">‖W_i‖_F.</param>
/// <param name="FrobeniusFromInit">‖W_i − W_i⁰‖_F.</param>
/// <param name="SpectralFromInit">σ_max(W_i − W_i⁰).</param>
/// <param name="L21FromInit">‖W_iᵀ − W_i⁰ᵀ‖_(2,1) (BFT's column convention).</param>
public sealed record LayerNorms(double Spectral, double Frobenius, double FrobeniusFromInit, double SpectralFromInit, double L21FromInit);

/// <summary>A run folder that cannot be read: the message names the folder, the file and what is wrong.</summary>
public sealed class RunFolderException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RunFolderException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>
/// What one trained run determines, in <see cref="BoundLab.Bounds.Catalog.Vocabulary"/> names: its facts (for the
/// entries' applicability), the quantities from run.json and measures.json (or from the in-memory network after an
/// epoch), and the per-sample training margins, from which margin losses are computed at whatever γ an entry is
/// evaluated at (<see cref="MarginLosses"/>).
/// </summary>
/// <param name="Facts">Classes, depth, activation, optimizer, loss, biases, batch.</param>
/// <param name="Values">Quantity name → value (finite only).</param>
/// <param name="Sources">Quantity name → where it came from ("run.json data.n_train", "measures.json layers (Π spectral_norm)").</param>
/// <param name="Layers">The per-layer norms W_1 … W_L (empty when not measured or not a plain MLP).</param>
/// <param name="Margins">Per-sample training margins f(x)_y − max_{j≠y} f(x)_j; null when not computed or regression.</param>
/// <param name="HasMeasures">Whether measures.json (or an in-memory measurement) was available.</param>
public sealed record RunQuantities(RunFacts Facts, IReadOnlyDictionary<string, double> Values, IReadOnlyDictionary<string, string> Sources,
    IReadOnlyList<LayerNorms> Layers, IReadOnlyList<double>? Margins, bool HasMeasures)
{
    /// <summary>ε of Jiang et al.'s magnitude-aware perturbation (their §C.3.1; 10⁻³ in the reference code).</summary>
    public const double MagnitudeEpsilon = 1e-3;

    /// <summary>The vocabulary's per-layer vectors (spec = ‖W_i‖₂, l21_init = ‖W_iᵀ − W_i⁰ᵀ‖_(2,1), i = 1 … depth) of a
    /// plain MLP with measured layers; empty otherwise.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<double>> Vectors => Layers.Count == 0 || !Facts.IsMlp
        ? ConvVectors
        : new Dictionary<string, IReadOnlyList<double>>(StringComparer.Ordinal)
        {
            ["spec"] = Layers.Select(l => l.Spectral).ToArray(),
            ["l21_init"] = Layers.Select(l => l.L21FromInit).ToArray(),
        };

    /// <summary>The per-layer vectors of a convolutional chain (measures.json param_layers): lip, kernel_l21_init, ledent_a,
    /// patch_norm, spatial_in and out_units, each of length conv_depth; empty otherwise.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<double>> ConvVectors { get; init; } = BoundInputs.NoVectors;

    /// <summary>Reads DIR/run.json (required) and DIR/measures.json (optional); with <paramref name="margins"/>, also
    /// rebuilds the training set and recomputes the per-sample margins from weights.bin (and the magnitude-aware
    /// flatness sums from both weight files, when measures.json has sharpness_sigma_mag).</summary>
    public static RunQuantities Load(string dir, bool margins, int threads)
    {
        ArgumentNullException.ThrowIfNull(dir);
        var layout = new RunLayout(dir);
        if (!File.Exists(layout.RunFile))
            throw new RunFolderException($"{dir} is not a finished run folder: it holds no {RunLayout.RunFileName}.");
        RunDocument run;
        try
        {
            run = RunDocument.Read(layout.RunFile);
        }
        catch (RunFileException e)
        {
            throw new RunFolderException($"{dir}: run.json is not readable ({e.Message.TrimEnd('.')}).", e);
        }

        JsonObject? measures = null;
        if (File.Exists(layout.MeasuresFile))
        {
            try
            {
                measures = JsonNode.Parse(File.ReadAllText(layout.MeasuresFile))?.AsObject() ?? throw new FormatException("empty document");
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or FormatException or InvalidOperationException)
            {
                throw new RunFolderException($"{dir}: measures.json is not valid JSON ({e.Message.Split('\n')[0].TrimEnd('.')}).", e);
            }
        }

        if (!margins || !run.Data.IsClassification)
            return FromDocuments(run, measures, null, null);

        var backend = new CpuBackend(Math.Max(1, threads));
        Model<float> net = LoadWeights(dir, layout.WeightsFile, backend);
        Model<float> init = LoadWeights(dir, layout.InitialWeightsFile, backend);
        RunConfig c = run.Config;
        Dataset train = Datasets.Load(new DataOptions(c.Data, c.DataDir, c.TrainSize, c.TestSize, c.LabelNoise, c.Seed)).Train;
        double[] m = Numerics.Measurements.Margins.Compute(net.Predict(train.Inputs), train.Labels!);
        var mag = measures?["sharpness_sigma_mag"] is JsonValue v && v.TryGetValue(out double sigma) && sigma > 0
            ? MagnitudeSums(net, init, sigma) : ((double, double)?)null;
        var q = FromDocuments(run, measures, m, mag);
        q = q with { Values = WithInitHidden(q.Values, init, train), Sources = WithInitHiddenSource(q.Sources, init) };
        return q.Values.TryGetValue("sharpness_sigma", out double sharp) && sharp > 0
            ? WithPosterior(q, GibbsPosterior.Estimate(net, init, train, sharp, GibbsPosterior.DefaultSamples, c.Seed, threads))
            : q;
    }

    // Dziugaite and Roy's posterior at the sharpness σ: KL, its grid index and the Monte-Carlo Gibbs error with its δ′.
    private static RunQuantities WithPosterior(RunQuantities q, GibbsPosterior p)
    {
        var values = new Dictionary<string, double>(q.Values, StringComparer.Ordinal)
        {
            ["kl"] = p.Kl, ["prior_index"] = p.PriorIndex, ["mc_error"] = p.McError, ["mc_samples"] = p.McSamples,
            ["delta_mc"] = GibbsPosterior.DefaultDeltaMc,
        };
        string from = $"posterior N(w, λ_j I), prior N(w₀, λ_j I), j = {p.PriorIndex} from sharpness_sigma";
        var sources = new Dictionary<string, string>(q.Sources, StringComparer.Ordinal)
        {
            ["kl"] = $"‖w − w₀‖²/(2λ_j): {from}", ["prior_index"] = from, ["mc_error"] = $"{p.McSamples} draws from the {from}",
            ["mc_samples"] = from, ["delta_mc"] = "Dziugaite and Roy's δ′ = 0.01",
        };
        return q with { Values = values, Sources = sources };
    }

    private static IReadOnlyDictionary<string, double> WithInitHidden(IReadOnlyDictionary<string, double> values, Model<float> init, Dataset train) =>
        init.Spec.Mlp is { Layers: 2 } && InitHiddenRms(init, train) is var h && double.IsFinite(h)
            ? new Dictionary<string, double>(values, StringComparer.Ordinal) { ["init_hidden_rms"] = h }
            : values;

    private static IReadOnlyDictionary<string, string> WithInitHiddenSource(IReadOnlyDictionary<string, string> sources, Model<float> init) =>
        init.Spec.Mlp is { Layers: 2 }
            ? new Dictionary<string, string>(sources, StringComparer.Ordinal) { ["init_hidden_rms"] = "weights-init.bin on the training inputs" }
            : sources;

    // Neyshabur et al. (2019), Theorem 1's ‖[U₀X]_+‖_F/√n (their released code's form): the initial hidden layer's output
    // norm, without biases (the theorem's f(x) = V[Ux]_+ has none).
    internal static double InitHiddenRms(Model<float> init, Dataset train)
    {
        Matrix<float> u0 = init.DenseWeights()[0];
        Matrix<float> x = train.Inputs;
        double total = 0;
        for (int i = 0; i < x.Rows; i++)
        {
            ReadOnlySpan<float> xi = x.Row(i);
            for (int h = 0; h < u0.Rows; h++)
            {
                ReadOnlySpan<float> row = u0.Row(h);
                double z = 0;
                for (int j = 0; j < row.Length; j++)
                    z += (double)row[j] * xi[j];
                if (z > 0)
                    total += z * z;
            }
        }

        return Math.Sqrt(total / x.Rows);
    }

    private static Model<float> LoadWeights(string dir, string path, CpuBackend backend)
    {
        if (!File.Exists(path))
            throw new RunFolderException($"{dir}: {Path.GetFileName(path)} is missing; the margins are recomputed from the saved weights.");
        return ModelFile.Load(path, backend);
    }

    /// <summary>The facts of a run as run.json records them.</summary>
    public static RunFacts FactsOf(RunDocument run)
    {
        ArgumentNullException.ThrowIfNull(run);
        RunConfig c = run.Config;
        return new RunFacts(run.Data.IsClassification ? run.Data.Classes : null, c.Layers, c.IsMlp ? c.Activation : "mixed",
            c.Optimizer, c.Loss, c.Bias, c.IsMlp)
        {
            Batch = c.Gradient?.Batch,
            NTrain = run.Data.NTrain,
        };
    }

    /// <summary>The quantities of a run from its documents; <paramref name="margins"/> and <paramref name="magnitudeSums"/> optional.</summary>
    public static RunQuantities FromDocuments(RunDocument run, JsonObject? measures, IReadOnlyList<double>? margins,
        (double Init, double Orig)? magnitudeSums)
    {
        ArgumentNullException.ThrowIfNull(run);
        var q = new Builder();
        RunFacts facts = FactsOf(run);
        RunConfig c = run.Config;
        q.Add("n", run.Data.NTrain, "run.json data.n_train");
        q.Add("n_test", run.Data.NTest, "run.json data.n_test");
        if (run.Data.IsClassification)
        {
            q.Add("train_error", run.Results.TrainError, "run.json train_error");
            q.Add("test_error", run.Results.TestError, "run.json test_error");
            if (run.Data.Classes is int k)
                q.Add("classes", k, "run.json data.classes");
            // The gap is that of the 0-1 loss, whose range is [0, 1].
            q.Add("loss_max", 1, "the 0-1 loss takes values in [0, 1]");
        }

        q.Add("params", run.Results.ParameterCount, "run.json parameter_count");
        if (c.Optimizer == "sgld" && c.Gradient?.Beta is double beta)
            q.Add("sgld_beta", beta, "run.json config.beta (SGLD inverse temperature)");
        if (c.IsMlp)
        {
            int[] widths = c.Arch.Split('-').Select(w => int.Parse(w, CultureInfo.InvariantCulture)).ToArray();
            q.Add("depth", widths.Length - 1, "run.json arch (number of weight matrices)");
            q.Add("width", widths.Max(), "run.json arch (largest width, input included)");
            if (widths.Length == 3)
                q.Add("hidden_units", widths[1], "run.json arch (hidden width of a two-layer network)");
            // Bartlett, Harvey, Liaw, Mehrabian (2019): the VC dimension of sign(f) for a piecewise-linear (ReLU: 2 pieces)
            // binary classifier; two outputs with argmax are sign(f_1 − f_2), a one-output network of the same hidden layers.
            if (run.Data.Classes == 2 && widths[^1] <= 2 && c.Activation == "relu")
            {
                VcArchitecture vc = VcDimension.Bhlm19(widths, c.Bias, pieces: 2);
                const string from = "run.json arch (VcDimension.Bhlm19, ReLU: 2 pieces)";
                q.Add("cumulative_params", vc.CumulativeParameters, from);
                q.Add("weighted_units", vc.WeightedUnits, from);
                q.Add("vc_dim", vc.VcDim, from);
            }
        }

        IReadOnlyList<LayerNorms> layers = [];
        if (measures is not null)
        {
            Scalar(q, measures, "x_norm", "x_norm");
            Scalar(q, measures, "input_norm", "x_max_norm");
            Scalar(q, measures, "path_norm", "path_norm");
            Scalar(q, measures, "margin_q10", "margin_q10");
            Scalar(q, measures, "sharpness_sigma", "sharpness_sigma");
            Scalar(q, measures, "sharpness_sigma_mag", "sharpness_sigma_mag");
            if (measures["trajectory"] is JsonObject trajectory)
                TrajectoryQuantities(q, trajectory);
            if (c.IsMlp && measures["layers"] is JsonArray array)
            {
                layers = array.Select(l => new LayerNorms(Num(l, "spectral_norm"), Num(l, "frobenius_norm"), Num(l, "frobenius_from_init"),
                    Num(l, "spectral_from_init"), Num(l, "l21_from_init"))).ToArray();
                AddLayerQuantities(q, layers, "measures.json layers");
            }
        }

        if (q.Values.TryGetValue("x_norm", out double xNorm))
            q.Add("x_rms", xNorm / Math.Sqrt(run.Data.NTrain), "x_norm/√n");
        if (magnitudeSums is { } mag)
        {
            q.Add("mag_log_ratio_init", mag.Init, "weights.bin, weights-init.bin and measures.json sharpness_sigma_mag");
            q.Add("mag_log_ratio_orig", mag.Orig, "weights.bin, weights-init.bin and measures.json sharpness_sigma_mag");
        }

        IReadOnlyDictionary<string, IReadOnlyList<double>> conv = BoundInputs.NoVectors;
        if (!c.IsMlp && measures?["param_layers"] is JsonArray parametric && parametric.Count > 0)
            conv = ConvQuantities(q, parametric);
        return new RunQuantities(facts, q.Values, q.Sources, layers, margins, measures is not null) { ConvVectors = conv };
    }

    // Graf et al. (2022) and Ledent et al. (2021) as Graf et al.'s code evaluates them (bounds/rademacher_bounds.py): the
    // layers' Lipschitz constants, kernel distances from initialization (Ledent's a_L of the last layer is its Frobenius
    // distance), the largest input patches, and the geometry. Only the per-layer vectors go to the catalog, so the
    // fixed-constraint entries (graf22-conv, ledent21-conv), whose norms must be chosen before the data, get no aggregate.
    private static IReadOnlyDictionary<string, IReadOnlyList<double>> ConvQuantities(Builder q, JsonArray layers)
    {
        double[] Col(string key) => layers.Select(l => Num(l, key)).ToArray();
        int Int(JsonNode? l, string key, int at) => l?[key] is JsonArray a && a.Count == 3 && a[at] is JsonValue v && v.TryGetValue(out int x) ? x : 0;
        double[] lip = Col("lipschitz"), l21 = Col("kernel_l21_from_init"), filters = Col("filter_l2_sum_from_init"),
            frob = Col("frobenius_from_init"), patch = Col("max_patch_norm"), kernelParams = Col("kernel_params");
        double[] ledentA = filters.Select((f, i) => i == filters.Length - 1 ? frob[i] : f).ToArray();
        double[] spatial = layers.Select(l => (double)Int(l, "in", 1)).ToArray();
        double[] outUnits = layers.Select(l => (double)Int(l, "out", 0) * Int(l, "out", 1) * Int(l, "out", 2)).ToArray();
        var all = new[] { lip, l21, ledentA, patch, kernelParams, spatial, outUnits };
        if (all.Any(v => v.Any(x => !double.IsFinite(x))))
            return BoundInputs.NoVectors;
        const string from = "measures.json param_layers";
        q.Add("conv_depth", layers.Count, $"{from} (number of convolutions and dense layers)");
        q.Add("max_params", kernelParams.Max(), $"{from} (max kernel_params)");
        q.Add("ledent_bar_w", outUnits.Max(), $"{from} (max out height·width·channels)");
        return new Dictionary<string, IReadOnlyList<double>>(StringComparer.Ordinal)
        {
            ["lip"] = lip, ["kernel_l21_init"] = l21, ["ledent_a"] = ledentA, ["patch_norm"] = patch,
            ["spatial_in"] = spatial, ["out_units"] = outUnits,
        };
    }

    /// <summary>The cheap quantities of an in-memory network after an epoch: norms and margins, no sharpness.</summary>
    public static RunQuantities FromModel(RunFacts facts, Model<float> net, Model<float> init, Dataset train, int threads)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(init);
        ArgumentNullException.ThrowIfNull(train);
        var q = new Builder();
        q.Add("n", train.Count, "the training set");
        if (facts.Classes is int k)
        {
            q.Add("classes", k, "the training set");
            q.Add("loss_max", 1, "the 0-1 loss takes values in [0, 1]");
        }

        q.Add("params", net.ParameterCount, "the network");
        q.Add("x_norm", Norms.Frobenius(train.Inputs), "the training inputs");
        q.Add("x_max_norm", Norms.MaxRowNorm(train.Inputs), "the training inputs");
        q.Add("x_rms", Norms.Frobenius(train.Inputs) / Math.Sqrt(train.Count), "the training inputs");
        IReadOnlyList<LayerNorms> layers = [];
        if (net.Spec.Mlp is { } mlp)
        {
            q.Add("depth", mlp.Layers, "the network");
            q.Add("width", mlp.Widths.Max(), "the network");
            if (mlp.Layers == 2)
                q.Add("hidden_units", mlp.Widths[1], "the network");
            Matrix<float>[] w = net.DenseWeights(), w0 = init.DenseWeights();
            layers = w.Select((wi, i) =>
            {
                var m = LayerMeasures.Compute(i + 1, wi, w0[i]);
                return new LayerNorms(m.SpectralNorm, m.FrobeniusNorm, m.FrobeniusFromInit, m.SpectralFromInit, m.L21FromInit);
            }).ToArray();
            AddLayerQuantities(q, layers, "the network");
            IReadOnlyList<float[]> biases = mlp.Bias ? net.DenseBiases() : [];
            q.Add("path_norm", Math.Exp(0.5 * PathNorm.LogSquared(w, biases)), "the network");
            if (mlp.Layers == 2)
                q.Add("init_hidden_rms", InitHiddenRms(init, train), "the initial network on the training inputs");
        }

        double[]? margins = null;
        if (train.Labels is not null)
        {
            var copy = Model<float>.FromValues(net.Spec, new CpuBackend(Math.Max(1, threads)), net.Values());
            margins = Numerics.Measurements.Margins.Compute(copy.Predict(train.Inputs), train.Labels);
            q.Add("margin_q10", Numerics.Measurements.Margins.Q10(margins), "the training margins");
        }

        return new RunQuantities(facts, q.Values, q.Sources, layers, margins, true);
    }

    /// <summary>The empirical ramp loss and margin error at γ (computed at exactly the γ given, e.g. the grid point an
    /// entry snaps the measured margin to); null without margins.</summary>
    public (double Ramp, double MarginError)? MarginLosses(double gamma) =>
        Margins is null ? null : (Numerics.Measurements.Margins.RampLoss(Margins, gamma), Numerics.Measurements.Margins.MarginError(Margins, gamma));

    // Jiang et al. (2020), eqs. (56) and (57): Σ_i ln((ε² + (σ′² + 1)‖r‖²/ω)/(ε² + σ′²(w_i − w⁰_i)²)) with r = w − w⁰
    // (init) or r = w (orig), over the weights (biases excluded, as the reference implementation does), ω their number.
    internal static (double Init, double Orig) MagnitudeSums(Model<float> net, Model<float> init, double sigma)
    {
        Matrix<float>[] w = net.DenseWeights(), w0 = init.DenseWeights();
        double distSq = 0, normSq = 0;
        long omega = 0;
        for (int l = 0; l < w.Length; l++)
            for (int i = 0; i < w[l].Data.Length; i++)
            {
                double a = w[l].Data[i], d = a - w0[l].Data[i];
                distSq += d * d;
                normSq += a * a;
                omega++;
            }

        double e2 = MagnitudeEpsilon * MagnitudeEpsilon, s2 = sigma * sigma;
        double numInit = e2 + (s2 + 1) * distSq / omega, numOrig = e2 + (s2 + 1) * normSq / omega;
        double sumInit = 0, sumOrig = 0;
        for (int l = 0; l < w.Length; l++)
            for (int i = 0; i < w[l].Data.Length; i++)
            {
                double d = (double)w[l].Data[i] - w0[l].Data[i];
                double den = Math.Log(e2 + s2 * d * d);
                sumInit += Math.Log(numInit) - den;
                sumOrig += Math.Log(numOrig) - den;
            }

        return (sumInit, sumOrig);
    }

    private static void AddLayerQuantities(Builder q, IReadOnlyList<LayerNorms> layers, string source)
    {
        if (layers.Count == 0)
            return;
        // Each multiplication is rounded up one ulp, so the product is never below the product of the measured norms.
        q.Add("spec_prod", layers.Aggregate(1.0, (p, l) => Math.BitIncrement(p * l.Spectral)), $"{source} (Π spectral_norm)");
        q.Add("frob_prod", layers.Aggregate(1.0, (p, l) => Math.BitIncrement(p * l.Frobenius)), $"{source} (Π frobenius_norm)");
        q.Add("log_spec_prod", layers.Sum(l => Math.Log(l.Spectral)), $"{source} (Σ ln spectral_norm)");
        q.Add("log_frob_prod", layers.Sum(l => Math.Log(l.Frobenius)), $"{source} (Σ ln frobenius_norm)");
        q.Add("frob_ratio_sum", layers.Sum(l => l.Frobenius * l.Frobenius / (l.Spectral * l.Spectral)), $"{source} (Σ ‖W_i‖_F²/‖W_i‖₂²)");
        q.Add("dist_frob_ratio_sum", layers.Sum(l => l.FrobeniusFromInit * l.FrobeniusFromInit / (l.Spectral * l.Spectral)), $"{source} (Σ ‖W_i − W_i⁰‖_F²/‖W_i‖₂²)");
        q.Add("frob_sq_sum", layers.Sum(l => l.Frobenius * l.Frobenius), $"{source} (Σ frobenius_norm²)");
        q.Add("dist_frob_sq_sum", layers.Sum(l => l.FrobeniusFromInit * l.FrobeniusFromInit), $"{source} (Σ frobenius_from_init²)");
        q.Add("dist_spec_sq_sum", layers.Sum(l => l.SpectralFromInit * l.SpectralFromInit), $"{source} (Σ spectral_from_init²)");
        for (int i = 0; i < layers.Count; i++)
        {
            string k = (i + 1).ToString(CultureInfo.InvariantCulture);
            q.Add($"s_{k}", layers[i].Spectral, $"{source}[{i}].spectral_norm");
            q.Add($"b_{k}", layers[i].L21FromInit, $"{source}[{i}].l21_from_init");
        }

        if (layers.Count == 2)
        {
            q.Add("v_frob", layers[1].Frobenius, $"{source}[1].frobenius_norm (output layer V)");
            q.Add("u_dist", layers[0].FrobeniusFromInit, $"{source}[0].frobenius_from_init (hidden layer U − U₀)");
        }
    }

    // The trajectory sums measure shows (one realized trajectory); the stability entries bound an expectation over the
    // algorithm's randomness, so a single run's sum stands in for its mean (the report says so for family stability).
    private static void TrajectoryQuantities(Builder q, JsonObject t)
    {
        void From(string key, string name)
        {
            if (t[key] is JsonValue v && v.TryGetValue(out double x))
                q.Add(name, x, $"measures.json trajectory.{key}");
        }

        From("steps", "steps");
        From("eta_sum", "lr_sum");
        From("weighted_grad_sum", "weighted_grad_sum");
        if (t["grad_stat_steps"] is JsonValue g && g.TryGetValue(out double recorded) && recorded > 0)
            From("grad_sum", "grad_sum");
        From("incoherence_sum", "incoherence_sum");
        From("lipschitz", "lipschitz");
        if (t["lipschitz"] is JsonValue l && l.TryGetValue(out double _))
        {
            From("k0", "k0");
            From("eta_sum_after_k0", "eta_sum");
        }
    }

    private static void Scalar(Builder q, JsonObject measures, string key, string name)
    {
        if (measures[key] is JsonValue v && v.TryGetValue(out double x))
            q.Add(name, x, $"measures.json {key}");
    }

    private static double Num(JsonNode? layer, string key) =>
        layer?[key] is JsonValue v && v.TryGetValue(out double x) ? x : double.NaN;

    // Collects finite values only (a quantity the run does not determine is left out, never NaN).
    private sealed class Builder
    {
        public Dictionary<string, double> Values { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, string> Sources { get; } = new(StringComparer.Ordinal);

        public void Add(string name, double value, string source)
        {
            if (!double.IsFinite(value))
                return;
            Values[name] = value;
            Sources[name] = source;
        }
    }
}
