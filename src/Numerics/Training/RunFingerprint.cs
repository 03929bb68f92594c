using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Runtime.InteropServices;
using BoundLab.Numerics.Data;
using BoundLab.Numerics.Optimizers;

namespace BoundLab.Numerics.Training;

/// <summary>One named part of a run's identity, e.g. ("Data.LabelNoise", "0.2").</summary>
public sealed record FingerprintField(string Name, string Value);

/// <summary>A field whose value in a checkpoint differs from the run about to continue it.</summary>
/// <param name="Name">The field (see <see cref="RunFingerprint"/> for the names).</param>
/// <param name="Saved">The checkpoint's value ("(absent)" when the checkpoint lacks the field).</param>
/// <param name="Current">This run's value ("(absent)" when this run lacks the field).</param>
public sealed record FingerprintDifference(string Name, string Saved, string Current);

/// <summary>Everything that changes a run's result, field by field, so a resume mismatch can say which
/// field differs. Field names: <c>Spec.*</c> (MLPs) or <c>Model.Name</c>, <c>Model</c> (the layers as JSON), <c>Loss</c>, <c>Algorithm.*</c>, <c>Schedule.*</c>,
/// <c>BatchSize</c>, <c>Seed</c>, <c>Init</c>, <c>InitStd</c>, <c>RecordSteps</c> (the config);
/// <c>Data.*</c> (every <see cref="DataOptions"/> property, when known); <c>TrainData</c> and
/// <c>TestData</c> (SHA-256 of the loaded inputs and labels/targets, which covers the data files'
/// content); <c>Numerics</c> (the build of this assembly). Epochs and threads are not part of it:
/// they do not change the weights of the epochs both runs train.</summary>
public sealed record RunFingerprint(IReadOnlyList<FingerprintField> Fields)
{
    /// <summary>The identity of training <paramref name="config"/> on <paramref name="data"/>, loaded with
    /// <paramref name="options"/> (null when the data did not come from <see cref="Datasets.Load"/>).</summary>
    public static RunFingerprint Of(TrainConfig config, DataSplit data, DataOptions? options)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(data);
        var f = new List<FingerprintField>();
        void Add(string name, object? value) => f.Add(new FingerprintField(name, Format(value)));

        if (config.Model.Mlp is { } mlp)
        {
            Add("Spec.Arch", mlp.Arch);
            Add("Spec.Hidden", mlp.Hidden);
            Add("Spec.Bias", mlp.Bias);
        }
        else
        {
            Add("Model.Name", config.Model.Name);
        }

        Add("Model", Models.ModelSpecJson.Write(config.Model).ToJsonString());
        Add("Loss", config.Loss);
        AddProperties(f, "Algorithm.", config.Algorithm);
        Schedule schedule = config.Schedule;
        Add("Schedule.Kind", schedule.Kind);
        Add("Schedule.BaseRate", schedule.BaseRate);
        // Only the knobs the schedule's kind reads: a constant schedule's unused DecayAt (whose default
        // follows the epoch count) must not make a longer continuation look like another run.
        if (schedule.Kind != ScheduleKind.Constant)
        {
            Add("Schedule.DecayFactor", schedule.DecayFactor);
        }

        if (schedule.Kind == ScheduleKind.Step)
        {
            Add("Schedule.DecayEvery", schedule.DecayEvery);
        }

        if (schedule.Kind == ScheduleKind.LargeThenDecay)
        {
            Add("Schedule.DecayAt", schedule.DecayAt);
        }
        Add("BatchSize", config.BatchSize);
        Add("Seed", config.Seed);
        Add("Init", config.Init);
        Add("InitStd", config.InitStd);
        Add("RecordSteps", config.RecordSteps);
        if (options is not null)
        {
            // MNIST's folder as resolved (an omitted --data-dir and $BOUNDLAB_DATA spelled out are the same folder).
            bool mnist = options.Name.StartsWith("mnist", StringComparison.OrdinalIgnoreCase);
            AddProperties(f, "Data.", options with
            {
                DataDir = mnist ? MnistFiles.ResolveDataDir(options.DataDir) : options.DataDir is null ? null : Path.GetFullPath(options.DataDir),
            });
        }

        Add("TrainData", Hash(data.Train));
        Add("TestData", Hash(data.Test));
        Add("Numerics", NumericsBuild);
        return new RunFingerprint(f);
    }

    /// <summary>This assembly's version and module id; deterministic builds give the same id for the same code.</summary>
    public static string NumericsBuild { get; } =
        $"{typeof(RunFingerprint).Assembly.GetName().Version} ({typeof(RunFingerprint).Assembly.ManifestModule.ModuleVersionId:N})";

    /// <summary>The fields whose values differ from <paramref name="saved"/>, in this fingerprint's order
    /// (then fields only the saved one has).</summary>
    public IReadOnlyList<FingerprintDifference> Compare(RunFingerprint saved)
    {
        ArgumentNullException.ThrowIfNull(saved);
        const string absent = "(absent)";
        var old = saved.Fields.ToDictionary(x => x.Name, x => x.Value);
        var diffs = new List<FingerprintDifference>();
        foreach (FingerprintField x in Fields)
        {
            string was = old.GetValueOrDefault(x.Name, absent);
            if (was != x.Value)
            {
                diffs.Add(new FingerprintDifference(x.Name, was, x.Value));
            }

            old.Remove(x.Name);
        }

        diffs.AddRange(old.Select(kv => new FingerprintDifference(kv.Key, kv.Value, absent)));
        return diffs;
    }

    private static void AddProperties(List<FingerprintField> f, string prefix, object record)
    {
        // Every public property, so a field added to the record later is covered without editing this list.
        foreach (PropertyInfo p in record.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance)
                     .Where(p => p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract")
                     .OrderBy(p => p.MetadataToken))
        {
            f.Add(new FingerprintField(prefix + p.Name, Format(p.GetValue(record))));
        }
    }

    private static string Format(object? value) => value switch
    {
        null => "(none)",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable x => x.ToString(null, CultureInfo.InvariantCulture),
        string s => s,
        // Lists (ADMM's β₁ … β_N) by their elements, so a changed element is a changed field.
        System.Collections.IEnumerable items => "[" + string.Join(", ", items.Cast<object?>().Select(Format)) + "]",
        _ => value.ToString() ?? "(none)",
    };

    private static string Hash(Dataset d) => $"{d.Name} n={d.Count} sha256={d.ContentSha256()}";
}
