using System.Numerics;
using BoundLab.Numerics.Backends;

namespace BoundLab.Numerics.Tensors;

/// <summary>A dense row-major rows × cols array that lives on the backend that allocated it (host memory
/// for the CPU and reference backends, device memory for a GPU backend). Only that backend reads or
/// writes it; moving data to or from the host is explicit (<see cref="Backend{T}.Upload"/>,
/// <see cref="Backend{T}.Download"/>).</summary>
/// <remarks>A batch of images is one row per sample with the pixels in NHWC order (height, width, channel),
/// so a dense layer, a convolution and a flatten all see the same 2-D tensor. A tensor may be a view of
/// another with the same number of elements (<see cref="Backend{T}.View"/>): both share storage.</remarks>
public abstract class Tensor<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Called by a backend's allocator only.</summary>
    protected Tensor(Backend<T> owner, int rows, int cols)
    {
        ArgumentNullException.ThrowIfNull(owner);
        Owner = owner;
        Rows = rows;
        Cols = cols;
    }

    /// <summary>The backend that owns the storage.</summary>
    public Backend<T> Owner { get; }

    /// <summary>Number of rows (samples, for activations).</summary>
    public int Rows { get; }

    /// <summary>Number of columns (features per sample).</summary>
    public int Cols { get; }

    /// <summary>Rows · Cols.</summary>
    public int Length => Rows * Cols;

    /// <summary>Shape as text, e.g. "128×784".</summary>
    public string Shape => $"{Rows}×{Cols}";

    /// <summary>Whether both tensors have the same shape.</summary>
    public bool SameShape(Tensor<T> other) => other is not null && other.Rows == Rows && other.Cols == Cols;

    /// <inheritdoc />
    public override string ToString() => $"Tensor<{typeof(T).Name}> {Shape} on {Owner.Name}";
}

/// <summary>A vector of non-negative integers (class labels, row indices, pooling arg-max positions)
/// that lives on the backend that allocated it.</summary>
public abstract class IndexTensor
{
    /// <summary>Called by a backend's allocator only.</summary>
    protected IndexTensor(object owner, int length)
    {
        ArgumentNullException.ThrowIfNull(owner);
        Owner = owner;
        Length = length;
    }

    /// <summary>The backend that owns the storage.</summary>
    public object Owner { get; }

    /// <summary>Number of elements.</summary>
    public int Length { get; }
}
