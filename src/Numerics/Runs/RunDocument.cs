using System.Text.Encodings.Web;
using System.Text.Json;

namespace BoundLab.Numerics.Runs;

/// <summary>A run's run.json: what it was trained with, on what data, how each epoch went, the final measurements and
/// what identifies its output. Exactly one of <see cref="RunConfig.Gradient"/> and <see cref="RunConfig.Admm"/> is set,
/// and <see cref="Admm"/> is set exactly for ADMM runs (whose <see cref="History"/> is empty: their record is
/// <see cref="AdmmOutcome.Iterations"/>).</summary>
/// <param name="Version"><c>boundlab_run</c>: the document's layout version.</param>
/// <param name="Config"><c>config</c>.</param>
/// <param name="Data"><c>data</c>.</param>
/// <param name="History"><c>epochs</c>: one entry per epoch (gradient methods).</param>
/// <param name="Results">The final measurements.</param>
/// <param name="Fingerprint">The output files, the weights' hash, the machine and the finishing time.</param>
/// <param name="Admm">The ADMM conditions and iterations (ADMM runs only).</param>
public sealed record RunDocument(int Version, RunConfig Config, RunData Data, ValueList<EpochEntry> History, RunResults Results,
    RunProvenance Fingerprint, AdmmOutcome? Admm = null)
{
    /// <summary>The layout version this build writes and the newest it reads.</summary>
    public const int CurrentVersion = 1;

    internal static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    /// <summary>Reads a run.json; a <see cref="RunFileException"/> names the file and, where one is at fault, the key.</summary>
    public static RunDocument Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new RunFileException(path, $"{path} does not exist; a run folder written by `boundlab train` holds it.");
        }

        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RunFileException(path, $"{path} cannot be read ({e.Message.ReplaceLineEndings(" ")}).", e);
        }

        return Parse(text, path);
    }

    /// <summary>Parses run.json text; <paramref name="path"/> is named in errors.</summary>
    public static RunDocument Parse(string json, string path)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(path);
        return RunJsonReader.Read(json, path);
    }

    /// <summary>The run.json text (indented, snake_case keys, non-ASCII kept readable, no final newline).</summary>
    public string ToJson(string path = RunLayout.RunFileName) => RunJsonWriter.Write(this, path);

    /// <summary>Writes run.json atomically (a temporary file in the same folder, then a rename), ending in a newline;
    /// a non-finite number is refused with a <see cref="RunFileException"/> naming the field, before anything is written.</summary>
    public void Write(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string json = ToJson(path);
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        string tmp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        File.WriteAllText(tmp, json + "\n");
        File.Move(tmp, full, overwrite: true);
    }

    /// <summary>A JSON object's text in the form <see cref="AdmmOutcome.Conditions"/> holds: compact, non-ASCII unescaped,
    /// numbers as written.</summary>
    public static string CompactJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        using JsonDocument doc = JsonDocument.Parse(json);
        return Compact(doc.RootElement);
    }

    internal static string Compact(JsonElement element)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = Encoder }))
        {
            element.WriteTo(w);
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
