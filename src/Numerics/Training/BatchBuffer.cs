using BoundLab.Numerics.Data;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Numerics.Training;

/// <summary>Reusable minibatch storage: copies selected rows of a dataset into contiguous matrices.
/// Buffers for each batch size are kept, so the short last batch of an epoch does not reallocate.</summary>
internal sealed class BatchBuffer(Dataset data, int maxRows)
{
    private readonly Dictionary<int, (Matrix<float> X, int[]? Y, Matrix<float>? T)> _bySize = [];

    public Matrix<float> Inputs { get; private set; } = null!;

    public int[]? Labels { get; private set; }

    public Matrix<float>? Targets { get; private set; }

    /// <summary>Loads rows indices[0..count) of the dataset.</summary>
    public void Gather(ReadOnlySpan<int> indices)
    {
        Select(indices.Length);
        for (int r = 0; r < indices.Length; r++)
        {
            CopyRow(indices[r], r);
        }
    }

    /// <summary>Loads rows start … start+count−1.</summary>
    public void GatherRange(int start, int count)
    {
        Select(count);
        for (int r = 0; r < count; r++)
        {
            CopyRow(start + r, r);
        }
    }

    private void Select(int rows)
    {
        if (rows < 1 || rows > maxRows)
        {
            throw new ArgumentOutOfRangeException(nameof(rows), rows, $"allowed: 1 … {maxRows}");
        }

        if (!_bySize.TryGetValue(rows, out var b))
        {
            b = (new Matrix<float>(rows, data.InputDim),
                data.Labels is null ? null : new int[rows],
                data.Targets is null ? null : new Matrix<float>(rows, data.Targets.Cols));
            _bySize[rows] = b;
        }

        (Inputs, Labels, Targets) = b;
    }

    private void CopyRow(int from, int to)
    {
        data.Inputs.Row(from).CopyTo(Inputs.Row(to));
        if (Labels is not null)
        {
            Labels[to] = data.Labels![from];
        }

        if (Targets is not null)
        {
            data.Targets!.Row(from).CopyTo(Targets.Row(to));
        }
    }
}
