using BoundLab.Cli.Framework;
using BoundLab.Numerics;
using BoundLab.Numerics.Data;
using BoundLab.Numerics.Losses;
using BoundLab.Numerics.Models;
using BoundLab.Numerics.Optimizers;
using BoundLab.Numerics.Training;

namespace BoundLab.Cli.Commands;

/// <summary>The options of <c>boundlab train</c>, parsed and checked (every bad value is a UsageException).</summary>
internal sealed record TrainOptions(TrainConfig Config, DataOptions Data, string OutDir, bool Resume, bool Force)
{
    public const string Help = """
        usage: boundlab train [options]

        data
          --data NAME            dataset (default mnist): {datasets}
          --data-dir DIR         folder holding mnist/ (default: $BOUNDLAB_DATA, else ~/.cache/boundlab)
          --train-size N         random training subset of N samples
          --test-size N          random test subset of N samples
          --label-noise P        fraction of training labels replaced by uniform random labels, 0 ≤ P ≤ 1
        model
          --arch W0-W1-…-WL      widths, input first (default 784-512-512-10)
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
          --threads T            worker threads ≥ 0 (default 0 = all cores); results do not depend on it
          --out DIR              run folder (default runs/<time>-<data>-<arch>)
          --resume               continue the run in --out from its last finished epoch
          --force                overwrite a finished run in --out
        """;

    /// <summary>Parses and checks the options.</summary>
    public static TrainOptions Parse(ArgReader a)
    {
        string data = a.Choice("--data", "mnist", Datasets.Names.ToArray());
        string? dataDir = a.OptionalString("--data-dir");
        int? trainSize = a.OptionalString("--train-size") is { } ts ? Positive("--train-size", ts) : null;
        int? testSize = a.OptionalString("--test-size") is { } es ? Positive("--test-size", es) : null;
        double labelNoise = a.Double("--label-noise", 0, 0, 1);

        string archText = a.String("--arch", "784-512-512-10");
        var activation = Enum.Parse<Activation>(a.Choice("--activation", "relu", "relu", "sigmoid", "tanh", "identity"), ignoreCase: true);
        bool bias = !a.Flag("--no-bias");
        MlpSpec spec;
        try
        {
            spec = MlpSpec.Parse(archText, activation, bias);
        }
        catch (ArgumentException e)
        {
            throw UsageException.BadValue("--arch", archText, "positive widths joined by '-', input first, e.g. 784-512-512-10" + Tail(e));
        }

        var init = Enum.Parse<Initialization>(a.Choice("--init", "he", "he", "lecun", "gaussian"), ignoreCase: true);
        double initStd = a.Double("--init-std", 0.01, 0, double.MaxValue, minExclusive: true);
        string lossName = a.Choice("--loss", "cross-entropy", Loss.All.Select(Loss.Name).ToArray());
        LossKind loss = Loss.All.First(k => Loss.Name(k) == lossName);

        string optimizer = a.Choice("--optimizer", "sgd", OptimizerKinds.All.ToArray());
        double lr = a.Double("--lr", 0.05, 0, double.MaxValue, minExclusive: true);
        string scheduleName = a.Choice("--schedule", "constant", "constant", "step", "large-then-decay");
        double decayFactor = a.Double("--decay-factor", 0.1, 0, 1, minExclusive: true);
        int decayEvery = a.Int("--decay-every", 10, min: 1);
        int epochs = a.Int("--epochs", 5, min: 1);
        int decayAt = a.Int("--decay-at", Math.Max(1, epochs / 2), min: 0);
        double momentum = a.Double("--momentum", optimizer is "sgd" or "gd" ? 0.9 : 0, 0, 0.999999);
        double weightDecay = a.Double("--weight-decay", 0, 0);
        double beta = a.Double("--beta", 1e6, 0, double.MaxValue, minExclusive: true);
        double pgdRadius = a.Double("--pgd-radius", 1e-3, 0, double.MaxValue, minExclusive: true);
        double pgdGrad = a.Double("--pgd-grad-threshold", 1e-3, 0);
        int pgdSteps = a.Int("--pgd-steps", 50, min: 1);
        double pgdLoss = a.Double("--pgd-loss-threshold", 1e-6, 0);
        int batch = a.Int("--batch", 128, min: 1);
        bool recordSteps = a.Flag("--record-steps") || optimizer is "sgld" or "pgd";

        ulong seed = a.UInt64("--seed", 0);
        int threads = a.Int("--threads", 0, min: 0, max: 1024);
        string? outDir = a.OptionalString("--out");
        bool resume = a.Flag("--resume");
        bool force = a.Flag("--force");
        a.Finish();

        if (resume && outDir is null)
        {
            throw new UsageException("--resume needs --out DIR naming the run to continue.");
        }

        var schedule = new Schedule(
            scheduleName switch { "step" => ScheduleKind.Step, "large-then-decay" => ScheduleKind.LargeThenDecay, _ => ScheduleKind.Constant },
            lr, decayFactor, decayEvery, decayAt);
        var opt = new OptimizerConfig(optimizer, momentum, weightDecay, beta, pgdRadius, pgdGrad, pgdSteps, pgdLoss);
        var config = new TrainConfig(spec, loss, opt, schedule, batch, epochs, seed, init, initStd, threads, recordSteps);
        var dataOptions = new DataOptions(data, dataDir, trainSize, testSize, labelNoise, seed);
        outDir ??= Path.Combine("runs", $"{DateTime.Now:yyyyMMdd-HHmmss}-{data}-{spec.Arch}");
        return new TrainOptions(config, dataOptions, outDir, resume, force);
    }

    private static int Positive(string option, string text)
        => int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n) && n >= 1
            ? n
            : throw UsageException.BadValue(option, text, "an integer ≥ 1");

    private static string Tail(ArgumentException e)
        => e.Message.Contains("one width", StringComparison.Ordinal) ? " (at least two widths)" : "";
}
