using BoundLab.Numerics.Kernels;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Numerics.Backends;

/// <summary>The fast CPU backend: packed AVX-512/AVX2 SGEMM and SIMD element-wise kernels.
/// Results are bit-identical whatever <see cref="Threads"/> is.</summary>
public sealed class CpuBackend : Backend<float>
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
    protected override void MatMulCore(Matrix<float> a, bool transA, Matrix<float> b, bool transB, Matrix<float> c, float alpha, float beta)
        => Gemm.Multiply(a, transA, b, transB, c, alpha, beta, Threads);

    /// <inheritdoc />
    protected override void BiasActivationCore(Matrix<float> z, ReadOnlySpan<float> bias, Activation activation, Matrix<float> output)
        => Elementwise.BiasActivation(z, bias, activation, output, Threads);

    /// <inheritdoc />
    protected override void ActivationBackwardCore(Activation activation, Matrix<float> pre, Matrix<float> output, Matrix<float> gradOutput, Matrix<float> gradPre)
        => Elementwise.ActivationBackward(activation, pre, output, gradOutput, gradPre, Threads);

    /// <inheritdoc />
    protected override void ColumnSumsCore(Matrix<float> m, Span<float> sums)
        => Elementwise.ColumnSums(m, sums);
}
