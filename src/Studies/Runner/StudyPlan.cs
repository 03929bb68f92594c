using BoundLab.Numerics.Data;
using BoundLab.Numerics.Training;
using BoundLab.Studies.Specs;

namespace BoundLab.Studies.Runner;

/// <summary>A study's runs with their ids, sorted by id (the order they run in and shards are cut from).</summary>
/// <param name="Spec">The study.</param>
/// <param name="Runs">The runs, sorted by id, one per id.</param>
public sealed record StudyPlan(StudySpec Spec, IReadOnlyList<PlannedRun> Runs)
{
    /// <summary>Loads each distinct data set once (for its checksums, then drops it), builds every run's training config,
    /// checks config and data fit (as <see cref="Trainer"/> does) and derives the ids. A run the data or the trainer refuses
    /// is a <see cref="StudySpecException"/> naming the study file, the group and the run. <paramref name="device"/> names a
    /// device other than the CPU backend (cuda, ilgpu-cpu): its results match the CPU's only within float tolerance, so it
    /// enters every id (the same id must hold the same results); CPU ids are what they were before GPU backends.</summary>
    public static StudyPlan Build(StudySpec spec, string source, IProgress<string>? log = null, string? device = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        string code = RunId.CodeVersion + (device is null ? "" : $" device {device}");
        var checksums = new Dictionary<DataOptions, (string Train, string Test)>();
        var cache = new DataCache();
        var runs = new Dictionary<string, PlannedRun>();
        foreach (RunSpec run in spec.Runs)
        {
            DataOptions data = PlannedRun.DataOf(run);
            string where = $"{source}: group {run.Group}, run {string.Join(", ", spec.AxesOf(run).Select(kv => $"{kv.Key} {kv.Value}"))}";
            DataSplit split = Load(cache, data, where, checksums.ContainsKey(data) ? null : log);
            if (!checksums.TryGetValue(data, out var sums))
            {
                sums = (RunId.Checksum(split.Train), RunId.Checksum(split.Test));
                checksums[data] = sums;
            }

            TrainConfig config;
            try
            {
                config = PlannedRun.ConfigOf(run, split.Train);
                _ = new Trainer(config, split, dataOptions: data);
            }
            catch (ArgumentException e)
            {
                throw new StudySpecException($"{where}: {Text.OneLine(e)}");
            }

            string id = RunId.Of(run.ConfigJson, sums.Train, sums.Test, code);
            runs.TryAdd(id, new PlannedRun(id, run, spec.AxesOf(run), data, config, run.Get("stop_train_loss") as double?));
        }

        return new StudyPlan(spec, runs.Values.OrderBy(r => r.Id, StringComparer.Ordinal).ToArray());
    }

    /// <summary>Shard <paramref name="index"/> of <paramref name="count"/> (1-based): the runs at positions index − 1,
    /// index − 1 + count, … of the id order. The shards of 1 … count partition the study.</summary>
    public StudyPlan Shard(int index, int count)
    {
        if (count < 1 || index < 1 || index > count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"--shard: got {index}/{count}; allowed: i/N with 1 ≤ i ≤ N.");
        }

        return this with { Runs = Runs.Where((_, k) => k % count == index - 1).ToArray() };
    }

    private static DataSplit Load(DataCache cache, DataOptions data, string where, IProgress<string>? log)
    {
        try
        {
            return cache.Get(data, log);
        }
        catch (ArgumentException e)
        {
            throw new StudySpecException($"{where}: {Text.OneLine(e)}");
        }
    }
}
