using System.Numerics;
using BoundLab.Numerics.Backends;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Numerics.Models.Layers;

/// <summary>y = x + body(x) (<see cref="ResidualSpec"/>); backward dx = dy + body′ᵀ dy.</summary>
public sealed class Residual<T> : Layer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ResidualSpec _spec;
    private readonly Layer<T>[] _body;
    private readonly Parameter<T>[] _parameters;
    private int _rows = -1;

    /// <summary>Builds the body's layers (parameter names continue the model's count from <paramref name="index"/>).</summary>
    internal Residual(Backend<T> backend, ResidualSpec spec, ref int index)
        : base(backend)
    {
        _spec = spec;
        _body = LayerFactory.CreateAll(backend, spec.Body, ref index);
        _parameters = _body.SelectMany(l => l.Parameters).ToArray();
    }

    /// <inheritdoc />
    public override LayerSpec Spec => _spec;

    /// <summary>The residual branch.</summary>
    public IReadOnlyList<Layer<T>> Body => _body;

    /// <inheritdoc />
    public override IReadOnlyList<Parameter<T>> Parameters => _parameters;

    /// <inheritdoc />
    protected override Tensor<T> ForwardCore(Tensor<T> input)
    {
        Tensor<T> h = input;
        foreach (Layer<T> layer in _body)
        {
            h = layer.Forward(h);
        }

        Tensor<T> output = Buffers(input.Rows, _spec.OutputSize, _spec.InputSize)[0];
        Backend.Copy(h, output);
        Backend.Axpy(T.One, input, output);
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

        Tensor<T> g = gradOutput;
        for (int i = _body.Length - 1; i >= 0; i--)
        {
            g = _body[i].Backward(g)!;
        }

        Tensor<T> gradInput = Buffers(gradOutput.Rows, _spec.OutputSize, _spec.InputSize)[1];
        Backend.Copy(g, gradInput);
        Backend.Axpy(T.One, gradOutput, gradInput);
        return gradInput;
    }
}
