using System.Globalization;
using BoundLab.Cli.Framework;

namespace BoundLab.Cli.Commands;

/// <summary>Which device trained which epochs of a run (RUN_DIR/devices.txt, one "first_epoch<TAB>device" line per
/// segment). A run may be resumed on another device, but GPU results match the CPU's only within float tolerance, so
/// run.json says so. The file exists only once a device other than cpu took part: a CPU-only run folder, and its
/// run.json, stay byte-for-byte what they were before GPUs.</summary>
/// <param name="Segments">(first epoch, device summary) in epoch order; an empty list is "cpu only".</param>
internal sealed record DeviceHistory(IReadOnlyList<(int FirstEpoch, string Device)> Segments)
{
    /// <summary>The file's name in the run folder.</summary>
    public const string FileName = "devices.txt";

    /// <summary>The device history of a run folder after <paramref name="completedEpochs"/> finished epochs: what the
    /// file says, or epochs 1 … on cpu when it is absent (every device but cpu writes it).</summary>
    public static DeviceHistory Read(string folder, int completedEpochs)
    {
        string path = Path.Combine(folder, FileName);
        if (completedEpochs == 0)
        {
            return new DeviceHistory([]);
        }

        if (!File.Exists(path))
        {
            return new DeviceHistory([(1, "cpu")]);
        }

        var segments = new List<(int, string)>();
        foreach (string line in File.ReadLines(path))
        {
            string[] parts = line.Split('\t', 2);
            if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int first) || first < 1)
            {
                throw new InvalidDataException($"{path}: line '{line}' is not 'first_epoch<TAB>device'; delete the file or start over with --force.");
            }

            segments.Add((first, parts[1]));
        }

        return new DeviceHistory(segments);
    }

    /// <summary>This history with epochs from <paramref name="firstEpoch"/> on trained on <paramref name="device"/>
    /// (segments that started at or after it, from an attempt that finished no epoch, are dropped).</summary>
    public DeviceHistory Continue(int firstEpoch, string device)
    {
        var kept = Segments.Where(s => s.FirstEpoch < firstEpoch).ToList();
        if (kept.Count == 0 || Kind(kept[^1].Device) != Kind(device))
        {
            kept.Add((firstEpoch, device));
        }

        return new DeviceHistory(kept);
    }

    /// <summary>Whether only the CPU backend took part (nothing to record).</summary>
    public bool CpuOnly => Segments.All(s => Kind(s.Device) == "cpu");

    /// <summary>Whether more than one device took part.</summary>
    public bool Mixed => Segments.Select(s => Kind(s.Device)).Distinct().Count() > 1;

    /// <summary>run.json's <c>device</c>: null for a CPU-only run; the device; or, for a run resumed on another device,
    /// each segment with its epochs.</summary>
    public string? Describe(int lastEpoch)
    {
        if (CpuOnly)
        {
            return null;
        }

        if (Segments.Count == 1)
        {
            return Segments[0].Device;
        }

        return string.Join("; ", Segments.Select((s, i) =>
        {
            int last = i + 1 < Segments.Count ? Segments[i + 1].FirstEpoch - 1 : lastEpoch;
            string epochs = last == s.FirstEpoch ? $"epoch {s.FirstEpoch}" : $"epochs {s.FirstEpoch}–{last}";
            return $"{epochs}: {s.Device}";
        })) + " (resumed on another device: not bit-identical to a run on one device)";
    }

    /// <summary>Writes the file when a device other than cpu took part; otherwise removes a stale one.</summary>
    public void Save(RunFolder folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        string path = Path.Combine(folder.Layout.Folder, FileName);
        if (CpuOnly)
        {
            File.Delete(path);
            return;
        }

        folder.WriteFile(FileName, tmp => File.WriteAllLines(tmp, Segments.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.FirstEpoch}\t{s.Device}"))));
    }

    private static string Kind(string device) => device.Split(' ', 2)[0];
}
