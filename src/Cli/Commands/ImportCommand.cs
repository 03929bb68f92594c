using BoundLab.Cli.Framework;
using BoundLab.Cli.Framework.Options;
using BoundLab.Numerics;
using BoundLab.Numerics.Backends;
using BoundLab.Numerics.Data;
using BoundLab.Numerics.Interop;
using BoundLab.Numerics.Losses;
using BoundLab.Numerics.Models;
using BoundLab.Numerics.Runs;
using BoundLab.Numerics.Training;

namespace BoundLab.Cli.Commands;

/// <summary><c>boundlab import FILE.safetensors --init INIT.safetensors --data NAME --out RUN_DIR</c>: a network trained
/// elsewhere becomes a run folder (weights.bin, weights-init.bin, run.json with its errors on the data), so measure,
/// bounds eval --run, landscape, compress and export work on it as on a run trained here.</summary>
public sealed class ImportCommand : ICommand
{
    private static readonly CliArgument File = new("FILE", "the final weights, safetensors in PyTorch's Sequential layout",
        "FILE (a .safetensors file)");

    private static readonly CliOption<string> Init = Opt.Text("--init", "FILE",
        "the initial weights of the same network (distance-from-initialization measures and bounds need them)");

    private static readonly CliOption<string> Activation = Opt.Choice("--activation", "A",
        "hidden activation of a PyTorch MLP file without BoundLab metadata", "relu", ["relu", "sigmoid", "tanh", "identity"]);

    private static readonly CliOption<string> Loss = Opt.Choice("--loss", "L", "the loss the run.json losses are measured with", "cross-entropy",
        Numerics.Losses.Loss.All.Select(Numerics.Losses.Loss.Name).ToArray());

    private static readonly CliOption<string> Out = Opt.Text("--out", "DIR", "the run folder to create");

    /// <summary>The declaration of <c>import</c>'s arguments and options.</summary>
    public static CommandSpec Spec { get; } = new("import", "make a run folder from safetensors weights trained elsewhere",
        [.. OptionSets.Data.All, OptionSets.Seed, Init, Activation, Loss, Out, OptionSets.Force, OptionSets.Threads], [File], notes: """

        The architecture comes from the file's "boundlab_architecture" metadata (boundlab export writes it); a file
        without it is read as the torch.nn.Sequential MLP its Linear weights 0.weight, 2.weight, … chain into, with
        --activation between them. The data options (and --seed, which seeds subsets and label noise) say which data the
        network is measured on; run.json records its train and test error there, and optimizer "imported".
        """);

    /// <inheritdoc />
    CommandSpec? ICommand.Spec => Spec;

    /// <inheritdoc />
    public string Name => "import";

    /// <inheritdoc />
    public string Summary => "make a run folder from safetensors weights trained elsewhere";

    /// <inheritdoc />
    public int Run(IReadOnlyList<string> args)
    {
        ParsedArgs a = Spec.Parse(args);
        if (a.HelpRequested)
        {
            Spec.WriteHelp(Console.Out);
            return 0;
        }

        string file = a.Positional(File);
        var dataOptions = new DataOptions(a.Get(OptionSets.Data.Name), a.GetOrNull(OptionSets.DataDir), a.GetOrNull(OptionSets.Data.TrainSize),
            a.GetOrNull(OptionSets.Data.TestSize), a.GetOrNull(OptionSets.Data.LabelNoise) ?? 0, a.Get(OptionSets.Seed));
        string? initFile = a.GetOrNull(Init);
        var hidden = Enum.Parse<Activation>(a.Get(Activation), ignoreCase: true);
        string lossName = a.Get(Loss);
        LossKind loss = Numerics.Losses.Loss.All.First(k => Numerics.Losses.Loss.Name(k) == lossName);
        string? outDir = a.GetOrNull(Out);
        bool force = a.Flag(OptionSets.Force);
        int threads = a.Get(OptionSets.Threads);
        a.Finish();
        if (outDir is null)
        {
            throw new UsageException("--out: missing; allowed: the run folder to create.");
        }

        if (initFile is null)
        {
            throw new UsageException("--init: missing; allowed: the initial weights of the same network as a .safetensors file " +
                "(measure and the distance-from-initialization bounds need them; save the state_dict before training).");
        }

        var backend = new CpuBackend(threads);
        Model<float> model = Read(file, "FILE", backend, hidden);
        Model<float> initial = Read(initFile, "--init", backend, hidden);
        if (initial.Spec != model.Spec)
        {
            throw UsageException.BadValue("--init", initFile, $"the initial weights of the same architecture as FILE ({model.Spec.Name}); it is {initial.Spec.Name}");
        }

        using RunFolder folder = RunFolder.Open(outDir, resume: false, force);
        DataSplit data = Datasets.Load(dataOptions, new Progress<string>(m => Console.Error.WriteLine(m)));
        if (data.Train.InputDim != model.Spec.InputDim)
        {
            throw UsageException.BadValue("FILE", file, $"a network taking the {data.Train.InputDim} inputs of --data {dataOptions.Name}; it takes {model.Spec.InputDim}");
        }

        try
        {
            Numerics.Losses.Loss.CheckCompatible(loss, model.Spec.OutputDim, data.Train.Task == TaskKind.Regression, data.Train.Classes);
        }
        catch (ArgumentException e)
        {
            throw UsageException.BadValue("--loss", lossName, $"a loss for this network and data ({e.Message.Split(" (Parameter")[0]})");
        }

        var (trainLoss, trainError) = Evaluation.Evaluate(model, data.Train, loss);
        var (testLoss, testError) = Evaluation.Evaluate(model, data.Test, loss);
        MlpSpec? mlp = model.Spec.Mlp;
        var gradient = new GradientConfig(dataOptions.DataDir, dataOptions.LabelNoise, null, 0, "Constant", 0, 0, 0, 0, 0, null, 0, 0, backend.Threads);
        var config = new RunConfig(dataOptions.Name, dataOptions.TrainSize, dataOptions.TestSize, model.Spec.Name,
            (mlp?.Hidden ?? Numerics.Activation.Relu).ToString().ToLowerInvariant(), mlp?.Bias ?? model.Spec.HasBiases, "imported", lossName, "imported",
            dataOptions.Seed, gradient, null);
        var results = new RunResults(RunRecord.ErrorKind(data), model.ParameterCount, trainError, testError, testError - trainError,
            trainLoss, testLoss, false, 0, null, 0, 0);
        var provenance = new RunProvenance(RunLayout.WeightsFileName, RunLayout.InitialWeightsFileName, ModelFile.Sha256(model), null,
            MachineInfo.Current(), DateTime.UtcNow.ToString("O"));
        var document = new RunDocument(RunDocument.CurrentVersion, config, RunRecord.Data(data), ValueList.From(Array.Empty<EpochEntry>()), results, provenance);
        ModelFile.Save(model, folder.Layout.WeightsFile);
        ModelFile.Save(initial, folder.Layout.InitialWeightsFile);
        document.Write(folder.RunJson);
        Console.Error.WriteLine($"imported {model.Spec.Name} ({model.ParameterCount:N0} parameters): train error {trainError:G4}, test error {testError:G4} on {data.Train.Name}; wrote {folder.RunJson}");
        return 0;
    }

    private static Model<float> Read(string path, string option, Backend<float> backend, Activation hidden)
    {
        if (!System.IO.File.Exists(path))
        {
            throw UsageException.BadValue(option, path, "an existing .safetensors file");
        }

        SafeTensorFile file = SafeTensors.Read(path);
        return TorchLayout.Import(file, backend, hidden, path);
    }
}
