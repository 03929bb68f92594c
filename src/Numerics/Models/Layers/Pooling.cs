using System.Numerics;
using BoundLab.Numerics.Backends;
using BoundLab.Numerics.Kernels;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Numerics.Models.Layers;

/// <summary>y = the maximum over each window per channel (<see cref="PoolSpec"/>, <see cref="PoolKind.Max"/>); forward records
/// the arg-max positions, backward routes dy to them (<see cref="Backend{T}.MaxPool2dBackward"/>).</summary>
public sealed class MaxPool2d<T> : Layer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly PoolSpec _spec;
    private readonly Conv2dGeometry _geometry;
    private readonly Dictionary<int, IndexTensor> _argmax = [];
    private IndexTensor? _last;

    /// <summary>A max-pooling layer on <paramref name="backend"/>.</summary>
    public MaxPool2d(Backend<T> backend, PoolSpec spec)
        : base(backend)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Kind != PoolKind.Max)
        {
            throw new ArgumentException($"spec is {spec.Describe()}; allowed: a max-pooling spec.", nameof(spec));
        }

        _spec = spec;
        _geometry = spec.Geometry;
    }

    /// <inheritdoc />
    public override LayerSpec Spec => _spec;

    /// <inheritdoc />
    protected override Tensor<T> ForwardCore(Tensor<T> input)
    {
        Tensor<T> output = Buffers(input.Rows, _geometry.OutImageSize, _geometry.ImageSize)[0];
        int n = input.Rows * _geometry.OutImageSize;
        if (!_argmax.TryGetValue(n, out IndexTensor? argmax))
        {
            if (_argmax.Count >= 4)
            {
                _argmax.Clear();
            }

            argmax = Backend.AllocateIndices(n);
            _argmax[n] = argmax;
        }

        Backend.MaxPool2dForward(_geometry, input, output, argmax);
        _last = argmax;
        return output;
    }

    /// <inheritdoc />
    protected override Tensor<T>? BackwardCore(Tensor<T> gradOutput, bool needInputGradient)
    {
        IndexTensor argmax = RequireForward(_last, gradOutput);
        if (argmax.Length != gradOutput.Length)
        {
            RequireForward<IndexTensor>(null, gradOutput);
        }

        if (!needInputGradient)
        {
            return null;
        }

        Tensor<T> gradInput = Buffers(gradOutput.Rows, _geometry.OutImageSize, _geometry.ImageSize)[1];
        Backend.MaxPool2dBackward(_geometry, gradOutput, argmax, gradInput);
        return gradInput;
    }
}

/// <summary>y = the mean over each window per channel, padding counted as zeros (<see cref="PoolSpec"/>,
/// <see cref="PoolKind.Average"/>); backward spreads dy / (K·K) over each window (a linear map: no state kept).</summary>
public sealed class AvgPool2d<T> : Layer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly PoolSpec _spec;
    private readonly Conv2dGeometry _geometry;
    private int _rows = -1;

    /// <summary>An average-pooling layer on <paramref name="backend"/>.</summary>
    public AvgPool2d(Backend<T> backend, PoolSpec spec)
        : base(backend)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Kind != PoolKind.Average)
        {
            throw new ArgumentException($"spec is {spec.Describe()}; allowed: an average-pooling spec.", nameof(spec));
        }

        _spec = spec;
        _geometry = spec.Geometry;
    }

    /// <inheritdoc />
    public override LayerSpec Spec => _spec;

    /// <inheritdoc />
    protected override Tensor<T> ForwardCore(Tensor<T> input)
    {
        Tensor<T> output = Buffers(input.Rows, _geometry.OutImageSize, _geometry.ImageSize)[0];
        Backend.AvgPool2dForward(_geometry, input, output);
        _rows = input.Rows;
        return output;
    }

    /// <inheritdoc />
    protected override Tensor<T>? BackwardCore(Tensor<T> gradOutput, bool needInputGradient)
    {
        if (_rows != gradOutput.Rows)
        {
            RequireForward<Tensor<T>>(null, gradOutput);
        }

        if (!needInputGradient)
        {
            return null;
        }

        Tensor<T> gradInput = Buffers(gradOutput.Rows, _geometry.OutImageSize, _geometry.ImageSize)[1];
        Backend.AvgPool2dBackward(_geometry, gradOutput, gradInput);
        return gradInput;
    }
}

/// <summary>The identity on B × (H·W·C) rows (<see cref="FlattenSpec"/>): forward returns its input and backward its
/// gradient, unchanged (the tensors are already flat).</summary>
public sealed class Flatten<T>(Backend<T> backend, FlattenSpec spec) : Layer<T>(backend) where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc />
    public override LayerSpec Spec => spec;

    /// <inheritdoc />
    protected override Tensor<T> ForwardCore(Tensor<T> input) => input;

    /// <inheritdoc />
    protected override Tensor<T>? BackwardCore(Tensor<T> gradOutput, bool needInputGradient) => needInputGradient ? gradOutput : null;
}
