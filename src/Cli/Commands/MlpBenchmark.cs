using BoundLab.Numerics.Training;
using BoundLab.Numerics.Data;
using System.Diagnostics;
using BoundLab.Cli.Framework;
using BoundLab.Cli.Framework.Options;
using BoundLab.Numerics.Backends;
using BoundLab.Numerics.Kernels;
using BoundLab.Numerics.Losses;
using BoundLab.Numerics.Models;
using BoundLab.Numerics.Optimizers;
using BoundLab.Numerics.Random;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Cli.Commands;

/// <summary><c>boundlab bench mlp</c>: training-step throughput (forward, backward, SGD-momentum update)
/// on a fixed random batch, the same work bench/peers/torch_mlp.py (an --arch MLP) or bench/lenet_torch.py
/// (--model lenet) times in PyTorch.</summary>
internal static class MlpBenchmark
{
    private const int MaxBatch = 1 << 16;

    private static readonly CliOption<int> Batch = Opt.Int("--batch", "B", "minibatch size", 128, min: 1, max: MaxBatch);
    private static readonly CliOption<int> Steps = Opt.Int("--steps", "S", "training steps per timed run", 50, min: 1, max: 1_000_000);
    private static readonly CliOption<int> Repeats = Opt.Int("--repeats", "R", "timed runs (the median is printed)", 7, min: 1, max: 100_000);

    /// <summary>The declaration of <c>bench mlp</c> (--arch, --model and --threads are train's).</summary>
    public static CommandSpec Spec { get; } = new("mlp",
        "samples/s of forward + backward + SGD-momentum steps on a fixed random batch (median of R runs of S steps)",
        [OptionSets.Training.Arch, OptionSets.Training.Model, Batch, OptionSets.Threads, Steps, Repeats, OptionSets.Json]);

    /// <summary>Parses the options, runs the benchmark and prints the result.</summary>
    public static int Run(ParsedArgs a)
    {
        ArgumentNullException.ThrowIfNull(a);
        if (a.HelpRequested)
        {
            Spec.WriteHelp(Console.Out);
            return 0;
        }

        string? modelName = a.GetOrNull(OptionSets.Training.Model);
        string? archGiven = a.GetOrNull(OptionSets.Training.Arch);
        string archText = archGiven ?? a.Get(OptionSets.Training.Arch);
        int batch = a.Get(Batch);
        int threads = a.Get(OptionSets.Threads);
        int steps = a.Get(Steps);
        int repeats = a.Get(Repeats);
        bool json = a.Flag(OptionSets.Json);
        a.Finish();
        ModelSpec spec = modelName is null ? ArchModel(archText, batch) : NamedModel(modelName, archGiven, batch);
        var backend = new CpuBackend(threads);
        var key = RngKey.FromSeed(1);
        var net = Model<float>.Create(spec, backend, key.Split("init"));
        var x = new Matrix<float>(batch, spec.InputDim);
        key.Split("x").Stream().FillGaussian(x.Data, 0, 1);
        RandomStream ys = key.Split("y").Stream();
        int[] labels = Enumerable.Range(0, batch).Select(_ => ys.NextInt(spec.OutputDim)).ToArray();
        var data = backend.Upload(new Dataset("bench", x, labels, null, spec.OutputDim));
        var objective = new Objective<float>(net, data, LossKind.CrossEntropy);
        Batch<float> minibatch = backend.AllocateBatch(data, batch);
        backend.Gather(data, Enumerable.Range(0, batch).ToArray(), minibatch);
        Algorithm sgd = new SgdOptions(Momentum: 0.9).Create(new AlgorithmContext(net, key.Split("noise")));
        long step = 0;

        void TrainSteps(int count)
        {
            for (int i = 0; i < count; i++)
            {
                sgd.Step(new StepContext(() => objective.OnBatch(minibatch), 1e-3, step++, false));
            }
        }

        TrainSteps(Math.Max(5, steps / 2));
        var rates = new double[repeats];
        for (int r = 0; r < repeats; r++)
        {
            var clock = Stopwatch.StartNew();
            TrainSteps(steps);
            rates[r] = (double)steps * batch / clock.Elapsed.TotalSeconds;
        }

        Array.Sort(rates);
        double median = rates[repeats / 2];
        if (json)
        {
            Console.Out.WriteLine(Json.Serialize(new
            {
                Benchmark = "mlp",
                Arch = spec.Name,
                Batch = batch,
                Threads = backend.Threads,
                Steps = steps,
                Repeats = repeats,
                SamplesPerSec = median,
                Min = rates[0],
                Max = rates[^1],
            }));
        }
        else
        {
            Console.Out.WriteLine($"mlp {spec.Name} batch {batch}, {backend.Threads} threads: {median:N0} samples/s (median of {repeats}; range {rates[0]:N0} … {rates[^1]:N0})");
        }

        return 0;
    }

    // --arch W0-…-WL: the plain MLP, sizes checked against one array.
    private static ModelSpec ArchModel(string archText, int batch)
    {
        MlpSpec spec;
        try
        {
            spec = MlpSpec.Parse(archText);
        }
        catch (ArgumentException)
        {
            throw UsageException.BadValue("--arch", archText, "positive widths joined by '-', e.g. 784-512-512-10");
        }

        long widest = spec.Widths.Max(), layerMax = spec.Widths.Zip(spec.Widths.Skip(1), (x, y) => (long)x * y).Max();
        if (widest * batch > Array.MaxLength || layerMax > Array.MaxLength)
        {
            throw UsageException.BadValue("--arch", archText,
                $"sizes whose largest layer ({layerMax:N0} weights) and activations (--batch × widest = {widest * batch:N0}) fit in one array ({Array.MaxLength:N0})");
        }

        return ModelSpec.FromMlp(spec);
    }

    // --model NAME on MNIST-shaped inputs (784 features, 10 classes), as train --model builds it.
    private static ModelSpec NamedModel(string modelName, string? archGiven, int batch)
    {
        if (archGiven is not null)
        {
            throw new UsageException($"--arch {archGiven} and --model {modelName}: give one of them, not both.");
        }

        if (!ModelSpec.IsModelName(modelName))
        {
            throw UsageException.BadValue("--model", modelName, string.Join(", ", ModelSpec.Named));
        }

        ModelSpec spec;
        try
        {
            spec = ModelSpec.Parse(modelName, 28 * 28, 10);
        }
        catch (ArgumentException e)
        {
            throw UsageException.BadValue("--model", modelName, e.Message);
        }

        long widest = spec.Layers.Max(l => (long)Math.Max(l.InputSize, l.OutputSize));
        if (widest * batch > Array.MaxLength || spec.ParameterCount > Array.MaxLength)
        {
            throw UsageException.BadValue("--model", modelName,
                $"a model whose activations (--batch × widest layer = {widest * batch:N0}) fit in one array ({Array.MaxLength:N0})");
        }

        return spec;
    }
}
