using BoundLab.Cli.Framework;
using BoundLab.Numerics.Runs;
using BoundLab.Numerics.Training;

namespace BoundLab.Cli.Commands;

/// <summary>What a run folder holds when a run starts.</summary>
internal enum RunFolderState
{
    /// <summary>Nothing of a run (new or empty folder, or cleared by --force).</summary>
    Fresh,

    /// <summary>A checkpoint of an unfinished run (and no run.json).</summary>
    Interrupted,
}

/// <summary>A train command's <c>--out</c> folder, checked before any work and locked for the run:
/// one run per folder (<c>.lock</c>, an OS file lock released when the process ends however it ends), a
/// finished run never overwritten without --force, and what a kill left behind (temporary files, a
/// half-written checkpoint) cleaned up.</summary>
internal sealed class RunFolder : IDisposable
{
    private const string LockName = RunLayout.LockFileName;

    private readonly FileStream _lock;
    private readonly bool _created;

    private RunFolder(string path, FileStream lockFile, RunFolderState state, Checkpoint checkpoint, bool created)
    {
        _created = created;
        Path = path;
        Layout = new RunLayout(path);
        _lock = lockFile;
        State = state;
        Checkpoint = checkpoint;
    }

    /// <summary>The folder (full path).</summary>
    public string Path { get; }

    /// <summary>The folder's files.</summary>
    public RunLayout Layout { get; }

    /// <summary>run.json in the folder.</summary>
    public string RunJson => Layout.RunFile;

    /// <summary>The folder's state after clean-up (and after --force cleared it).</summary>
    public RunFolderState State { get; }

    /// <summary>The run's checkpoint folder.</summary>
    public Checkpoint Checkpoint { get; }

    /// <summary>Checks <paramref name="outDir"/>, creates and locks it, cleans up after a kill and applies
    /// the finished-run and interrupted-run rules; every problem is a UsageException naming --out.</summary>
    public static RunFolder Open(string outDir, bool resume, bool force)
    {
        string full = FullPath(outDir);
        if (File.Exists(full) || (!Directory.Exists(full) && System.IO.Path.Exists(full)))
        {
            throw UsageException.BadValue("--out", outDir, "a folder for the run; this path is a file");
        }

        if (Directory.Exists(full) && !IsRunFolder(full) && Directory.EnumerateFileSystemEntries(full).Any())
        {
            throw UsageException.BadValue("--out", outDir,
                "a new or empty folder, or a run folder; this folder holds other files and no run");
        }

        bool created = !Directory.Exists(full);
        try
        {
            Directory.CreateDirectory(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw UsageException.BadValue("--out", outDir, $"a folder that can be created ({ErrorText.OneLine(e)})");
        }

        FileStream lockFile = Lock(outDir, full);
        try
        {
            return Inspect(outDir, full, lockFile, resume, force, created);
        }
        catch
        {
            lockFile.Dispose();
            throw;
        }
    }

    /// <summary>Writes a file through a temporary file in the folder and a rename.</summary>
    public void WriteFile(string name, Action<string> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        string target = System.IO.Path.Combine(Path, name);
        string tmp = $"{target}.{Environment.ProcessId}.tmp";
        write(tmp);
        File.Move(tmp, target, overwrite: true);
    }

    /// <summary>Releases the lock; a folder this run created and left without a run or checkpoint (it failed
    /// before its first epoch) is removed again.</summary>
    public void Dispose()
    {
        bool empty = _created && Directory.EnumerateFileSystemEntries(Path).All(e => System.IO.Path.GetFileName(e) == LockName);
        if (empty)
        {
            File.Delete(System.IO.Path.Combine(Path, LockName));
        }

        _lock.Dispose();
        if (empty)
        {
            Directory.Delete(Path);
        }
    }

    private static string FullPath(string outDir)
    {
        if (string.IsNullOrWhiteSpace(outDir))
        {
            throw UsageException.BadValue("--out", outDir, "a folder path");
        }

        try
        {
            return System.IO.Path.GetFullPath(outDir);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw UsageException.BadValue("--out", outDir, "a valid folder path");
        }
    }

    private static bool IsRunFolder(string full)
        => RunLayout.RunFileNames.Any(f => File.Exists(System.IO.Path.Combine(full, f)))
           || RunLayout.CheckpointFolderNames.Any(d => Directory.Exists(System.IO.Path.Combine(full, d)));

    private static FileStream Lock(string outDir, string full)
    {
        string path = new RunLayout(full).LockFile;
        try
        {
            // FileShare.None takes an exclusive advisory lock (flock) on Unix and a sharing lock on Windows;
            // the OS drops it when the process dies, so a kill never leaves the folder locked.
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (UnauthorizedAccessException)
        {
            throw UsageException.BadValue("--out", outDir, "a writable folder (cannot create files in it)");
        }
        catch (IOException)
        {
            throw new UsageException(
                $"--out: {outDir} is in use by another boundlab run (it holds {path}); wait for it to finish or choose another folder.");
        }
    }

    private static RunFolder Inspect(string outDir, string full, FileStream lockFile, bool resume, bool force, bool created)
    {
        var layout = new RunLayout(full);
        var checkpoint = new Checkpoint(layout.CheckpointFolder);
        string runJson = layout.RunFile;
        RemoveTemporaryFiles(full);
        checkpoint.CleanUp();
        bool finished = File.Exists(runJson);
        if (force)
        {
            foreach (string f in RunLayout.RunFileNames.Where(f => f != LockName))
            {
                File.Delete(System.IO.Path.Combine(full, f));
            }

            checkpoint.Delete();
            return new RunFolder(full, lockFile, RunFolderState.Fresh, checkpoint, created);
        }

        if (finished)
        {
            // A kill between writing run.json and deleting the checkpoint leaves a stale one.
            checkpoint.Delete();
            throw new UsageException(resume
                ? $"--resume: the run in {outDir} is finished (run.json exists); a finished run is not continued or " +
                  "replaced. To train longer start a new run in another --out; to retrain this one from scratch add --force instead of --resume."
                : $"--out: {outDir} holds a finished run (run.json); choose another folder, or add --force to overwrite it.");
        }

        if (checkpoint.Exists)
        {
            if (!resume)
            {
                int done = checkpoint.ReadState().CompletedEpochs;
                throw new UsageException(
                    $"--out: {outDir} holds an interrupted run ({done} epoch{(done == 1 ? "" : "s")} done); continue it with --resume, or start over with --force.");
            }

            return new RunFolder(full, lockFile, RunFolderState.Interrupted, checkpoint, created);
        }

        return new RunFolder(full, lockFile, RunFolderState.Fresh, checkpoint, created);
    }

    // Temporary files of writes a kill interrupted (weights, run.json, trajectory); nobody else writes
    // here while we hold the lock.
    private static void RemoveTemporaryFiles(string full)
    {
        foreach (string tmp in Directory.GetFiles(full, "*.tmp").Concat(Directory.GetFiles(full, ".*.tmp")).Distinct())
        {
            File.Delete(tmp);
        }
    }
}
