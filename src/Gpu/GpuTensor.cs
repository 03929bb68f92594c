using BoundLab.Numerics.Backends;
using BoundLab.Numerics.Tensors;
using ILGPU;
using ILGPU.Runtime;

namespace BoundLab.Gpu;

/// <remarks>An empty tensor holds a one-element buffer (ILGPU buffers are never empty); <see cref="View"/> has Length elements.</remarks>
/// <summary>A float32 tensor in device memory, owned by a <see cref="GpuBackend"/>. Views of the same tensor share
/// <see cref="Buffer"/> (same element count, other shape).</summary>
public sealed class GpuTensor : Tensor<float>
{
    internal GpuTensor(Backend<float> owner, int rows, int cols, MemoryBuffer1D<float, Stride1D.Dense> buffer)
        : base(owner, rows, cols)
        => Buffer = buffer;

    /// <summary>The device storage (shared with every view).</summary>
    public MemoryBuffer1D<float, Stride1D.Dense> Buffer { get; }

    /// <summary>The elements, row-major, as a kernel argument.</summary>
    public ArrayView1D<float, Stride1D.Dense> View => Buffer.View.SubView(0, Length);
}

/// <summary>An index vector in device memory.</summary>
public sealed class GpuIndexTensor : IndexTensor
{
    internal GpuIndexTensor(object owner, int length, MemoryBuffer1D<int, Stride1D.Dense> buffer)
        : base(owner, length)
        => Buffer = buffer;

    /// <summary>The device storage.</summary>
    public MemoryBuffer1D<int, Stride1D.Dense> Buffer { get; }

    /// <summary>The elements as a kernel argument.</summary>
    public ArrayView1D<int, Stride1D.Dense> View => Buffer.View.SubView(0, Length);
}
