using BoundLab.Numerics.Kernels;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Numerics.Backends;

// Convolution and pooling with the NHWC kernels of Kernels/Conv (Conv2d, Pool2d): same bits for any thread count.
public sealed partial class CpuBackend
{
    /// <inheritdoc />
    /// <remarks>Exact copies: bit-identical to the specification.</remarks>
    protected override void Im2ColCore(Conv2dGeometry geometry, Tensor<float> input, Tensor<float> cols)
        => Conv2d.Im2Col<float>(geometry, D(input), input.Rows, D(cols), Threads);

    /// <inheritdoc />
    /// <remarks>Sums in float32 in the specification's order; within float rounding of it.</remarks>
    protected override void Col2ImCore(Conv2dGeometry geometry, Tensor<float> cols, Tensor<float> input)
        => Conv2d.Col2Im<float>(geometry, D(cols), input.Rows, D(input), Threads);

    /// <inheritdoc />
    /// <remarks>Comparisons only: bit-identical to the specification, arg-max included.</remarks>
    protected override void MaxPool2dForwardCore(Conv2dGeometry geometry, Tensor<float> input, Tensor<float> output, IndexTensor argmax)
        => Pool2d.MaxPool2dForward<float>(geometry, D(input), input.Rows, D(output), I(argmax), Threads);

    /// <inheritdoc />
    protected override void MaxPool2dBackwardCore(Conv2dGeometry geometry, Tensor<float> gradOutput, IndexTensor argmax, Tensor<float> gradInput)
        => Pool2d.MaxPool2dBackward<float>(geometry, D(gradOutput), I(argmax), gradInput.Rows, D(gradInput), Threads);

    /// <inheritdoc />
    protected override void AvgPool2dForwardCore(Conv2dGeometry geometry, Tensor<float> input, Tensor<float> output)
        => Pool2d.AvgPool2dForward<float>(geometry, D(input), input.Rows, D(output), Threads);

    /// <inheritdoc />
    protected override void AvgPool2dBackwardCore(Conv2dGeometry geometry, Tensor<float> gradOutput, Tensor<float> gradInput)
        => Pool2d.AvgPool2dBackward<float>(geometry, D(gradOutput), gradInput.Rows, D(gradInput), Threads);
}
