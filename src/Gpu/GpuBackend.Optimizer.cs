using BoundLab.Numerics.Random;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Gpu;

public sealed partial class GpuBackend
{
    /// <inheritdoc />
    protected override double DotCore(Tensor<float> x, Tensor<float> y) => throw new NotImplementedException("helper optimizer");

    /// <inheritdoc />
    protected override void ColumnSumsCore(Tensor<float> m, Tensor<float> sums, bool accumulate) => throw new NotImplementedException("helper optimizer");

    /// <inheritdoc />
    protected override void SgdStepCore(Tensor<float> w, Tensor<float> g, Tensor<float>? velocity, double learningRate, double momentum, double weightDecay) => throw new NotImplementedException("helper optimizer");

    /// <inheritdoc />
    protected override double EffectiveGradientNormSquaredCore(Tensor<float> w, Tensor<float> g, double weightDecay) => throw new NotImplementedException("helper optimizer");

    /// <inheritdoc />
    protected override void LangevinStepCore(Tensor<float> w, Tensor<float> g, double learningRate, double weightDecay, double noiseScale, NoiseKey key) => throw new NotImplementedException("helper optimizer");

    /// <inheritdoc />
    protected override void AddNoiseCore(Tensor<float> t, NoiseKey key, double scale) => throw new NotImplementedException("helper optimizer");

    /// <inheritdoc />
    protected override void FillNoiseCore(Tensor<float> t, NoiseKey key) => throw new NotImplementedException("helper optimizer");
}
