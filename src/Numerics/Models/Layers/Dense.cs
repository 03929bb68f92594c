using System.Numerics;
using BoundLab.Numerics.Backends;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Numerics.Models.Layers;

/// <summary>y = act(x Wᵀ + b) (<see cref="DenseSpec"/>): one GEMM and one fused bias + activation pass forward;
/// backward δ = dy ⊙ act′(pre) (skipped for the identity), dW = δᵀx, db = Σ_rows δ, dx = δW.</summary>
public sealed class Dense<T> : Layer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly DenseSpec _spec;
    private readonly Parameter<T>[] _parameters;
    private Tensor<T>? _input, _pre, _post;

    /// <summary>A layer with zero weights and biases on <paramref name="backend"/>.</summary>
    public Dense(Backend<T> backend, DenseSpec spec, int index)
        : base(backend)
    {
        ArgumentNullException.ThrowIfNull(spec);
        _spec = spec;
        Weight = new Parameter<T>($"W{index}", backend.Allocate(spec.Out, spec.In), backend.Allocate(spec.Out, spec.In));
        Bias = spec.Bias ? new Parameter<T>($"b{index}", backend.Allocate(1, spec.Out), backend.Allocate(1, spec.Out)) : null;
        _parameters = Bias is null ? [Weight] : [Weight, Bias];
    }

    /// <inheritdoc />
    public override LayerSpec Spec => _spec;

    /// <summary>W (Out × In) and its gradient.</summary>
    public Parameter<T> Weight { get; }

    /// <summary>b (1 × Out) and its gradient, or null.</summary>
    public Parameter<T>? Bias { get; }

    /// <inheritdoc />
    public override IReadOnlyList<Parameter<T>> Parameters => _parameters;

    /// <inheritdoc />
    protected override Tensor<T> ForwardCore(Tensor<T> input)
    {
        bool linear = _spec.Activation == Activation.Identity;
        Tensor<T>[] b = linear ? Buffers(input.Rows, _spec.Out, _spec.Out, _spec.In) : Buffers(input.Rows, _spec.Out, _spec.Out, _spec.Out, _spec.In);
        _input = input;
        _pre = b[0];
        // A linear layer's output is its pre-activation: one buffer, the bias added in place.
        _post = linear ? b[0] : b[1];
        Backend.MatMul(input, false, Weight.Value, true, _pre, T.One, T.Zero);
        Backend.BiasActivation(_pre, Bias?.Value, _spec.Activation, _post);
        return _post;
    }

    /// <inheritdoc />
    protected override Tensor<T>? BackwardCore(Tensor<T> gradOutput, bool needInputGradient)
    {
        Tensor<T> input = RequireForward(_input, gradOutput);
        if (input.Rows != gradOutput.Rows)
        {
            RequireForward<Tensor<T>>(null, gradOutput);
        }

        bool linear = _spec.Activation == Activation.Identity;
        Tensor<T>[] b = linear ? Buffers(input.Rows, _spec.Out, _spec.Out, _spec.In) : Buffers(input.Rows, _spec.Out, _spec.Out, _spec.Out, _spec.In);
        Tensor<T> delta = gradOutput;
        if (!linear)
        {
            Backend.ActivationBackward(_spec.Activation, _pre!, _post!, gradOutput, b[2]);
            delta = b[2];
        }

        Backend.MatMul(delta, true, input, false, Weight.Grad, T.One, T.Zero);
        if (Bias is not null)
        {
            Backend.ColumnSums(delta, Bias.Grad);
        }

        if (!needInputGradient)
        {
            return null;
        }

        Tensor<T> gradInput = b[^1];
        Backend.MatMul(delta, false, Weight.Value, false, gradInput, T.One, T.Zero);
        return gradInput;
    }
}
