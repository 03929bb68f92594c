using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using BoundLab.Cli.Framework;
using BoundLab.Cli.Framework.Options;
using BoundLab.Numerics.Backends;
using BoundLab.Numerics.Data;
using BoundLab.Numerics.Landscape;
using BoundLab.Numerics.Losses;
using BoundLab.Numerics.Models;
using BoundLab.Numerics.Random;
using BoundLab.Numerics.Training;

namespace BoundLab.Cli.Commands;

/// <summary><c>boundlab landscape RUN_DIR</c>: the loss landscape at the end of a saved run — the top Hessian
/// eigenvalues (Lanczos on exact Hessian-vector products), the Hutchinson trace estimate and the training loss along the
/// straight line from the initialization (or from another run) — written to RUN_DIR/landscape.json.</summary>
public sealed class LandscapeCommand : ICommand
{
    private static readonly CliArgument RunDir = new("RUN_DIR", "a run folder written by boundlab train",
        "RUN_DIR (a run folder written by boundlab train)");

    private static readonly CliOption<int> Top = Opt.Int("--top", "K", "how many top eigenvalues", 1, min: 1, max: 50);
    private static readonly CliOption<int> Probes = Opt.Int("--probes", "M", "Hutchinson probes", 20, min: 2, max: 100_000);
    private static readonly CliOption<int> Points = Opt.Int("--points", "N", "interpolation points", 11, min: 2, max: 1001);
    private static readonly CliOption<double> From = Opt.Double("--from", "T0", "start of the interpolation range (T0 < T1)", 0);
    private static readonly CliOption<double> To = Opt.Double("--to", "T1", "end of the interpolation range (e.g. -0.25 … 1.25)", 1);
    private static readonly CliOption<string> Other = Opt.Text("--other", "RUN_DIR2",
        "interpolate from RUN_DIR's final weights to RUN_DIR2's (same architecture)");
    private static readonly CliOption<string> TrainSize = Opt.Text("--train-size", "N",
        "Hessian on a seeded subsample of N training samples", defaultText: "all of them");
    private static readonly CliOption<ulong> Seed = Opt.UInt64("--seed", "S", "seed of the subsample, the Lanczos start and the probes", 0);
    private static readonly CliOption<double> Tolerance = Opt.Double("--tolerance", "E",
        "Lanczos stops when every top-K Ritz residual is ≤ E·‖T‖, 0 < E < 1", 1e-6, 0, 1, minExclusive: true);
    private static readonly CliOption<int> MaxSteps = Opt.Int("--max-steps", "S",
        "at most S Lanczos steps (Hessian-vector products); the Krylov basis takes about S × parameters × 8 bytes", 100, min: 1, max: 1000);
    private static readonly CliOption<string> DataDir = Opt.Text("--data-dir", "DIR", "where the run's dataset lives",
        defaultText: "run.json's data_dir, else the default");

    /// <summary>The declaration of <c>landscape</c>'s arguments and options.</summary>
    public static CommandSpec Spec { get; } = new("landscape",
        "Hessian top eigenvalues and trace, loss along a line; writes RUN_DIR/landscape.json",
        [OptionSets.Json, Top, Probes, Points, From, To, Other, TrainSize, Seed, Tolerance, MaxSteps, DataDir, OptionSets.Threads], [RunDir], notes: """

        The loss landscape of a run folder written by `boundlab train`, on its training data rebuilt from run.json
        (as `measure` rebuilds it). The Hessian is that of the mean training loss at weights.bin with respect to
        every parameter, applied exactly (Pearlmutter's R-operator, float64). Writes RUN_DIR/landscape.json:
        top_eigenvalue (and top_eigenvalues, Lanczos with full reorthogonalization, stopped on the Ritz residual),
        hessian_trace (Hutchinson, Rademacher probes) with hessian_trace_standard_error and hessian_trace_probes,
        and interpolation: [{"t": …, "loss": …}], the full-training-set mean loss at (1 − t)·θ_a + t·θ_b with
        θ_a = weights-init.bin and θ_b = weights.bin (with --other: θ_a = RUN_DIR's and θ_b = RUN_DIR2's weights.bin).
        With --json landscape.json is printed to stdout instead of the summary.
        """);

    /// <inheritdoc />
    CommandSpec? ICommand.Spec => Spec;

    /// <inheritdoc />
    public string Name => "landscape";

    /// <inheritdoc />
    public string Summary => "Hessian top eigenvalues and trace, loss along a line; writes RUN_DIR/landscape.json";

    /// <inheritdoc />
    public int Run(IReadOnlyList<string> args)
    {
        ParsedArgs reader = Spec.Parse(args);
        if (reader.HelpRequested)
        {
            Spec.WriteHelp(Console.Out);
            return 0;
        }

        string dir = reader.Positional(RunDir);
        bool json = reader.Flag(OptionSets.Json);
        int top = reader.Get(Top);
        int probes = reader.Get(Probes);
        int points = reader.Get(Points);
        double from = reader.Get(From);
        double to = reader.Get(To);
        string? otherDir = reader.GetOrNull(Other);
        string? trainSizeText = reader.GetOrNull(TrainSize);
        ulong seed = reader.Get(Seed);
        double tolerance = reader.Get(Tolerance);
        int maxSteps = reader.Get(MaxSteps);
        string? dataDir = reader.GetOrNull(DataDir);
        int threads = reader.Get(OptionSets.Threads);
        reader.Finish();
        if (!(from < to))
        {
            throw UsageException.BadValue("--to", to.ToString(CultureInfo.InvariantCulture), $"a number greater than --from ({from.ToString(CultureInfo.InvariantCulture)})");
        }

        if (tolerance >= 1)
        {
            throw UsageException.BadValue("--tolerance", tolerance.ToString(CultureInfo.InvariantCulture), "a number with 0 < E < 1");
        }

        if (maxSteps < top)
        {
            throw UsageException.BadValue("--max-steps", maxSteps.ToString(CultureInfo.InvariantCulture), $"at least --top ({top}) steps");
        }

        var clock = Stopwatch.StartNew();
        var backend = new CpuBackend(threads);
        SavedRun run = SavedRun.Load("RUN_DIR", dir, backend, dataDir);
        SavedRun? other = otherDir is null ? null : SavedRun.Load("--other", otherDir, backend, dataDir);
        if (other is not null && other.Final.Spec != run.Final.Spec)
        {
            throw UsageException.BadValue("--other", otherDir!, $"a run of the same architecture as RUN_DIR ({run.Final.Spec.Name}); it is {other.Final.Spec.Name}"
                + (other.Final.Spec.Name == run.Final.Spec.Name ? " with other layers" : ""));
        }

        DataSplit data = Datasets.Load(run.Data, new Progress<string>(m => Console.Error.WriteLine(m)));
        Dataset train = data.Train;
        if (train.InputDim != run.Final.Spec.InputDim)
        {
            throw new UsageException(
                $"RUN_DIR {dir}: weights.bin takes {run.Final.Spec.InputDim} inputs but the rebuilt {train.Name} data has {train.InputDim}; the run folder does not match its data.");
        }

        int? trainSize = trainSizeText is null ? null : ParseTrainSize(trainSizeText, train.Count);
        if (top > run.Final.ParameterCount)
        {
            throw UsageException.BadValue("--top", top.ToString(CultureInfo.InvariantCulture), $"at most the parameter count ({run.Final.ParameterCount})");
        }

        RngKey key = RngKey.FromSeed(seed);
        int[]? rows = trainSize is int size ? HessianVectorProduct.SampleRows(train.Count, size, key.Split("hessian-rows")) : null;
        HessianVectorProduct hessian = HessianVectorProduct.Create(run.Final, train, run.Loss, rows, threads: threads);
        Console.Error.WriteLine($"landscape of {run.Final.Spec.Name} ({hessian.Dimension:N0} parameters, {Loss.Name(run.Loss)}) on {hessian.SampleCount:N0} of {train.Count:N0} training samples of {train.Name}");

        var lanczosProgress = new SynchronousProgress<(int Step, double Top)>(p =>
        {
            if (p.Step <= 3 || p.Step % 10 == 0)
            {
                Console.Error.WriteLine($"  lanczos step {p.Step}: top Ritz value {p.Top:G6}");
            }
        });
        EigenvalueEstimate eig = HessianEigenvalues.Top(hessian, top, key.Split("lanczos"), tolerance, maxSteps, lanczosProgress);
        if (!eig.Converged)
        {
            Console.Error.WriteLine($"warning: Lanczos stopped after {eig.Steps} steps (--max-steps) before every Ritz residual was ≤ {tolerance:G3}·‖T‖; residuals: {string.Join(", ", eig.Residuals.Select(r => r.ToString("G3", CultureInfo.InvariantCulture)))}.");
        }

        TraceEstimate trace = HutchinsonTrace.Estimate(hessian, probes, key.Split("hutchinson"),
            new SynchronousProgress<int>(j => { if (j % 10 == 0 || j == probes) Console.Error.WriteLine($"  trace probe {j}/{probes}"); }));

        double[] thetaA = other is null ? run.Init.FlatValues() : run.Final.FlatValues();
        double[] thetaB = other is null ? run.Final.FlatValues() : other.Final.FlatValues();
        var objective = new Objective<float>(run.Final.Clone(), backend.Upload(train), run.Loss);
        double[] ts = LossInterpolation.Grid(points, from, to);
        IReadOnlyList<InterpolationPoint> line = LossInterpolation.Line(objective, thetaA, thetaB, ts, Evaluation.ChunkRows,
            new SynchronousProgress<int>(j => { if (j % 10 == 0 || j == points) Console.Error.WriteLine($"  interpolation point {j}/{points}"); }));

        JsonObject doc = Build(run, other, hessian, train, seed, tolerance, eig, trace, line, clock.Elapsed.TotalSeconds);
        string text = doc.ToJsonString(Json.Options);
        string path = Path.Combine(dir, "landscape.json");
        Json.WriteAtomically(path, text);
        Console.Out.WriteLine(json ? text : Describe(run, other, hessian, eig, trace, line));
        Console.Error.WriteLine($"wrote {path}");
        return 0;
    }

    private static int ParseTrainSize(string text, int n)
    {
        string allowed = $"an integer 1 … {n} (the training samples of RUN_DIR's data)";
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int size) || size < 1 || size > n)
        {
            throw UsageException.BadValue("--train-size", text, allowed);
        }

        return size;
    }

    private static JsonObject Build(SavedRun run, SavedRun? other, HessianVectorProduct hessian, Dataset train, ulong seed, double tolerance,
        EigenvalueEstimate eig, TraceEstimate trace, IReadOnlyList<InterpolationPoint> line, double seconds)
    {
        var curve = new JsonArray();
        foreach (InterpolationPoint p in line)
        {
            curve.Add(new JsonObject { ["t"] = p.T, ["loss"] = Finite("interpolation loss", p.Loss) });
        }

        return new JsonObject
        {
            ["run"] = Path.GetFullPath(run.Dir),
            ["model"] = run.Final.Spec.Name,
            ["loss"] = Loss.Name(run.Loss),
            ["parameter_count"] = hessian.Dimension,
            ["weights_sha256"] = ModelFile.Sha256(run.Final),
            ["train_samples"] = train.Count,
            ["hessian_samples"] = hessian.SampleCount,
            ["seed"] = seed,
            ["top_eigenvalue"] = Finite("top_eigenvalue", eig.Values[0]),
            ["top_eigenvalues"] = new JsonArray(eig.Values.Select(v => (JsonNode)Finite("top eigenvalue", v)).ToArray()),
            ["eigenvalue_residuals"] = new JsonArray(eig.Residuals.Select(v => (JsonNode)Finite("eigenvalue residual", v)).ToArray()),
            ["lanczos_steps"] = eig.Steps,
            ["lanczos_converged"] = eig.Converged,
            ["lanczos_tolerance"] = tolerance,
            ["hessian_trace"] = Finite("hessian_trace", trace.Mean),
            ["hessian_trace_standard_error"] = Finite("hessian_trace_standard_error", trace.StandardError),
            ["hessian_trace_probes"] = trace.Probes,
            ["interpolation_from"] = other is null ? Path.Combine(Path.GetFullPath(run.Dir), "weights-init.bin") : Path.Combine(Path.GetFullPath(run.Dir), "weights.bin"),
            ["interpolation_to"] = Path.Combine(Path.GetFullPath((other ?? run).Dir), "weights.bin"),
            ["interpolation"] = curve,
            ["seconds"] = seconds,
        };
    }

    private static string Describe(SavedRun run, SavedRun? other, HessianVectorProduct hessian, EigenvalueEstimate eig, TraceEstimate trace,
        IReadOnlyList<InterpolationPoint> line)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"{run.Final.Spec.Name}, {Loss.Name(run.Loss)}, Hessian of the mean loss over {hessian.SampleCount:N0} training samples ({hessian.Dimension:N0} parameters)");
        string rest = eig.Values.Count > 1 ? $"   (top {eig.Values.Count}: {string.Join(", ", eig.Values.Select(v => v.ToString("G6", CultureInfo.InvariantCulture)))})" : "";
        sb.AppendLine(CultureInfo.InvariantCulture, $"  top eigenvalue     {eig.Values[0]:G8}{rest}   [{eig.Steps} Lanczos steps{(eig.Converged ? "" : ", not converged")}]");
        sb.AppendLine(CultureInfo.InvariantCulture, $"  Hessian trace      {trace.Mean:G6} ± {trace.StandardError:G3} (Hutchinson, {trace.Probes} probes)");
        sb.AppendLine(other is null ? "  loss from init (t = 0) to the end (t = 1):" : $"  loss from RUN_DIR (t = 0) to {other.Dir} (t = 1):");
        foreach (InterpolationPoint p in line)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"    t = {p.T,6:0.###}   loss {p.Loss:G6}");
        }

        return sb.ToString().TrimEnd();
    }

    private static double Finite(string name, double v)
        => double.IsFinite(v) ? v : throw new InvalidOperationException($"{name} is {v}; refusing to write a non-finite number to landscape.json.");

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to the thread pool and print out of order).</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
