using System.Diagnostics;
using BoundLab.Cli.Framework;
using BoundLab.Cli.Framework.Options;
using BoundLab.Numerics.Backends;
using BoundLab.Numerics.Data;
using BoundLab.Numerics.Models;
using BoundLab.Numerics.Random;
using BoundLab.Numerics.Stochastic;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Cli.Commands;

/// <summary><c>boundlab bench gibbs</c>: examples/s of the Monte-Carlo error of a stochastic MLP
/// (<see cref="GibbsError.Estimate"/>, per-example and per-batch sampling) next to a plain deterministic evaluation pass
/// (forward + error count) of the same net on the same data, measured in the same run.</summary>
internal static class GibbsBenchmark
{
    private static readonly CliOption<string> Arch = Opt.Text("--arch", "W0-W1-…-WL", "widths, input first", "784-600-1");
    private static readonly CliOption<int> Rows = Opt.Int("--rows", "N", "random examples evaluated per pass", 10_000, min: 1, max: 1_000_000);
    private static readonly CliOption<int> Batch = Opt.Int("--batch", "B", "rows per batch (GibbsOptions.BatchRows)", 1000, min: 1, max: GibbsOptions.MaxBatchRows);
    private static readonly CliOption<int> Passes = Opt.Int("--passes", "P", "passes over the data per timed run", 2, min: 1, max: 1000);
    private static readonly CliOption<int> Repeats = Opt.Int("--repeats", "R", "timed runs of each method (the median is printed)", 5, min: 1, max: 1000);

    /// <summary>The declaration of <c>bench gibbs</c>.</summary>
    public static CommandSpec Spec { get; } = new("gibbs",
        "examples/s of the stochastic classifier's Monte-Carlo error (per-example and per-batch sampling) and of a plain evaluation pass of the same MLP",
        [Arch, Rows, Batch, Passes, OptionSets.Threads, Repeats, OptionSets.BenchSeed, OptionSets.Json]);

    /// <summary>Parses the options, runs the three measurements interleaved and prints the medians.</summary>
    public static int Run(ParsedArgs a)
    {
        ArgumentNullException.ThrowIfNull(a);
        if (a.HelpRequested)
        {
            Spec.WriteHelp(Console.Out);
            return 0;
        }

        string archText = a.Get(Arch);
        int rows = a.Get(Rows);
        int batch = a.Get(Batch);
        int passes = a.Get(Passes);
        int threads = a.Get(OptionSets.Threads);
        int repeats = a.Get(Repeats);
        ulong seed = a.Get(OptionSets.BenchSeed);
        bool json = a.Flag(OptionSets.Json);
        a.Finish();
        MlpSpec mlp = ParseArch(archText, rows, batch);
        ModelSpec spec = ModelSpec.FromMlp(mlp);
        int resolved = threads == 0 ? Environment.ProcessorCount : threads;

        RngKey key = RngKey.FromSeed(seed).Split("bench-gibbs");
        var backend = new CpuBackend(resolved);
        Model<float> net = Model<float>.Create(spec, backend, key.Split("init"));
        float[][] mean = net.Values();
        // σ does not change the work; a small σ keeps the classifier close to the mean net, as after PAC-Bayes training.
        float[][] std = mean.Select(m => Enumerable.Repeat(0.01f, m.Length).ToArray()).ToArray();
        var x = new Matrix<float>(rows, spec.InputDim);
        key.Split("x").Stream().FillGaussian(x.Data, 0, 1);
        int classes = spec.OutputDim == 1 ? 2 : spec.OutputDim;
        RandomStream ys = key.Split("y").Stream();
        var data = new Dataset("bench-gibbs", x, Enumerable.Range(0, rows).Select(_ => ys.NextInt(classes)).ToArray(), null, classes);

        // Per-example: the whole call, and the passes after the first alone (the first also fills the first layer's cache).
        var later = new List<double>();
        double PerExample(int run)
        {
            var clock = new PassClock();
            double total = Time(() => GibbsError.Estimate(spec, mean, std, data,
                new GibbsOptions(passes, batch, GibbsSampling.PerExample), key.Split((ulong)run), resolved, clock));
            if (passes > 1 && run > 0)
            {
                later.Add(clock.SecondsAfterFirst / (passes - 1));
            }

            return total;
        }

        double PerBatch(int run) => Time(() => GibbsError.Estimate(spec, mean, std, data,
            new GibbsOptions(passes, batch, GibbsSampling.PerBatch), key.Split((ulong)run), resolved));
        double Deterministic(int run) => Time(() => Evaluate(backend, net, data, batch, passes));

        // Warm-up of every path (tiered compilation), then the three measured interleaved so drift hits each alike.
        PerExample(0);
        PerBatch(0);
        Deterministic(0);
        var seconds = new double[3][];
        for (int m = 0; m < 3; m++)
        {
            seconds[m] = new double[repeats];
        }

        for (int r = 0; r < repeats; r++)
        {
            seconds[0][r] = PerExample(r + 1);
            seconds[1][r] = PerBatch(r + 1);
            seconds[2][r] = Deterministic(r + 1);
        }

        double examples = (double)rows * passes;
        double[] rates = seconds.Select(s => examples / Median(s)).ToArray();
        double? laterRate = later.Count > 0 ? rows / Median(later.ToArray()) : null;
        if (json)
        {
            Console.Out.WriteLine(Json.Serialize(new
            {
                Benchmark = "gibbs",
                Arch = spec.Name,
                Rows = rows,
                BatchRows = batch,
                Passes = passes,
                Threads = resolved,
                Repeats = repeats,
                PerExampleExamplesPerSec = rates[0],
                PerExampleLaterPassExamplesPerSec = laterRate,
                PerBatchExamplesPerSec = rates[1],
                DeterministicExamplesPerSec = rates[2],
                PerExampleSlowdown = rates[2] / rates[0],
                PerBatchSlowdown = rates[2] / rates[1],
            }));
        }
        else
        {
            Console.Out.WriteLine($"gibbs {spec.Name}, {rows:N0} examples × {passes} passes, batch {batch}, {resolved} threads (medians of {repeats}):");
            Console.Out.WriteLine($"  per-example MC  {rates[0],14:N0} examples/s  ({rates[2] / rates[0]:F2}× the time of a plain pass)");
            if (laterRate is { } lr)
            {
                Console.Out.WriteLine($"    passes 2…{passes} {lr,14:N0} examples/s  ({rates[2] / lr:F2}×; the first pass also fills the first layer's cache)");
            }

            Console.Out.WriteLine($"  per-batch MC    {rates[1],14:N0} examples/s  ({rates[2] / rates[1]:F2}×)");
            Console.Out.WriteLine($"  plain pass      {rates[2],14:N0} examples/s");
        }

        return 0;
    }

    // The deterministic baseline: the data resident on the backend, batches gathered there, forward and error count.
    private static void Evaluate(CpuBackend backend, Model<float> net, Dataset data, int batch, int passes)
    {
        ResidentDataset<float> resident = backend.Upload(data);
        int rows = Math.Min(batch, data.Count);
        Batch<float> full = backend.AllocateBatch(resident, rows);
        Batch<float>? tail = null;
        double errors = 0;
        for (int p = 0; p < passes; p++)
        {
            for (int start = 0; start < data.Count; start += rows)
            {
                int n = Math.Min(rows, data.Count - start);
                Batch<float> b = n == rows ? full : tail ??= backend.AllocateBatch(resident, n);
                int[] index = Enumerable.Range(start, n).ToArray();
                backend.Gather(resident, index, b);
                errors += backend.ErrorSum(net.Forward(b.Inputs), b.Truth);
            }
        }

        GC.KeepAlive(errors);
    }

    // Timestamps of the pass reports (called synchronously by the estimate).
    private sealed class PassClock : IProgress<int>
    {
        private long _first;
        private long _last;

        public double SecondsAfterFirst => (double)(_last - _first) / Stopwatch.Frequency;

        public void Report(int value)
        {
            _last = Stopwatch.GetTimestamp();
            if (value == 1)
            {
                _first = _last;
            }
        }
    }

    private static double Time(Action action)
    {
        long t0 = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(t0).TotalSeconds;
    }

    private static double Time(Func<GibbsEstimate> estimate) => Time(() => { estimate(); });

    private static double Median(double[] values)
    {
        double[] s = values.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }

    private static MlpSpec ParseArch(string archText, int rows, int batch)
    {
        MlpSpec spec;
        try
        {
            spec = MlpSpec.Parse(archText);
        }
        catch (ArgumentException)
        {
            throw UsageException.BadValue("--arch", archText, "positive widths joined by '-', e.g. 784-600-1");
        }

        long widest = spec.Widths.Max(), layerMax = spec.Widths.Zip(spec.Widths.Skip(1), (x, y) => (long)x * y).Max();
        if (widest * batch > Array.MaxLength || layerMax > Array.MaxLength || (long)rows * spec.Widths[0] > Array.MaxLength)
        {
            throw UsageException.BadValue("--arch", archText,
                $"sizes whose largest layer ({layerMax:N0} weights), batch activations (--batch × widest = {widest * batch:N0}) and data (--rows × inputs = {(long)rows * spec.Widths[0]:N0}) fit in one array ({Array.MaxLength:N0})");
        }

        return spec;
    }
}
