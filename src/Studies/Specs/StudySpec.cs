using System.Globalization;
using System.Text.Json;
using BoundLab.Numerics;
using BoundLab.Numerics.Models;

namespace BoundLab.Studies.Specs;

/// <summary>A study: its name, the file's text, the grid axes (the hyperparameters that vary, in file order) and every run,
/// deduplicated (two groups that yield the same config hold one run).</summary>
/// <param name="Name">The study's name.</param>
/// <param name="SpecJson">The study file's text as read.</param>
/// <param name="Axes">Keys swept by a grid, in order of first appearance, then other keys that take two or more values
/// among the runs they apply to (e.g. dataset or optimizer set differently by two groups).</param>
/// <param name="Runs">The runs in expansion order (groups in file order, each grid's last key fastest).</param>
public sealed record StudySpec(string Name, string SpecJson, IReadOnlyList<string> Axes, IReadOnlyList<RunSpec> Runs)
{
    /// <summary>The run's value on each axis, as text ("n/a" where the key does not apply to the run).</summary>
    public IReadOnlyDictionary<string, string> AxesOf(RunSpec run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return Axes.ToDictionary(a => a, a => Setting.Show(run.Get(a)));
    }

    /// <summary>Parses and expands a study file. The format:
    /// <c>{"name": …, "description": …, "settings": {key: value}, "grid": {key: [values]}, "groups": [{"name": …, "settings": {…}, "grid": {…}}]}</c>.
    /// <c>settings</c> at the top apply to every group; the top-level <c>grid</c> is the group "main" (present when there is a
    /// grid or no groups); each group's settings override the top ones and its grid is expanded as a cartesian product.
    /// Every error names <paramref name="source"/>, the JSON path, the value and what is allowed.</summary>
    public static StudySpec Parse(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentException.ThrowIfNullOrEmpty(source);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new StudySpecException($"{source}: not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): {e.Message.Split(" Path:")[0]}");
        }

        using (doc)
        {
            return new Parser(source).Study(doc.RootElement, json);
        }
    }

    /// <summary>Reads and parses a study file.</summary>
    public static StudySpec Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"--spec: study file {path} does not exist.", path);
        }

        return Parse(File.ReadAllText(path), path);
    }

    private sealed class Parser(string source)
    {
        private static readonly string[] TopKeys = ["name", "description", "settings", "grid", "groups"];
        private static readonly string[] GroupKeys = ["name", "settings", "grid"];

        public StudySpec Study(JsonElement root, string json)
        {
            Expect(root, JsonValueKind.Object, "$", "a JSON object with name, settings, grid and groups");
            CheckKeys(root, "$", TopKeys);
            string name = Name(root, "$");
            if (root.TryGetProperty("description", out JsonElement d))
            {
                Expect(d, JsonValueKind.String, "$.description", "a string");
            }

            var top = Values(root, "settings", "$.settings");
            var groups = new List<(string Name, string Path, Dictionary<string, (object, string)> Settings, List<(string, List<(object, string)>)> Grid)>();
            bool hasGroups = root.TryGetProperty("groups", out JsonElement gs);
            if (root.TryGetProperty("grid", out _) || !hasGroups)
            {
                groups.Add(("main", "$", [], Grid(root, "$.grid")));
            }

            if (hasGroups)
            {
                Expect(gs, JsonValueKind.Array, "$.groups", "an array of groups {\"name\", \"settings\", \"grid\"}");
                int i = 0;
                foreach (JsonElement g in gs.EnumerateArray())
                {
                    string path = $"$.groups[{i++}]";
                    Expect(g, JsonValueKind.Object, path, "a group {\"name\", \"settings\", \"grid\"}");
                    CheckKeys(g, path, GroupKeys);
                    string gname = Name(g, path);
                    if (groups.Any(x => x.Name == gname))
                    {
                        throw StudySpecException.BadValue(source, path + ".name", Quote(gname), "a name no other group has");
                    }

                    groups.Add((gname, path, Values(g, "settings", path + ".settings"), Grid(g, path + ".grid")));
                }
            }

            var runs = new List<RunSpec>();
            var seen = new HashSet<string>();
            var gridAxes = new List<string>();
            foreach (var g in groups)
            {
                foreach ((string key, _) in g.Grid)
                {
                    if (g.Settings.ContainsKey(key))
                    {
                        throw new StudySpecException($"{source}: {g.Path}.grid.{key}: '{key}' is also in {g.Path}.settings; give it in one of them.");
                    }

                    if (!gridAxes.Contains(key) && !RunSpec.NotIdentity.Contains(key))
                    {
                        gridAxes.Add(key);
                    }
                }

                foreach (var point in Product(g.Grid))
                {
                    var given = new Dictionary<string, (object, string)>(top);
                    foreach (var kv in g.Settings)
                    {
                        given[kv.Key] = kv.Value;
                    }

                    foreach (var kv in point)
                    {
                        given[kv.Key] = kv.Value;
                    }

                    RunSpec run = Resolve(g.Name, given);
                    if (seen.Add(run.ConfigJson + "\n" + Setting.Show(run.Get("data_dir"))))
                    {
                        runs.Add(run);
                    }
                }
            }

            var axes = new List<string>(gridAxes);
            foreach (Setting s in Settings.All)
            {
                // A key that only applies to some runs (momentum, beta) is not an axis unless it takes two values where it applies.
                if (!axes.Contains(s.Key) && !RunSpec.NotIdentity.Contains(s.Key)
                    && runs.Where(r => r.Get(s.Key) is not null).Select(r => Setting.Show(r.Get(s.Key))).Distinct().Count() > 1)
                {
                    axes.Add(s.Key);
                }
            }

            return new StudySpec(name, json, axes, runs);
        }

        private RunSpec Resolve(string group, Dictionary<string, (object Value, string Path)> given)
        {
            var values = new Dictionary<string, object>();
            var paths = new Dictionary<string, string>();
            foreach (Setting s in Settings.All)
            {
                if (given.TryGetValue(s.Key, out var g))
                {
                    if (!s.Applies(values))
                    {
                        throw new StudySpecException($"{source}: {g.Path}: '{s.Key}' applies only with {s.AppliesTo}; {Here(s, values)}leave it out here.");
                    }

                    values[s.Key] = g.Value;
                    paths[s.Key] = g.Path;
                }
                else if (s.Applies(values) && s.Default(values) is { } d)
                {
                    values[s.Key] = d;
                }
            }

            if (values.GetValueOrDefault("model") is string model && !ModelSpec.IsModelName(model))
            {
                throw StudySpecException.BadValue(source, paths["model"], Quote(model), string.Join(", ", ModelSpec.Named));
            }

            if (values.GetValueOrDefault("arch") is string arch)
            {
                try
                {
                    MlpSpec.Parse(arch, Activation.Relu, true);
                }
                catch (ArgumentException)
                {
                    throw StudySpecException.BadValue(source, paths["arch"], Quote(arch), "positive widths joined by '-', input first, e.g. \"784-256-10\"");
                }
            }

            return new RunSpec(group, values, paths);
        }

        // Says which resolved key made a setting inapplicable, e.g. "this run has optimizer sgld; ".
        private static string Here(Setting s, Dictionary<string, object> values)
        {
            string[] deciding = ["optimizer", "schedule", "init", "dataset", "model", "arch", "depth", "stop_train_loss"];
            string? key = deciding.FirstOrDefault(k => s.AppliesTo.Contains(k, StringComparison.Ordinal) && values.ContainsKey(k))
                          ?? deciding.FirstOrDefault(k => s.AppliesTo.Contains(k, StringComparison.Ordinal));
            return key is null ? "" : values.TryGetValue(key, out object? v) ? $"this run has {key} {Setting.Show(v)}; " : $"this run has no {key}; ";
        }

        private static IEnumerable<Dictionary<string, (object, string)>> Product(List<(string Key, List<(object, string)> Values)> grid)
        {
            IEnumerable<Dictionary<string, (object, string)>> acc = [new Dictionary<string, (object, string)>()];
            foreach ((string key, List<(object, string)> values) in grid)
            {
                acc = acc.SelectMany(point => values.Select(v => new Dictionary<string, (object, string)>(point) { [key] = v })).ToList();
            }

            return acc;
        }

        private string Name(JsonElement obj, string path)
        {
            if (!obj.TryGetProperty("name", out JsonElement n))
            {
                throw new StudySpecException($"{source}: {path}: no \"name\"; allowed: an object with a \"name\" string (letters, digits, '-', '_', '.').");
            }

            Expect(n, JsonValueKind.String, path + ".name", "a non-empty string of letters, digits, '-', '_', '.'");
            string s = n.GetString()!;
            if (s.Length == 0 || !s.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                throw StudySpecException.BadValue(source, path + ".name", Quote(s), "a non-empty string of letters, digits, '-', '_', '.'");
            }

            return s;
        }

        private Dictionary<string, (object, string)> Values(JsonElement obj, string member, string path)
        {
            var result = new Dictionary<string, (object, string)>();
            if (!obj.TryGetProperty(member, out JsonElement e))
            {
                return result;
            }

            Expect(e, JsonValueKind.Object, path, "an object of settings {key: value}");
            foreach (JsonProperty p in e.EnumerateObject())
            {
                Setting s = Known(p.Name, $"{path}.{p.Name}");
                result[p.Name] = (Value(s, p.Value, $"{path}.{p.Name}"), $"{path}.{p.Name}");
            }

            return result;
        }

        private List<(string, List<(object, string)>)> Grid(JsonElement obj, string path)
        {
            var result = new List<(string, List<(object, string)>)>();
            if (!obj.TryGetProperty("grid", out JsonElement e))
            {
                return result;
            }

            Expect(e, JsonValueKind.Object, path, "an object of axes {key: [values]}");
            foreach (JsonProperty p in e.EnumerateObject())
            {
                string at = $"{path}.{p.Name}";
                Setting s = Known(p.Name, at);
                if (p.Value.ValueKind != JsonValueKind.Array || p.Value.GetArrayLength() == 0)
                {
                    throw StudySpecException.BadValue(source, at, p.Value.GetRawText(), $"a non-empty array of values, each {s.Allowed}");
                }

                var values = new List<(object, string)>();
                int i = 0;
                foreach (JsonElement v in p.Value.EnumerateArray())
                {
                    string vp = $"{at}[{i++}]";
                    object value = Value(s, v, vp);
                    if (values.Any(x => Setting.Show(x.Item1) == Setting.Show(value)))
                    {
                        throw StudySpecException.BadValue(source, vp, v.GetRawText(), "values that differ from the axis's other values");
                    }

                    values.Add((value, vp));
                }

                result.Add((p.Name, values));
            }

            return result;
        }

        private Setting Known(string key, string path)
            => Settings.Find(key) ?? throw StudySpecException.BadValue(source, path, Quote(key) + " (unknown key)",
                string.Join(", ", Settings.All.Select(s => s.Key)));

        private object Value(Setting s, JsonElement v, string path)
        {
            object? value = (s.Kind, v.ValueKind) switch
            {
                (SettingKind.Text, JsonValueKind.String) => v.GetString(),
                (SettingKind.Flag, JsonValueKind.True) => true,
                (SettingKind.Flag, JsonValueKind.False) => false,
                (SettingKind.Integer, JsonValueKind.Number) => v.TryGetInt64(out long l) ? l : null,
                (SettingKind.Real, JsonValueKind.Number) => v.TryGetDouble(out double d) && double.IsFinite(d) ? d : null,
                _ => null,
            };
            if (value is null || !s.Accepts(value))
            {
                throw StudySpecException.BadValue(source, path, v.GetRawText(), s.Allowed);
            }

            return value;
        }

        private void CheckKeys(JsonElement obj, string path, string[] allowed)
        {
            foreach (JsonProperty p in obj.EnumerateObject())
            {
                if (!allowed.Contains(p.Name))
                {
                    throw StudySpecException.BadValue(source, path == "$" ? $"$.{p.Name}" : $"{path}.{p.Name}", Quote(p.Name) + " (unknown key)",
                        string.Join(", ", allowed) + (Settings.Find(p.Name) is null ? "" : $" (put '{p.Name}' inside \"settings\" or \"grid\")"));
                }
            }
        }

        private void Expect(JsonElement e, JsonValueKind kind, string path, string allowed)
        {
            if (e.ValueKind != kind)
            {
                throw StudySpecException.BadValue(source, path, Shorten(e.GetRawText()), allowed);
            }
        }

        private static string Shorten(string raw) => raw.Length <= 60 ? raw : raw[..57] + "...";

        private static string Quote(string s) => "\"" + s + "\"";
    }
}
