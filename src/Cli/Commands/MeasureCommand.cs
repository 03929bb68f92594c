using BoundLab.Numerics.Backends;
using System.Text.Json.Nodes;
using BoundLab.Cli.Framework;
using BoundLab.Cli.Framework.Options;
using BoundLab.Numerics.Data;
using BoundLab.Numerics.Measurements;
using BoundLab.Numerics.Models;
using BoundLab.Numerics.Runs;

namespace BoundLab.Cli.Commands;

/// <summary><c>boundlab measure RUN_DIR</c>: measures a saved run (norms, path norm, margins) without
/// retraining and writes RUN_DIR/measures.json.</summary>
public sealed class MeasureCommand : ICommand
{
    private static readonly CliArgument RunDir = new("RUN_DIR", "a run folder written by boundlab train",
        "RUN_DIR (a run folder written by boundlab train)");

    private static readonly CliOption<string> DataDir = Opt.Text("--data-dir", "DIR", "where the run's dataset lives",
        defaultText: "run.json's data_dir, else the default");

    private static readonly SharpnessOptions Jiang = new();

    private static readonly CliOption<string> SharpnessSwitch = Opt.Choice("--sharpness", "on|off",
        "measure sharpness σ and σ′ by bisection (the slow part)", "on", ["on", "off"]);

    private static readonly CliOption<double> Target = Opt.Double("--sharpness-target", "Δ",
        "allowed increase of the training error under the perturbation", Jiang.Target, 0, 1, minExclusive: true);

    private static readonly CliOption<int> Draws = Opt.Int("--sharpness-draws", "D", "Monte-Carlo perturbations per σ", Jiang.Draws, min: 1);

    private static readonly CliOption<int> Subsample = Opt.Int("--sharpness-subsample", "M",
        "training points the perturbed error is measured on (all when fewer)", Jiang.Subsample, min: 1);

    private static readonly CliOption<int> Depth = Opt.Int("--sharpness-depth", "K", "largest number of bisection steps", Jiang.Depth, min: 1, max: 60);

    private static readonly CliOption<double> Tolerance = Opt.Double("--sharpness-tolerance", "τ",
        "stop when the increase is within τ of the target", Jiang.Tolerance, 0);

    private static readonly CliOption<double> Upper = Opt.Double("--sharpness-upper", "σ",
        "upper end of the bisection bracket [0, σ]", Jiang.Upper, 0, minExclusive: true);

    private static readonly CliOption<ulong> SharpnessSeed = new("--sharpness-seed", "S",
        "seed of the subsample and the perturbations", "an integer 0 … 18446744073709551615",
        s => ulong.TryParse(s, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out ulong x)
            ? x : throw UsageException.BadValue("--sharpness-seed", s, "an integer 0 … 18446744073709551615"),
        false, 0, "run.json's seed", null);

    private static readonly CliOption<double> Lipschitz = Opt.Double("--lipschitz", "L",
        "Lipschitz constant of the loss in the parameters, for Mou et al.'s k₀ (SGLD runs)", null, 0, minExclusive: true, defaultText: "none: k0 is null");

    /// <summary>The declaration of <c>measure</c>'s arguments and options.</summary>
    public static CommandSpec Spec { get; } = new("measure",
        "measure a saved run (norms, path norm, margins, sharpness, trajectory sums) without retraining; writes RUN_DIR/measures.json",
        [OptionSets.Json, DataDir, OptionSets.Threads, SharpnessSwitch, Target, Draws, Subsample, Depth, Tolerance, Upper, SharpnessSeed, Lipschitz],
        [RunDir], notes: """

        Measures the trained network of a run folder written by `boundlab train` (run.json, weights.bin,
        weights-init.bin) on its training data, rebuilt from run.json's config as train built it, and writes
        RUN_DIR/measures.json: per layer W_1 … W_L the spectral norm, Frobenius norm, distances from the
        initialization (Frobenius, spectral, BFT's (2,1)); ‖X‖₂ and max ‖x_i‖; the ℓ2 path norm; counts;
        margins (quantiles, margin_q10 = the ⌊n/10⌋-th smallest, 0-based); sharpness σ and magnitude-aware σ′
        (Jiang et al. 2020: the σ whose Gaussian weight perturbation raises the training error by the target,
        by bisection on [0, upper] with a fixed number of keyed draws per σ, on a fixed subsample); and, when
        the run has a trajectory.csv, the trajectory sums of the stability entries (the `trajectory` object).
        """);

    /// <inheritdoc />
    CommandSpec? ICommand.Spec => Spec;

    /// <inheritdoc />
    public string Name => "measure";

    /// <inheritdoc />
    public string Summary => "measure a saved run (norms, path norm, margins); writes RUN_DIR/measures.json";

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
        string? dataDir = reader.GetOrNull(DataDir);
        int threads = reader.Get(OptionSets.Threads);
        bool sharpness = reader.Get(SharpnessSwitch) == "on";
        var sharpnessOptions = new SharpnessOptions(reader.Get(Target), reader.Get(Draws), reader.Get(Subsample),
            Upper: reader.Get(Upper), Depth: reader.Get(Depth), Tolerance: reader.Get(Tolerance));
        ulong? sharpnessSeed = reader.GetOrNull(SharpnessSeed);
        double? lipschitz = reader.GetOrNull(Lipschitz);
        if (!sharpness)
        {
            foreach ((string name, bool given) in (ReadOnlySpan<(string, bool)>)[(Target.Name, reader.GetOrNull(Target) is not null),
                         (Draws.Name, reader.GetOrNull(Draws) is not null), (Subsample.Name, reader.GetOrNull(Subsample) is not null),
                         (Depth.Name, reader.GetOrNull(Depth) is not null), (Tolerance.Name, reader.GetOrNull(Tolerance) is not null),
                         (Upper.Name, reader.GetOrNull(Upper) is not null), (SharpnessSeed.Name, sharpnessSeed is not null)])
            {
                if (given)
                {
                    throw new UsageException($"{name}: applies only with --sharpness on, not with --sharpness off; leave it out.");
                }
            }
        }

        reader.Finish();
        if (sharpnessOptions.Tolerance >= sharpnessOptions.Target)
        {
            throw UsageException.BadValue("--sharpness-tolerance", sharpnessOptions.Tolerance.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                $"a tolerance below --sharpness-target {sharpnessOptions.Target.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}");
        }

        if (!Directory.Exists(dir))
        {
            throw UsageException.BadValue("RUN_DIR", dir, "an existing run folder written by boundlab train");
        }

        var layout = new RunLayout(dir);
        RunDocument run = ReadRun(dir, layout);
        Model<float> net = LoadWeights(dir, layout, run.Fingerprint.Weights, "weights");
        Model<float> init = LoadWeights(dir, layout, run.Fingerprint.WeightsInit, "weights_init");
        CheckArchitecture(dir, run.Config, net, init);

        RunConfig c = run.Config;
        // Read before the data is loaded: a bad trajectory or --lipschitz fails fast, with one line.
        TrajectoryMeasures? trajectory = RunMeasurements.Trajectory(dir, layout, c, lipschitz);
        var dataOptions = new DataOptions(c.Data, dataDir ?? c.DataDir, c.TrainSize, c.TestSize, c.LabelNoise, c.Seed);
        DataSplit data = Datasets.Load(dataOptions, new Progress<string>(m => Console.Error.WriteLine(m)));
        string supersampleFile = Path.Combine(dir, Supersample.FileName);
        if (File.Exists(supersampleFile))
        {
            try
            {
                data = new DataSplit(Supersample.FromFile(data.Train, c.Seed, supersampleFile).Train, data.Test);
            }
            catch (Exception e) when (e is InvalidDataException or ArgumentException)
            {
                throw new UsageException($"RUN_DIR {dir}: {e.Message.Split(" (Parameter")[0]}");
            }
        }

        if (data.Train.InputDim != net.Spec.InputDim)
        {
            throw new UsageException(
                $"RUN_DIR {dir}: weights.bin takes {net.Spec.InputDim} inputs but the rebuilt {data.Train.Name} data has {data.Train.InputDim}; the run folder does not match its data.");
        }

        int k = net.Spec.OutputDim;
        if (data.Train.Labels is not null && k != data.Train.Classes && !(k == 1 && data.Train.Classes == 2))
        {
            throw new UsageException(
                $"RUN_DIR {dir}: weights.bin has {k} outputs but the rebuilt {data.Train.Name} data has {data.Train.Classes} classes; the run folder does not match its data.");
        }

        Console.Error.WriteLine($"measuring {net.Spec.Name} on {data.Train.Count:N0} training samples of {data.Train.Name}");
        var options = new MeasureOptions(sharpness && data.Train.Labels is not null ? sharpnessOptions with { Seed = sharpnessSeed ?? c.Seed } : null);
        var shown = new SharpnessDisplay();
        NetworkMeasures m = NetworkMeasures.Compute(net, init, data.Train, options, threads, shown) with { Trajectory = trajectory };
        shown.Finish();
        JsonObject measures = m.ToJson();
        measures["run"] = Path.GetFullPath(dir);
        measures["weights_sha256"] = ModelFile.Sha256(net);
        string text = measures.ToJsonString(Json.Options);
        string path = layout.MeasuresFile;
        Json.WriteAtomically(path, text);
        if (json)
        {
            Console.Out.WriteLine(text);
        }

        Console.Error.WriteLine($"wrote {path}");
        return 0;
    }

    private static RunDocument ReadRun(string dir, RunLayout layout)
    {
        string path = layout.RunFile;
        if (!File.Exists(path))
        {
            throw UsageException.BadValue("RUN_DIR", dir, $"a folder holding {RunLayout.RunFileName} (a finished boundlab train run)");
        }

        try
        {
            return RunDocument.Read(path);
        }
        catch (RunFileException e)
        {
            throw new UsageException($"RUN_DIR {dir}: {e.Message}");
        }
    }

    private static Model<float> LoadWeights(string dir, RunLayout layout, string name, string key)
    {
        string path = layout.File(name);
        if (!File.Exists(path))
        {
            throw UsageException.BadValue("RUN_DIR", dir, $"a run folder holding {name} (run.json's {key})");
        }

        return ModelFile.Load(path, new CpuBackend());
    }

    private static void CheckArchitecture(string dir, RunConfig config, Model<float> net, Model<float> init)
    {
        if (init.Spec != net.Spec)
        {
            throw new UsageException(
                $"RUN_DIR {dir}: weights.bin is {net.Spec.Name} but weights-init.bin is {init.Spec.Name}" + (init.Spec.Name == net.Spec.Name ? " with other layers" : "") + "; they must be the same architecture.");
        }

        if (config.Arch != net.Spec.Name)
        {
            throw new UsageException($"RUN_DIR {dir}: run.json says arch {config.Arch} but weights.bin is {net.Spec.Name}; they must match.");
        }
    }
}

/// <summary>The sharpness bisection's progress on standard error: one redrawn line on a terminal, one line per
/// finished search when standard error is redirected.</summary>
internal sealed class SharpnessDisplay : IProgress<SharpnessProgress>
{
    private readonly bool _interactive = !Console.IsErrorRedirected;
    private SharpnessProgress? _last;

    /// <inheritdoc />
    public void Report(SharpnessProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (_last is { } prev && prev.Kind != value.Kind)
        {
            Line(prev);
        }

        _last = value;
        if (_interactive)
        {
            Console.Error.Write($"\rsharpness {Name(value.Kind)}: step {value.Evaluation}/{value.Depth}  σ {value.Sigma:G6}  error increase {value.Increase:F4}   ");
        }
    }

    /// <summary>Ends the display (the last search's line).</summary>
    public void Finish()
    {
        if (_last is { } l)
        {
            Line(l);
        }

        _last = null;
    }

    private void Line(SharpnessProgress p)
        => Console.Error.WriteLine($"{(_interactive ? "\r" : "")}sharpness {Name(p.Kind)}: σ {p.Sigma:G6} after {p.Evaluation} steps (error increase {p.Increase:F4})      ");

    private static string Name(PerturbationKind k) => k == PerturbationKind.Isotropic ? "isotropic" : "magnitude-aware";
}
