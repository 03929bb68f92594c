using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BoundLab.Cli.Framework;

/// <summary>JSON output conventions of the CLI: snake_case keys, indented, non-ASCII kept readable.</summary>
public static class Json
{
    /// <summary>Serializer options used for every JSON the CLI writes.</summary>
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict,
    };

    /// <summary>Serializes a value (records, dictionaries, JsonNode) with <see cref="Options"/>.</summary>
    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    /// <summary>Writes JSON to a file atomically: a temporary file in the same folder, then a rename,
    /// so a reader never sees a half-written file.</summary>
    public static void WriteAtomically(string path, string json)
    {
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        string tmp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        File.WriteAllText(tmp, json + "\n");
        File.Move(tmp, full, overwrite: true);
    }

    /// <summary>Parses a JSON object (for tests and resumable runs).</summary>
    public static JsonObject ParseObject(string text)
        => JsonNode.Parse(text) as JsonObject ?? throw new FormatException("expected a JSON object.");
}
