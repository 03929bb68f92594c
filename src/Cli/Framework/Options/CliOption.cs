using System.CommandLine;

namespace BoundLab.Cli.Framework.Options;

/// <summary>A command-line option declared once: name, value name, help text, default and what values are allowed.
/// The System.CommandLine symbol built from it gives tokenization, generated help and shell completion; the value is
/// converted by this declaration, so every bad value gets our one-line message naming the option, the value and what is
/// allowed.</summary>
public abstract class CliOption
{
    private protected CliOption(string name, string help)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(help);
        Name = name;
        Help = help;
    }

    /// <summary>The option as typed, e.g. "--lr".</summary>
    public string Name { get; }

    /// <summary>The help text (without the allowed values and the default, which are appended).</summary>
    public string Help { get; }

    /// <summary>The System.CommandLine symbol.</summary>
    internal abstract Option Symbol { get; }

    /// <summary>Leaves the option out of help and completion (it still parses).</summary>
    public void Hide() => Symbol.Hidden = true;
}

/// <summary>A switch: present or not, takes no value.</summary>
public sealed class CliFlag : CliOption
{
    internal CliFlag(string name, string help)
        : base(name, help)
        => Symbol = new Option<bool>(name) { Description = help, Arity = ArgumentArity.Zero };

    internal override Option Symbol { get; }
}

/// <summary>An option that takes one value of type <typeparamref name="T"/>.</summary>
/// <typeparam name="T">The converted value's type.</typeparam>
public sealed class CliOption<T> : CliOption
{
    private readonly Func<string, T> convert;
    private readonly T defaultValue;

    internal CliOption(string name, string valueName, string help, string allowed, Func<string, T> convert,
        bool hasDefault, T defaultValue, string? defaultText, IReadOnlyList<string>? completions, bool repeatable = false)
        : base(name, help)
    {
        Repeatable = repeatable;
        this.convert = convert;
        this.defaultValue = defaultValue;
        Allowed = allowed;
        HasDefault = hasDefault;
        DefaultText = defaultText;
        string description = help + (allowed.Length > 0 ? $"; {allowed}" : "") + (defaultText is null ? "" : $" (default {defaultText})")
            + (repeatable ? " (repeatable)" : "");
        var option = new Option<string>(name) { Description = description, HelpName = valueName, Arity = ArgumentArity.ZeroOrOne };
        if (completions is { Count: > 0 })
        {
            option.CompletionSources.Add(completions.ToArray());
        }

        Symbol = option;
    }

    /// <summary>Whether the option may be given several times.</summary>
    public bool Repeatable { get; }

    /// <summary>What values are allowed, as the error message says it (e.g. "a finite number > 0").</summary>
    public string Allowed { get; }

    /// <summary>Whether the option has a default (otherwise absent means "not given").</summary>
    public bool HasDefault { get; }

    /// <summary>The default as shown in help, or null.</summary>
    public string? DefaultText { get; }

    internal override Option Symbol { get; }

    /// <summary>The default value; only for options with one.</summary>
    internal T Default => HasDefault ? defaultValue : throw new InvalidOperationException($"{Name} has no default; read it with GetOrNull.");

    /// <summary>Converts a value; a bad one throws a <see cref="UsageException"/> naming the option.</summary>
    internal T Convert(string text) => convert(text);
}
