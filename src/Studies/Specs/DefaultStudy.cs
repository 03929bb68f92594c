namespace BoundLab.Studies.Specs;

/// <summary>The study <c>boundlab study</c> runs without <c>--spec</c>: studies/quick.json, built into this assembly.</summary>
public static class DefaultStudy
{
    /// <summary>How errors name the built-in file.</summary>
    public const string Source = "the built-in study (studies/quick.json)";

    /// <summary>The file's text.</summary>
    public static string Json { get; } = Read();

    /// <summary>The parsed study.</summary>
    public static StudySpec Spec() => StudySpec.Parse(Json, Source);

    private static string Read()
    {
        using Stream s = typeof(DefaultStudy).Assembly.GetManifestResourceStream("BoundLab.Studies.quick.json")
                         ?? throw new InvalidOperationException("BoundLab.Studies was built without studies/quick.json.");
        using var r = new StreamReader(s);
        return r.ReadToEnd();
    }
}
