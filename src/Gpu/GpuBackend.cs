using BoundLab.Numerics.Backends;
using BoundLab.Numerics.Tensors;
using ILGPU;
using ILGPU.Runtime;

namespace BoundLab.Gpu;

/// <summary>The ILGPU backend (float32): tensors live in device memory and every operation of a training step is a
/// kernel on the device, so a training run moves only minibatch row indices, and the scalars the interface returns
/// (losses, dot products), between host and device. On <see cref="GpuTarget.Cuda"/> it is the GPU backend
/// (<c>--device cuda</c>); on <see cref="GpuTarget.Simulator"/> the same kernels run on ILGPU's CPU accelerator,
/// which is how CI tests them against <see cref="ReferenceBackend{T}"/> without a GPU.</summary>
/// <remarks>Files: memory and data here; GEMM in GpuBackend.Gemm.cs; element-wise, activations and losses in
/// GpuBackend.Elementwise.cs; reductions, optimizer steps and keyed noise in GpuBackend.Optimizer.cs; convolution,
/// pooling and batch gathering in GpuBackend.Conv.cs. Kernels are static methods under Kernels/, compiled once per
/// device (<see cref="GpuDevice.Kernel{TKernel}"/>).</remarks>
public sealed partial class GpuBackend : Backend<float>
{
    /// <summary>A backend on <paramref name="device"/>.</summary>
    public GpuBackend(GpuDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        Device = device;
    }

    /// <summary>The device the tensors live on.</summary>
    public GpuDevice Device { get; }

    /// <summary>The ILGPU accelerator.</summary>
    public Accelerator Accelerator => Device.Accelerator;

    /// <inheritdoc />
    public override string Name => Device.Target == GpuTarget.Cuda ? "cuda" : "ilgpu-cpu";

    private long _launches;

    /// <summary>Kernel launches made by this backend so far (every kernel launch calls <see cref="Launched"/>): with
    /// the device's launch latency this gives the floor of an epoch's time.</summary>
    public long KernelLaunches => Interlocked.Read(ref _launches);

    /// <summary>Counts <paramref name="count"/> kernel launches.</summary>
    internal void Launched(int count = 1) => Interlocked.Add(ref _launches, count);

    /// <summary>The device tensor (the backend owns it; checked by the public methods).</summary>
    internal static GpuTensor G(Tensor<float> t) => (GpuTensor)t;

    /// <summary>The device index vector.</summary>
    internal static GpuIndexTensor G(IndexTensor t) => (GpuIndexTensor)t;

    // ───────────────────────────── memory ─────────────────────────────

    /// <inheritdoc />
    protected override Tensor<float> AllocateCore(int rows, int cols)
    {
        lock (Device.Sync)
        {
            MemoryBuffer1D<float, Stride1D.Dense> buffer = Accelerator.Allocate1D<float>(Math.Max(1L, (long)rows * cols));
            buffer.MemSetToZero();
            return new GpuTensor(this, rows, cols, buffer);
        }
    }

    /// <inheritdoc />
    protected override Tensor<float> ViewCore(Tensor<float> tensor, int rows, int cols) => new GpuTensor(this, rows, cols, G(tensor).Buffer);

    /// <inheritdoc />
    protected override void UploadCore(ReadOnlySpan<float> source, Tensor<float> destination)
    {
        if (source.Length == 0)
        {
            return;
        }

        lock (Device.Sync)
        {
            G(destination).View.CopyFromCPU(Accelerator.DefaultStream, source);
        }
    }

    /// <inheritdoc />
    protected override void DownloadCore(Tensor<float> source, Span<float> destination)
    {
        if (destination.Length == 0)
        {
            return;
        }

        lock (Device.Sync)
        {
            G(source).View.CopyToCPU(Accelerator.DefaultStream, destination);
        }
    }

    /// <inheritdoc />
    protected override IndexTensor AllocateIndicesCore(int length)
    {
        lock (Device.Sync)
        {
            MemoryBuffer1D<int, Stride1D.Dense> buffer = Accelerator.Allocate1D<int>(Math.Max(1, length));
            buffer.MemSetToZero();
            return new GpuIndexTensor(this, length, buffer);
        }
    }

    /// <inheritdoc />
    protected override void UploadIndicesCore(ReadOnlySpan<int> source, IndexTensor destination)
    {
        ForgetArgmax(destination);
        if (source.Length == 0)
        {
            return;
        }

        lock (Device.Sync)
        {
            G(destination).View.CopyFromCPU(Accelerator.DefaultStream, source);
        }
    }

    /// <inheritdoc />
    protected override void DownloadIndicesCore(IndexTensor source, Span<int> destination)
    {
        if (destination.Length == 0)
        {
            return;
        }

        lock (Device.Sync)
        {
            G(source).View.CopyToCPU(Accelerator.DefaultStream, destination);
        }
    }

    /// <inheritdoc />
    protected override void CopyCore(Tensor<float> source, Tensor<float> destination)
    {
        if (source.Length == 0 || ReferenceEquals(G(source).Buffer, G(destination).Buffer))
        {
            return;
        }

        lock (Device.Sync)
        {
            G(source).View.CopyTo(G(destination).View);
        }
    }

    /// <summary>Sums device partials (float64, one per block, in block order) on the host: the final, fixed-order
    /// step of every reduction, so a reduction's result depends only on the length, never on scheduling.</summary>
    internal static double SumInOrder(ReadOnlySpan<double> partials)
    {
        double s = 0;
        foreach (double p in partials)
        {
            s += p;
        }

        return s;
    }
}
