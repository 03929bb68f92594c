using System.Numerics;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Numerics.Backends;

/// <summary>A tensor in host memory, owned by a host backend (<see cref="CpuBackend"/>, <see cref="ReferenceBackend{T}"/>).</summary>
/// <remarks>Only host backends' kernels read <see cref="Matrix"/>; code that must work on any backend goes through
/// <see cref="Backend{T}.Upload"/>/<see cref="Backend{T}.Download"/>.</remarks>
public sealed class HostTensor<T> : Tensor<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    internal HostTensor(Backend<T> owner, Matrix<T> matrix)
        : base(owner, matrix.Rows, matrix.Cols)
        => Matrix = matrix;

    /// <summary>The host storage (shared with every view of the same tensor).</summary>
    public Matrix<T> Matrix { get; }

    /// <summary>The row-major elements.</summary>
    public T[] Data => Matrix.Data;
}

/// <summary>An index vector in host memory.</summary>
public sealed class HostIndexTensor : IndexTensor
{
    internal HostIndexTensor(object owner, int[] data)
        : base(owner, data.Length)
        => Data = data;

    /// <summary>The host storage.</summary>
    public int[] Data { get; }
}
