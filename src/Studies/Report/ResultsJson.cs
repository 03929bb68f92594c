using System.Text.Encodings.Web;
using System.Text.Json;
using BoundLab.Numerics.Measurements.Ranking;
using BoundLab.Studies.Results;

namespace BoundLab.Studies.Report;

/// <summary>Renders DIR/results.json: every run with its config, errors, bounds and measures, and the ranking of every entry.</summary>
/// <remarks>The bytes depend only on the results (no timestamps, measures in ordinal key order, numbers in
/// shortest round-trip form), so two renders of one store are identical.</remarks>
public static class ResultsJson
{
    /// <summary>The results.json document as UTF-8 bytes.</summary>
    public static byte[] Render(StudyResults results, IReadOnlyList<EntryRanking> ranking)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(ranking);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("study", results.Name);
            w.WriteStartArray("axes");
            foreach (string a in results.Axes)
            {
                w.WriteStringValue(a);
            }

            w.WriteEndArray();
            w.WritePropertyName("spec");
            WriteJson(w, results.SpecJson, "the study spec");
            w.WriteStartArray("runs");
            foreach (StudyRun run in results.Runs)
            {
                WriteRun(w, run, results.Axes);
            }

            w.WriteEndArray();
            w.WriteStartArray("ranking");
            foreach (EntryRanking e in ranking)
            {
                WriteRanking(w, e);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    private static void WriteRun(Utf8JsonWriter w, StudyRun run, IReadOnlyList<string> axes)
    {
        w.WriteStartObject();
        w.WriteString("id", run.Id);
        w.WriteString("status", run.Status);
        if (run.Error is not null)
        {
            w.WriteString("error", run.Error);
        }

        w.WriteStartObject("axes");
        foreach (string a in axes.Concat(run.Axes.Keys.Where(k => !axes.Contains(k)).Order(StringComparer.Ordinal)))
        {
            if (run.Axes.TryGetValue(a, out string? v))
            {
                w.WriteString(a, v);
            }
        }

        w.WriteEndObject();
        w.WritePropertyName("config");
        WriteJson(w, run.ConfigJson, $"run {run.Id}'s config");
        Number(w, "train_error", run.TrainError);
        Number(w, "test_error", run.TestError);
        Number(w, "gap", run.Gap);
        w.WriteStartArray("bounds");
        foreach (BoundRow b in run.Bounds)
        {
            WriteRow(w, b);
        }

        w.WriteEndArray();
        WriteMeasures(w, run.Measures);
        w.WriteStartArray("epochs");
        foreach (EpochRow e in run.Epochs)
        {
            w.WriteStartObject();
            w.WriteNumber("epoch", e.Epoch);
            // A diverged epoch may hold a NaN loss: written as null (the reader reads null back as NaN).
            Number(w, "train_loss", Finite(e.TrainLoss));
            Number(w, "train_error", Finite(e.TrainError));
            Number(w, "test_error", Finite(e.TestError));
            Number(w, "gap", Finite(e.TestError - e.TrainError));
            w.WriteStartArray("bounds");
            foreach (BoundRow b in e.Bounds)
            {
                WriteRow(w, b);
            }

            w.WriteEndArray();
            WriteMeasures(w, e.Measures);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteRow(Utf8JsonWriter w, BoundRow b)
    {
        w.WriteStartObject();
        w.WriteString("id", b.Id);
        w.WriteString("family", b.Family);
        w.WriteString("provenance", b.Provenance);
        w.WriteString("target", b.Target);

        w.WriteString("status", b.Status);
        Number(w, "value", b.Value);
        if (b.Vacuous is bool vac)
        {
            w.WriteBoolean("vacuous", vac);
        }
        else
        {
            w.WriteNull("vacuous");
        }

        if (b.Reason is not null)
        {
            w.WriteString("reason", b.Reason);
        }

        Number(w, "delta", b.Delta);

        w.WriteEndObject();
    }

    private static void WriteMeasures(Utf8JsonWriter w, IReadOnlyDictionary<string, double> measures)
    {
        w.WriteStartObject("measures");
        foreach (var kv in measures.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            Number(w, kv.Key, kv.Value);
        }

        w.WriteEndObject();
    }

    private static void WriteRanking(Utf8JsonWriter w, EntryRanking e)
    {
        w.WriteStartObject();
        w.WriteString("id", e.Id);
        w.WriteString("family", e.Family);
        w.WriteString("provenance", e.Provenance);
        w.WriteString("target", e.Target);
        w.WriteNumber("runs", e.Runs);
        Number(w, "kendall_tau", e.KendallTau);
        Number(w, "granulated_tau", e.GranulatedTau?.Value);
        w.WriteStartArray("granulated_tau_axes");
        foreach (AxisTau a in e.GranulatedTau?.PerAxis ?? [])
        {
            w.WriteStartObject();
            w.WriteString("axis", a.Axis);
            Number(w, "tau", a.Tau);
            w.WriteNumber("groups", a.Groups);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        Number(w, "sign_error", e.SignError?.Mean);
        Number(w, "sign_error_worst", e.SignError?.Worst);
        w.WriteNumber("sign_error_pairs", e.SignError?.Environments.Sum(x => x.Pairs) ?? 0);
        w.WriteNumber("sign_error_environments", e.SignError?.Environments.Count ?? 0);
        w.WriteStartObject("reasons");
        foreach (var kv in e.Reasons.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            w.WriteString(kv.Key, kv.Value);
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    // A number, or null when there is none; a non-finite value is a bug upstream and never becomes a NaN in the file.
    private static void Number(Utf8JsonWriter w, string name, double? x)
    {
        if (x is double v)
        {
            if (!double.IsFinite(v))
            {
                throw new ArgumentException($"{name} is {v}; allowed: finite numbers only (results.json never holds NaN or ±∞).", nameof(x));
            }

            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static double? Finite(double x) => double.IsFinite(x) ? x : null;

    private static void WriteJson(Utf8JsonWriter w, string json, string what)
    {
        try
        {
            using var doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(json) ? "{}" : json);
            doc.RootElement.WriteTo(w);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"{what} is not valid JSON ({e.Message}); allowed: a JSON document.", nameof(json), e);
        }
    }
}
