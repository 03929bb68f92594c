namespace BoundLab.Numerics.Training;

/// <summary>A resume found a checkpoint of another run: <see cref="Differences"/> lists every field
/// (see <see cref="RunFingerprint"/>) whose value differs.</summary>
public sealed class CheckpointMismatchException(string directory, IReadOnlyList<FingerprintDifference> differences)
    : ArgumentException(
        $"the checkpoint in {directory} belongs to another run: " +
        string.Join("; ", differences.Select(d => $"{d.Name} is {d.Saved} there and {d.Current} here")) + ".")
{
    /// <summary>The checkpoint folder.</summary>
    public string Directory { get; } = directory;

    /// <summary>The differing fields, in fingerprint order.</summary>
    public IReadOnlyList<FingerprintDifference> Differences { get; } = differences;
}
