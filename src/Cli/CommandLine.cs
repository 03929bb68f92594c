using System.CommandLine;
using BoundLab.Cli.Framework;

namespace BoundLab.Cli;

/// <summary>The <c>boundlab</c> entry point: dispatches to a command and maps failures to exit codes
/// (0 success, 2 bad input with a one-line message, 1 a failure while running, 130 interrupted).</summary>
public static class CommandLine
{
    private static readonly Lazy<RootCommand> Root = new(BuildRoot);

    /// <summary>Every top-level verb; add a command by adding one line here.</summary>
    public static IReadOnlyList<ICommand> Commands { get; } =
    [
        new BoundLab.Cli.Commands.TrainCommand(),
        new BoundLab.Cli.Commands.DataCommand(),
        new BoundLab.Cli.Commands.BenchCommand(),
        new BoundLab.Cli.Commands.BoundsCommand(),
        new BoundLab.Cli.Commands.MeasureCommand(),
        new BoundLab.Cli.Commands.CompressCommand(),
        new BoundLab.Cli.Commands.VerifyCommand(),
        new BoundLab.Cli.Commands.LandscapeCommand(),
        new BoundLab.Cli.Commands.PacBayesCommand(),
        new BoundLab.Cli.Commands.ExportCommand(),
        new BoundLab.Cli.Commands.ImportCommand(),
        new BoundLab.Cli.Commands.ReportCommand(BoundLab.Cli.Commands.StudyCommand.LoadResults),
        new BoundLab.Cli.Commands.StudyCommand(),
        new BoundLab.Cli.Commands.DoctorCommand(),
    ];

    /// <summary>The System.CommandLine tree of every command (declared options where a command has a spec), used for
    /// shell completion: <c>boundlab [suggest:N] "boundlab tr"</c> as <c>dotnet-suggest</c> calls it.</summary>
    public static RootCommand RootCommand => Root.Value;

    /// <summary>Runs the command line; never throws.</summary>
    public static int Run(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        RootCommand root = RootCommand; // attaches the commands, so their help shows "boundlab <command>"
        if (args.Count > 0 && args[0].StartsWith("[suggest", StringComparison.Ordinal))
        {
            return root.Parse(args.ToArray()).Invoke(new InvocationConfiguration { Output = Console.Out, Error = Console.Error });
        }

        if (args.Count == 0 || args[0] is "--help" or "-h" or "-?" or "help")
        {
            PrintHelp(Console.Out);
            return args.Count == 0 ? 2 : 0;
        }

        ICommand? command = Commands.FirstOrDefault(c => c.Name == args[0]);
        if (command is null)
        {
            Console.Error.WriteLine($"error: unknown command '{args[0]}'; allowed: {string.Join(", ", Commands.Select(c => c.Name))}.");
            return 2;
        }

        try
        {
            return command.Run(args.Skip(1).ToArray());
        }
        catch (Exception e) when (IsUserError(e))
        {
            Console.Error.WriteLine($"error: {ErrorText.OneLine(e)}");
            return 2;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("interrupted.");
            return 130;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"failed: {ErrorText.OneLine(e)}");
            if (Environment.GetEnvironmentVariable("BOUNDLAB_DEBUG") == "1")
            {
                Console.Error.WriteLine(e);
            }

            return 1;
        }
    }

    /// <summary>Bad input from the user, as opposed to a failure while running.</summary>
    public static bool IsUserError(Exception e) => e is UsageException or ArgumentException
        or InvalidDataException or FileNotFoundException or DirectoryNotFoundException or FormatException;

    private static RootCommand BuildRoot()
    {
        var root = new RootCommand("boundlab — train networks, measure generalization, evaluate bounds.");
        foreach (ICommand c in Commands)
        {
            if (c.Spec is { } spec)
            {
                spec.AttachTo(root);
            }
            else
            {
                // Commands that still read their arguments by hand complete by name only.
                var bare = new Command(c.Name, c.Summary) { TreatUnmatchedTokensAsErrors = false };
                bare.Add(new Argument<string[]>("ARGS") { Arity = ArgumentArity.ZeroOrMore });
                root.Add(bare);
            }
        }

        return root;
    }

    private static void PrintHelp(TextWriter w)
    {
        w.WriteLine("boundlab — train networks, measure generalization, evaluate bounds.");
        w.WriteLine();
        w.WriteLine("usage: boundlab <command> [options]   (boundlab <command> --help for its options)");
        w.WriteLine();
        foreach (ICommand c in Commands)
        {
            w.WriteLine($"  {c.Name,-10} {c.Summary}");
        }

        w.WriteLine();
        w.WriteLine("Shell completion: see README (dotnet-suggest).");
    }
}
