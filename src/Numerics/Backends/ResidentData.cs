using System.Numerics;
using BoundLab.Numerics.Data;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Numerics.Backends;

/// <summary>What a loss compares the outputs with: class labels (classification) or targets (regression),
/// exactly one of them, on the same backend as the outputs.</summary>
/// <param name="Labels">One class index per row, or null.</param>
/// <param name="Targets">Same shape as the outputs, or null.</param>
public sealed record BatchTargets<T>(IndexTensor? Labels, Tensor<T>? Targets) where T : unmanaged, IFloatingPointIeee754<T>;

/// <summary>A data set made resident on a backend by <see cref="Backend{T}.Upload(Dataset)"/>.</summary>
/// <param name="Source">The host data set (name, classes, task).</param>
/// <param name="Inputs">N × d inputs on the backend.</param>
/// <param name="Labels">N labels (classification) or null.</param>
/// <param name="Targets">N × k targets (regression) or null.</param>
public sealed record ResidentDataset<T>(Dataset Source, Tensor<T> Inputs, IndexTensor? Labels, Tensor<T>? Targets)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Number of samples.</summary>
    public int Count => Inputs.Rows;

    /// <summary>Features per sample.</summary>
    public int InputDim => Inputs.Cols;
}

/// <summary>Backend buffers for one minibatch (from <see cref="Backend{T}.AllocateBatch"/>), filled by
/// <see cref="Backend{T}.Gather"/>.</summary>
public sealed class Batch<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    internal Batch(Tensor<T> inputs, IndexTensor? labels, Tensor<T>? targets)
    {
        Inputs = inputs;
        Labels = labels;
        Targets = targets;
        Truth = new BatchTargets<T>(labels, targets);
    }

    /// <summary>Number of samples.</summary>
    public int Rows => Inputs.Rows;

    /// <summary>rows × d inputs.</summary>
    public Tensor<T> Inputs { get; }

    /// <summary>Labels, or null for regression.</summary>
    public IndexTensor? Labels { get; }

    /// <summary>Targets, or null for classification.</summary>
    public Tensor<T>? Targets { get; }

    /// <summary>Labels or targets, as the losses take them.</summary>
    public BatchTargets<T> Truth { get; }
}
