using BoundLab.Cli.Framework.Options;

namespace BoundLab.Cli.Framework;

/// <summary>One top-level verb of the <c>boundlab</c> command line.</summary>
public interface ICommand
{
    /// <summary>The verb, e.g. "train".</summary>
    string Name { get; }

    /// <summary>One line for the help listing.</summary>
    string Summary { get; }

    /// <summary>The declaration of the command's options (null for a command that still reads its arguments by hand);
    /// the command line builds help and shell completion from it.</summary>
    CommandSpec? Spec => null;

    /// <summary>Runs with the arguments after the verb; returns the exit code (0 success).
    /// Bad input throws <see cref="UsageException"/> (or ArgumentException) → exit code 2.</summary>
    int Run(IReadOnlyList<string> args);
}
