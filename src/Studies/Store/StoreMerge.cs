using System.Globalization;
using System.Text.Json;
using BoundLab.Studies.Results;

namespace BoundLab.Studies.Store;

/// <summary>What a merge did.</summary>
/// <param name="Runs">Runs in the merged store.</param>
/// <param name="Duplicates">Runs found identical in more than one source (kept once).</param>
/// <param name="Unfinished">Runs left out because a source was still training them (interrupted shards).</param>
public sealed record MergeOutcome(int Runs, int Duplicates, int Unfinished);

/// <summary>Combines the stores (and run folders) of a study's shards: <c>boundlab study merge DIR… --out DIR</c>.</summary>
public static class StoreMerge
{
    /// <summary>Merges <paramref name="sources"/> into the new or empty folder <paramref name="outDir"/>. The sources must hold the
    /// same study (name and file); a run in several sources must be identical in all of them (then it is kept once), otherwise
    /// the merge is refused naming the run, the sources and the first difference, before anything is written.</summary>
    public static MergeOutcome Merge(IReadOnlyList<string> sources, string outDir)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentException.ThrowIfNullOrEmpty(outDir);
        if (sources.Count == 0)
        {
            throw new ArgumentException("study merge: no DIR given; allowed: one or more study folders, e.g. boundlab study merge a b --out all.", nameof(sources));
        }

        string outFull = Path.GetFullPath(outDir);
        if (File.Exists(outFull) || (Directory.Exists(outFull) && Directory.EnumerateFileSystemEntries(outFull).Any()))
        {
            throw new ArgumentException($"--out: {outDir} is not a new or empty folder; choose one for the merged study.", nameof(outDir));
        }

        var loaded = new List<(string Dir, StudyResults Results, Dictionary<string, (string?, string?)> Extras, int Unfinished)>();
        foreach (string dir in sources)
        {
            if (Path.GetFullPath(dir) == outFull)
            {
                throw new ArgumentException($"--out: {outDir} is also a source; choose another folder for the merged study.", nameof(outDir));
            }

            if (!ResultsStore.Exists(dir))
            {
                throw new ArgumentException($"study merge: DIR {dir} holds no study store ({ResultsStore.FileName}); allowed: folders written by boundlab study.", nameof(sources));
            }

            using ResultsStore store = ResultsStore.Open(dir);
            StudyResults r = store.Load();
            int unfinished = store.Statuses().Count(kv => kv.Value == "running");
            loaded.Add((dir, r, r.Runs.ToDictionary(x => x.Id, x => store.Extras(x.Id)), unfinished));
        }

        var first = loaded[0];
        foreach (var other in loaded.Skip(1))
        {
            if (other.Results.Name != first.Results.Name || Normalize(other.Results.SpecJson) != Normalize(first.Results.SpecJson))
            {
                throw new ArgumentException(
                    $"study merge: {other.Dir} holds study '{other.Results.Name}' of another study file than {first.Dir} ('{first.Results.Name}'); merge shards of one study only.",
                    nameof(sources));
            }
        }

        var runs = new SortedDictionary<string, (StudyRun Run, string Dir, (string?, string?) Extras)>(StringComparer.Ordinal);
        int duplicates = 0;
        foreach (var (dir, results, extras, _) in loaded)
        {
            foreach (StudyRun run in results.Runs)
            {
                if (runs.TryGetValue(run.Id, out var held))
                {
                    string? difference = FirstDifference(held.Run, run);
                    if (difference is not null)
                    {
                        throw new InvalidDataException(
                            $"study merge: run {run.Id} differs between {held.Dir} and {dir} ({difference}); the same id must hold the same results — remove one of them, or rerun it.");
                    }

                    duplicates++;
                    continue;
                }

                runs[run.Id] = (run, dir, extras[run.Id]);
            }
        }

        Directory.CreateDirectory(Path.Combine(outFull, "runs"));
        using (ResultsStore target = ResultsStore.Open(outFull))
        {
            target.SetStudy(first.Results.Name, first.Results.SpecJson, first.Results.Axes);
            foreach ((string id, var held) in runs)
            {
                (StudyRun run, string dir, (string? metrics, string? timing)) = held;
                string from = Path.Combine(dir, "runs", id);
                if (Directory.Exists(from))
                {
                    CopyFolder(from, Path.Combine(outFull, "runs", id));
                }

                target.Import(run, metrics, timing);
            }
        }

        return new MergeOutcome(runs.Count, duplicates, loaded.Sum(l => l.Unfinished));
    }

    /// <summary>A run as canonical text (every field the store holds), for comparing runs of two stores.</summary>
    public static string Canonical(StudyRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return JsonSerializer.Serialize(new
        {
            run.Id,
            Axes = new SortedDictionary<string, string>(run.Axes.ToDictionary(), StringComparer.Ordinal),
            run.ConfigJson,
            run.Status,
            run.Error,
            TrainError = R(run.TrainError),
            TestError = R(run.TestError),
            Measures = Numbers(run.Measures),
            Bounds = run.Bounds.Select(Bound).ToArray(),
            Epochs = run.Epochs.Select(e => new { e.Epoch, L = R(e.TrainLoss), Tr = R(e.TrainError), Te = R(e.TestError), M = Numbers(e.Measures), B = e.Bounds.Select(Bound).ToArray() }).ToArray(),
        });
    }

    private static string? FirstDifference(StudyRun a, StudyRun b)
    {
        if (a.Status != b.Status)
        {
            return $"status {a.Status} vs {b.Status}";
        }

        if (a.ConfigJson != b.ConfigJson)
        {
            return "config";
        }

        if (a.TrainError != b.TrainError || a.TestError != b.TestError)
        {
            return $"train/test error {R(a.TrainError)}/{R(a.TestError)} vs {R(b.TrainError)}/{R(b.TestError)}";
        }

        if (a.Epochs.Count != b.Epochs.Count)
        {
            return $"{a.Epochs.Count} vs {b.Epochs.Count} epochs";
        }

        return Canonical(a) == Canonical(b) ? null : "measures, bounds or epoch records";
    }

    private static object Bound(BoundRow b) => new { b.Id, b.Family, b.Provenance, b.Target, b.Status, V = R(b.Value), b.Vacuous, b.Reason, D = R(b.Delta) };

    private static SortedDictionary<string, string> Numbers(IReadOnlyDictionary<string, double> m)
        => new(m.ToDictionary(kv => kv.Key, kv => R(kv.Value)!), StringComparer.Ordinal);

    private static string? R(double? v) => v?.ToString("R", CultureInfo.InvariantCulture);

    private static string Normalize(string json)
    {
        if (json.Length == 0)
        {
            return json;
        }

        using JsonDocument d = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        return JsonSerializer.Serialize(d.RootElement);
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from))
        {
            string name = Path.GetFileName(file);
            if (name != ".lock" && !name.EndsWith(".tmp", StringComparison.Ordinal))
            {
                File.Copy(file, Path.Combine(to, name));
            }
        }

        foreach (string sub in Directory.GetDirectories(from))
        {
            CopyFolder(sub, Path.Combine(to, Path.GetFileName(sub)));
        }
    }
}
