using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using BoundLab.Numerics.Data;
using BoundLab.Numerics.Training;

namespace BoundLab.Studies.Runner;

/// <summary>Content-derived run ids: a run is never trained twice, and two processes (shards) agree on every id.</summary>
public static class RunId
{
    /// <summary>Raise when the study runner changes what a run trains or records for the same config (the stopping rule,
    /// the per-epoch records), so older stores' runs are not mistaken for this build's.</summary>
    public const int RunnerVersion = 1;

    /// <summary>The code version in every id: the Numerics build (which determines the weights) and <see cref="RunnerVersion"/>.</summary>
    public static string CodeVersion { get; } = $"{RunFingerprint.NumericsBuild} runner {RunnerVersion}";

    /// <summary>16 hex digits of SHA-256 over the canonical config, the train and test data checksums and the code version.</summary>
    public static string Of(string configJson, string trainChecksum, string testChecksum, string codeVersion)
    {
        ArgumentNullException.ThrowIfNull(configJson);
        ArgumentNullException.ThrowIfNull(trainChecksum);
        ArgumentNullException.ThrowIfNull(testChecksum);
        ArgumentNullException.ThrowIfNull(codeVersion);
        string text = $"boundlab study run\nconfig {configJson}\ntrain {trainChecksum}\ntest {testChecksum}\ncode {codeVersion}\n";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
    }

    /// <summary>SHA-256 of a dataset's inputs (float32 bits), labels or targets, with its size: "n=2000 sha256=…".</summary>
    public static string Checksum(Dataset d)
    {
        ArgumentNullException.ThrowIfNull(d);
        return $"n={d.Count} d={d.InputDim} sha256={d.ContentSha256()}";
    }
}
