using BoundLab.Numerics;
using BoundLab.Numerics.Data;
using BoundLab.Numerics.Losses;
using BoundLab.Numerics.Models;
using BoundLab.Numerics.Optimizers;
using BoundLab.Numerics.Training;
using BoundLab.Studies.Specs;

namespace BoundLab.Studies.Runner;

/// <summary>A run of a study with its id, ready to train.</summary>
/// <param name="Id">Content-derived id (<see cref="RunId"/>).</param>
/// <param name="Spec">Its settings.</param>
/// <param name="Axes">Its value on each of the study's axes.</param>
/// <param name="Data">The data it trains on.</param>
/// <param name="Config">The training config (threads 0; the runner sets them). Epochs: the stopping rule's cap when there is one.</param>
/// <param name="StopTrainLoss">Stop once the full training set's loss is at most this; null: train <c>Config.Epochs</c>.</param>
public sealed record PlannedRun(string Id, RunSpec Spec, IReadOnlyDictionary<string, string> Axes, DataOptions Data, TrainConfig Config,
    double? StopTrainLoss)
{
    /// <summary>The data options a run spec names.</summary>
    public static DataOptions DataOf(RunSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new DataOptions((string)spec.Get("dataset")!, spec.Get("data_dir") as string, (int?)(spec.Get("train_size") as long?),
            (int?)(spec.Get("test_size") as long?), spec.Get("label_noise") as double? ?? 0, (ulong)(long)spec.Get("seed")!);
    }

    /// <summary>The training config a run spec names, for data of <paramref name="train"/>'s widths.</summary>
    public static TrainConfig ConfigOf(RunSpec spec, Dataset train)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(train);
        T Get<T>(string key) => (T)spec.Get(key)!;
        int Int(string key) => (int)Get<long>(key);
        bool bias = Get<bool>("bias");
        var activation = Enum.Parse<Activation>(spec.Get("activation") as string ?? "relu", ignoreCase: true);
        ModelSpec model;
        if (spec.Get("model") is string name)
        {
            model = ModelSpec.Parse(name, train.InputDim, train.OutputDim, bias);
        }
        else if (spec.Get("arch") is string arch)
        {
            model = ModelSpec.FromMlp(MlpSpec.Parse(arch, activation, bias));
        }
        else
        {
            int depth = Int("depth");
            var widths = new List<int> { train.InputDim };
            for (int i = 1; i < depth; i++)
            {
                widths.Add(Int("width"));
            }

            widths.Add(train.OutputDim);
            model = ModelSpec.FromMlp(MlpSpec.Parse(string.Join('-', widths), activation, bias));
        }

        string optimizer = Get<string>("optimizer");
        AlgorithmOptions algorithm = optimizer switch
        {
            "sgd" => new SgdOptions(Get<double>("momentum"), Get<double>("weight_decay")),
            "gd" => new GdOptions(Get<double>("momentum"), Get<double>("weight_decay")),
            "sgld" => new SgldOptions(Get<double>("beta"), Get<double>("weight_decay"), Int("grad_subsample"), Int("grad_every")),
            "pgd" => new PgdOptions(Get<double>("pgd_radius"), Get<double>("pgd_grad_threshold"), Int("pgd_steps"), Get<double>("pgd_loss_threshold")),
            _ => throw new ArgumentException($"optimizer '{optimizer}'; allowed: {string.Join(", ", OptimizerKinds.All)}.", nameof(spec)),
        };
        string scheduleName = Get<string>("schedule");
        var schedule = new Schedule(
            scheduleName switch { "step" => ScheduleKind.Step, "large-then-decay" => ScheduleKind.LargeThenDecay, _ => ScheduleKind.Constant },
            Get<double>("lr"), spec.Get("decay_factor") as double? ?? 0.1, (int)(spec.Get("decay_every") as long? ?? 10),
            (int)(spec.Get("decay_at") as long? ?? 1));
        string lossName = Get<string>("loss");
        LossKind loss = Loss.All.First(k => Loss.Name(k) == lossName);
        var init = Enum.Parse<Initialization>(Get<string>("init"), ignoreCase: true);
        int epochs = (int)((spec.Get("epochs") ?? spec.Get("max_epochs")) as long? ?? 1);
        bool record = optimizer is "sgld" or "pgd" || spec.Get("record_steps") is true;
        return new TrainConfig(model, loss, algorithm, schedule, Int("batch"), epochs, (ulong)Get<long>("seed"), init,
            spec.Get("init_std") as double? ?? 0.01, 0, record);
    }
}
