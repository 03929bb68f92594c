using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace BoundLab.Gpu;

/// <summary>The host CPU as <c>boundlab doctor</c> and the device line describe it.</summary>
public static class CpuInfo
{
    private static readonly Lazy<(string Model, string? Family)> Parsed = new(Read);

    /// <summary>The CPU model name from /proc/cpuinfo ("model name"), or the processor architecture where it has none.</summary>
    public static string ModelName => Parsed.Value.Model;

    /// <summary>The x86 CPU family from /proc/cpuinfo ("cpu family", e.g. 25 for Zen 4), or null.</summary>
    public static string? Family => Parsed.Value.Family;

    /// <summary>Logical processors .NET sees.</summary>
    public static int Cores => Environment.ProcessorCount;

    /// <summary>Whether AVX2 and FMA are usable.</summary>
    public static bool Avx2 => System.Runtime.Intrinsics.X86.Avx2.IsSupported && Fma.IsSupported;

    /// <summary>Whether AVX-512 (F) is usable.</summary>
    public static bool Avx512 => Avx512F.IsSupported;

    /// <summary>Whether 512-bit vectors are hardware accelerated (what the CPU kernels key on).</summary>
    public static bool Vector512Accelerated => Vector512.IsHardwareAccelerated;

    private static (string, string?) Read()
    {
        string fallback = System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString();
        try
        {
            string? model = null, family = null;
            foreach (string line in File.ReadLines("/proc/cpuinfo"))
            {
                int colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon < 0)
                {
                    continue;
                }

                string key = line[..colon].Trim(), value = line[(colon + 1)..].Trim();
                model ??= key == "model name" ? value : null;
                family ??= key == "cpu family" ? value : null;
                if (model is not null && family is not null)
                {
                    break;
                }
            }

            return (model ?? fallback, family);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (fallback, null);
        }
    }
}
