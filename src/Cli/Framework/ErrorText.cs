using System.Text;
using System.Text.RegularExpressions;
using BoundLab.Numerics.Training;

namespace BoundLab.Cli.Framework;

/// <summary>Turns any exception into the one line the user sees: no "(Parameter 'x')", no "Actual value
/// was", no line breaks, and the numerics layer's property names replaced by the options that set them.</summary>
public static partial class ErrorText
{
    // Names used by BoundLab.Numerics (argument names, DataOptions/TrainConfig properties, fingerprint
    // fields) whose option is not simply the kebab-case of the name's last part.
    private static readonly Dictionary<string, string> Explicit = new(StringComparer.Ordinal)
    {
        ["Spec.Arch"] = "--arch",
        ["Spec.Hidden"] = "--activation",
        ["Spec.Bias"] = "--no-bias",
        ["Loss"] = "--loss",
        ["Model.Name"] = "--model",
        ["Model"] = "the architecture",
        ["Algorithm.Name"] = "--optimizer",
        ["Algorithm.Radius"] = "--pgd-radius",
        ["Algorithm.GradThreshold"] = "--pgd-grad-threshold",
        ["Algorithm.StepThreshold"] = "--pgd-steps",
        ["Algorithm.LossThreshold"] = "--pgd-loss-threshold",
        ["Schedule.Kind"] = "--schedule",
        ["Schedule.BaseRate"] = "--lr",
        ["BatchSize"] = "--batch",
        ["Data.Name"] = "--data",
        ["Data.Seed"] = "--seed",
        ["TrainData"] = "the training data",
        ["TestData"] = "the test data",
        ["Numerics"] = "the BoundLab.Numerics build",
    };

    // Bare property names that appear in numerics messages and argument names.
    private static readonly Dictionary<string, string> Bare = new(StringComparer.Ordinal)
    {
        ["TrainSize"] = "--train-size",
        ["TestSize"] = "--test-size",
        ["LabelNoise"] = "--label-noise",
        ["DataDir"] = "--data-dir",
        ["InputDim"] = "--input-dim",
        ["TeacherWidth"] = "--teacher-width",
        ["OutputNoise"] = "--output-noise",
        ["Separation"] = "--separation",
        ["BatchSize"] = "--batch",
        ["Epochs"] = "--epochs",
        ["Threads"] = "--threads",
    };

    /// <summary>The option (or the plain words) for a numerics name such as "Data.LabelNoise" or "TrainSize".</summary>
    public static string OptionFor(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (Explicit.TryGetValue(name, out string? o) || Bare.TryGetValue(name, out o))
        {
            return o;
        }

        string last = name[(name.LastIndexOf('.') + 1)..];
        return "--" + KebabBoundary().Replace(last, "$1-$2").ToLowerInvariant();
    }

    /// <summary>The message of <paramref name="e"/> as one line, with option names.</summary>
    public static string OneLine(Exception e)
    {
        ArgumentNullException.ThrowIfNull(e);
        string message = e.Message;
        if (e is CheckpointMismatchException mismatch)
        {
            return Mismatch(mismatch);
        }

        if (e is ArgumentException a)
        {
            message = StripParameter(a);
            foreach ((string name, string option) in Bare)
            {
                message = Regex.Replace(message, $@"\b{name}\b", option);
            }

            if (a.ParamName is { } p && Bare.TryGetValue(p, out string? opt) && !message.StartsWith("--", StringComparison.Ordinal))
            {
                message = a is ArgumentOutOfRangeException { ActualValue: { } v }
                    ? $"{opt}: got '{v}'; {message}"
                    : $"{opt}: {message}";
            }
        }

        message = Whitespace().Replace(message, " ").Trim();
        return message.Length > 0 && !".!?)".Contains(message[^1], StringComparison.Ordinal) ? message + "." : message;
    }

    /// <summary>"--resume: …" naming every differing option with both values.</summary>
    private static string Mismatch(CheckpointMismatchException e)
    {
        var sb = new StringBuilder($"--resume: the checkpoint in {e.Directory} was made by another run: ");
        var seen = new HashSet<string>();
        var parts = new List<string>();
        // A changed data option explains changed data content; the hashes are only news without one.
        bool dataOptionDiffers = e.Differences.Any(d => d.Name.StartsWith("Data.", StringComparison.Ordinal));
        foreach (FingerprintDifference d in e.Differences)
        {
            if (dataOptionDiffers && d.Name is "TrainData" or "TestData")
            {
                continue;
            }

            string option = OptionFor(d.Name);
            if (!seen.Add(option))
            {
                continue;
            }

            parts.Add(option.StartsWith("--", StringComparison.Ordinal)
                ? $"{option} was {Show(d.Saved)} there, {Show(d.Current)} now"
                : $"{option} differ{(option.StartsWith("the BoundLab", StringComparison.Ordinal) ? "s" : "")} ({Show(d.Saved)} there, {Show(d.Current)} now)");
        }

        sb.Append(string.Join("; ", parts));
        sb.Append(". Resume with the checkpoint's options, or start over with --force.");
        return Whitespace().Replace(sb.ToString(), " ");
    }

    private static string Show(string value) => value == "(none)" ? "not given" : value;

    // ArgumentException.Message appends " (Parameter 'x')" and, for ArgumentOutOfRangeException, a line
    // "Actual value was …": both are .NET's, not ours.
    private static string StripParameter(ArgumentException a)
    {
        string m = a.Message;
        int actual = m.IndexOf("Actual value was", StringComparison.Ordinal);
        if (actual >= 0)
        {
            m = m[..actual];
        }

        m = m.TrimEnd();
        if (a.ParamName is not null)
        {
            string suffix = $"(Parameter '{a.ParamName}')";
            if (m.EndsWith(suffix, StringComparison.Ordinal))
            {
                m = m[..^suffix.Length].TrimEnd();
            }
        }

        return m;
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex("([a-z0-9])([A-Z])")]
    private static partial Regex KebabBoundary();
}
