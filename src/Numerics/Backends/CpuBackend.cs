using BoundLab.Numerics.Kernels;
using BoundLab.Numerics.Optimizers;
using BoundLab.Numerics.Random;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Numerics.Backends;

/// <summary>The fast CPU backend: packed AVX-512/AVX2 SGEMM, SIMD element-wise kernels and the vectorized
/// keyed Philox noise. Results are bit-identical whatever <see cref="Threads"/> is.</summary>
public sealed partial class CpuBackend : HostBackend<float>
{
    /// <summary>A backend using <paramref name="threads"/> threads (0 = all processors).</summary>
    public CpuBackend(int threads = 0)
    {
        if (threads < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(threads), threads, "allowed: threads ≥ 0 (0 = all processors)");
        }

        Threads = threads == 0 ? Environment.ProcessorCount : threads;
    }

    /// <summary>Number of worker threads used by the kernels.</summary>
    public int Threads { get; }

    /// <inheritdoc />
    public override string Name => "cpu";

    /// <inheritdoc />
    protected override void MatMulCore(Tensor<float> a, bool transA, Tensor<float> b, bool transB, Tensor<float> c, float alpha, float beta)
        => Gemm.Multiply(M(a), transA, M(b), transB, M(c), alpha, beta, Threads);

    /// <inheritdoc />
    protected override void BiasActivationCore(Tensor<float> z, Tensor<float>? bias, Activation activation, Tensor<float> output)
        => Elementwise.BiasActivation(M(z), bias is null ? [] : D(bias), activation, M(output), Threads);

    /// <inheritdoc />
    protected override void ActivationBackwardCore(Activation activation, Tensor<float> pre, Tensor<float> output, Tensor<float> gradOutput, Tensor<float> gradPre)
        => Elementwise.ActivationBackward(activation, M(pre), M(output), M(gradOutput), M(gradPre), Threads);

    /// <inheritdoc />
    protected override void ColumnSumsCore(Tensor<float> m, Tensor<float> sums, bool accumulate)
    {
        if (!accumulate)
        {
            Elementwise.ColumnSums(M(m), D(sums), Threads);
            return;
        }

        var fresh = new float[sums.Length];
        Elementwise.ColumnSums(M(m), fresh, Threads);
        Elementwise.Axpy(1, fresh, D(sums));
    }

    /// <inheritdoc />
    protected override void AxpyCore(float alpha, Tensor<float> x, Tensor<float> y) => Elementwise.Axpy(alpha, D(x), D(y));

    /// <inheritdoc />
    protected override void ScaleCore(float alpha, Tensor<float> x) => Elementwise.Scale(alpha, D(x));

    /// <inheritdoc />
    protected override double DotCore(Tensor<float> x, Tensor<float> y) => Elementwise.Dot(D(x), D(y));

    /// <inheritdoc />
    /// <remarks>In float32 with the update's own association (<see cref="Update"/>); within float rounding of the
    /// float64 specification.</remarks>
    protected override void SgdStepCore(Tensor<float> w, Tensor<float> g, Tensor<float>? velocity, double learningRate, double momentum, double weightDecay)
    {
        if (velocity is null)
        {
            Update.Descend(D(w), D(g), (float)learningRate, (float)weightDecay);
        }
        else
        {
            Update.MomentumDescend(D(w), D(g), D(velocity), (float)learningRate, (float)momentum, (float)weightDecay);
        }
    }

    /// <inheritdoc />
    protected override double EffectiveGradientNormSquaredCore(Tensor<float> w, Tensor<float> g, double weightDecay)
        => Update.NormSquared(D(w), D(g), weightDecay);

    /// <inheritdoc />
    protected override void LangevinStepCore(Tensor<float> w, Tensor<float> g, double learningRate, double weightDecay, double noiseScale, NoiseKey key)
        => GaussianNoise.LangevinStep(key, D(w), D(g), (float)learningRate, (float)weightDecay, (float)noiseScale, Threads);

    /// <inheritdoc />
    protected override void AddNoiseCore(Tensor<float> t, NoiseKey key, double scale)
        => GaussianNoise.AddScaled(key, D(t), (float)scale, Threads);

    /// <inheritdoc />
    protected override void FillNoiseCore(Tensor<float> t, NoiseKey key) => GaussianNoise.Fill(key, D(t), Threads);
}
