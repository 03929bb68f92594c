using BoundLab.Numerics.Backends;

namespace BoundLab.Gpu;

/// <summary>A value of <c>--device</c>.</summary>
public enum DeviceKind
{
    /// <summary><c>cpu</c>: the SIMD CPU backend.</summary>
    Cpu,

    /// <summary><c>cuda</c>: CUDA device 0 through the GPU backend.</summary>
    Cuda,

    /// <summary><c>auto</c>: <see cref="Cuda"/> when a CUDA device is found, else <see cref="Cpu"/>.</summary>
    Auto,

    /// <summary><c>ilgpu-cpu</c>: the GPU backend's kernels on ILGPU's CPU accelerator (a simulator, ~10⁶× slower than
    /// a GPU: for tests and debugging at small sizes).</summary>
    IlgpuCpu,
}

/// <summary>The device a command runs on, resolved from <c>--device</c>.</summary>
/// <param name="Requested">What the user asked for (<see cref="DeviceKind.Auto"/> included).</param>
/// <param name="Kind">What runs: <see cref="DeviceKind.Cpu"/>, <see cref="DeviceKind.Cuda"/> or <see cref="DeviceKind.IlgpuCpu"/>.</param>
/// <param name="Backend">The backend tensors and kernels live on.</param>
/// <param name="Description">One line for the user, e.g. "device: cuda — NVIDIA H200 (sm_90, 139 GiB)".</param>
public sealed record SelectedDevice(DeviceKind Requested, DeviceKind Kind, Backend<float> Backend, string Description)
{
    /// <summary>The <c>--device</c> word of <see cref="Kind"/>: cpu, cuda or ilgpu-cpu.</summary>
    public string Name => DeviceSelection.NameOf(Kind);

    /// <summary>The device and its model, without the "device: " prefix (what run.json records).</summary>
    public string Summary => Description.StartsWith(DeviceSelection.Prefix, StringComparison.Ordinal) ? Description[DeviceSelection.Prefix.Length..] : Description;
}

/// <summary>Parses <c>--device cpu|cuda|auto|ilgpu-cpu</c>, resolves <c>auto</c> and builds the backend.</summary>
public static class DeviceSelection
{
    /// <summary>The option's name, used in every message.</summary>
    public const string Option = "--device";

    internal const string Prefix = "device: ";

    /// <summary>The allowed words, in help order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["cpu", "cuda", "auto", "ilgpu-cpu"];

    /// <summary>What each word means, for help and error messages.</summary>
    public const string AllowedText = "cpu, cuda, auto (cuda when a CUDA device is found, else cpu) or ilgpu-cpu " +
        "(ILGPU's kernel simulator, ~10⁶× slower than a GPU: tests and debugging only)";

    /// <summary>The word of <paramref name="kind"/>.</summary>
    public static string NameOf(DeviceKind kind) => kind switch
    {
        DeviceKind.Cpu => "cpu",
        DeviceKind.Cuda => "cuda",
        DeviceKind.Auto => "auto",
        DeviceKind.IlgpuCpu => "ilgpu-cpu",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, $"{Option}: unknown device kind {(int)kind}; allowed: {AllowedText}."),
    };

    /// <summary>Parses a <c>--device</c> value (case-insensitive); a bad one is an ArgumentException naming the option,
    /// the value and the allowed words.</summary>
    public static DeviceKind Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        for (int i = 0; i < Names.Count; i++)
        {
            if (string.Equals(Names[i], text.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return (DeviceKind)i;
            }
        }

        throw new ArgumentException($"{Option}: got '{text}'; allowed: {AllowedText}.", nameof(text));
    }

    /// <summary>What runs for <paramref name="requested"/> when <paramref name="cudaDevices"/> CUDA devices are present:
    /// auto becomes cuda or cpu; cuda without a device is an ArgumentException saying why and what is allowed.</summary>
    public static DeviceKind Resolve(DeviceKind requested, int cudaDevices)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cudaDevices);
        return requested switch
        {
            DeviceKind.Auto => cudaDevices > 0 ? DeviceKind.Cuda : DeviceKind.Cpu,
            DeviceKind.Cuda when cudaDevices == 0 => throw new ArgumentException(
                $"{Option}: got 'cuda', but no CUDA device is found here ({CudaInventory.NoDeviceReason()}); allowed here: cpu, auto or ilgpu-cpu.",
                nameof(requested)),
            DeviceKind.Cpu or DeviceKind.Cuda or DeviceKind.IlgpuCpu => requested,
            _ => throw new ArgumentOutOfRangeException(nameof(requested), requested, $"{Option}: allowed: {AllowedText}."),
        };
    }

    /// <summary>Resolves <paramref name="requested"/> on this machine and builds its backend: <see cref="CpuBackend"/> with
    /// <paramref name="threads"/> worker threads (0 = all cores), or <see cref="GpuBackend"/> on CUDA device 0 or the simulator.</summary>
    public static SelectedDevice Select(DeviceKind requested, int threads = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        // The CUDA probe opens ILGPU's context; an explicit cpu request never needs it.
        int cuda = requested is DeviceKind.Cuda or DeviceKind.Auto ? GpuDevice.CudaDeviceCount : 0;
        DeviceKind kind = Resolve(requested, cuda);
        string auto = requested == DeviceKind.Auto ? " (auto)" : "";
        switch (kind)
        {
            case DeviceKind.Cpu:
                var cpu = new CpuBackend(threads);
                string why = requested == DeviceKind.Auto ? $" (auto: no CUDA device found — {CudaInventory.NoDeviceReason()})" : "";
                return new SelectedDevice(requested, kind, cpu, $"{Prefix}cpu — {CpuDescription(cpu.Threads)}{why}");
            case DeviceKind.Cuda:
                GpuDevice device = GpuDevice.Cuda(0);
                return new SelectedDevice(requested, kind, new GpuBackend(device), $"{Prefix}cuda{auto} — {CudaInventory.Devices()[0].Description}");
            default:
                return new SelectedDevice(requested, kind, new GpuBackend(GpuDevice.Simulator),
                    $"{Prefix}ilgpu-cpu — ILGPU {GpuDevice.IlgpuVersion} CPU accelerator (the kernel simulator, ~10⁶× slower than a GPU: tests and debugging only)");
        }
    }

    /// <summary>"AMD EPYC 9R14 96-Core Processor, 2 threads".</summary>
    private static string CpuDescription(int threads) => $"{CpuInfo.ModelName}, {threads} thread{(threads == 1 ? "" : "s")}";
}
