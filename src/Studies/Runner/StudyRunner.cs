using System.Diagnostics;
using BoundLab.Numerics.Data;
using BoundLab.Numerics.Runs;
using BoundLab.Numerics.Training;
using BoundLab.Studies.Results;
using BoundLab.Studies.Runs;

namespace BoundLab.Studies.Runner;

/// <summary>Runs a study's runs one after the other (each on <c>threads</c> cores) into a <see cref="StudyFolder"/>: skips runs
/// the store holds as finished, continues interrupted ones from their checkpoint, records each epoch (metrics, cheap measures,
/// bounds) as it ends and each run's final record in one transaction after its run folder is complete, so a kill at any point
/// loses at most the epoch in progress.</summary>
/// <param name="folder">The study folder.</param>
/// <param name="evaluator">Measures and evaluates bounds (per epoch and finally).</param>
/// <param name="progress">Where progress goes.</param>
/// <param name="threads">CPU threads per run (0 = all); results do not depend on it.</param>
/// <param name="failFast">Stop at the first failed run.</param>
/// <param name="backend">The backend every run trains on; null: the CPU backend on <paramref name="threads"/> threads.</param>
/// <param name="device">run.json's <c>device</c> for a backend other than the CPU's (see <see cref="RunProvenance.Device"/>).</param>
public sealed class StudyRunner(StudyFolder folder, IRunEvaluator evaluator, IStudyProgress progress, int threads = 0, bool failFast = false,
    BoundLab.Numerics.Backends.Backend<float>? backend = null, string? device = null)
{
    private readonly DataCache _data = new();

    /// <summary>Runs <paramref name="plan"/>'s runs in order; Ctrl-C (<paramref name="cancel"/>) stops between steps with
    /// OperationCanceledException, leaving the current run's last checkpoint for --resume.</summary>
    public StudyOutcome Run(StudyPlan plan, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        IReadOnlyDictionary<string, string> statuses = folder.Store.Statuses();
        int n = plan.Runs.Count, trained = 0, skipped = 0;
        var failed = new List<string>();
        for (int i = 0; i < n; i++)
        {
            PlannedRun run = plan.Runs[i];
            if (statuses.GetValueOrDefault(run.Id) == "finished")
            {
                skipped++;
                progress.Skipped(i + 1, n, run);
                continue;
            }

            try
            {
                RunOne(i + 1, n, run, cancel);
                trained++;
            }
            catch (OperationCanceledException)
            {
                throw;
            }
            catch (Exception e)
            {
                string error = Text.OneLine(e);
                folder.Store.Fail(run.Id, error);
                failed.Add(run.Id);
                progress.Failed(i + 1, n, run, error);
                if (failFast)
                {
                    return new StudyOutcome(n, trained, skipped, failed, n - i - 1);
                }
            }
        }

        return new StudyOutcome(n, trained, skipped, failed, 0);
    }

    private void RunOne(int k, int n, PlannedRun run, CancellationToken cancel)
    {
        var wall = Stopwatch.StartNew();
        string dir = folder.RunDir(run.Id);
        Directory.CreateDirectory(dir);
        var layout = new RunLayout(dir);
        var checkpoint = new Checkpoint(layout.CheckpointFolder);
        foreach (string tmp in Directory.GetFiles(dir, "*.tmp").Concat(Directory.GetFiles(dir, ".*.tmp")).Distinct())
        {
            File.Delete(tmp);
        }

        checkpoint.CleanUp();
        if (File.Exists(layout.RunFile))
        {
            // Killed after the run folder was complete and before its final record: evaluate and record, no retraining.
            checkpoint.Delete();
            progress.Starting(k, n, run, "trained earlier; recording it");
            folder.Store.Begin(run.Id, run.Axes, run.Spec.ConfigJson, fresh: false);
            RunDocument done = RunDocument.Read(layout.RunFile);
            Record(k, n, run, dir, done, wall, cancel);
            return;
        }

        TrainConfig config = run.Config with { Threads = threads };
        string note = "";
        bool resume = false;
        if (checkpoint.Exists)
        {
            try
            {
                CheckpointState state = checkpoint.ReadState();
                resume = state.Fingerprint.Compare(new Trainer(config, Data(run), dataOptions: run.Data).Fingerprint).Count == 0;
                if (resume)
                {
                    note = $"resuming after epoch {state.CompletedEpochs}";
                    folder.Store.Begin(run.Id, run.Axes, run.Spec.ConfigJson, fresh: false);
                    folder.Store.TruncateEpochs(run.Id, state.CompletedEpochs);
                    // Killed after the stopping epoch's checkpoint: that epoch is the last.
                    if (run.StopTrainLoss is { } target && state.History.Count > 0 && state.History[^1].TrainLoss <= target)
                    {
                        config = config with { Epochs = state.CompletedEpochs };
                    }
                }
                else
                {
                    note = "restarting: its checkpoint is of another data folder or build";
                }
            }
            catch (InvalidDataException e)
            {
                note = $"restarting: {Text.OneLine(e)}";
            }
        }

        if (!resume)
        {
            checkpoint.Delete();
            folder.Store.Begin(run.Id, run.Axes, run.Spec.ConfigJson, fresh: true);
        }

        progress.Starting(k, n, run, note);
        DataSplit data = Data(run);
        var trainer = new Trainer(config, data, backend, dataOptions: run.Data);
        TrainResult result = trainer.Run(new SyncProgress(progress), cancel, checkpoint, resume, afterEpoch: e =>
        {
            RunEvaluation ev = evaluator.Epoch(dir, e.Model, e.Initial, data.Train, threads);
            var row = new EpochRow(e.Record.Epoch, e.Record.TrainLoss, e.Record.TrainError, e.Record.TestError, ev.Measures, ev.Bounds);
            folder.Store.WriteEpoch(run.Id, row);
            progress.Epoch(row, config.Epochs);
            return run.StopTrainLoss is { } target && e.Record.TrainLoss <= target;
        });
        // A run resumed after its stopping epoch trains no further epoch; it stopped early all the same.
        if (run.StopTrainLoss is { } reached && result.History.Count > 0 && result.History[^1].TrainLoss <= reached)
        {
            result = result with { StoppedEarly = true };
        }

        RunDocument document = RunRecords.Build(config, run.Data, data, result, wall.Elapsed.TotalSeconds, device);
        RunRecords.WriteFinished(layout, document, result);
        checkpoint.Delete();
        Record(k, n, run, dir, document, wall, cancel);
    }

    // The final evaluation and the run's final record (one transaction), from its finished run folder.
    private void Record(int k, int n, PlannedRun run, string dir, RunDocument document, Stopwatch wall, CancellationToken cancel)
    {
        RunEvaluation final = evaluator.Final(dir, threads);
        if (PacBayes.PacBayesStage.OptionsOf(run.Spec, threads) is { } pacbayes)
        {
            final = PacBayes.PacBayesStage.Apply(final, dir, pacbayes, cancel: cancel);
        }

        RunResults r = document.Results;
        var metrics = new Dictionary<string, double>
        {
            ["train_loss"] = r.TrainLoss,
            ["test_loss"] = r.TestLoss,
            ["epochs"] = document.History.Count,
            ["stopped_early"] = r.StoppedEarly == true ? 1 : 0,
            ["parameters"] = r.ParameterCount,
        };
        var timing = new Dictionary<string, double> { ["train_seconds"] = r.Seconds ?? 0, ["wall_seconds"] = wall.Elapsed.TotalSeconds };
        folder.Store.Finish(run.Id, r.TrainError, r.TestError, metrics, timing, final);
        progress.Finished(k, n, run, r.TrainError, r.TestError, document.History.Count, wall.Elapsed.TotalSeconds);
    }

    private DataSplit Data(PlannedRun run) => _data.Get(run.Data);

    // Progress<T> posts to the thread pool; the study's display wants each step on the training thread, in order.
    private sealed class SyncProgress(IStudyProgress target) : IProgress<TrainProgress>
    {
        public void Report(TrainProgress value) => target.Step(value);
    }
}
