using System.Numerics;
using BoundLab.Numerics.Backends;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Numerics.Models.Layers;

/// <summary>y = act(x) element-wise (<see cref="ActivationSpec"/>); backward dx = dy ⊙ act′(x).</summary>
public sealed class ActivationLayer<T>(Backend<T> backend, ActivationSpec spec) : Layer<T>(backend)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private Tensor<T>? _pre, _post;

    /// <inheritdoc />
    public override LayerSpec Spec => spec;

    /// <inheritdoc />
    protected override Tensor<T> ForwardCore(Tensor<T> input)
    {
        Tensor<T>[] b = Buffers(input.Rows, spec.Size, spec.Size, spec.Size);
        // BiasActivation writes its pre-activation back into z: copy so the caller's tensor is untouched.
        Backend.Copy(input, b[0]);
        Backend.BiasActivation(b[0], null, spec.Activation, b[1]);
        (_pre, _post) = (b[0], b[1]);
        return b[1];
    }

    /// <inheritdoc />
    protected override Tensor<T>? BackwardCore(Tensor<T> gradOutput, bool needInputGradient)
    {
        Tensor<T> pre = RequireForward(_pre, gradOutput);
        if (pre.Rows != gradOutput.Rows)
        {
            RequireForward<Tensor<T>>(null, gradOutput);
        }

        Tensor<T> gradInput = Buffers(pre.Rows, spec.Size, spec.Size, spec.Size)[2];
        Backend.ActivationBackward(spec.Activation, pre, _post!, gradOutput, gradInput);
        return gradInput;
    }
}
