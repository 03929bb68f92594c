using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using BoundLab.Numerics.Training;

namespace BoundLab.Numerics.Stochastic;

/// <summary>The checkpoint of a posterior-training run: state.json (fingerprint, counters, scalars, optimizer scalars,
/// history) and arrays.bin (μ, ρ and the optimizer's per-element state, float32, in order). Written into a sibling
/// folder and swapped in, as <see cref="Checkpoint"/> does, so an interruption leaves the previous checkpoint intact.</summary>
internal sealed class PosteriorCheckpoint(string directory, IReadOnlyList<(string Field, string Value)> fingerprint)
{
    private const int Format = 1;
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = false };

    public string Directory { get; } = Path.GetFullPath(directory);

    private string Pending => Directory + ".new";

    private sealed record StateFile(int Format, string[][] Fingerprint, int CompletedEpochs, long GlobalStep, bool Dropped,
        double[] Scalars, double[] ScalarSlots, double[] LambdaSlots, PosteriorEpoch[] History, long[] ArrayLengths);

    /// <summary>SHA-256 (hex, first 16 bytes) of float arrays, for the fingerprint.</summary>
    public static string Hash(IEnumerable<float[]> arrays)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (float[] a in arrays)
        {
            sha.AppendData(BitConverter.GetBytes(a.Length));
            sha.AppendData(MemoryMarshal.AsBytes(a.AsSpan()));
        }

        return Convert.ToHexString(sha.GetHashAndReset().AsSpan(0, 16));
    }

    private static IEnumerable<float[]> Arrays(PosteriorRun.State s)
        => s.Step.Mu.Concat(s.Step.Rho).Concat(s.Optimizer.Slots);

    /// <summary>Saves <paramref name="state"/>; on failure the pending folder is removed and the previous checkpoint stays.</summary>
    public void Save(PosteriorRun.State state)
    {
        float[][] arrays = Arrays(state).ToArray();
        var file = new StateFile(Format, fingerprint.Select(f => new[] { f.Field, f.Value }).ToArray(), state.CompletedEpochs, state.GlobalStep,
            state.Dropped, (double[])state.Step.Scalars.Clone(), (double[])state.Optimizer.ScalarSlots.Clone(),
            state.LambdaOptimizer is null ? [] : (double[])state.LambdaOptimizer.ScalarSlots.Clone(), state.History.ToArray(),
            arrays.Select(a => (long)a.Length).ToArray());
        string json = JsonSerializer.Serialize(file, JsonOptions);
        DeletePending();
        try
        {
            System.IO.Directory.CreateDirectory(Pending);
            using (FileStream f = File.Create(Path.Combine(Pending, "arrays.bin")))
            {
                foreach (float[] a in arrays)
                {
                    f.Write(MemoryMarshal.AsBytes(a.AsSpan()));
                }
            }

            // state.json last: its presence marks the folder complete.
            File.WriteAllText(Path.Combine(Pending, "state.json"), json);
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

    /// <summary>Restores <paramref name="state"/> from the checkpoint when one exists (false when none); throws when it
    /// belongs to another run (naming every differing field) or holds more epochs than the run asks for.</summary>
    public bool TryLoad(PosteriorRun.State state, int epochs)
    {
        string? folder = File.Exists(Path.Combine(Directory, "state.json")) ? Directory
            : File.Exists(Path.Combine(Pending, "state.json")) ? Pending : null;
        if (folder is null)
        {
            return false;
        }

        StateFile? file;
        try
        {
            file = JsonSerializer.Deserialize<StateFile>(File.ReadAllText(Path.Combine(folder, "state.json")), JsonOptions);
        }
        catch (JsonException)
        {
            file = null;
        }

        if (file is null || file.Format != Format || file.Fingerprint is null)
        {
            throw new InvalidDataException($"{Path.Combine(folder, "state.json")} is not a posterior checkpoint this build can continue (format {Format}); delete the folder to start over.");
        }

        var saved = file.Fingerprint.Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        var differences = new List<FingerprintDifference>();
        foreach ((string field, string value) in fingerprint)
        {
            string old = saved.TryGetValue(field, out string? v) ? v : "(absent)";
            if (old != value)
            {
                differences.Add(new FingerprintDifference(field, old, value));
            }
        }

        if (differences.Count > 0)
        {
            throw new CheckpointMismatchException(Directory, differences);
        }

        if (file.CompletedEpochs > epochs)
        {
            throw new ArgumentException($"--epochs {epochs} is fewer than the {file.CompletedEpochs} epochs the checkpoint in {Directory} already holds; resume with --epochs {file.CompletedEpochs} or more.");
        }

        float[][] arrays = Arrays(state).ToArray();
        if (file.ArrayLengths.Length != arrays.Length || file.Scalars.Length != state.Step.Scalars.Length
            || file.ScalarSlots.Length != state.Optimizer.ScalarSlots.Length
            || file.LambdaSlots.Length != (state.LambdaOptimizer?.ScalarSlots.Length ?? 0)
            || arrays.Where((a, i) => a.Length != file.ArrayLengths[i]).Any())
        {
            throw new InvalidDataException($"the checkpoint in {Directory} does not match this run's parameter layout; delete the folder to start over.");
        }

        using (FileStream f = File.OpenRead(Path.Combine(folder, "arrays.bin")))
        {
            if (f.Length != arrays.Sum(a => 4L * a.Length))
            {
                throw new InvalidDataException($"{Path.Combine(folder, "arrays.bin")} has {f.Length} bytes; the run needs {arrays.Sum(a => 4L * a.Length)}. Delete the folder to start over.");
            }

            foreach (float[] a in arrays)
            {
                f.ReadExactly(MemoryMarshal.AsBytes(a.AsSpan()));
            }
        }

        file.Scalars.CopyTo(state.Step.Scalars, 0);
        file.ScalarSlots.CopyTo(state.Optimizer.ScalarSlots, 0);
        if (state.LambdaOptimizer is not null)
        {
            file.LambdaSlots.CopyTo(state.LambdaOptimizer.ScalarSlots, 0);
        }

        state.History.AddRange(file.History);
        state.CompletedEpochs = file.CompletedEpochs;
        state.GlobalStep = file.GlobalStep;
        state.Dropped = file.Dropped;
        return true;
    }

    private void DeletePending()
    {
        if (System.IO.Directory.Exists(Pending))
        {
            System.IO.Directory.Delete(Pending, recursive: true);
        }
    }
}
