using BoundLab.Numerics.Data;
using BoundLab.Numerics.Runs;
using BoundLab.Numerics.Training;
using BoundLab.Studies.Runs;

namespace BoundLab.Cli.Commands;

/// <summary>Builds the run.json document of a gradient-method run from the train options and the trainer's result
/// (the document itself is <see cref="RunRecords"/>', shared with the study runner).</summary>
internal static class RunRecord
{
    /// <summary>The document's config: the options as the user gave them (threads 0 recorded as the core count).</summary>
    public static RunConfig Config(TrainOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        return RunRecords.Config(o.Config, o.Data);
    }

    /// <summary>The data part of run.json for a loaded split (classes recorded unless <paramref name="withClasses"/> is false).</summary>
    public static RunData Data(DataSplit data, bool withClasses = true) => RunRecords.Data(data, withClasses);

    /// <summary>"0-1 error" or "mean squared error".</summary>
    public static string ErrorKind(DataSplit data) => RunRecords.ErrorKind(data);

    /// <summary>The whole document (<paramref name="device"/>: run.json's <c>device</c>, null for a CPU run); writing it
    /// refuses a non-finite number.</summary>
    public static RunDocument Build(TrainOptions o, DataSplit data, TrainResult r, double wallSeconds, string? device = null)
    {
        ArgumentNullException.ThrowIfNull(o);
        return RunRecords.Build(o.Config, o.Data, data, r, wallSeconds, device);
    }
}
