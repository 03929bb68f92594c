using BoundLab.Numerics.Random;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Numerics.Data;

/// <summary>How an MNIST variant changes the images (Zhang et al. 2017, §2 "randomization tests").</summary>
public enum PixelVariant
{
    /// <summary>The images as they are.</summary>
    None,

    /// <summary>One fixed random permutation of the 784 pixels, applied to every training and test image.</summary>
    ShuffledPixels,

    /// <summary>An independent random permutation for each image.</summary>
    RandomPixels,

    /// <summary>Each pixel j replaced by an independent N(μⱼ, σⱼ²) draw, μⱼ and σⱼ² the mean and
    /// (population) variance of pixel j over the whole loaded training set; not clipped to [0, 1].</summary>
    Gaussian,
}

/// <summary>Per-pixel mean and population standard deviation of scaled pixels.</summary>
public sealed record PixelMoments(double[] Mean, double[] Std);

/// <summary>Turns raw MNIST into datasets: pixel scaling x/255 ∈ [0, 1] (no mean subtraction), subsets,
/// the binary task and the pixel variants.</summary>
/// <remarks>Random choices are keyed by purpose, split and original example index, so an image gets
/// the same permutation or Gaussian draw whatever subset it lands in.</remarks>
public static class MnistDatasets
{
    /// <summary>Pixels per image.</summary>
    public const int Pixels = Idx.ImageSide * Idx.ImageSide;

    /// <summary>Builds the training and test sets of one variant from raw MNIST.</summary>
    /// <param name="name">Dataset name recorded in the result.</param>
    /// <param name="raw">The loaded files.</param>
    /// <param name="variant">Pixel transformation.</param>
    /// <param name="binary">Digits 0–4 → 0 and 5–9 → 1 (Dziugaite &amp; Roy 2017); otherwise 10 classes.</param>
    /// <param name="options">Sizes, label noise and seed.</param>
    public static DataSplit Build(string name, MnistRaw raw, PixelVariant variant, bool binary, DataOptions options)
    {
        ArgumentNullException.ThrowIfNull(raw);
        ArgumentNullException.ThrowIfNull(options);
        LabelNoise.CheckFraction(options.LabelNoise);
        var root = RngKey.FromSeed(options.Seed);
        int[] trainIndex = TrainIndices(raw.Train.Count, options);
        int[] testIndex = Subset(raw.Test.Count, options.TestSize, root.Split("test-subset"), nameof(options.TestSize), "test");
        var moments = variant == PixelVariant.Gaussian ? Moments(raw.Train.Images) : null;
        var train = Examples(name, raw.Train, trainIndex, "train", variant, binary, root, moments);
        var test = Examples(name, raw.Test, testIndex, "test", variant, binary, root, moments);
        if (options.LabelNoise > 0)
        {
            var noisy = LabelNoise.Corrupt(train.Labels!, train.Classes, options.LabelNoise, root.Split("label-noise"));
            train = new Dataset(name, train.Inputs, noisy.Labels, null, train.Classes) { NoisyLabelIndices = noisy.Replaced };
        }

        return new DataSplit(train, test);
    }

    /// <summary>The indices (in the training file) of the seeded training subset <see cref="Build"/> takes for
    /// <paramref name="options"/>: a prefix of one seeded permutation of 0 … <paramref name="available"/> − 1, or all in
    /// file order when TrainSize is null.</summary>
    public static int[] TrainIndices(int available, DataOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Subset(available, options.TrainSize, RngKey.FromSeed(options.Seed).Split("train-subset"), nameof(options.TrainSize), "training");
    }

    /// <summary>The training-file examples at <paramref name="index"/>, with the pixels and labels <see cref="Build"/> gives
    /// them in a training set of the same seed (an image's pixel variant is keyed by its file index, so it does not depend
    /// on the subset it lands in); no label noise.</summary>
    public static Dataset TrainingExamples(string name, MnistRaw raw, PixelVariant variant, bool binary, ulong seed, int[] index)
    {
        ArgumentNullException.ThrowIfNull(raw);
        ArgumentNullException.ThrowIfNull(index);
        foreach (int i in index)
            if (i < 0 || i >= raw.Train.Count)
                throw new ArgumentOutOfRangeException(nameof(index), i, $"allowed: 0 … {raw.Train.Count - 1} (indices of the training file)");
        var moments = variant == PixelVariant.Gaussian ? Moments(raw.Train.Images) : null;
        return Examples(name, raw.Train, index, "train", variant, binary, RngKey.FromSeed(seed), moments);
    }

    // The examples of one file (split "train" or "test") at the given indices, pixel variant applied (keyed by split and file index).
    private static Dataset Examples(string name, MnistPart part, int[] index, string split, PixelVariant variant, bool binary, RngKey root, PixelMoments? moments)
    {
        var x = Scale(part.Images, index);
        switch (variant)
        {
            case PixelVariant.ShuffledPixels:
                int[] permutation = FixedPermutation(root);
                Permute(x, _ => permutation);
                break;
            case PixelVariant.RandomPixels:
                var pixelKey = root.Split("random-pixels").Split(split);
                Permute(x, r => pixelKey.Split((ulong)index[r]).Stream().Permutation(Pixels));
                break;
            case PixelVariant.Gaussian:
                var gaussKey = root.Split("gaussian-inputs").Split(split);
                FillGaussian(x, moments!, r => gaussKey.Split((ulong)index[r]));
                break;
        }

        int classes = binary ? 2 : Idx.LabelCount;
        return new Dataset(name, x, Labels(part.Labels, index, binary), null, classes);
    }

    /// <summary>The permutation used by <see cref="PixelVariant.ShuffledPixels"/> for a root key:
    /// shuffled pixel j is original pixel <c>permutation[j]</c>.</summary>
    public static int[] FixedPermutation(RngKey root) => root.Split("pixel-permutation").Stream().Permutation(Pixels);

    /// <summary>Per-pixel mean and population standard deviation of scaled pixels (x/255) over all images.</summary>
    public static PixelMoments Moments(IdxImages images)
    {
        ArgumentNullException.ThrowIfNull(images);
        int d = images.Rows * images.Cols;
        double[] sum = new double[d];
        double[] sumSq = new double[d];
        for (int i = 0; i < images.Count; i++)
        {
            var row = images.Pixels.AsSpan(i * d, d);
            for (int j = 0; j < d; j++)
            {
                double x = row[j] / 255.0;
                sum[j] += x;
                sumSq[j] += x * x;
            }
        }

        double[] mean = new double[d];
        double[] std = new double[d];
        for (int j = 0; j < d; j++)
        {
            mean[j] = sum[j] / images.Count;
            // Clamped at 0: rounding can make E[x²] − E[x]² slightly negative for constant pixels.
            std[j] = Math.Sqrt(Math.Max(0, sumSq[j] / images.Count - mean[j] * mean[j]));
        }

        return new PixelMoments(mean, std);
    }

    /// <summary>Indices of a seeded random subset of size <paramref name="size"/> (all, in file order,
    /// when null). The subset is a prefix of one permutation, so for one seed smaller subsets are
    /// contained in larger ones.</summary>
    public static int[] Subset(int available, int? size, RngKey key, string argument, string what)
    {
        if (size is null)
        {
            return Enumerable.Range(0, available).ToArray();
        }

        if (size < 1 || size > available)
        {
            throw new ArgumentOutOfRangeException(argument, size,
                $"allowed: 1 … {available} (the {what} set has {available} examples)");
        }

        return key.Stream().Permutation(available)[..size.Value];
    }

    private static Matrix<float> Scale(IdxImages images, int[] index)
    {
        var x = new Matrix<float>(index.Length, Pixels);
        for (int r = 0; r < index.Length; r++)
        {
            var source = images.Pixels.AsSpan(index[r] * Pixels, Pixels);
            var row = x.Row(r);
            for (int j = 0; j < Pixels; j++)
            {
                row[j] = source[j] / 255f;
            }
        }

        return x;
    }

    private static void Permute(Matrix<float> x, Func<int, int[]> permutationOfRow)
    {
        float[] copy = new float[Pixels];
        for (int r = 0; r < x.Rows; r++)
        {
            var row = x.Row(r);
            row.CopyTo(copy);
            int[] p = permutationOfRow(r);
            for (int j = 0; j < Pixels; j++)
            {
                row[j] = copy[p[j]];
            }
        }
    }

    private static void FillGaussian(Matrix<float> x, PixelMoments moments, Func<int, RngKey> keyOfRow)
    {
        var (mean, std) = (moments.Mean, moments.Std);
        for (int r = 0; r < x.Rows; r++)
        {
            var stream = keyOfRow(r).Stream();
            var row = x.Row(r);
            for (int j = 0; j < Pixels; j++)
            {
                row[j] = (float)(mean[j] + std[j] * stream.NextGaussian());
            }
        }
    }

    private static int[] Labels(byte[] labels, int[] index, bool binary)
    {
        int[] y = new int[index.Length];
        for (int r = 0; r < index.Length; r++)
        {
            int digit = labels[index[r]];
            y[r] = binary ? (digit >= 5 ? 1 : 0) : digit;
        }

        return y;
    }
}
