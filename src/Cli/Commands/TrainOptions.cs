using BoundLab.Cli.Framework;
using BoundLab.Numerics;
using BoundLab.Numerics.Data;
using BoundLab.Numerics.Losses;
using BoundLab.Numerics.Models;
using BoundLab.Numerics.Optimizers;
using BoundLab.Numerics.Training;

namespace BoundLab.Cli.Commands;

/// <summary>The options of <c>boundlab train</c>, parsed and checked (every bad value is a UsageException).</summary>
internal sealed record TrainOptions(TrainConfig Config, DataOptions Data, string OutDir, bool Resume, bool Force, string? ModelName = null)
{
    /// <summary>With <c>--model NAME</c>, the model built for the loaded data's input and output widths.</summary>
    public TrainOptions ResolveModel(Dataset train)
    {
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

    public const string Help = """
        usage: boundlab train [options]

        data
          --data NAME            dataset (default mnist): {datasets}
          --data-dir DIR         folder holding mnist/ (default: $BOUNDLAB_DATA, else ~/.cache/boundlab)
          --train-size N         random training subset of N samples
          --test-size N          random test subset of N samples
          --label-noise P        fraction of training labels replaced by uniform random labels, 0 ≤ P ≤ 1
        model
          --arch W0-W1-…-WL      an MLP: widths, input first (default 784-512-512-10)
          --model M              instead of --arch: lenet (a LeNet-like CNN, 28×28×1 images) | resmlp-<width>x<blocks> (a residual MLP)
          --activation A         relu | sigmoid | tanh | identity (default relu)
          --no-bias              layers without biases
          --init I               he | lecun | gaussian (default he); --init-std S for gaussian
          --loss L               cross-entropy | squared | hinge | logistic | exponential (default cross-entropy)
        optimization
          --optimizer O          sgd | gd | sgld | pgd (default sgd)
          --lr η                 learning rate > 0 (default 0.05)
          --schedule S           constant | step | large-then-decay (default constant)
          --decay-factor F       multiplier at each decay, 0 < F ≤ 1 (default 0.1)
          --decay-every E        epochs between decays for step (default 10)
          --decay-at E           first decayed epoch for large-then-decay (default half the epochs)
          --momentum μ           heavy-ball momentum, 0 ≤ μ < 1 (default 0.9; sgd, gd)
          --weight-decay λ       L2 coefficient ≥ 0 (default 0)
          --beta β               SGLD inverse temperature > 0 (default 1e6)
          --pgd-radius r, --pgd-grad-threshold g, --pgd-steps t, --pgd-loss-threshold f   perturbed GD
          --batch B              minibatch size ≥ 1 (default 128; chunk size for gd/pgd)
          --epochs E             epochs (gd/pgd: iterations) ≥ 1 (default 5)
          --record-steps         write the per-step trajectory (always on for sgld and pgd)
        run
          --seed S               one seed for init, shuffling, label noise and SGLD noise (default 0)
          --threads T            worker threads 0 … 256 (default 0 = all cores); results do not depend on it
          --out DIR              run folder (default runs/<time>-<data>-<arch>)
          --resume               continue the interrupted run in --out from its last finished epoch
          --force                start the run in --out over, deleting a finished or interrupted one

        An option that does not apply to the chosen data, optimizer, schedule or init is an error.
        One run per folder at a time; a finished run is never continued or replaced without --force.
        """;

    /// <summary>Parses and checks the options; nothing is read from disk but --data-dir's existence.</summary>
    public static TrainOptions Parse(ArgReader a)
    {
        string data = a.Choice("--data", "mnist", Datasets.Names.ToArray());
        string? dataDir = a.OptionalString("--data-dir");
        int? trainSize = a.OptionalString("--train-size") is { } ts ? Positive("--train-size", ts) : null;
        int? testSize = a.OptionalString("--test-size") is { } es ? Positive("--test-size", es) : null;
        double? labelNoise = a.OptionalDouble("--label-noise", 0, 1);

        string? modelName = a.OptionalString("--model");
        string? archGiven = a.OptionalString("--arch");
        if (modelName is not null && archGiven is not null)
        {
            throw new UsageException($"--arch {archGiven} and --model {modelName}: give one of them, not both.");
        }

        string archText = archGiven ?? "784-512-512-10";
        var activation = Enum.Parse<Activation>(a.Choice("--activation", "relu", "relu", "sigmoid", "tanh", "identity"), ignoreCase: true);
        bool bias = !a.Flag("--no-bias");
        MlpSpec spec = ParseArch(archText, activation, bias);

        var init = Enum.Parse<Initialization>(a.Choice("--init", "he", "he", "lecun", "gaussian"), ignoreCase: true);
        double? initStd = a.OptionalDouble("--init-std", 0, double.MaxValue, minExclusive: true);
        string lossName = a.Choice("--loss", "cross-entropy", Loss.All.Select(Loss.Name).ToArray());
        LossKind loss = Loss.All.First(k => Loss.Name(k) == lossName);

        string optimizer = a.Choice("--optimizer", "sgd", OptimizerKinds.All.ToArray());
        double lr = a.Double("--lr", 0.05, 0, double.MaxValue, minExclusive: true);
        string scheduleName = a.Choice("--schedule", "constant", "constant", "step", "large-then-decay");
        double? decayFactor = a.OptionalDouble("--decay-factor", 0, 1, minExclusive: true);
        int? decayEvery = OptionalInt(a, "--decay-every", 1);
        int epochs = a.Int("--epochs", 5, min: 1);
        int? decayAt = OptionalInt(a, "--decay-at", 0);
        double? momentum = a.OptionalDouble("--momentum", 0, 0.999999);
        double? weightDecay = a.OptionalDouble("--weight-decay", 0);
        double? beta = a.OptionalDouble("--beta", 0, double.MaxValue, minExclusive: true);
        double? pgdRadius = a.OptionalDouble("--pgd-radius", 0, double.MaxValue, minExclusive: true);
        double? pgdGrad = a.OptionalDouble("--pgd-grad-threshold", 0);
        int? pgdSteps = OptionalInt(a, "--pgd-steps", 1);
        double? pgdLoss = a.OptionalDouble("--pgd-loss-threshold", 0);
        int batch = a.Int("--batch", 128, min: 1);
        bool recordSteps = a.Flag("--record-steps") || optimizer is "sgld" or "pgd";

        ulong seed = a.UInt64("--seed", 0);
        int threads = a.Int("--threads", 0, min: 0, max: BoundLab.Numerics.Kernels.Gemm.MaxThreads);
        string? outDir = a.OptionalString("--out");
        bool resume = a.Flag("--resume");
        bool force = a.Flag("--force");
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
            "sgld" => new SgldOptions(beta ?? 1e6, weightDecay ?? 0),
            _ => new PgdOptions(pgdRadius ?? 1e-3, pgdGrad ?? 1e-3, pgdSteps ?? 50, pgdLoss ?? 1e-6),
        };
        var config = new TrainConfig(ModelSpec.FromMlp(spec), loss, opt, schedule, batch, epochs, seed, init, initStd ?? 0.01, threads, recordSteps);
        var dataOptions = new DataOptions(data, dataDir, trainSize, testSize, labelNoise ?? 0, seed);
        outDir ??= Path.Combine("runs", $"{DateTime.Now:yyyyMMdd-HHmmss}-{data}-{modelName ?? spec.Arch}");
        return new TrainOptions(config, dataOptions, outDir, resume, force, modelName);
    }

    private static void OnlyWith(string option, bool given, bool applies, string appliesTo, string here)
    {
        if (given && !applies)
        {
            throw new UsageException($"{option}: applies only with {appliesTo}, not with {here}; leave it out.");
        }
    }

    private static int? OptionalInt(ArgReader a, string name, int min)
        => a.OptionalString(name) is { } text
            ? int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int n) && n >= min
                ? n
                : throw UsageException.BadValue(name, text, $"an integer ≥ {min}")
            : null;

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

    private static int Positive(string option, string text)
        => int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n) && n >= 1
            ? n
            : throw UsageException.BadValue(option, text, "an integer ≥ 1");

    private static string Tail(ArgumentException e)
        => e.Message.Contains("one width", StringComparison.Ordinal) ? " (at least two widths)" : "";
}
