using System.Diagnostics;
using BoundLab.Numerics.Random;
using BoundLab.Numerics.Tensors;
using ILGPU;
using ILGPU.Runtime.Cuda;

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
    {
        ArgumentNullException.ThrowIfNull(device);
        RequirePositive(m, nameof(m));
        RequirePositive(n, nameof(n));
        RequirePositive(k, nameof(k));
        RequirePositive(repetitions, nameof(repetitions));
        if ((long)m * k > int.MaxValue || (long)k * n > int.MaxValue || (long)m * n > int.MaxValue)
        {
            throw new ArgumentException($"the SGEMM {m}×{n}×{k} has an operand over {int.MaxValue} elements; allowed: m·k, k·n and m·n ≤ {int.MaxValue}.", nameof(k));
        }

        if (withCuBlas && device.Target != GpuTarget.Cuda)
        {
            throw new ArgumentException($"cuBLAS needs a CUDA device; {device.Name} is ILGPU's CPU accelerator (the simulator): time our kernel alone there (withCuBlas = false).", nameof(withCuBlas));
        }

        var backend = new GpuBackend(device);
        float[] ha = RandomOperand(1, (long)m * k), hb = RandomOperand(2, (long)k * n);
        Tensor<float> a = backend.Allocate(transA ? k : m, transA ? m : k);
        Tensor<float> b = backend.Allocate(transB ? n : k, transB ? k : n);
        Tensor<float> c = backend.Allocate(m, n);
        backend.Upload(ha, a);
        backend.Upload(hb, b);
        double ours = MedianSeconds(device, repetitions, () => backend.MatMul(a, transA, b, transB, c, 1f, 0f));
        if (!withCuBlas)
        {
            return new SgemmTiming(m, n, k, transA, transB, ours, null, null);
        }

        Tensor<float> cBlas = backend.Allocate(m, n);
        double blas = CuBlasMedianSeconds(device, m, n, k, transA, transB, a, b, cBlas, repetitions);

        // The Higham scale Σₚ|a||b| of every element, computed by our kernel on |A| and |B|.
        Tensor<float> absA = backend.Allocate(a.Rows, a.Cols), absB = backend.Allocate(b.Rows, b.Cols), scale = backend.Allocate(m, n);
        backend.Upload(Array.ConvertAll(ha, MathF.Abs), absA);
        backend.Upload(Array.ConvertAll(hb, MathF.Abs), absB);
        backend.MatMul(absA, transA, absB, transB, scale, 1f, 0f);
        float[] x = backend.ToArray(c), y = backend.ToArray(cBlas), s = backend.ToArray(scale);
        double worst = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double d = Math.Abs((double)x[i] - y[i]);
            worst = Math.Max(worst, s[i] > 0 ? d / s[i] : d);
        }

        return new SgemmTiming(m, n, k, transA, transB, ours, blas, worst);
    }

    private static void RequirePositive(int value, string name)
    {
        if (value < 1)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} is {value}; allowed: an integer ≥ 1.");
        }
    }

    /// <summary>Uniform(−1, 1) float32 values from a fixed seed.</summary>
    private static float[] RandomOperand(ulong seed, long length)
    {
        RandomStream stream = RngKey.FromSeed(seed).Stream();
        var values = new float[length];
        for (long i = 0; i < length; i++)
        {
            values[i] = (float)(stream.NextDouble() * 2 - 1);
        }

        return values;
    }

    /// <summary>Median wall time of one call (device synchronized before and after), after one warm-up call (which
    /// also compiles the kernel, so compile time is not in the figure).</summary>
    private static double MedianSeconds(GpuDevice device, int repetitions, Action call)
    {
        call();
        Synchronize(device);
        var times = new double[repetitions];
        for (int r = 0; r < repetitions; r++)
        {
            long start = Stopwatch.GetTimestamp();
            call();
            Synchronize(device);
            times[r] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }

        Array.Sort(times);
        return repetitions % 2 == 1 ? times[repetitions / 2] : 0.5 * (times[repetitions / 2 - 1] + times[repetitions / 2]);
    }

    private static void Synchronize(GpuDevice device)
    {
        lock (device.Sync)
        {
            device.Accelerator.Synchronize();
        }
    }

    /// <summary>cuBLAS Sgemm (FP32 math mode, no TF32; host pointer mode) on the same row-major operands: row-major
    /// C = op(A)·op(B) is column-major Cᵀ = op(B)ᵀ·op(A)ᵀ, and a row-major buffer read column-major is its transpose.</summary>
    private static double CuBlasMedianSeconds(GpuDevice device, int m, int n, int k, bool transA, bool transB,
        Tensor<float> a, Tensor<float> b, Tensor<float> c, int repetitions)
    {
        var cuda = (CudaAccelerator)device.Accelerator;
        using var blas = new CuBlas(cuda);
        blas.Stream = (CudaStream)cuda.DefaultStream;
        blas.PointerMode = CuBlasPointerMode.Host;
        blas.MathMode = CuBlasMathMode.DefaultMath;
        CuBlasOperation opB = transB ? CuBlasOperation.Transpose : CuBlasOperation.NonTranspose;
        CuBlasOperation opA = transA ? CuBlasOperation.Transpose : CuBlasOperation.NonTranspose;
        int ldb = transB ? k : n, lda = transA ? m : k;
        ArrayView<float> va = GpuBackend.G(a).View, vb = GpuBackend.G(b).View, vc = GpuBackend.G(c).View;
        return MedianSeconds(device, repetitions, () =>
        {
            lock (device.Sync)
            {
                blas.Gemm(opB, opA, n, m, k, 1f, vb, ldb, va, lda, 0f, vc, n);
            }
        });
    }
}
