using System.Numerics;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Numerics.Models;

/// <summary>One trainable tensor and its gradient on the model's backend.</summary>
/// <param name="Name">"W1", "b1", … (1-based index over the weight layers, as in the papers).</param>
/// <param name="Value">The parameter (the model's own storage).</param>
/// <param name="Grad">The gradient of the last backward pass, same shape.</param>
public sealed record Parameter<T>(string Name, Tensor<T> Value, Tensor<T> Grad) where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Number of elements.</summary>
    public int Length => Value.Length;
}
