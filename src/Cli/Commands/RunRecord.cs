using System.Runtime.Intrinsics;
using System.Text.Json.Nodes;
using BoundLab.Numerics.Data;
using BoundLab.Numerics.Losses;
using BoundLab.Numerics.Models;
using BoundLab.Numerics.Models.Layers;
using BoundLab.Numerics.Optimizers;
using BoundLab.Numerics.Training;

namespace BoundLab.Cli.Commands;

/// <summary>The run.json document: config, data, per-epoch history and the final measurements.</summary>
internal static class RunRecord
{
    /// <summary>Builds run.json; throws rather than write a non-finite number.</summary>
    public static JsonObject Build(TrainOptions o, DataSplit data, TrainResult r, double wallSeconds)
    {
        TrainConfig c = o.Config;
        EpochRecord last = r.History[^1];
        var epochs = new JsonArray();
        foreach (EpochRecord e in r.History)
        {
            epochs.Add(new JsonObject
            {
                ["epoch"] = e.Epoch,
                ["lr"] = Finite("lr", e.LearningRate),
                ["train_loss"] = Finite("train_loss", e.TrainLoss),
                ["train_error"] = Finite("train_error", e.TrainError),
                ["test_loss"] = Finite("test_loss", e.TestLoss),
                ["test_error"] = Finite("test_error", e.TestError),
                ["seconds"] = e.Seconds,
            });
        }

        return new JsonObject
        {
            ["boundlab_run"] = 1,
            ["config"] = new JsonObject
            {
                ["data"] = o.Data.Name,
                ["data_dir"] = o.Data.DataDir,
                ["train_size"] = o.Data.TrainSize,
                ["test_size"] = o.Data.TestSize,
                ["label_noise"] = o.Data.LabelNoise,
                ["arch"] = c.Model.Name,
                ["model"] = c.Model.Mlp is null ? c.Model.Name : null,
                ["activation"] = c.Model.Mlp is { } mlp ? mlp.Hidden.ToString().ToLowerInvariant() : null,
                ["bias"] = c.Model.Mlp?.Bias ?? c.Model.Layers.OfType<DenseSpec>().All(d => d.Bias),
                ["init"] = c.Init.ToString().ToLowerInvariant(),
                ["init_std"] = c.Init == Initialization.Gaussian ? c.InitStd : null,
                ["loss"] = Loss.Name(c.Loss),
                ["optimizer"] = c.Algorithm.Name,
                ["lr"] = c.Schedule.BaseRate,
                ["schedule"] = c.Schedule.Kind.ToString(),
                ["decay_factor"] = c.Schedule.DecayFactor,
                ["decay_every"] = c.Schedule.DecayEvery,
                ["decay_at"] = c.Schedule.DecayAt,
                ["momentum"] = c.Algorithm switch { SgdOptions sgd => sgd.Momentum, GdOptions gd => gd.Momentum, _ => 0 },
                ["weight_decay"] = c.Algorithm.WeightDecay,
                ["beta"] = c.Algorithm is SgldOptions sgld ? sgld.Beta : null,
                ["batch"] = c.BatchSize,
                ["epochs"] = c.Epochs,
                ["seed"] = c.Seed,
                ["threads"] = c.Threads == 0 ? Environment.ProcessorCount : c.Threads,
            },
            ["data"] = new JsonObject
            {
                ["name"] = data.Train.Name,
                ["task"] = data.Train.Task == TaskKind.Regression ? "regression" : "classification",
                ["classes"] = data.Train.Classes,
                ["n_train"] = data.Train.Count,
                ["n_test"] = data.Test.Count,
                ["input_dim"] = data.Train.InputDim,
            },
            ["error_kind"] = data.Train.Task == TaskKind.Regression ? "mean squared error" : "0-1 error",
            ["parameter_count"] = c.Model.ParameterCount,
            ["epochs"] = epochs,
            ["train_error"] = Finite("train_error", last.TrainError),
            ["test_error"] = Finite("test_error", last.TestError),
            ["gap"] = Finite("gap", last.TestError - last.TrainError),
            ["train_loss"] = Finite("train_loss", last.TrainLoss),
            ["test_loss"] = Finite("test_loss", last.TestLoss),
            ["stopped_early"] = r.StoppedEarly,
            ["seconds"] = r.TrainSeconds,
            ["wall_seconds"] = wallSeconds,
            ["samples_per_sec"] = r.SamplesPerSecond,
            ["weights"] = "weights.bin",
            ["weights_init"] = "weights-init.bin",
            ["weights_sha256"] = ModelFile.Sha256(r.Model),
            ["trajectory"] = r.Steps.Count > 0 ? "trajectory.csv" : null,
            ["machine"] = new JsonObject
            {
                ["processors"] = Environment.ProcessorCount,
                ["vector512"] = Vector512.IsHardwareAccelerated,
                ["runtime"] = Environment.Version.ToString(),
                ["os"] = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
            },
            ["finished_utc"] = DateTime.UtcNow.ToString("O"),
        };
    }

    private static double Finite(string name, double v)
        => double.IsFinite(v) ? v : throw new InvalidOperationException($"{name} is {v}; refusing to write a non-finite number to run.json.");
}
