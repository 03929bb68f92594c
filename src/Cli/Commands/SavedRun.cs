using System.Text.Json.Nodes;
using BoundLab.Cli.Framework;
using BoundLab.Numerics.Backends;
using BoundLab.Numerics.Data;
using BoundLab.Numerics.Losses;
using Losses = BoundLab.Numerics.Losses;
using BoundLab.Numerics.Models;

namespace BoundLab.Cli.Commands;

/// <summary>A finished run folder as the landscape command reads it: the final and initial weights, the loss and how to
/// rebuild the training data (as <c>measure</c> rebuilds it from run.json's config). The one place this command reads
/// run.json; errors name <paramref name="Option"/> (RUN_DIR or --other).</summary>
/// <param name="Option">How the command line named the folder.</param>
/// <param name="Dir">The folder.</param>
/// <param name="Final">weights.bin (run.json's "weights").</param>
/// <param name="Init">weights-init.bin (run.json's "weights_init").</param>
/// <param name="Loss">The training loss (config "loss").</param>
/// <param name="Data">The data options that rebuild the run's training set.</param>
internal sealed record SavedRun(string Option, string Dir, Model<float> Final, Model<float> Init, LossKind Loss, DataOptions Data)
{
    /// <summary>Reads DIR/run.json and both weight files onto <paramref name="backend"/>; a bad folder is a UsageException naming the option.</summary>
    public static SavedRun Load(string option, string dir, CpuBackend backend, string? dataDirOverride)
    {
        if (!Directory.Exists(dir))
        {
            throw UsageException.BadValue(option, dir, "an existing run folder written by boundlab train");
        }

        string path = Path.Combine(dir, "run.json");
        if (!File.Exists(path))
        {
            throw UsageException.BadValue(option, dir, "a folder holding run.json (a finished boundlab train run)");
        }

        JsonObject run;
        try
        {
            run = Json.ParseObject(File.ReadAllText(path));
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or FormatException)
        {
            throw new UsageException($"{option} {dir}: run.json is not valid JSON ({ErrorText.OneLine(e)}).");
        }

        JsonObject config = run["config"] as JsonObject
            ?? throw new UsageException($"{option} {dir}: run.json has no config object; allowed: a run.json written by boundlab train.");
        Model<float> final = Weights(option, dir, run, "weights", "weights.bin", backend);
        Model<float> init = Weights(option, dir, run, "weights_init", "weights-init.bin", backend);
        if (init.Spec != final.Spec)
        {
            throw new UsageException($"{option} {dir}: weights.bin is {final.Spec.Name} but weights-init.bin is {init.Spec.Name}; they must be the same architecture.");
        }

        try
        {
            string? arch = (config["model"] ?? config["arch"])?.GetValue<string>();
            if (arch != final.Spec.Name)
            {
                throw new UsageException($"{option} {dir}: run.json says arch {arch ?? "(none)"} but weights.bin is {final.Spec.Name}; they must match.");
            }

            string lossName = config["loss"]?.GetValue<string>() ?? Losses.Loss.Name(LossKind.CrossEntropy);
            LossKind loss = Losses.Loss.All.FirstOrDefault(k => Losses.Loss.Name(k) == lossName, (LossKind)(-1));
            if (!Enum.IsDefined(loss))
            {
                throw new UsageException($"{option} {dir}: run.json's loss '{lossName}' is unknown; allowed: {string.Join(", ", Losses.Loss.All.Select(Losses.Loss.Name))}.");
            }

            string name = config["data"]?.GetValue<string>() ?? throw new UsageException($"{option} {dir}: run.json's config has no data name.");
            var data = new DataOptions(
                name,
                dataDirOverride ?? config["data_dir"]?.GetValue<string>(),
                config["train_size"]?.GetValue<int>(),
                config["test_size"]?.GetValue<int>(),
                config["label_noise"]?.GetValue<double>() ?? 0,
                config["seed"]?.GetValue<ulong>() ?? 0);
            return new SavedRun(option, dir, final, init, loss, data);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new UsageException($"{option} {dir}: run.json's config has a field of the wrong type ({ErrorText.OneLine(e)}).");
        }
    }

    private static Model<float> Weights(string option, string dir, JsonObject run, string key, string fallback, CpuBackend backend)
    {
        string name = run[key] is JsonValue v && v.TryGetValue(out string? s) && !string.IsNullOrEmpty(s) ? s : fallback;
        string path = Path.Combine(dir, name);
        if (!File.Exists(path))
        {
            throw UsageException.BadValue(option, dir, $"a run folder holding {name} (run.json's {key})");
        }

        return ModelFile.Load(path, backend);
    }
}
