using BoundLab.Numerics.Measurements;
using System.Globalization;
using System.Text;
using BoundLab.Numerics;
using BoundLab.Numerics.Data;
using BoundLab.Numerics.Losses;
using BoundLab.Numerics.Models;
using BoundLab.Numerics.Optimizers;
using BoundLab.Numerics.Runs;
using BoundLab.Numerics.Training;

namespace BoundLab.Studies.Runs;

/// <summary>Builds and writes the run folder of a gradient-method run (run.json, weights, initial weights, trajectory):
/// what <c>boundlab train</c> and the study runner both write, so <c>measure</c> and <c>bounds eval --run</c> read either.</summary>
public static class RunRecords
{
    /// <summary>The document's config: the options as given (threads 0 recorded as the core count).</summary>
    public static RunConfig Config(TrainConfig c, DataOptions data)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(data);
        var gradient = new GradientConfig(
            data.DataDir,
            data.LabelNoise,
            c.Init == Initialization.Gaussian ? c.InitStd : null,
            c.Schedule.BaseRate,
            c.Schedule.Kind.ToString(),
            c.Schedule.DecayFactor,
            c.Schedule.DecayEvery,
            c.Schedule.DecayAt,
            c.Algorithm switch { SgdOptions sgd => sgd.Momentum, GdOptions gd => gd.Momentum, _ => 0 },
            c.Algorithm.WeightDecay,
            c.Algorithm is SgldOptions sgld ? sgld.Beta : null,
            c.BatchSize,
            c.Epochs,
            c.Threads == 0 ? Environment.ProcessorCount : c.Threads);
        // A named model (lenet, resmlp-…) is recorded under arch by its name; its activation is the one its layers use.
        MlpSpec? mlp = c.Model.Mlp;
        return new RunConfig(data.Name, data.TrainSize, data.TestSize, c.Model.Name, (mlp?.Hidden ?? Activation.Relu).ToString().ToLowerInvariant(),
            mlp?.Bias ?? c.Model.HasBiases, c.Init.ToString().ToLowerInvariant(), Loss.Name(c.Loss), c.Algorithm.Name, c.Seed, gradient, null);
    }

    /// <summary>The data part of run.json for a loaded split (classes recorded unless <paramref name="withClasses"/> is false).</summary>
    public static RunData Data(DataSplit data, bool withClasses = true)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new RunData(data.Train.Name, data.Train.Task == TaskKind.Regression ? RunData.Regression : RunData.Classification,
            withClasses ? data.Train.Classes : null, data.Train.Count, data.Test.Count, data.Train.InputDim);
    }

    /// <summary>"0-1 error" or "mean squared error".</summary>
    public static string ErrorKind(DataSplit data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return data.Train.Task == TaskKind.Regression ? "mean squared error" : "0-1 error";
    }

    /// <summary>The whole document; writing it refuses a non-finite number. <paramref name="device"/> is run.json's
    /// <c>device</c> (what trained it, when not the CPU backend; null and absent for CPU runs).</summary>
    public static RunDocument Build(TrainConfig config, DataOptions options, DataSplit data, TrainResult r, double wallSeconds, string? device = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(r);
        EpochRecord last = r.History[^1];
        var history = ValueList.From(r.History.Select(e =>
            new EpochEntry(e.Epoch, e.LearningRate, e.TrainLoss, e.TrainError, e.TestLoss, e.TestError, e.Seconds)));
        var results = new RunResults(ErrorKind(data), config.Model.ParameterCount, last.TrainError, last.TestError,
            last.TestError - last.TrainError, last.TrainLoss, last.TestLoss, r.StoppedEarly, r.TrainSeconds, null, wallSeconds,
            r.SamplesPerSecond);
        var provenance = new RunProvenance(RunLayout.WeightsFileName, RunLayout.InitialWeightsFileName, ModelFile.Sha256(r.Model),
            r.Steps.Count > 0 ? RunLayout.TrajectoryFileName : null, MachineInfo.Current(), DateTime.UtcNow.ToString("O"), device);
        return new RunDocument(RunDocument.CurrentVersion, Config(config, options), Data(data), history, results, provenance);
    }

    /// <summary>Writes the finished run into <paramref name="layout"/>'s folder: weights, initial weights, trajectory (when
    /// recorded), and run.json last (its presence marks the run finished); each file through a temporary file and a rename.</summary>
    public static void WriteFinished(RunLayout layout, RunDocument document, TrainResult r)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(r);
        ModelFile.Save(r.Model, layout.WeightsFile);
        ModelFile.Save(r.Initial, layout.InitialWeightsFile);
        if (r.Steps.Count > 0)
        {
            string tmp = $"{layout.TrajectoryFile}.{Environment.ProcessId}.tmp";
            WriteTrajectory(tmp, r.Steps);
            File.Move(tmp, layout.TrajectoryFile, overwrite: true);
        }

        document.Write(layout.RunFile);
    }

    /// <summary>trajectory.csv in <see cref="TrajectoryCsv"/>'s format (step,epoch,lr,loss,grad_norm_sq,grad_stat,incoherence).</summary>
    public static void WriteTrajectory(string path, IReadOnlyList<StepRecord> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        File.WriteAllText(path, TrajectoryCsv.Format(steps));
    }
}
