using System.Runtime.InteropServices;
using System.Text.Json;
using BoundLab.Numerics.Models;

namespace BoundLab.Numerics.Training;

/// <summary>What a checkpoint holds besides the weights: enough to continue bit-identically.</summary>
/// <param name="Fingerprint">The run's identity (config and data, not epochs or threads); resume refuses a mismatch.</param>
/// <param name="CompletedEpochs">Epochs finished.</param>
/// <param name="GlobalStep">Optimizer steps taken.</param>
/// <param name="TrainSeconds">Training time so far.</param>
/// <param name="SamplesSeen">Training samples processed so far.</param>
/// <param name="History">Per-epoch records so far.</param>
/// <param name="Steps">Step records so far (when recorded).</param>
public sealed record CheckpointState(string Fingerprint, int CompletedEpochs, long GlobalStep, double TrainSeconds,
    long SamplesSeen, IReadOnlyList<EpochRecord> History, IReadOnlyList<StepRecord> Steps);

/// <summary>A checkpoint folder: state.json, weights.bin (see <see cref="MlpFile"/>) and optimizer.bin.
/// Written into a sibling folder and swapped in, so an interruption leaves the previous checkpoint intact.</summary>
public sealed class Checkpoint(string directory)
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = false };

    /// <summary>The checkpoint folder.</summary>
    public string Directory { get; } = Path.GetFullPath(directory);

    /// <summary>Whether a complete checkpoint exists.</summary>
    public bool Exists => File.Exists(Path.Combine(Directory, "state.json")) || File.Exists(Path.Combine(Pending, "state.json"));

    private string Pending => Directory + ".new";

    /// <summary>Saves state, weights and optimizer buffers.</summary>
    public void Save(CheckpointState state, Mlp<float> net, IReadOnlyList<float[]> optimizerState)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(optimizerState);
        if (System.IO.Directory.Exists(Pending))
        {
            System.IO.Directory.Delete(Pending, recursive: true);
        }

        System.IO.Directory.CreateDirectory(Pending);
        MlpFile.Save(net, Path.Combine(Pending, "weights.bin"));
        using (var f = File.Create(Path.Combine(Pending, "optimizer.bin")))
        {
            foreach (float[] buffer in optimizerState)
            {
                f.Write(MemoryMarshal.AsBytes(buffer.AsSpan()));
            }
        }

        // state.json last: its presence marks the folder complete.
        File.WriteAllText(Path.Combine(Pending, "state.json"), JsonSerializer.Serialize(state, JsonOptions));
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }

        System.IO.Directory.Move(Pending, Directory);
    }

    /// <summary>Loads the checkpoint; optimizer buffers are read into <paramref name="optimizerState"/>.</summary>
    public (CheckpointState State, Mlp<float> Net) Load(IReadOnlyList<float[]> optimizerState)
    {
        ArgumentNullException.ThrowIfNull(optimizerState);
        string dir = File.Exists(Path.Combine(Directory, "state.json")) ? Directory : Pending;
        string statePath = Path.Combine(dir, "state.json");
        if (!File.Exists(statePath))
        {
            throw new FileNotFoundException($"no checkpoint in {Directory}.", statePath);
        }

        CheckpointState state = JsonSerializer.Deserialize<CheckpointState>(File.ReadAllText(statePath), JsonOptions)
            ?? throw new InvalidDataException($"{statePath}: empty checkpoint state.");
        Mlp<float> net = MlpFile.Load(Path.Combine(dir, "weights.bin"));
        byte[] opt = File.ReadAllBytes(Path.Combine(dir, "optimizer.bin"));
        long expected = optimizerState.Sum(b => (long)b.Length * sizeof(float));
        if (opt.Length != expected)
        {
            throw new InvalidDataException($"{dir}/optimizer.bin has {opt.Length} bytes; the optimizer needs {expected}.");
        }

        int offset = 0;
        foreach (float[] buffer in optimizerState)
        {
            MemoryMarshal.Cast<byte, float>(opt.AsSpan(offset, buffer.Length * sizeof(float))).CopyTo(buffer);
            offset += buffer.Length * sizeof(float);
        }

        return (state, net);
    }
}
