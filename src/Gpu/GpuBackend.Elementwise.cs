using BoundLab.Numerics.Backends;
using BoundLab.Numerics;
using BoundLab.Numerics.Losses;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Gpu;

public sealed partial class GpuBackend
{
    /// <inheritdoc />
    protected override void FillCore(Tensor<float> tensor, float value) => throw new NotImplementedException("helper elementwise");

    /// <inheritdoc />
    protected override void AxpyCore(float alpha, Tensor<float> x, Tensor<float> y) => throw new NotImplementedException("helper elementwise");

    /// <inheritdoc />
    protected override void ScaleCore(float alpha, Tensor<float> x) => throw new NotImplementedException("helper elementwise");

    /// <inheritdoc />
    protected override void BiasActivationCore(Tensor<float> z, Tensor<float>? bias, Activation activation, Tensor<float> output) => throw new NotImplementedException("helper elementwise");

    /// <inheritdoc />
    protected override void ActivationBackwardCore(Activation activation, Tensor<float> pre, Tensor<float> output, Tensor<float> gradOutput, Tensor<float> gradPre) => throw new NotImplementedException("helper elementwise");

    /// <inheritdoc />
    protected override double LossCore(LossKind loss, Tensor<float> outputs, BatchTargets<float> targets, Tensor<float>? grad) => throw new NotImplementedException("helper elementwise");

    /// <inheritdoc />
    protected override double ErrorSumCore(Tensor<float> outputs, BatchTargets<float> targets) => throw new NotImplementedException("helper elementwise");
}
