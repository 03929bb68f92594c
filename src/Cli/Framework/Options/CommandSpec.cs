using System.CommandLine;
using System.CommandLine.Help;

namespace BoundLab.Cli.Framework.Options;

/// <summary>A positional argument: its help name (e.g. RUN_DIR) and what the "missing …" error calls it.</summary>
public sealed class CliArgument
{
    /// <summary>Declares a positional argument.</summary>
    public CliArgument(string name, string help, string missing, IReadOnlyList<string>? completions = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Missing = missing;
        var argument = new Argument<string>(name) { Description = help, Arity = ArgumentArity.ZeroOrOne };
        if (completions is { Count: > 0 })
        {
            argument.CompletionSources.Add(completions.ToArray());
        }

        Symbol = argument;
    }

    /// <summary>The name in help.</summary>
    public string Name { get; }

    /// <summary>How the error names it when it is missing ("missing {Missing}.").</summary>
    public string Missing { get; }

    internal Argument<string> Symbol { get; }
}

/// <summary>A command's declaration: its options and positionals, from which System.CommandLine builds the parser,
/// the help text and the completions.</summary>
public sealed class CommandSpec
{
    private readonly string? notes;
    private readonly HelpOption help = new();

    /// <summary>Declares a command; <paramref name="notes"/> is printed after the generated help.</summary>
    public CommandSpec(string name, string description, IEnumerable<CliOption> options, IEnumerable<CliArgument>? arguments = null,
        string? notes = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options.ToArray();
        Arguments = (arguments ?? []).ToArray();
        this.notes = notes;
        var duplicates = Options.GroupBy(o => o.Name).Where(g => g.Count() > 1).Select(g => g.Key).ToArray();
        if (duplicates.Length > 0)
        {
            throw new ArgumentException($"{name} declares {string.Join(", ", duplicates)} twice.", nameof(options));
        }

        Command = new Command(name, description);
        foreach (CliArgument a in Arguments)
        {
            Command.Add(a.Symbol);
        }

        foreach (CliOption o in Options)
        {
            Command.Add(o.Symbol);
        }

        Command.Add(help);
    }

    /// <summary>Declares a command made of sub-commands (e.g. bench gemm | mlp | noise).</summary>
    public CommandSpec(string name, string description, IEnumerable<CommandSpec> subcommands, string? notes = null)
        : this(name, description, Array.Empty<CliOption>(), notes: notes)
    {
        ArgumentNullException.ThrowIfNull(subcommands);
        Subcommands = subcommands.ToArray();
        foreach (CommandSpec sub in Subcommands)
        {
            Command.Add(sub.Command);
        }
    }

    /// <summary>The sub-commands (empty for a plain command).</summary>
    public IReadOnlyList<CommandSpec> Subcommands { get; } = [];

    /// <summary>The options.</summary>
    public IReadOnlyList<CliOption> Options { get; }

    /// <summary>The positional arguments, in order.</summary>
    public IReadOnlyList<CliArgument> Arguments { get; }

    /// <summary>The System.CommandLine command.</summary>
    public Command Command { get; }

    /// <summary>Makes the command a sub-command of <paramref name="root"/> (whose recursive --help then serves it), so
    /// that help shows the full usage and completion reaches it.</summary>
    public void AttachTo(RootCommand root)
    {
        ArgumentNullException.ThrowIfNull(root);
        RemoveHelp();
        root.Add(Command);
    }

    private void RemoveHelp()
    {
        Command.Options.Remove(help);
        foreach (CommandSpec sub in Subcommands)
        {
            sub.RemoveHelp();
        }
    }

    /// <summary>Writes the help generated from the declarations (and the notes).</summary>
    public void WriteHelp(TextWriter w)
    {
        ArgumentNullException.ThrowIfNull(w);
        Command.Parse(["--help"]).Invoke(new InvocationConfiguration { Output = w, Error = w });
        if (notes is not null)
        {
            w.WriteLine(notes.TrimEnd());
        }
    }

    /// <summary>Parses the arguments after the command's name.</summary>
    public ParsedArgs Parse(IReadOnlyList<string> args) => ParsedArgs.Parse(this, args);
}
