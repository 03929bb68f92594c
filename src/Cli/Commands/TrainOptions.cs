using BoundLab.Cli.Framework;
using BoundLab.Cli.Framework.Options;
using T = BoundLab.Cli.Commands.OptionSets.Training;
using BoundLab.Gpu;
using BoundLab.Numerics;
using BoundLab.Numerics.Data;
using BoundLab.Numerics.Losses;
using BoundLab.Numerics.Models;
using BoundLab.Numerics.Optimizers;
using BoundLab.Numerics.Training;

namespace BoundLab.Cli.Commands;

/// <summary>The options of <c>boundlab train</c>, parsed and checked (every bad value is a UsageException).</summary>
/// <param name="Device">--device (<see cref="DeviceKind.Cpu"/> by default).</param>
internal sealed record TrainOptions(TrainConfig Config, DataOptions Data, string OutDir, bool Resume, bool Force, string? ModelName = null,
    DeviceKind Device = DeviceKind.Cpu)
{
    /// <summary>With <c>--model NAME</c>, the model built for the loaded data's input and output widths.</summary>
    public TrainOptions ResolveModel(Dataset train)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (ModelName is null)
        {
            return this;
        }

        bool bias = Config.Model.Mlp?.Bias ?? true;
        ModelSpec model;
        try
        {
            model = ModelSpec.Parse(ModelName, train.InputDim, train.OutputDim, bias);
        }
        catch (ArgumentException e)
        {
            throw UsageException.BadValue("--model", ModelName, $"{string.Join(", ", ModelSpec.Named)} ({e.Message.Split(" (Parameter")[0]})");
        }

        return this with { Config = Config with { Model = model } };
    }

    /// <summary>--grad-subsample: SGLD records g_e on a fixed subsample of M training points.</summary>
    public static readonly CliOption<int> GradStatSubsample = Opt.Int("--grad-subsample", "M",
        "sgld: record g_e = mean over M fixed training points of ‖∇ℓ(w, z_i)‖² (trajectory.csv grad_stat)", null, min: 1, defaultText: "off");

    /// <summary>--grad-every: record the statistics at steps 0, K, 2K, ….</summary>
    public static readonly CliOption<int> GradStatEvery = Opt.Int("--grad-every", "K",
        "sgld: record the per-step statistics at steps 0, K, 2K, … (the trajectory sums hold each value for K steps)", null, min: 1, defaultText: "1");

    /// <summary>--supersample: train on n of 2n points chosen by seeded selector bits; record the pairs' incoherence.</summary>
    public static readonly CliFlag Supersample = Opt.Flag("--supersample",
        "sgld: load 2n points (n = --train-size), train on n chosen by seeded selector bits (RUN_DIR/supersample.csv), and record the incoherence of the first M pairs");

    /// <summary>The declaration of train's options (data, model, optimization, run), from which help and completion come.</summary>
    public static CommandSpec Spec { get; } = new("train", "train a network; writes run.json with errors, gap, throughput and the weights",
        [.. OptionSets.Data.All, .. OptionSets.Training.All, GradStatSubsample, GradStatEvery, Supersample], notes: """

        An option that does not apply to the chosen data, optimizer, schedule or init is an error.
        One run per folder at a time; a finished run is never continued or replaced without --force.
        --optimizer admm has its own options: boundlab train --optimizer admm --help.
        --grad-subsample M (sgld) adds trajectory.csv's grad_stat column: g_e(t) at the weights step t starts
        from, on M training points fixed by the seed; with --grad-every K only at steps 0, K, 2K, … (the other
        cells empty; boundlab measure holds each value for the K steps that follow). With --supersample the
        incoherence column is the mean over the first M pairs of ‖∇ℓ(w, z_{j,0}) − ∇ℓ(w, z_{j,1})‖²; run.json's
        config train_size is then 2n and data.n_train is n.
        """);

    /// <summary>Parses and checks the options; nothing is read from disk but --data-dir's existence.</summary>
    public static TrainOptions Parse(ParsedArgs a)
    {
        ArgumentNullException.ThrowIfNull(a);
        string data = a.Get(OptionSets.Data.Name);
        string? dataDir = a.GetOrNull(OptionSets.DataDir);
        int? trainSize = a.GetOrNull(OptionSets.Data.TrainSize);
        int? testSize = a.GetOrNull(OptionSets.Data.TestSize);
        double? labelNoise = a.GetOrNull(OptionSets.Data.LabelNoise);

        string? modelName = a.GetOrNull(T.Model);
        string? archGiven = a.GetOrNull(T.Arch);
        if (modelName is not null && archGiven is not null)
        {
            throw new UsageException($"--arch {archGiven} and --model {modelName}: give one of them, not both.");
        }

        if (modelName is not null && !ModelSpec.IsModelName(modelName))
        {
            throw UsageException.BadValue("--model", modelName, string.Join(", ", ModelSpec.Named));
        }

        string archText = archGiven ?? a.Get(T.Arch);
        var activation = Enum.Parse<Activation>(a.Get(T.Activation), ignoreCase: true);
        bool bias = !a.Flag(T.NoBias);
        MlpSpec spec = ParseArch(archText, activation, bias);

        var init = Enum.Parse<Initialization>(a.Get(T.Init), ignoreCase: true);
        double? initStd = a.GetOrNull(T.InitStd);
        string lossName = a.Get(T.Loss);
        LossKind loss = Loss.All.First(k => Loss.Name(k) == lossName);

        string optimizer = a.Get(T.Optimizer);
        double lr = a.Get(T.Lr);
        string scheduleName = a.Get(T.Schedule);
        double? decayFactor = a.GetOrNull(T.DecayFactor);
        int? decayEvery = a.GetOrNull(T.DecayEvery);
        int epochs = a.Get(T.Epochs);
        int? decayAt = a.GetOrNull(T.DecayAt);
        double? momentum = a.GetOrNull(T.Momentum);
        double? weightDecay = a.GetOrNull(T.WeightDecay);
        double? beta = a.GetOrNull(T.Beta);
        double? pgdRadius = a.GetOrNull(T.PgdRadius);
        double? pgdGrad = a.GetOrNull(T.PgdGrad);
        int? pgdSteps = a.GetOrNull(T.PgdSteps);
        double? pgdLoss = a.GetOrNull(T.PgdLoss);
        int batch = a.Get(T.Batch);
        bool recordSteps = a.Flag(T.RecordSteps) || optimizer is "sgld" or "pgd";

        int? gradStatSubsample = a.GetOrNull(GradStatSubsample);
        int? gradStatEvery = a.GetOrNull(GradStatEvery);
        bool supersample = a.Flag(Supersample);
        ulong seed = a.Get(OptionSets.Seed);
        int threads = a.Get(OptionSets.Threads);
        DeviceKind device = DeviceSelection.Parse(a.Get(OptionSets.Device));
        string? outDir = a.GetOrNull(OptionSets.Out);
        bool resume = a.Flag(T.Resume);
        bool force = a.Flag(OptionSets.Force);
        a.Finish();

        if (resume && outDir is null)
        {
            throw new UsageException("--resume needs --out DIR naming the run to continue.");
        }

        if (resume && force)
        {
            throw new UsageException("--resume and --force: choose one (--resume continues the run in --out, --force starts it over).");
        }

        // An option the chosen dataset, optimizer, schedule or init would silently ignore is a mistake.
        bool mnist = data.StartsWith("mnist", StringComparison.Ordinal);
        bool regression = data == "teacher";
        OnlyWith("--data-dir", dataDir is not null, mnist, "the MNIST datasets", $"--data {data}");
        OnlyWith("--label-noise", labelNoise is not null, !regression, "classification datasets", $"--data {data} (a regression task)");
        OnlyWith("--init-std", initStd is not null, init == Initialization.Gaussian, "--init gaussian", $"--init {init.ToString().ToLowerInvariant()}");
        OnlyWith("--decay-factor", decayFactor is not null, scheduleName != "constant", "--schedule step or large-then-decay", $"--schedule {scheduleName}");
        OnlyWith("--decay-every", decayEvery is not null, scheduleName == "step", "--schedule step", $"--schedule {scheduleName}");
        OnlyWith("--decay-at", decayAt is not null, scheduleName == "large-then-decay", "--schedule large-then-decay", $"--schedule {scheduleName}");
        string withOptimizer = $"--optimizer {optimizer}";
        OnlyWith("--momentum", momentum is not null, optimizer is "sgd" or "gd", "--optimizer sgd or gd", withOptimizer);
        OnlyWith("--weight-decay", weightDecay is not null, optimizer is "sgd" or "gd" or "sgld", "--optimizer sgd, gd or sgld", withOptimizer);
        OnlyWith("--beta", beta is not null, optimizer == "sgld", "--optimizer sgld", withOptimizer);
        foreach ((string name, bool given) in (ReadOnlySpan<(string, bool)>)[("--pgd-radius", pgdRadius is not null),
                     ("--pgd-grad-threshold", pgdGrad is not null), ("--pgd-steps", pgdSteps is not null), ("--pgd-loss-threshold", pgdLoss is not null)])
        {
            OnlyWith(name, given, optimizer == "pgd", "--optimizer pgd", withOptimizer);
        }

        OnlyWith("--grad-subsample", gradStatSubsample is not null, optimizer == "sgld", "--optimizer sgld", withOptimizer);
        OnlyWith("--grad-every", gradStatEvery is not null, gradStatSubsample is not null, "--grad-subsample M", "no --grad-subsample");
        OnlyWith("--supersample", supersample, optimizer == "sgld", "--optimizer sgld", withOptimizer);
        OnlyWith("--supersample", supersample, gradStatSubsample is not null, "--grad-subsample M (the pairs measured)", "no --grad-subsample");
        if (supersample)
        {
            if (trainSize is null)
            {
                throw new UsageException("--supersample: needs --train-size n (the run loads 2n points and trains on n of them).");
            }

            if (trainSize > int.MaxValue / 2)
            {
                throw UsageException.BadValue("--train-size", trainSize.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    $"an integer in 1 … {int.MaxValue / 2} with --supersample (2n points are loaded)");
            }

            if (gradStatSubsample > trainSize)
            {
                throw UsageException.BadValue("--grad-subsample", gradStatSubsample.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    $"an integer in 1 … {trainSize} (the pairs of the supersample)");
            }
        }

        if (!mnist)
        {
            // Synthetic points are generated: n × d floats must fit one array.
            int most = Array.MaxLength / Synthetic.DefaultInputDim;
            foreach ((string name, int? size) in (ReadOnlySpan<(string, int?)>)[("--train-size", trainSize), ("--test-size", testSize)])
            {
                if (size > most)
                {
                    throw UsageException.BadValue(name, size.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        $"an integer in 1 … {most} for --data {data} ({Synthetic.DefaultInputDim} inputs per point must fit one array)");
                }
            }
        }

        if (dataDir is not null && !Directory.Exists(dataDir))
        {
            throw UsageException.BadValue("--data-dir", dataDir,
                File.Exists(dataDir) ? "a folder; this is a file" : "an existing folder (this one does not exist)");
        }

        var schedule = new Schedule(
            scheduleName switch { "step" => ScheduleKind.Step, "large-then-decay" => ScheduleKind.LargeThenDecay, _ => ScheduleKind.Constant },
            lr, decayFactor ?? 0.1, decayEvery ?? 10, decayAt ?? Math.Max(1, epochs / 2));
        AlgorithmOptions opt = optimizer switch
        {
            "sgd" => new SgdOptions(momentum ?? 0.9, weightDecay ?? 0),
            "gd" => new GdOptions(momentum ?? 0.9, weightDecay ?? 0),
            "sgld" => new SgldOptions(beta ?? 1e6, weightDecay ?? 0, gradStatSubsample ?? 0, gradStatEvery ?? 1, supersample),
            _ => new PgdOptions(pgdRadius ?? 1e-3, pgdGrad ?? 1e-3, pgdSteps ?? 50, pgdLoss ?? 1e-6),
        };
        var config = new TrainConfig(ModelSpec.FromMlp(spec), loss, opt, schedule, batch, epochs, seed, init, initStd ?? 0.01, threads, recordSteps);
        var dataOptions = new DataOptions(data, dataDir, supersample ? 2 * trainSize : trainSize, testSize, labelNoise ?? 0, seed);
        outDir ??= Path.Combine("runs", $"{DateTime.Now:yyyyMMdd-HHmmss}-{data}-{modelName ?? spec.Arch}");
        return new TrainOptions(config, dataOptions, outDir, resume, force, modelName, device);
    }

    private static void OnlyWith(string option, bool given, bool applies, string appliesTo, string here)
    {
        if (given && !applies)
        {
            throw new UsageException($"{option}: applies only with {appliesTo}, not with {here}; leave it out.");
        }
    }

    private static MlpSpec ParseArch(string archText, Activation activation, bool bias)
    {
        MlpSpec spec;
        try
        {
            spec = MlpSpec.Parse(archText, activation, bias);
        }
        catch (ArgumentException e)
        {
            throw UsageException.BadValue("--arch", archText, "positive widths joined by '-', input first, e.g. 784-512-512-10" + Tail(e));
        }

        for (int i = 1; i < spec.Widths.Count; i++)
        {
            long weights = (long)spec.Widths[i] * spec.Widths[i - 1];
            if (weights > Array.MaxLength)
            {
                throw UsageException.BadValue("--arch", archText,
                    $"layers of at most {Array.MaxLength:N0} weights each; layer {i} has {weights:N0}");
            }
        }

        return spec;
    }

    private static string Tail(ArgumentException e)
        => e.Message.Contains("one width", StringComparison.Ordinal) ? " (at least two widths)" : "";
}
