using BoundLab.Cli.Framework.Options;
using BoundLab.Numerics.Data;
using BoundLab.Numerics.Kernels;
using BoundLab.Numerics.Training;

namespace BoundLab.Cli.Commands;

/// <summary>Options shared by several commands, declared once; their limits are the kernels' and loaders' real ones.</summary>
internal static class OptionSets
{
    /// <summary>--json: print the result as JSON on stdout.</summary>
    public static readonly CliFlag Json = Opt.Flag("--json", "print the result as JSON on stdout");

    /// <summary>--threads: worker threads of the CPU kernels, 0 … <see cref="Gemm.MaxThreads"/> (what the GEMM accepts).</summary>
    public static readonly CliOption<int> Threads = Opt.Int("--threads", "T",
        "worker threads (0 = all cores); results do not depend on it", 0, min: 0, max: Gemm.MaxThreads, defaultText: "0 = all cores");

    /// <summary>--data-dir: the folder holding mnist/.</summary>
    public static readonly CliOption<string> DataDir = Opt.Text("--data-dir", "DIR",
        "folder holding mnist/", defaultText: "$BOUNDLAB_DATA, else ~/.cache/boundlab");

    /// <summary>--device: where training runs (cpu, cuda, auto, ilgpu-cpu); see <see cref="BoundLab.Gpu.DeviceSelection"/>.</summary>
    public static readonly CliOption<string> Device = Opt.Choice("--device", "D",
        "cpu, cuda, auto (cuda when a CUDA device is found, else cpu) or ilgpu-cpu (ILGPU's kernel simulator, ~10⁶× slower: tests and debugging); " +
        "GPU results match the CPU's within float tolerance, not bit for bit", "cpu", BoundLab.Gpu.DeviceSelection.Names);

    /// <summary>--seed: the run's one seed.</summary>
    public static readonly CliOption<ulong> Seed = Opt.UInt64("--seed", "S",
        "one seed for init, shuffling, label noise and SGLD noise", 0);

    /// <summary>--seed of the benchmarks (their random inputs).</summary>
    public static readonly CliOption<ulong> BenchSeed = Opt.UInt64("--seed", "S", "seed of the random inputs", 1);

    /// <summary>--out: the run folder.</summary>
    public static readonly CliOption<string> Out = Opt.Text("--out", "DIR", "run folder", defaultText: "runs/<time>-<data>-<arch>");

    /// <summary>--force: start the run in --out over.</summary>
    public static readonly CliFlag Force = Opt.Flag("--force", "start the run in --out over, deleting a finished or interrupted one");

    /// <summary>The data options of train: dataset, folder, subset sizes, label noise.</summary>
    public static class Data
    {
        /// <summary>--data.</summary>
        public static readonly CliOption<string> Name = Opt.Choice("--data", "NAME", "dataset", "mnist", Datasets.Names);

        /// <summary>--train-size: a subset size; the loader accepts 1 … the set's size (checked once the data is loaded).</summary>
        public static readonly CliOption<int> TrainSize = Opt.Int("--train-size", "N", "random training subset of N samples", null, min: 1);

        /// <summary>--test-size.</summary>
        public static readonly CliOption<int> TestSize = Opt.Int("--test-size", "N", "random test subset of N samples", null, min: 1);

        /// <summary>--label-noise: a fraction in [0, 1].</summary>
        public static readonly CliOption<double> LabelNoise = Opt.Double("--label-noise", "P",
            "fraction of training labels replaced by uniform random labels", null, 0, 1);

        /// <summary>All of them, in help order.</summary>
        public static IReadOnlyList<CliOption> All { get; } = [Name, DataDir, TrainSize, TestSize, LabelNoise];
    }

    /// <summary>The model, optimization and run options of train and of the benchmark's training loop.</summary>
    public static class Training
    {
        /// <summary>--arch.</summary>
        public static readonly CliOption<string> Arch = Opt.Text("--arch", "W0-W1-…-WL", "widths, input first", "784-512-512-10");

        /// <summary>--model (instead of --arch).</summary>
        public static readonly CliOption<string> Model = Opt.Text("--model", "M",
            "instead of --arch: lenet (a LeNet-5-like CNN for 28×28 images) or resmlp-<width>x<blocks> (a residual MLP)");

        /// <summary>--activation.</summary>
        public static readonly CliOption<string> Activation = Opt.Choice("--activation", "A", "hidden activation", "relu",
            ["relu", "sigmoid", "tanh", "identity"]);

        /// <summary>--no-bias.</summary>
        public static readonly CliFlag NoBias = Opt.Flag("--no-bias", "layers without biases");

        /// <summary>--init.</summary>
        public static readonly CliOption<string> Init = Opt.Choice("--init", "I", "initialization", "he", ["he", "lecun", "gaussian"]);

        /// <summary>--init-std (gaussian init).</summary>
        public static readonly CliOption<double> InitStd = Opt.Double("--init-std", "S", "standard deviation of --init gaussian", null,
            0, double.MaxValue, minExclusive: true, defaultText: "0.01");

        /// <summary>--loss.</summary>
        public static readonly CliOption<string> Loss = Opt.Choice("--loss", "L", "loss", "cross-entropy",
            BoundLab.Numerics.Losses.Loss.All.Select(BoundLab.Numerics.Losses.Loss.Name).ToArray());

        /// <summary>--optimizer (the gradient methods; admm has its own options).</summary>
        public static readonly CliOption<string> Optimizer = Opt.Choice("--optimizer", "O", "optimizer (admm: see train --optimizer admm --help)",
            "sgd", OptimizerKinds.All.ToArray());

        /// <summary>--lr.</summary>
        public static readonly CliOption<double> Lr = Opt.Double("--lr", "η", "learning rate", 0.05, 0, double.MaxValue, minExclusive: true);

        /// <summary>--schedule.</summary>
        public static readonly CliOption<string> Schedule = Opt.Choice("--schedule", "S", "learning-rate schedule", "constant",
            ["constant", "step", "large-then-decay"]);

        /// <summary>--decay-factor.</summary>
        public static readonly CliOption<double> DecayFactor = Opt.Double("--decay-factor", "F", "multiplier at each decay", null,
            0, 1, minExclusive: true, defaultText: "0.1");

        /// <summary>--decay-every (step schedule).</summary>
        public static readonly CliOption<int> DecayEvery = Opt.Int("--decay-every", "E", "epochs between decays for step", null, min: 1,
            defaultText: "10");

        /// <summary>--decay-at (large-then-decay).</summary>
        public static readonly CliOption<int> DecayAt = Opt.Int("--decay-at", "E", "first decayed epoch for large-then-decay", null, min: 0,
            defaultText: "half the epochs");

        /// <summary>--momentum: heavy-ball momentum in [0, 1).</summary>
        public static readonly CliOption<double> Momentum = Opt.Double("--momentum", "μ", "heavy-ball momentum (sgd, gd)", null, 0, 0.999999,
            defaultText: "0.9");

        /// <summary>--weight-decay.</summary>
        public static readonly CliOption<double> WeightDecay = Opt.Double("--weight-decay", "λ", "L2 coefficient", null, 0, defaultText: "0");

        /// <summary>--beta (SGLD).</summary>
        public static readonly CliOption<double> Beta = Opt.Double("--beta", "β", "SGLD inverse temperature", null, 0, double.MaxValue,
            minExclusive: true, defaultText: "1e6");

        /// <summary>--pgd-radius.</summary>
        public static readonly CliOption<double> PgdRadius = Opt.Double("--pgd-radius", "r", "perturbed GD: perturbation radius", null, 0,
            double.MaxValue, minExclusive: true, defaultText: "1e-3");

        /// <summary>--pgd-grad-threshold.</summary>
        public static readonly CliOption<double> PgdGrad = Opt.Double("--pgd-grad-threshold", "g", "perturbed GD: gradient-norm threshold",
            null, 0, defaultText: "1e-3");

        /// <summary>--pgd-steps.</summary>
        public static readonly CliOption<int> PgdSteps = Opt.Int("--pgd-steps", "t", "perturbed GD: steps between perturbations", null,
            min: 1, defaultText: "50");

        /// <summary>--pgd-loss-threshold.</summary>
        public static readonly CliOption<double> PgdLoss = Opt.Double("--pgd-loss-threshold", "f", "perturbed GD: loss-decrease threshold",
            null, 0, defaultText: "1e-6");

        /// <summary>--batch: minibatch size ≥ 1.</summary>
        public static readonly CliOption<int> Batch = Opt.Int("--batch", "B", "minibatch size (chunk size for gd/pgd)", 128, min: 1);

        /// <summary>--epochs.</summary>
        public static readonly CliOption<int> Epochs = Opt.Int("--epochs", "E", "epochs (gd/pgd: iterations)", 5, min: 1);

        /// <summary>--record-steps.</summary>
        public static readonly CliFlag RecordSteps = Opt.Flag("--record-steps", "write the per-step trajectory (always on for sgld and pgd)");

        /// <summary>--resume.</summary>
        public static readonly CliFlag Resume = Opt.Flag("--resume", "continue the interrupted run in --out from its last finished epoch");

        /// <summary>All of them, in help order.</summary>
        public static IReadOnlyList<CliOption> All { get; } =
        [
            Arch, Model, Activation, NoBias, Init, InitStd, Loss, Optimizer, Lr, Schedule, DecayFactor, DecayEvery, DecayAt, Momentum, WeightDecay,
            Beta, PgdRadius, PgdGrad, PgdSteps, PgdLoss, Batch, Epochs, RecordSteps, Seed, Device, Threads, Out, Resume, Force,
        ];
    }
}
