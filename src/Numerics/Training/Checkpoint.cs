using System.Runtime.InteropServices;
using System.Text.Json;
using BoundLab.Numerics.Models;

namespace BoundLab.Numerics.Training;

/// <summary>What a checkpoint holds besides the weights: enough to continue bit-identically.</summary>
/// <param name="Fingerprint">The run's identity (config, data options, data content and code; not epochs or
/// threads); resume refuses a mismatch and names the differing fields.</param>
/// <param name="CompletedEpochs">Epochs finished.</param>
/// <param name="GlobalStep">Optimizer steps taken.</param>
/// <param name="TrainSeconds">Training time so far.</param>
/// <param name="SamplesSeen">Training samples processed so far.</param>
/// <param name="History">Per-epoch records so far.</param>
/// <param name="Steps">Step records so far (when recorded).</param>
/// <param name="Format">The state.json layout; <see cref="Checkpoint.Format"/> for what this build writes.</param>
public sealed record CheckpointState(RunFingerprint Fingerprint, int CompletedEpochs, long GlobalStep, double TrainSeconds,
    long SamplesSeen, IReadOnlyList<EpochRecord> History, IReadOnlyList<StepRecord> Steps, int Format = Checkpoint.Format);

/// <summary>A checkpoint folder: state.json, weights.bin (see <see cref="MlpFile"/>) and optimizer.bin.
/// Written into a sibling folder and swapped in, so an interruption leaves the previous checkpoint intact.</summary>
public sealed class Checkpoint(string directory)
{
    /// <summary>The state.json layout this build writes and reads (1: a one-string fingerprint; 2: field by field).</summary>
    public const int Format = 2;

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = false };

    /// <summary>The checkpoint folder.</summary>
    public string Directory { get; } = Path.GetFullPath(directory);

    /// <summary>Whether a complete checkpoint exists.</summary>
    public bool Exists => File.Exists(Path.Combine(Directory, "state.json")) || File.Exists(Path.Combine(Pending, "state.json"));

    private string Pending => Directory + ".new";

    /// <summary>Saves state, weights and optimizer buffers. On any failure the pending folder is removed
    /// and the previous checkpoint stays as it was.</summary>
    public void Save(CheckpointState state, Mlp<float> net, IReadOnlyList<float[]> optimizerState)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(optimizerState);
        // Serialized first: a state that cannot be written (a non-finite number) fails before any file is touched.
        string stateJson = JsonSerializer.Serialize(state, JsonOptions);
        DeletePending();
        try
        {
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
            File.WriteAllText(Path.Combine(Pending, "state.json"), stateJson);
        }
        catch
        {
            DeletePending();
            throw;
        }

        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }

        System.IO.Directory.Move(Pending, Directory);
    }

    /// <summary>Repairs what a kill leaves behind: a complete pending folder whose swap did not finish is
    /// moved into place; an incomplete one (and, with a complete checkpoint, any pending one) is deleted,
    /// as are temporary files inside the checkpoint. Call it only while no other process saves here.</summary>
    public void CleanUp()
    {
        bool mainComplete = File.Exists(Path.Combine(Directory, "state.json"));
        bool pendingComplete = File.Exists(Path.Combine(Pending, "state.json"));
        if (!mainComplete && pendingComplete)
        {
            if (System.IO.Directory.Exists(Directory))
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }

            System.IO.Directory.Move(Pending, Directory);
        }
        else
        {
            DeletePending();
            if (!mainComplete && System.IO.Directory.Exists(Directory))
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
        }

        if (System.IO.Directory.Exists(Directory))
        {
            foreach (string tmp in System.IO.Directory.GetFiles(Directory, "*.tmp"))
            {
                File.Delete(tmp);
            }
        }
    }

    /// <summary>Deletes the checkpoint (complete or not).</summary>
    public void Delete()
    {
        DeletePending();
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    /// <summary>Reads state.json only (no weights): what a caller checks before loading.</summary>
    public CheckpointState ReadState()
    {
        string statePath = Path.Combine(CompleteFolder(), "state.json");
        if (!File.Exists(statePath))
        {
            throw new FileNotFoundException($"no checkpoint in {Directory}.", statePath);
        }

        CheckpointState? state;
        try
        {
            state = JsonSerializer.Deserialize<CheckpointState>(File.ReadAllText(statePath), JsonOptions);
        }
        catch (JsonException)
        {
            state = null;
        }

        if (state is null || state.Format != Format || state.Fingerprint?.Fields is null)
        {
            throw new InvalidDataException(
                $"{statePath} is not a checkpoint this build can continue (format {Format} expected); start the run over.");
        }

        return state;
    }

    private string CompleteFolder() => File.Exists(Path.Combine(Directory, "state.json")) ? Directory : Pending;

    private void DeletePending()
    {
        if (System.IO.Directory.Exists(Pending))
        {
            System.IO.Directory.Delete(Pending, recursive: true);
        }
    }

    /// <summary>Loads the checkpoint; optimizer buffers are read into <paramref name="optimizerState"/>.</summary>
    public (CheckpointState State, Mlp<float> Net) Load(IReadOnlyList<float[]> optimizerState)
    {
        ArgumentNullException.ThrowIfNull(optimizerState);
        string dir = CompleteFolder();
        CheckpointState state = ReadState();
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
