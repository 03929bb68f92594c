using System.CommandLine;
using System.CommandLine.Parsing;

namespace BoundLab.Cli.Framework.Options;

/// <summary>A command line parsed by System.CommandLine against a <see cref="CommandSpec"/>, read the way the CLI always
/// read it: an option's value converted when it is read (so the first bad value reported is that of the first option the
/// command reads), then <see cref="Finish"/> rejects what is left. A value never starts with "--" unless attached with
/// '=' (<c>--out=--force</c>), is never empty, and an option is given at most once.</summary>
public sealed class ParsedArgs
{
    private readonly CommandSpec spec;
    private readonly IReadOnlyList<string> args;
    private readonly ParseResult result;

    private ParsedArgs(CommandSpec spec, IReadOnlyList<string> args, ParseResult result)
    {
        this.spec = spec;
        this.args = args;
        this.result = result;
    }

    /// <summary>Whether --help, -h or -? was given anywhere.</summary>
    public bool HelpRequested => args.Any(a => a is "--help" or "-h" or "-?");

    internal static ParsedArgs Parse(CommandSpec spec, IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        // No response files (@file is a plain value) and no bundling: the command line means what it says.
        var configuration = new ParserConfiguration { EnablePosixBundling = false, ResponseFileTokenReplacer = null };
        return new ParsedArgs(spec, args, spec.Command.Parse(args.ToArray(), configuration));
    }

    /// <summary>Whether a switch was given.</summary>
    public bool Flag(CliFlag flag)
    {
        ArgumentNullException.ThrowIfNull(flag);
        string? attached = args.FirstOrDefault(a => a.StartsWith(flag.Name + "=", StringComparison.Ordinal));
        if (attached is not null)
        {
            throw UsageException.BadValue(flag.Name, attached[(flag.Name.Length + 1)..], "nothing: it is a switch and takes no value");
        }

        return result.GetResult(flag.Symbol) is { IdentifierTokenCount: > 0 };
    }

    /// <summary>The option's value, or its default when it is absent.</summary>
    public T Get<T>(CliOption<T> option)
    {
        ArgumentNullException.ThrowIfNull(option);
        return Text(option) is { } text ? option.Convert(text) : option.Default;
    }

    /// <summary>The option's value, or null when it is absent.</summary>
    public T? GetOrNull<T>(CliOption<T> option)
        where T : struct
    {
        ArgumentNullException.ThrowIfNull(option);
        return Text(option) is { } text ? option.Convert(text) : null;
    }

    /// <summary>A text option's value, or null when it is absent.</summary>
    public string? GetOrNull(CliOption<string> option)
    {
        ArgumentNullException.ThrowIfNull(option);
        return Text(option) is { } text ? option.Convert(text) : null;
    }

    /// <summary>Every value of a repeatable option, in order (empty when absent).</summary>
    public IReadOnlyList<string> Many(CliOption<string> option)
    {
        ArgumentNullException.ThrowIfNull(option);
        OptionResult? r = result.GetResult(option.Symbol);
        if (r is null || r.IdentifierTokenCount == 0)
        {
            return [];
        }

        if (r.Tokens.Count < r.IdentifierTokenCount)
        {
            throw MissingValue(option.Name, NextAfterBareOption(option.Name));
        }

        return r.Tokens.Select(t => CheckValue(option, t.Value)).ToArray();
    }

    /// <summary>The positional argument; a missing one is "missing {what}.".</summary>
    public string Positional(CliArgument argument)
        => OptionalPositional(argument) ?? throw new UsageException($"missing {argument.Missing}.");

    /// <summary>The positional argument, or null (a word that looks like an option is not one).</summary>
    public string? OptionalPositional(CliArgument argument)
    {
        ArgumentNullException.ThrowIfNull(argument);
        string? value = result.GetResult(argument.Symbol)?.Tokens.FirstOrDefault()?.Value;
        return value is null || LooksLikeOption(value) ? null : value;
    }

    /// <summary>Rejects what no declaration took: unknown options (with the nearest known one) and stray words.</summary>
    public void Finish()
    {
        var positionals = spec.Arguments.Select(a => result.GetResult(a.Symbol)?.Tokens.FirstOrDefault()?.Value).ToHashSet();
        foreach (Token t in result.Tokens)
        {
            bool unmatched = result.UnmatchedTokens.Contains(t.Value);
            bool optionLike = t.Type == TokenType.Argument && positionals.Contains(t.Value) && LooksLikeOption(t.Value);
            if (t.Type == TokenType.Argument && (unmatched || optionLike))
            {
                string? near = t.Value.StartsWith('-') ? Nearest(t.Value) : null;
                throw new UsageException(t.Value.StartsWith('-')
                    ? $"unknown option {t.Value}{(near is null ? "" : $" (did you mean {near}?)")} (see --help)."
                    : $"unexpected argument '{t.Value}' (see --help).");
            }
        }

        // Errors of our options (arity) were reported when read; anything else System.CommandLine found is bad input too.
        ParseError? other = result.Errors.FirstOrDefault(e => e.SymbolResult is not OptionResult && !result.UnmatchedTokens.Any(u => e.Message.Contains(u, StringComparison.Ordinal)));
        if (other is not null)
        {
            throw new UsageException(other.Message.TrimEnd('.') + " (see --help).");
        }
    }

    private static bool LooksLikeOption(string value) => value.StartsWith("--", StringComparison.Ordinal);

    // The raw text of an option's one value, null when absent; checks "given twice", "a value is required" and emptiness.
    private string? Text(CliOption option)
    {
        OptionResult? r = result.GetResult(option.Symbol);
        if (r is null || r.IdentifierTokenCount == 0)
        {
            return null;
        }

        if (r.Tokens.Count < r.IdentifierTokenCount)
        {
            throw MissingValue(option.Name, NextAfterBareOption(option.Name));
        }

        string value = r.Tokens[0].Value;
        if (LooksLikeOption(value) && !args.Contains($"{option.Name}={value}"))
        {
            throw MissingValue(option.Name, value);
        }

        if (r.IdentifierTokenCount > 1)
        {
            throw new UsageException($"{option.Name}: given twice ('{value}' and '{r.Tokens[1].Value}'); give it once.");
        }

        return CheckValue(option, value);
    }

    private string CheckValue(CliOption option, string value)
    {
        if (LooksLikeOption(value) && !args.Contains($"{option.Name}={value}"))
        {
            throw MissingValue(option.Name, value);
        }

        if (value.Trim().Length == 0)
        {
            throw UsageException.BadValue(option.Name, value, "a non-empty value");
        }

        return value;
    }

    private static UsageException MissingValue(string name, string? next)
        => new(next is null
            ? $"{name}: a value is required."
            : $"{name}: a value is required (got the option {next}; write {name}={next} if that is the value).");

    // The option that follows an occurrence of `name` given without a value (null when it ends the line).
    private string? NextAfterBareOption(string name)
    {
        for (int i = 0; i < args.Count; i++)
        {
            if (args[i] == name && (i + 1 == args.Count || LooksLikeOption(args[i + 1])))
            {
                return i + 1 < args.Count ? args[i + 1] : null;
            }
        }

        return null;
    }

    // The declared option closest to a misspelt one (edit distance ≤ 2), for the error message.
    private string? Nearest(string option)
    {
        string? best = null;
        int bestDistance = 3;
        foreach (CliOption o in spec.Options)
        {
            int d = ValueText.Distance(option, o.Name);
            if (d < bestDistance)
            {
                (best, bestDistance) = (o.Name, d);
            }
        }

        return best;
    }
}
