using BoundLab.Numerics.Backends;
using BoundLab.Numerics.Data;
using BoundLab.Numerics.Kernels;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Gpu;

public sealed partial class GpuBackend
{
    /// <inheritdoc />
    protected override ResidentDataset<float> UploadDatasetCore(Dataset data) => throw new NotImplementedException("helper conv");

    /// <inheritdoc />
    protected override void GatherCore(ResidentDataset<float> data, ReadOnlySpan<int> rows, Batch<float> batch) => throw new NotImplementedException("helper conv");

    /// <inheritdoc />
    protected override void Im2ColCore(Conv2dGeometry geometry, Tensor<float> input, Tensor<float> cols) => throw new NotImplementedException("helper conv");

    /// <inheritdoc />
    protected override void Col2ImCore(Conv2dGeometry geometry, Tensor<float> cols, Tensor<float> input) => throw new NotImplementedException("helper conv");

    /// <inheritdoc />
    protected override void MaxPool2dForwardCore(Conv2dGeometry geometry, Tensor<float> input, Tensor<float> output, IndexTensor argmax) => throw new NotImplementedException("helper conv");

    /// <inheritdoc />
    protected override void MaxPool2dBackwardCore(Conv2dGeometry geometry, Tensor<float> gradOutput, IndexTensor argmax, Tensor<float> gradInput) => throw new NotImplementedException("helper conv");

    /// <inheritdoc />
    protected override void AvgPool2dForwardCore(Conv2dGeometry geometry, Tensor<float> input, Tensor<float> output) => throw new NotImplementedException("helper conv");

    /// <inheritdoc />
    protected override void AvgPool2dBackwardCore(Conv2dGeometry geometry, Tensor<float> gradOutput, Tensor<float> gradInput) => throw new NotImplementedException("helper conv");
}
