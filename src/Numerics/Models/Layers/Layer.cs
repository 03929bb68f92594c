using System.Numerics;
using BoundLab.Numerics.Backends;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Numerics.Models.Layers;

/// <summary>One layer of a model, living on a backend: its parameters, its forward map and its backward
/// (vector-Jacobian) map. Forward keeps what Backward needs for the last batch; Backward overwrites the
/// layer's parameter gradients (TorchSharp's Module with parameters(), without the autograd tape).</summary>
/// <remarks>Returned tensors belong to the layer: valid until its next Forward/Backward on a batch of the
/// same size. Buffers are kept per batch size (a few sizes at most: the minibatch, the short last batch and
/// evaluation chunks).</remarks>
public abstract class Layer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Dictionary<int, Tensor<T>[]> _buffers = [];

    /// <summary>Binds the layer to its backend.</summary>
    protected Layer(Backend<T> backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        Backend = backend;
    }

    /// <summary>Where the layer's tensors live.</summary>
    public Backend<T> Backend { get; }

    /// <summary>The architecture of this layer.</summary>
    public abstract LayerSpec Spec { get; }

    /// <summary>The layer's trainable tensors with their gradients, in a fixed order (weight, then bias).</summary>
    public virtual IReadOnlyList<Parameter<T>> Parameters => [];

    /// <summary>y = f(x) for a batch (rows × InputSize → rows × OutputSize).</summary>
    public Tensor<T> Forward(Tensor<T> input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Cols != Spec.InputSize)
        {
            throw new ArgumentException($"input has {input.Cols} features; the layer {Spec.Describe()} takes {Spec.InputSize}.", nameof(input));
        }

        return ForwardCore(input);
    }

    /// <summary>Given d(loss)/dy of the last Forward batch: overwrites the parameter gradients and returns d(loss)/dx
    /// (or null when <paramref name="needInputGradient"/> is false and the layer can skip it).</summary>
    public Tensor<T>? Backward(Tensor<T> gradOutput, bool needInputGradient = true)
    {
        ArgumentNullException.ThrowIfNull(gradOutput);
        if (gradOutput.Cols != Spec.OutputSize)
        {
            throw new ArgumentException($"gradOutput has {gradOutput.Cols} features; the layer {Spec.Describe()} outputs {Spec.OutputSize}.", nameof(gradOutput));
        }

        return BackwardCore(gradOutput, needInputGradient);
    }

    /// <summary>Implementation of <see cref="Forward"/>; the width is checked.</summary>
    protected abstract Tensor<T> ForwardCore(Tensor<T> input);

    /// <summary>Implementation of <see cref="Backward"/>; the width is checked.</summary>
    protected abstract Tensor<T>? BackwardCore(Tensor<T> gradOutput, bool needInputGradient);

    /// <summary>The layer's scratch tensors for a batch of <paramref name="rows"/>, allocated on first use:
    /// <paramref name="widths"/>[i] columns for buffer i.</summary>
    protected Tensor<T>[] Buffers(int rows, params ReadOnlySpan<int> widths)
    {
        if (!_buffers.TryGetValue(rows, out Tensor<T>[]? b))
        {
            if (_buffers.Count >= 4)
            {
                _buffers.Clear();
            }

            b = new Tensor<T>[widths.Length];
            for (int i = 0; i < widths.Length; i++)
            {
                b[i] = Backend.Allocate(rows, widths[i]);
            }

            _buffers[rows] = b;
        }

        return b;
    }

    /// <summary>Throws when Backward comes without a Forward on a batch of the same size.</summary>
    protected static T2 RequireForward<T2>(T2? saved, Tensor<T> gradOutput) where T2 : class
        => saved ?? throw new InvalidOperationException($"Backward on {gradOutput.Rows} rows needs a Forward on a batch of the same size first.");
}
