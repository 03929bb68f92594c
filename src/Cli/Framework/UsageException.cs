namespace BoundLab.Cli.Framework;

/// <summary>Bad command-line input: printed without a stack trace, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message)
{
    /// <summary>The standard message: names the option, the value given and what is allowed.</summary>
    public static UsageException BadValue(string option, string value, string allowed)
        => new($"{option}: got '{value}'; allowed: {allowed}.");
}
