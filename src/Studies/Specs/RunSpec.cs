using System.Text;
using System.Text.Json;

namespace BoundLab.Studies.Specs;

/// <summary>One run of a study as its file defines it: every setting that applies, resolved (defaults filled in).</summary>
/// <param name="Group">The group it came from ("main" for the top-level grid); not part of its identity.</param>
/// <param name="Values">Key → value (string, long, double or bool), every applicable key of <see cref="Settings.All"/>.</param>
/// <param name="Paths">Key → the JSON path the value was given at (absent for defaults), for error messages.</param>
public sealed record RunSpec(string Group, IReadOnlyDictionary<string, object> Values, IReadOnlyDictionary<string, string> Paths)
{
    /// <summary>Keys that do not change a run's results (the data checksums cover the data folder's content).</summary>
    public static IReadOnlyList<string> NotIdentity { get; } = ["data_dir"];

    /// <summary>The configuration as canonical JSON: keys sorted (ordinal), compact, numbers round-trip; the keys in
    /// <see cref="NotIdentity"/> left out. Equal configs give equal text whether a default was spelled out or not.</summary>
    public string ConfigJson => _json ??= Canonical(Values.Where(kv => !NotIdentity.Contains(kv.Key)));

    private string? _json;

    /// <summary>The value of <paramref name="key"/>, or null when the key does not apply to this run.</summary>
    public object? Get(string key) => Values.GetValueOrDefault(key);

    /// <summary>Where a key's value came from, for an error message ("$.grid.width[1]", or "the default of width").</summary>
    public string PathOf(string key) => Paths.TryGetValue(key, out string? p) ? p : $"the default of {key}";

    /// <summary>Canonical JSON of key/value pairs (values string, long, double or bool).</summary>
    public static string Canonical(IEnumerable<KeyValuePair<string, object>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            foreach ((string key, object value) in values.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                w.WritePropertyName(key);
                switch (value)
                {
                    case string s: w.WriteStringValue(s); break;
                    case bool b: w.WriteBooleanValue(b); break;
                    case long l: w.WriteNumberValue(l); break;
                    case double d: w.WriteNumberValue(d); break;
                    default: throw new ArgumentException($"setting '{key}' has a value of type {value?.GetType().Name}; allowed: string, long, double, bool.", nameof(values));
                }
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
