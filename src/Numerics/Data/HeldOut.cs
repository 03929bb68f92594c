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
    public static HeldOutSet Load(DataOptions options) => throw new NotImplementedException("contract: issue 11 helper C");
}
