using BoundLab.Numerics.Training;
using BoundLab.Studies.Results;

namespace BoundLab.Studies.Runner;

/// <summary>What the study runner reports as it goes (the CLI draws it; tests record it).</summary>
public interface IStudyProgress
{
    /// <summary>Run <paramref name="k"/> of <paramref name="n"/> was finished by an earlier invocation and is skipped.</summary>
    void Skipped(int k, int n, PlannedRun run);

    /// <summary>Run k of n starts; <paramref name="note"/> says how ("", "resuming after epoch 3", "restarting: …").</summary>
    void Starting(int k, int n, PlannedRun run, string note);

    /// <summary>A training step of the current run.</summary>
    void Step(TrainProgress progress);

    /// <summary>An epoch of the current run ended (its record is stored).</summary>
    void Epoch(EpochRow row, int maxEpochs);

    /// <summary>Run k of n is finished and stored.</summary>
    void Finished(int k, int n, PlannedRun run, double trainError, double testError, int epochs, double seconds);

    /// <summary>Run k of n failed; the failure is stored.</summary>
    void Failed(int k, int n, PlannedRun run, string error);
}

/// <summary>The outcome of one invocation of a study.</summary>
/// <param name="Total">Runs in the plan (the shard).</param>
/// <param name="Trained">Runs finished by this invocation.</param>
/// <param name="Skipped">Runs finished earlier and skipped.</param>
/// <param name="Failed">Ids of the runs that failed in this invocation.</param>
/// <param name="NotRun">Runs left untried because --fail-fast stopped the study.</param>
public sealed record StudyOutcome(int Total, int Trained, int Skipped, IReadOnlyList<string> Failed, int NotRun);
