using System.Numerics;
using BoundLab.Numerics.Backends;
using BoundLab.Numerics.Kernels;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Numerics.Models.Layers;

/// <summary>y = act(conv(x, W) + b) (<see cref="Conv2dSpec"/>) as im2col and one GEMM: cols = Im2Col(x) is
/// (B·OH·OW) × (K·K·C), pre = cols·Wᵀ is (B·OH·OW) × OC — already the NHWC output rows, B × (OH·OW·OC) — and the
/// bias of each output channel, tiled over the pixels, is added with the activation fused. Backward δ = dy ⊙ act′(pre), dW = δᵀ·cols, db = Σ_rows δ, dx = Col2Im(δ·W).</summary>
public sealed class Conv2d<T> : Layer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Conv2dSpec _spec;
    private readonly Conv2dGeometry _geometry;
    private readonly Parameter<T>[] _parameters;
    private readonly Tensor<T> _ones, _tiledBias, _tiledRow;
    private Views? _last;

    /// <summary>A layer with zero weights and biases on <paramref name="backend"/>; its parameters are W{index}, b{index}.</summary>
    public Conv2d(Backend<T> backend, Conv2dSpec spec, int index)
        : base(backend)
    {
        ArgumentNullException.ThrowIfNull(spec);
        _spec = spec;
        _geometry = spec.Geometry;
        int patch = _geometry.PatchSize;
        Weight = new Parameter<T>($"W{index}", backend.Allocate(spec.OutChannels, patch), backend.Allocate(spec.OutChannels, patch));
        Bias = spec.Bias ? new Parameter<T>($"b{index}", backend.Allocate(1, spec.OutChannels), backend.Allocate(1, spec.OutChannels)) : null;
        _parameters = Bias is null ? [Weight] : [Weight, Bias];
        _ones = backend.Allocate(_geometry.OutPixels, 1);
        backend.Fill(_ones, T.One);
        _tiledBias = backend.Allocate(_geometry.OutPixels, spec.OutChannels);
        _tiledRow = backend.View(_tiledBias, 1, _geometry.OutPixels * spec.OutChannels);
    }

    /// <inheritdoc />
    public override LayerSpec Spec => _spec;

    /// <summary>W (OutChannels × K·K·InChannels, columns in (ky, kx, c) order) and its gradient.</summary>
    public Parameter<T> Weight { get; }

    /// <summary>b (1 × OutChannels) and its gradient, or null.</summary>
    public Parameter<T>? Bias { get; }

    /// <inheritdoc />
    public override IReadOnlyList<Parameter<T>> Parameters => _parameters;

    /// <inheritdoc />
    protected override Tensor<T> ForwardCore(Tensor<T> input)
    {
        Views v = For(input.Rows);
        Backend.Im2Col(_geometry, input, v.Cols);
        Backend.MatMul(v.Cols, false, Weight.Value, true, v.PrePixels, T.One, T.Zero);
        // The bias per output channel, tiled over the OH·OW pixels of an image (1·b, exact): bias + activation then
        // run on rows of OH·OW·OC values instead of OC-wide rows — the same values, in long SIMD runs.
        Tensor<T>? tiled = null;
        if (Bias is not null)
        {
            Backend.MatMul(_ones, false, Bias.Value, false, _tiledBias, T.One, T.Zero);
            tiled = _tiledRow;
        }

        Backend.BiasActivation(v.Pre, tiled, _spec.Activation, v.Post);
        _last = v;
        return v.Post;
    }

    /// <inheritdoc />
    protected override Tensor<T>? BackwardCore(Tensor<T> gradOutput, bool needInputGradient)
    {
        Views v = RequireForward(_last, gradOutput);
        if (v.Rows != gradOutput.Rows)
        {
            RequireForward<Views>(null, gradOutput);
        }

        Tensor<T> delta = Backend.View(gradOutput, v.Rows * _geometry.OutPixels, _spec.OutChannels);
        if (_spec.Activation != Activation.Identity)
        {
            Backend.ActivationBackward(_spec.Activation, v.Pre, v.Post, gradOutput, v.Delta);
            delta = v.DeltaPixels;
        }

        Backend.MatMul(delta, true, v.Cols, false, Weight.Grad, T.One, T.Zero);
        if (Bias is not null)
        {
            Backend.ColumnSums(delta, Bias.Grad);
        }

        if (!needInputGradient)
        {
            return null;
        }

        Backend.MatMul(delta, false, Weight.Value, false, v.GradCols, T.One, T.Zero);
        Backend.Col2Im(_geometry, v.GradCols, v.GradInput);
        return v.GradInput;
    }

    // The buffers of one batch size, with their per-pixel views: (B·OH·OW) rows of PatchSize or OC values.
    private Views For(int rows)
    {
        if (_last is { } last && last.Rows == rows)
        {
            return last;
        }

        int pixels = _geometry.OutPixels, patch = _geometry.PatchSize, oc = _spec.OutChannels;
        bool linear = _spec.Activation == Activation.Identity;
        Tensor<T>[] b = linear
            ? Buffers(rows, pixels * patch, pixels * oc, pixels * patch, _geometry.ImageSize)
            : Buffers(rows, pixels * patch, pixels * oc, pixels * patch, _geometry.ImageSize, pixels * oc, pixels * oc);
        Tensor<T> pre = b[1], post = linear ? pre : b[4], delta = linear ? pre : b[5];
        int pixelRows = rows * pixels;
        Tensor<T> prePixels = Backend.View(pre, pixelRows, oc);
        return new Views(rows, pre, post, delta, Backend.View(b[0], pixelRows, patch), prePixels,
            linear ? prePixels : Backend.View(delta, pixelRows, oc), Backend.View(b[2], pixelRows, patch), b[3]);
    }

    // Pre, Post, Delta are B × (OH·OW·OC) (Post = Pre for a linear layer); the …Pixels views are (B·OH·OW) × OC.
    private sealed record Views(int Rows, Tensor<T> Pre, Tensor<T> Post, Tensor<T> Delta, Tensor<T> Cols, Tensor<T> PrePixels,
        Tensor<T> DeltaPixels, Tensor<T> GradCols, Tensor<T> GradInput);
}
