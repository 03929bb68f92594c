namespace BoundLab.Gpu;

/// <summary>One SGEMM shape timed on a device: our kernel, and cuBLAS (FP32, no TF32) when asked and available.</summary>
/// <param name="M">Rows of C.</param>
/// <param name="N">Columns of C.</param>
/// <param name="K">Inner dimension.</param>
/// <param name="TransA">Whether A is read transposed.</param>
/// <param name="TransB">Whether B is read transposed.</param>
/// <param name="OursSeconds">Median seconds of one call of our kernel (device-synchronized, after warm-up).</param>
/// <param name="CuBlasSeconds">Median seconds of one cuBLAS Sgemm call on the same operands, or null.</param>
/// <param name="MaxRelativeDifference">max |ours − cuBLAS| / (Σₚ|a||b| bound scale) over C, or null without cuBLAS.</param>
public sealed record SgemmTiming(int M, int N, int K, bool TransA, bool TransB, double OursSeconds, double? CuBlasSeconds, double? MaxRelativeDifference)
{
    /// <summary>Our GFLOP/s (2·M·N·K flops per call).</summary>
    public double OursGflops => 2.0 * M * N * K / OursSeconds / 1e9;

    /// <summary>cuBLAS GFLOP/s, or null.</summary>
    public double? CuBlasGflops => CuBlasSeconds is { } s ? 2.0 * M * N * K / s / 1e9 : null;

    /// <summary>Our speed as a fraction of cuBLAS's (the target ratio), or null.</summary>
    public double? RatioToCuBlas => CuBlasSeconds is { } s ? s / OursSeconds : null;
}

/// <summary>Device benchmarks used by <c>boundlab bench gpu</c> and bench/gpu.sh.</summary>
public static partial class GpuBenchmarks
{
    /// <summary>Times C = A·B (with the given transposes) on random operands, <paramref name="repetitions"/> calls after
    /// one warm-up call, median reported; with <paramref name="withCuBlas"/> also cuBLAS (ILGPU.Algorithms' CuBlas
    /// wrapper; CUDA devices only) on the same operands, and the largest difference between the two results.</summary>
    public static SgemmTiming Sgemm(GpuDevice device, int m, int n, int k, bool transA, bool transB, int repetitions, bool withCuBlas)
        => throw new NotImplementedException("helper gemm");
}
