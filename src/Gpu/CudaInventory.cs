using System.Runtime.InteropServices;
using ILGPU.Runtime.Cuda;

namespace BoundLab.Gpu;

/// <summary>One CUDA device as ILGPU reports it (without opening an accelerator on it).</summary>
/// <param name="Index">The device's index (<c>GpuDevice.Cuda(index)</c>).</param>
/// <param name="Name">The device's name, e.g. "NVIDIA H200".</param>
/// <param name="MemoryBytes">Global memory in bytes.</param>
/// <param name="ComputeCapability">"9.0", or "unknown" when ILGPU does not know the architecture.</param>
/// <param name="Multiprocessors">Streaming multiprocessors.</param>
public sealed record CudaDeviceInfo(int Index, string Name, long MemoryBytes, string ComputeCapability, int Multiprocessors)
{
    /// <summary>"NVIDIA H200 (sm_90, 139 GiB)".</summary>
    public string Description => $"{Name} (sm_{ComputeCapability.Replace(".", "", StringComparison.Ordinal)}, {MemoryBytes / (1L << 30)} GiB)";
}

/// <summary>The CUDA devices of this machine, and why there are none when there are none.</summary>
public static class CudaInventory
{
    /// <summary>The CUDA devices ILGPU finds, in index order (empty without a driver or a GPU).</summary>
    public static IReadOnlyList<CudaDeviceInfo> Devices()
    {
        var list = new List<CudaDeviceInfo>();
        int i = 0;
        foreach (CudaDevice d in GpuDevice.Context.GetCudaDevices())
        {
            string capability = d.Architecture is { } a ? $"{a.Major}.{a.Minor}" : "unknown";
            list.Add(new CudaDeviceInfo(i++, d.Name, d.MemorySize, capability, d.NumMultiprocessors));
        }

        return list;
    }

    /// <summary>Why no CUDA device is found: no driver library, or a driver that reports no device ILGPU can use.</summary>
    public static string NoDeviceReason()
    {
        if (!NativeLibrary.TryLoad("libcuda.so.1", out IntPtr handle) && !NativeLibrary.TryLoad("libcuda.so", out handle))
        {
            return "no NVIDIA driver: libcuda.so.1 does not load";
        }

        NativeLibrary.Free(handle);
        return "the NVIDIA driver loads but reports no GPU that ILGPU can use";
    }
}
