using System.Text.Json;
using BoundLab.Studies.Specs;
using BoundLab.Studies.Store;

namespace BoundLab.Studies.Runner;

/// <summary>A folder or store a study cannot use (non-empty without --resume, in use, another study's): one line naming the
/// option, the folder and what to do. The CLI reports it as bad input (exit 2).</summary>
public sealed class StudyFolderException(string message) : ArgumentException(message);

/// <summary>A study's output folder, locked for one process (<c>.lock</c>, released by the OS however the process ends):
/// DIR/study.sqlite and DIR/runs/&lt;id&gt;/ (run folders that <c>measure</c> and <c>bounds eval --run</c> read).</summary>
public sealed class StudyFolder : IDisposable
{
    private readonly FileStream _lock;

    private StudyFolder(string path, FileStream lockFile, ResultsStore store)
    {
        Path = path;
        _lock = lockFile;
        Store = store;
    }

    /// <summary>The folder (full path).</summary>
    public string Path { get; }

    /// <summary>The folder's results store.</summary>
    public ResultsStore Store { get; }

    /// <summary>The run folder of a run id.</summary>
    public string RunDir(string id) => System.IO.Path.Combine(Path, "runs", id);

    /// <summary>Opens <paramref name="dir"/> for <paramref name="spec"/>: refuses a non-empty folder without
    /// <paramref name="resume"/>, a folder without a store with it, a folder another process uses, and a store of another
    /// study; records the study in a new store.</summary>
    public static StudyFolder Open(string dir, bool resume, StudySpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        string full = Check(dir, resume);
        Directory.CreateDirectory(System.IO.Path.Combine(full, "runs"));
        string lockPath = System.IO.Path.Combine(full, ".lock");
        FileStream lockFile;
        try
        {
            lockFile = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            throw new StudyFolderException($"--out: {dir} is in use by another boundlab study (it holds {lockPath}); wait for it to finish or choose another folder.");
        }

        ResultsStore? store = null;
        try
        {
            store = ResultsStore.Open(full);
            if (store.Study is { } held)
            {
                if (held.Name != spec.Name || Normalize(held.SpecJson) != Normalize(spec.SpecJson))
                {
                    throw new StudyFolderException(
                        $"--resume: {dir} holds study '{held.Name}' from another study file than this one ('{spec.Name}'); resume it with the file it was started with, or choose a new --out.");
                }
            }
            else
            {
                store.SetStudy(spec.Name, spec.SpecJson, spec.Axes);
            }

            return new StudyFolder(full, lockFile, store);
        }
        catch
        {
            store?.Dispose();
            lockFile.Dispose();
            throw;
        }
    }

    /// <summary>The folder rules of <see cref="Open"/> that need no lock (a file, a non-empty folder without --resume, a
    /// folder without a store with it), checked before any data is loaded; returns the full path.</summary>
    public static string Check(string dir, bool resume)
    {
        ArgumentException.ThrowIfNullOrEmpty(dir);
        string full = System.IO.Path.GetFullPath(dir);
        if (File.Exists(full))
        {
            throw new StudyFolderException($"--out: got '{dir}'; allowed: a folder for the study; this path is a file.");
        }

        bool nonEmpty = Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any();
        if (nonEmpty && !resume)
        {
            throw new StudyFolderException(ResultsStore.Exists(full)
                ? $"--out: {dir} already holds a study; continue it with --resume, or choose a new folder."
                : $"--out: {dir} is not empty; choose a new or empty folder for the study.");
        }

        if (nonEmpty && !ResultsStore.Exists(full))
        {
            throw new StudyFolderException($"--resume: {dir} holds no study store ({ResultsStore.FileName}); choose the folder of an earlier boundlab study, or a new one without --resume.");
        }

        return full;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Store.Dispose();
        _lock.Dispose();
    }

    // The same study file reformatted (whitespace, comments) is the same study.
    private static string Normalize(string json)
    {
        using JsonDocument d = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        return JsonSerializer.Serialize(d.RootElement);
    }
}
