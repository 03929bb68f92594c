using BoundLab.Numerics.Data;
using BoundLab.Numerics.Losses;
using BoundLab.Numerics;
using BoundLab.Numerics.Models;
using BoundLab.Numerics.Optimizers;
using BoundLab.Numerics.Runs;
using BoundLab.Numerics.Training;

namespace BoundLab.Cli.Commands;

/// <summary>Builds the run.json document of a gradient-method run from the train options and the trainer's result.</summary>
internal static class RunRecord
{
    /// <summary>The document's config: the options as the user gave them (threads 0 recorded as the core count).</summary>
    public static RunConfig Config(TrainOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        TrainConfig c = o.Config;
        var gradient = new GradientConfig(
            o.Data.DataDir,
            o.Data.LabelNoise,
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
        return new RunConfig(o.Data.Name, o.Data.TrainSize, o.Data.TestSize, c.Model.Name, (mlp?.Hidden ?? Activation.Relu).ToString().ToLowerInvariant(),
            mlp?.Bias ?? true, c.Init.ToString().ToLowerInvariant(), Loss.Name(c.Loss), c.Algorithm.Name, c.Seed, gradient, null);
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
        => data.Train.Task == TaskKind.Regression ? "mean squared error" : "0-1 error";

    /// <summary>The whole document; writing it refuses a non-finite number.</summary>
    public static RunDocument Build(TrainOptions o, DataSplit data, TrainResult r, double wallSeconds)
    {
        ArgumentNullException.ThrowIfNull(r);
        EpochRecord last = r.History[^1];
        var history = ValueList.From(r.History.Select(e =>
            new EpochEntry(e.Epoch, e.LearningRate, e.TrainLoss, e.TrainError, e.TestLoss, e.TestError, e.Seconds)));
        var results = new RunResults(ErrorKind(data), o.Config.Model.ParameterCount, last.TrainError, last.TestError,
            last.TestError - last.TrainError, last.TrainLoss, last.TestLoss, r.StoppedEarly, r.TrainSeconds, null, wallSeconds,
            r.SamplesPerSecond);
        var provenance = new RunProvenance(RunLayout.WeightsFileName, RunLayout.InitialWeightsFileName, ModelFile.Sha256(r.Model),
            r.Steps.Count > 0 ? RunLayout.TrajectoryFileName : null, MachineInfo.Current(), DateTime.UtcNow.ToString("O"));
        return new RunDocument(RunDocument.CurrentVersion, Config(o), Data(data), history, results, provenance);
    }
}
