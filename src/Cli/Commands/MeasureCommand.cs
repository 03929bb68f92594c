using BoundLab.Numerics.Backends;
using System.Text.Json.Nodes;
using BoundLab.Cli.Framework;
using BoundLab.Cli.Framework.Options;
using BoundLab.Numerics.Data;
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

    /// <summary>The declaration of <c>measure</c>'s arguments and options.</summary>
    public static CommandSpec Spec { get; } = new("measure",
        "measure a saved run (norms, path norm, margins) without retraining; writes RUN_DIR/measures.json",
        [OptionSets.Json, DataDir, OptionSets.Threads], [RunDir], notes: """

        Measures the trained network of a run folder written by `boundlab train` (run.json, weights.bin,
        weights-init.bin) on its training data, rebuilt from run.json's config as train built it, and writes
        RUN_DIR/measures.json: per layer W_1 … W_L the spectral norm, Frobenius norm, distances from the
        initialization (Frobenius, spectral, BFT's (2,1)); ‖X‖₂ and max ‖x_i‖; the ℓ2 path norm; counts;
        margins (quantiles, margin_q10 = the ⌊n/10⌋-th smallest, 0-based).
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
        reader.Finish();

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
        var options = new DataOptions(c.Data, dataDir ?? c.DataDir, c.TrainSize, c.TestSize, c.LabelNoise, c.Seed);
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
