namespace BoundLab.Studies.Report;

/// <summary>Writes a file so that a reader sees either the old content or the new, never a part.</summary>
internal static class AtomicFile
{
    /// <summary>Writes <paramref name="bytes"/> to a temporary file beside <paramref name="path"/>, then renames it over <paramref name="path"/>.</summary>
    public static void Write(string path, ReadOnlySpan<byte> bytes)
    {
        string tmp = $"{path}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
        try
        {
            using (var stream = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            File.Move(tmp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp))
            {
                File.Delete(tmp);
            }
        }
    }
}
