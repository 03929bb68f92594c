using BoundLab.Cli.Framework;
using BoundLab.Cli.Framework.Options;
using BoundLab.Numerics.Backends;
using BoundLab.Numerics.Interop;
using BoundLab.Numerics.Models;
using BoundLab.Numerics.Runs;

namespace BoundLab.Cli.Commands;

/// <summary><c>boundlab export RUN_DIR --format safetensors --out FILE [--init]</c>: writes a run's weights with
/// PyTorch's names and layouts (<see cref="TorchLayout"/>).</summary>
public sealed class ExportCommand : ICommand
{
    private static readonly CliArgument RunDir = new("RUN_DIR", "a run folder written by boundlab train",
        "RUN_DIR (a run folder written by boundlab train)");

    private static readonly CliOption<string> Format = Opt.Choice("--format", "F", "file format", "safetensors", ["safetensors"]);

    private static readonly CliOption<string> Out = Opt.Text("--out", "FILE", "the .safetensors file to write (atomically)");

    private static readonly CliFlag Init = Opt.Flag("--init", "export the initial weights (weights-init.bin) instead of the final ones");

    /// <summary>The declaration of <c>export</c>'s arguments and options.</summary>
    public static CommandSpec Spec { get; } = new("export", "write a run's weights as safetensors with PyTorch's names and layouts",
        [Format, Out, Init], [RunDir], notes: """

        Every tensor is written under the name and layout an equivalent torch.nn.Sequential has in its state_dict
        (0.weight, 0.bias, …; Conv2d weights OC×C×KH×KW; images NCHW; a fused activation is its own module, so a layer
        after it has the next index), the architecture in the header's metadata ("boundlab_architecture"). In PyTorch:
        build the Sequential, then model.load_state_dict(safetensors.torch.load_file(FILE)).
        `boundlab import FILE --data NAME --out DIR` reads such a file (or a PyTorch MLP's) back into a run folder.
        """);

    /// <inheritdoc />
    CommandSpec? ICommand.Spec => Spec;

    /// <inheritdoc />
    public string Name => "export";

    /// <inheritdoc />
    public string Summary => "write a run's weights as safetensors with PyTorch's names and layouts";

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
        reader.Get(Format);
        string? outPath = reader.GetOrNull(Out);
        bool init = reader.Flag(Init);
        reader.Finish();
        if (outPath is null)
        {
            throw new UsageException("--out: missing; allowed: the path of the .safetensors file to write.");
        }

        if (!Directory.Exists(dir))
        {
            throw UsageException.BadValue("RUN_DIR", dir, "an existing run folder written by boundlab train");
        }

        var layout = new RunLayout(dir);
        string weights = init ? layout.InitialWeightsFile : layout.WeightsFile;
        if (!File.Exists(weights))
        {
            throw UsageException.BadValue("RUN_DIR", dir, $"a run folder holding {Path.GetFileName(weights)}");
        }

        Model<float> model = ModelFile.Load(weights, new CpuBackend(1));
        IReadOnlyList<SafeTensor> tensors = TorchLayout.Export(model);
        SafeTensors.Write(outPath, tensors, TorchLayout.Metadata(model.Spec));
        Console.Error.WriteLine($"wrote {outPath}: {model.Spec.Name}, {tensors.Count} tensors ({string.Join(", ", tensors.Select(t => t.Name))}), {model.ParameterCount:N0} parameters");
        return 0;
    }
}
