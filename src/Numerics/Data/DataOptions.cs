namespace BoundLab.Numerics.Data;

/// <summary>Which dataset to load and how to derive it; every random choice comes from <see cref="Seed"/>.</summary>
/// <param name="Name">One of <see cref="Datasets.Names"/> (case-insensitive).</param>
/// <param name="DataDir">Where MNIST lives: else env <c>BOUNDLAB_DATA</c>, else the per-user cache
/// (<c>$XDG_CACHE_HOME/boundlab</c> or <c>~/.cache/boundlab</c>). Files are looked for in
/// <c>&lt;dir&gt;/mnist/</c>, then in <c>&lt;dir&gt;</c> itself.</param>
/// <param name="TrainSize">MNIST: a seeded random subset of this size; synthetic: points generated
/// (default 10,000).</param>
/// <param name="TestSize">As <paramref name="TrainSize"/> for the test set (synthetic default 2,000).</param>
/// <param name="LabelNoise">Fraction p of training labels replaced by uniformly random labels
/// (classification only; 0 ≤ p ≤ 1).</param>
/// <param name="Seed">Root seed; the same seed gives bit-identical data.</param>
/// <param name="InputDim">Synthetic datasets: input dimension d (default 50).</param>
/// <param name="TeacherWidth">teacher: hidden units of the ReLU teacher (default 100).</param>
/// <param name="OutputNoise">teacher: standard deviation of Gaussian noise added to the training
/// targets (test targets stay noiseless; default 0).</param>
/// <param name="Classes">gaussian-mixture: number of classes k (default 2; k ≤ d).</param>
/// <param name="Separation">gaussian-mixture: distance between every pair of class means, in units
/// of the per-coordinate noise standard deviation 1 (default 4).</param>
public sealed record DataOptions(
    string Name,
    string? DataDir = null,
    int? TrainSize = null,
    int? TestSize = null,
    double LabelNoise = 0,
    ulong Seed = 0,
    int? InputDim = null,
    int? TeacherWidth = null,
    double OutputNoise = 0,
    int? Classes = null,
    double? Separation = null);
