using System.Text.Json;
using BoundLab.Studies.Results;

namespace BoundLab.Studies.Report;

/// <summary>Reads a results.json written by <see cref="ResultsJson"/> back into the <see cref="StudyResults"/> it was rendered from,
/// so a report can be re-rendered from the file alone (rendering that StudyResults again gives the same bytes).</summary>
public static class ResultsJsonReader
{
    /// <summary>The study results in DIR/results.json.</summary>
    public static StudyResults Load(string dir)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dir);
        string path = Path.Combine(dir, StudyReport.ResultsFile);
        if (!File.Exists(path))
        {
            throw new ArgumentException($"DIR {dir} has no {StudyReport.ResultsFile}; allowed: a study output folder written by boundlab study.", nameof(dir));
        }

        try
        {
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(path));
            JsonElement root = doc.RootElement;
            return new StudyResults(
                root.GetProperty("study").GetString()!,
                root.GetProperty("spec").GetRawText(),
                root.GetProperty("axes").EnumerateArray().Select(a => a.GetString()!).ToArray(),
                root.GetProperty("runs").EnumerateArray().Select(Run).ToArray());
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new ArgumentException($"{path} is not a results.json written by boundlab ({e.Message}); allowed: the file boundlab study or boundlab report wrote.", nameof(dir), e);
        }
    }

    private static StudyRun Run(JsonElement r) => new(
        r.GetProperty("id").GetString()!,
        r.GetProperty("axes").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal),
        r.GetProperty("config").GetRawText(),
        r.GetProperty("status").GetString()!,
        r.TryGetProperty("error", out JsonElement error) ? error.GetString() : null,
        Number(r, "train_error"),
        Number(r, "test_error"),
        Measures(r),
        r.GetProperty("bounds").EnumerateArray().Select(Row).ToArray(),
        r.GetProperty("epochs").EnumerateArray().Select(e => new EpochRow(
            e.GetProperty("epoch").GetInt32(),
            Number(e, "train_loss") ?? double.NaN,
            Number(e, "train_error") ?? double.NaN,
            Number(e, "test_error") ?? double.NaN,
            Measures(e),
            e.GetProperty("bounds").EnumerateArray().Select(Row).ToArray())).ToArray());

    private static BoundRow Row(JsonElement b) => new(
        b.GetProperty("id").GetString()!,
        b.GetProperty("family").GetString()!,
        b.GetProperty("provenance").GetString()!,
        b.GetProperty("target").GetString()!,
        b.GetProperty("status").GetString()!,
        Number(b, "value"),
        b.GetProperty("vacuous").ValueKind == JsonValueKind.Null ? null : b.GetProperty("vacuous").GetBoolean(),
        b.TryGetProperty("reason", out JsonElement reason) ? reason.GetString() : null,
        Number(b, "delta"));

    private static SortedDictionary<string, double> Measures(JsonElement e)
        => new(e.GetProperty("measures").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble(), StringComparer.Ordinal), StringComparer.Ordinal);

    private static double? Number(JsonElement e, string name)
        => e.GetProperty(name) is { ValueKind: JsonValueKind.Null } ? null : e.GetProperty(name).GetDouble();
}
