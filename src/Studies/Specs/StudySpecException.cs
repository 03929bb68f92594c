namespace BoundLab.Studies.Specs;

/// <summary>A study file that cannot be run: the message names the JSON path, the value found and what is allowed.</summary>
public sealed class StudySpecException(string message) : FormatException(message)
{
    /// <summary>"SOURCE: $.path: got VALUE; allowed: ALLOWED."</summary>
    public static StudySpecException BadValue(string source, string path, string value, string allowed)
        => new($"{source}: {path}: got {value}; allowed: {allowed}.");
}
