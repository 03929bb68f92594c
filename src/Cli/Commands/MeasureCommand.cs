using BoundLab.Numerics.Backends;
using System.Text.Json.Nodes;
using BoundLab.Cli.Framework;
using BoundLab.Numerics.Data;
using BoundLab.Numerics.Models;

namespace BoundLab.Cli.Commands;

/// <summary><c>boundlab measure RUN_DIR</c>: measures a saved run (norms, path norm, margins) without
/// retraining and writes RUN_DIR/measures.json.</summary>
public sealed class MeasureCommand : ICommand
{
    private const string Help = """
        usage: boundlab measure RUN_DIR [options]

        Measures the trained network of a run folder written by `boundlab train` (run.json, weights.bin,
        weights-init.bin) on its training data, rebuilt from run.json's config as train built it, and writes
        RUN_DIR/measures.json: per layer W_1 … W_L the spectral norm, Frobenius norm, distances from the
        initialization (Frobenius, spectral, BFT's (2,1)); ‖X‖₂ and max ‖x_i‖; the ℓ2 path norm; counts;
        margins (quantiles, margin_q10 = the ⌊n/10⌋-th smallest, 0-based).

          --json                 also print measures.json to stdout
          --data-dir DIR         where the run's dataset lives (default: run.json's data_dir, else the default)
          --threads T            worker threads for the forward pass ≥ 0 (default 0 = all cores)
        """;

    /// <inheritdoc />
    public string Name => "measure";

    /// <inheritdoc />
    public string Summary => "measure a saved run (norms, path norm, margins); writes RUN_DIR/measures.json";

    /// <inheritdoc />
    public int Run(IReadOnlyList<string> args)
    {
        var reader = new ArgReader(args);
        if (reader.HelpRequested)
        {
            Console.Out.WriteLine(Help);
            return 0;
        }

        string dir = reader.Positional("RUN_DIR (a run folder written by boundlab train)");
        bool json = reader.Flag("--json");
        string? dataDir = reader.OptionalString("--data-dir");
        int threads = reader.Int("--threads", 0, min: 0, max: 1024);
        reader.Finish();

        if (!Directory.Exists(dir))
        {
            throw UsageException.BadValue("RUN_DIR", dir, "an existing run folder written by boundlab train");
        }

        JsonObject run = ReadRun(dir);
        JsonObject config = run["config"] as JsonObject
            ?? throw new UsageException($"RUN_DIR {dir}: run.json has no config object; allowed: a run.json written by boundlab train.");
        Model<float> net = LoadWeights(dir, run, "weights", "weights.bin");
        Model<float> init = LoadWeights(dir, run, "weights_init", "weights-init.bin");
        CheckArchitecture(dir, config, net, init);

        DataOptions options = DataFromConfig(dir, config, dataDir);
        DataSplit data = Datasets.Load(options, new Progress<string>(m => Console.Error.WriteLine(m)));
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
        JsonObject measures = RunMeasurements.Build(net, init, data.Train, threads);
        measures["run"] = Path.GetFullPath(dir);
        measures["weights_sha256"] = ModelFile.Sha256(net);
        string text = measures.ToJsonString(Json.Options);
        string path = Path.Combine(dir, "measures.json");
        Json.WriteAtomically(path, text);
        if (json)
        {
            Console.Out.WriteLine(text);
        }

        Console.Error.WriteLine($"wrote {path}");
        return 0;
    }

    private static JsonObject ReadRun(string dir)
    {
        string path = Path.Combine(dir, "run.json");
        if (!File.Exists(path))
        {
            throw UsageException.BadValue("RUN_DIR", dir, "a folder holding run.json (a finished boundlab train run)");
        }

        try
        {
            return Json.ParseObject(File.ReadAllText(path));
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new UsageException($"RUN_DIR {dir}: run.json is not valid JSON ({e.Message}).");
        }
    }

    private static Model<float> LoadWeights(string dir, JsonObject run, string key, string fallback)
    {
        string name = run[key] is JsonValue v && v.TryGetValue(out string? s) && !string.IsNullOrEmpty(s) ? s : fallback;
        string path = Path.Combine(dir, name);
        if (!File.Exists(path))
        {
            throw UsageException.BadValue("RUN_DIR", dir, $"a run folder holding {name} (run.json's {key})");
        }

        return ModelFile.Load(path, new CpuBackend());
    }

    private static void CheckArchitecture(string dir, JsonObject config, Model<float> net, Model<float> init)
    {
        if (init.Spec != net.Spec)
        {
            throw new UsageException(
                $"RUN_DIR {dir}: weights.bin is {net.Spec.Name} but weights-init.bin is {init.Spec.Name}" + (init.Spec.Name == net.Spec.Name ? " with other layers" : "") + "; they must be the same architecture.");
        }

        string? arch = (config["model"] ?? config["arch"])?.GetValue<string>();
        if (arch != net.Spec.Name)
        {
            throw new UsageException($"RUN_DIR {dir}: run.json says arch {arch ?? "(none)"} but weights.bin is {net.Spec.Name}; they must match.");
        }
    }

    private static DataOptions DataFromConfig(string dir, JsonObject c, string? dataDirOverride)
    {
        try
        {
            string name = c["data"]?.GetValue<string>() ?? throw new UsageException($"RUN_DIR {dir}: run.json's config has no data name.");
            return new DataOptions(
                name,
                dataDirOverride ?? c["data_dir"]?.GetValue<string>(),
                c["train_size"]?.GetValue<int>(),
                c["test_size"]?.GetValue<int>(),
                c["label_noise"]?.GetValue<double>() ?? 0,
                c["seed"]?.GetValue<ulong>() ?? 0);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new UsageException($"RUN_DIR {dir}: run.json's config has a field of the wrong type ({e.Message}).");
        }
    }
}
