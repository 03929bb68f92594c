using System.Runtime.InteropServices;
using System.Text.Json;
using BoundLab.Numerics.Backends;
using BoundLab.Numerics.Models;
using BoundLab.Numerics.Optimizers;

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

/// <summary>A checkpoint folder: state.json, weights.bin (see <see cref="ModelFile"/>), algorithm.json (the algorithm's
/// named scalars and the names and lengths of its tensors) and algorithm.bin (those tensors, float64 little-endian).
/// Written into a sibling folder and swapped in, so an interruption leaves the previous checkpoint intact.</summary>
public sealed class Checkpoint(string directory)
{
    /// <summary>The state.json layout this build writes and reads (1: a one-string fingerprint; 2: field by field; 3: typed algorithm state).</summary>
    public const int Format = 3;

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = false };

    /// <summary>The checkpoint folder.</summary>
    public string Directory { get; } = Path.GetFullPath(directory);

    /// <summary>Whether a complete checkpoint exists.</summary>
    public bool Exists => File.Exists(Path.Combine(Directory, "state.json")) || File.Exists(Path.Combine(Pending, "state.json"));

    private string Pending => Directory + ".new";

    /// <summary>Saves state, weights and optimizer buffers. On any failure the pending folder is removed
    /// and the previous checkpoint stays as it was.</summary>
    public void Save(CheckpointState state, Model<float> net, AlgorithmState algorithmState)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(algorithmState);
        // Serialized first: a state that cannot be written (a non-finite number) fails before any file is touched.
        string stateJson = JsonSerializer.Serialize(state, JsonOptions);
        string algorithmJson = JsonSerializer.Serialize(new AlgorithmStateFile(algorithmState.Algorithm,
            algorithmState.Tensors.Select(t => new TensorEntry(t.Name, t.Values.Length)).ToArray(),
            new Dictionary<string, double>(algorithmState.Scalars)), JsonOptions);
        DeletePending();
        try
        {
            System.IO.Directory.CreateDirectory(Pending);
            ModelFile.Save(net, Path.Combine(Pending, "weights.bin"));
            File.WriteAllText(Path.Combine(Pending, "algorithm.json"), algorithmJson);
            using (var f = File.Create(Path.Combine(Pending, "algorithm.bin")))
            {
                foreach (NamedTensor t in algorithmState.Tensors)
                {
                    f.Write(MemoryMarshal.AsBytes(t.Values.AsSpan()));
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

    /// <summary>Loads the checkpoint: its state, the model (on <paramref name="backend"/>) and the algorithm's state.</summary>
    public (CheckpointState State, Model<float> Net, AlgorithmState Algorithm) Load(Backend<float> backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        string dir = CompleteFolder();
        CheckpointState state = ReadState();
        Model<float> net = ModelFile.Load(Path.Combine(dir, "weights.bin"), backend);
        string jsonPath = Path.Combine(dir, "algorithm.json");
        AlgorithmStateFile? file;
        try
        {
            file = JsonSerializer.Deserialize<AlgorithmStateFile>(File.ReadAllText(jsonPath), JsonOptions);
        }
        catch (JsonException)
        {
            file = null;
        }

        if (file?.Algorithm is null || file.Tensors is null || file.Scalars is null)
        {
            throw new InvalidDataException($"{jsonPath} is not an algorithm state this build reads; start the run over.");
        }

        byte[] bin = File.ReadAllBytes(Path.Combine(dir, "algorithm.bin"));
        long expected = file.Tensors.Sum(t => (long)t.Length * sizeof(double));
        if (bin.Length != expected)
        {
            throw new InvalidDataException($"{dir}/algorithm.bin has {bin.Length} bytes; algorithm.json lists {expected}.");
        }

        int offset = 0;
        var tensors = new List<NamedTensor>();
        foreach (TensorEntry t in file.Tensors)
        {
            var values = new double[t.Length];
            MemoryMarshal.Cast<byte, double>(bin.AsSpan(offset, t.Length * sizeof(double))).CopyTo(values);
            offset += t.Length * sizeof(double);
            tensors.Add(new NamedTensor(t.Name, values));
        }

        return (state, net, new AlgorithmState(file.Algorithm, tensors, file.Scalars));
    }

    private sealed record TensorEntry(string Name, int Length);

    private sealed record AlgorithmStateFile(string Algorithm, TensorEntry[] Tensors, Dictionary<string, double> Scalars);
}
