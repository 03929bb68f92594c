using BoundLab.Cli.Framework;
using BoundLab.Numerics.Backends;
using BoundLab.Numerics.Interop;
using BoundLab.Numerics.Models;

namespace BoundLab.Cli.Commands;

/// <summary><c>boundlab export RUN_DIR --format safetensors --out FILE [--init]</c>: writes a run's weights with
/// PyTorch's names and layouts (<see cref="TorchLayout"/>).</summary>
public sealed class ExportCommand : ICommand
{
    private const string Help = """
        usage: boundlab export RUN_DIR --format safetensors --out FILE [--init]

        Writes the trained weights of a run folder (weights.bin; with --init the initial weights-init.bin) as a
        safetensors file holding every tensor under the name and layout an equivalent torch.nn.Sequential has in its
        state_dict (0.weight, 0.bias, …; Conv2d weights OC×C×KH×KW; images NCHW), the architecture in the header's
        metadata ("boundlab_architecture"). In PyTorch: build the Sequential, then
        model.load_state_dict(safetensors.torch.load_file(FILE)).

          --format F             safetensors (the only format)
          --out FILE             the file to write (atomically)
          --init                 export the initial weights instead of the final ones
        """;

    /// <inheritdoc />
    public string Name => "export";

    /// <inheritdoc />
    public string Summary => "write a run's weights as safetensors with PyTorch's names and layouts";

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
        reader.Choice("--format", "safetensors", "safetensors");
        string? outPath = reader.OptionalString("--out");
        bool init = reader.Flag("--init");
        reader.Finish();
        if (outPath is null)
        {
            throw new UsageException("--out: missing; allowed: the path of the .safetensors file to write.");
        }

        string name = init ? "weights-init.bin" : "weights.bin";
        string weights = Path.Combine(dir, name);
        if (!Directory.Exists(dir))
        {
            throw UsageException.BadValue("RUN_DIR", dir, "an existing run folder written by boundlab train");
        }

        if (!File.Exists(weights))
        {
            throw UsageException.BadValue("RUN_DIR", dir, $"a run folder holding {name}");
        }

        Model<float> model = ModelFile.Load(weights, new CpuBackend(1));
        IReadOnlyList<SafeTensor> tensors = TorchLayout.Export(model);
        SafeTensors.Write(outPath, tensors, TorchLayout.Metadata(model.Spec));
        Console.Error.WriteLine($"wrote {outPath}: {model.Spec.Name}, {tensors.Count} tensors ({string.Join(", ", tensors.Select(t => t.Name))}), {model.ParameterCount:N0} parameters");
        return 0;
    }
}
