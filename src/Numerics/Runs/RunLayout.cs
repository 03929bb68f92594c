namespace BoundLab.Numerics.Runs;

/// <summary>The files of a run folder, so that no command spells a file name itself.</summary>
/// <param name="Folder">The run folder.</param>
public sealed record RunLayout(string Folder)
{
    /// <summary>The run document; its presence marks a finished run.</summary>
    public const string RunFileName = "run.json";

    /// <summary>The final weights.</summary>
    public const string WeightsFileName = "weights.bin";

    /// <summary>The initial weights (the reference of the distance-from-init measures).</summary>
    public const string InitialWeightsFileName = "weights-init.bin";

    /// <summary>The per-step trajectory (written when steps are recorded).</summary>
    public const string TrajectoryFileName = "trajectory.csv";

    /// <summary>The measurements <c>boundlab measure</c> writes.</summary>
    public const string MeasuresFileName = "measures.json";

    /// <summary>The folder of <c>boundlab pacbayes</c>'s checkpoints and stage records (one subfolder per method).</summary>
    public const string PacBayesFolderName = "pacbayes";

    /// <summary>The lock file held while a run trains in the folder.</summary>
    public const string LockFileName = ".lock";

    /// <summary>The checkpoint folder of an unfinished run.</summary>
    public const string CheckpointFolderName = "checkpoint";

    /// <summary>The checkpoint folder being written (renamed over <see cref="CheckpointFolderName"/> when complete).</summary>
    public const string PendingCheckpointFolderName = CheckpointFolderName + ".new";

    /// <summary>The files a run writes; with one of them (or a checkpoint folder) a folder is a run folder.</summary>
    public static IReadOnlyList<string> RunFileNames { get; } =
        [RunFileName, WeightsFileName, InitialWeightsFileName, TrajectoryFileName, LockFileName];

    /// <summary>The folders a checkpoint occupies.</summary>
    public static IReadOnlyList<string> CheckpointFolderNames { get; } = [CheckpointFolderName, PendingCheckpointFolderName];

    /// <summary>The path of run.json.</summary>
    public string RunFile => Path.Combine(Folder, RunFileName);

    /// <summary>The path of the final weights.</summary>
    public string WeightsFile => Path.Combine(Folder, WeightsFileName);

    /// <summary>The path of the initial weights.</summary>
    public string InitialWeightsFile => Path.Combine(Folder, InitialWeightsFileName);

    /// <summary>The path of trajectory.csv.</summary>
    public string TrajectoryFile => Path.Combine(Folder, TrajectoryFileName);

    /// <summary>The path of measures.json.</summary>
    public string MeasuresFile => Path.Combine(Folder, MeasuresFileName);

    /// <summary>The name of the PAC-Bayes certificate of <paramref name="method"/> (dr17, pbb-quad, …): pacbayes-&lt;method&gt;.json.</summary>
    public static string PacBayesFileName(string method)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        return $"pacbayes-{method}.json";
    }

    /// <summary>The path of the PAC-Bayes certificate of <paramref name="method"/>.</summary>
    public string PacBayesFile(string method) => Path.Combine(Folder, PacBayesFileName(method));

    /// <summary>The path of the lock file.</summary>
    public string LockFile => Path.Combine(Folder, LockFileName);

    /// <summary>The path of the checkpoint folder.</summary>
    public string CheckpointFolder => Path.Combine(Folder, CheckpointFolderName);

    /// <summary>The path of a file of the folder named in run.json (e.g. its <c>weights</c> key); the name must be a
    /// plain file name, so a run.json cannot point outside its folder.</summary>
    public string File(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (Path.GetFileName(name) != name || name is "." or "..")
        {
            throw new ArgumentException($"'{name}' is not a file name of the run folder {Folder}; allowed: a plain file name such as {WeightsFileName}.", nameof(name));
        }

        return Path.Combine(Folder, name);
    }
}
