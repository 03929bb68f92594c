using System.Collections.Concurrent;
using System.Reflection;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace BoundLab.Gpu;

/// <summary>What a GPU backend runs on: a CUDA device, or ILGPU's CPU accelerator (a simulator that runs the same
/// kernels, ~10⁶× slower than a GPU, used to test the kernels at small sizes where no GPU is present).</summary>
public enum GpuTarget
{
    /// <summary>ILGPU's CPU accelerator (the kernel simulator).</summary>
    Simulator,

    /// <summary>An NVIDIA GPU through CUDA.</summary>
    Cuda,
}

/// <summary>One accelerator with its compiled-kernel cache. Devices are opened once per process and shared by
/// every backend on them (compiling a kernel costs 0.1–0.4 s: each is compiled once, on first use). Kernel launches
/// from several threads are serialized on the device's lock.</summary>
public sealed class GpuDevice
{
    private static readonly Lazy<Context> SharedContext = new(() =>
        Context.Create(b => b.CPU().Cuda().EnableAlgorithms().Optimize(OptimizationLevel.O2).Math(MathMode.Default)));

    private static readonly Lazy<GpuDevice> SharedSimulator = new(() =>
        new GpuDevice(SharedContext.Value.CreateCPUAccelerator(0), GpuTarget.Simulator));

    private static readonly ConcurrentDictionary<int, GpuDevice> SharedCuda = new();

    private readonly ConcurrentDictionary<string, object> _kernels = new();

    private GpuDevice(Accelerator accelerator, GpuTarget target)
    {
        Accelerator = accelerator;
        Target = target;
    }

    /// <summary>The ILGPU context every device of this process belongs to.</summary>
    public static Context Context => SharedContext.Value;

    /// <summary>The shared ILGPU CPU accelerator (kernel simulator).</summary>
    public static GpuDevice Simulator => SharedSimulator.Value;

    /// <summary>The ILGPU version the kernels are compiled with.</summary>
    public static string IlgpuVersion =>
        typeof(Context).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(Context).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>Number of CUDA devices ILGPU finds (0 without a driver or a GPU).</summary>
    public static int CudaDeviceCount => Context.GetCudaDevices().Count;

    /// <summary>The shared handle of CUDA device <paramref name="index"/>; throws with the reason when there is none.</summary>
    public static GpuDevice Cuda(int index = 0)
    {
        int count = CudaDeviceCount;
        if (index < 0 || index >= count)
        {
            throw new InvalidOperationException(count == 0
                ? "no CUDA device found (ILGPU sees no NVIDIA GPU or no CUDA driver); use --device cpu."
                : $"CUDA device {index} does not exist; allowed: 0 … {count - 1}.");
        }

        return SharedCuda.GetOrAdd(index, i => new GpuDevice(Context.GetCudaDevice(i).CreateAccelerator(Context), GpuTarget.Cuda));
    }

    /// <summary>The ILGPU accelerator.</summary>
    public Accelerator Accelerator { get; }

    /// <summary>CUDA or the simulator.</summary>
    public GpuTarget Target { get; }

    /// <summary>The device's name.</summary>
    public string Name => Accelerator.Name;

    /// <summary>Serializes launches and transfers from several threads.</summary>
    internal object Sync { get; } = new();

    /// <summary>The kernel cached under <paramref name="name"/>, loaded (compiled) on first use.</summary>
    internal TKernel Kernel<TKernel>(string name, Func<Accelerator, TKernel> load)
        where TKernel : class
        => (TKernel)_kernels.GetOrAdd(name, _ =>
        {
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            TKernel kernel = load(Accelerator);
            Interlocked.Add(ref _compileTicks, System.Diagnostics.Stopwatch.GetTimestamp() - start);
            return kernel;
        });

    private long _compileTicks;

    /// <summary>Seconds spent compiling (loading) kernels on this device so far: the warm-up cost, reported apart
    /// from run times.</summary>
    public double CompileSeconds => (double)Interlocked.Read(ref _compileTicks) / System.Diagnostics.Stopwatch.Frequency;

    /// <summary>Number of kernels compiled on this device so far.</summary>
    public int CompiledKernels => _kernels.Count;
}
