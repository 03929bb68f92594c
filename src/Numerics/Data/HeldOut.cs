using System.Buffers.Binary;
using System.Diagnostics;

namespace BoundLab.Numerics.Data;

/// <summary>The training examples of the source file that a run's seeded training subset left out: the data a learnt
/// prior never saw, on which a PAC-Bayes certificate with that prior is computed.</summary>
/// <param name="Data">The held-out examples (same pixel variant and label map as the run's training set).</param>
/// <param name="SourceIndices">Their indices in the source file's training set, in the order of <paramref name="Data"/>.</param>
/// <param name="IndexSha256">SHA-256 (hex) of the index list (int32 little-endian), for the certificate record.</param>
public sealed record HeldOutSet(Dataset Data, int[] SourceIndices, string IndexSha256);

/// <summary>Held-out parts of a data set.</summary>
public static class HeldOut
{
    /// <summary>The complement of the training subset <paramref name="options"/> selects (MNIST with a TrainSize below
    /// the file's size and no label noise; otherwise an error naming the option, the value and what is allowed).</summary>
    public static HeldOutSet Load(DataOptions options) => Load(options, null);

    /// <summary>As <see cref="Load(DataOptions)"/>, reporting where the files were read from.</summary>
    /// <remarks>The training subset is a prefix of one seeded permutation of the file (<see cref="MnistDatasets.TrainIndices"/>),
    /// so the held-out part is the rest of that permutation; it is returned in file order (ascending indices), so the
    /// index hash identifies the set. Pixels and labels are those <see cref="MnistDatasets.Build"/> gives the same
    /// examples in a training set of the same seed.</remarks>
    public static HeldOutSet Load(DataOptions options, IProgress<string>? progress)
    {
        ArgumentNullException.ThrowIfNull(options);
        var (name, mnist, variant, binary) = Datasets.Resolve(options);
        if (!mnist)
        {
            throw new ArgumentException(
                $"Name = '{options.Name}' has no held-out split: it is generated, not a subset of a file; allowed: " +
                $"{string.Join(", ", Datasets.MnistNames)}.", nameof(options.Name));
        }

        // LabelNoise.Corrupt picks positions within the training subset: it defines no labels for the examples left out,
        // and a certificate on clean held-out labels would not be about the noisy-label problem the run trained on.
        if (options.LabelNoise != 0)
        {
            throw new ArgumentException(
                $"LabelNoise = {options.LabelNoise}: a held-out split is defined for clean labels only (allowed: 0); the noise " +
                "corrupts positions of the training subset and defines no labels for the examples it left out.", nameof(options.LabelNoise));
        }

        if (options.TrainSize is null)
        {
            throw new ArgumentException(
                "TrainSize = null (the whole training file) leaves nothing held out; allowed: 1 … (file size − 1).", nameof(options.TrainSize));
        }

        string directory = MnistFiles.Ensure(options.DataDir, progress);
        var clock = Stopwatch.StartNew();
        var raw = MnistFiles.Read(directory);
        int available = raw.Train.Count;
        if (options.TrainSize == available)
        {
            throw new ArgumentException(
                $"TrainSize = {options.TrainSize} is the whole training file ({available} examples): nothing is held out; " +
                $"allowed: 1 … {available - 1}.", nameof(options.TrainSize));
        }

        // TrainIndices refuses a TrainSize outside 1 … available as the training set does.
        int[] held = Complement(available, MnistDatasets.TrainIndices(available, options));
        var data = MnistDatasets.TrainingExamples(name, raw, variant, binary, options.Seed, held);
        progress?.Report($"Held out {held.Length} of {available} training examples of {name} from {directory} in {clock.Elapsed.TotalSeconds:F2} s.");
        return new HeldOutSet(data, held, IndexSha256(held));
    }

    /// <summary>SHA-256 (lower-case hex) of the indices written as int32 little-endian, in order.</summary>
    public static string IndexSha256(IReadOnlyList<int> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        byte[] bytes = new byte[checked(4 * indices.Count)];
        for (int i = 0; i < indices.Count; i++)
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4 * i), indices[i]);
        return Idx.Sha256Hex(bytes);
    }

    // The indices 0 … available − 1 not in taken, ascending.
    private static int[] Complement(int available, int[] taken)
    {
        bool[] inTrain = new bool[available];
        foreach (int i in taken)
            inTrain[i] = true;
        return Enumerable.Range(0, available).Where(i => !inTrain[i]).ToArray();
    }
}
