using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace BoundLab.Numerics.Kernels;

/// <summary>SGEMM for thin outputs, C = alpha·A·op(B) + beta·C with n ≤ <see cref="MaxN"/> columns and A not
/// transposed (a convolution's cols·Wᵀ: 100352 × 6 with k = 25 for LeNet's first layer), which the 12×32 packed
/// tiles of <see cref="SgemmDriver"/> fill to under a fifth.</summary>
/// <remarks>
/// op(B) is copied once into a k × 16 block (columns padded with zeros); each row of C is then one or two 8-float
/// accumulators, eight (n ≤ 8) or four (n ≤ 16) rows at a time, reading A's rows where they lie — no packing of A.
/// Bits: every element is the packed path's arithmetic — per k slice of <see cref="SgemmDriver.SliceDepth"/>, an FMA
/// chain from zero in increasing k, then <c>alpha·acc</c> combined with C by <c>fma(β, C, ·)</c> (β = 1 after the first
/// slice) — so the result equals <see cref="SgemmDriver.RunPacked"/>'s bit for bit, for every shape and thread count
/// (tested on the MLP's and LeNet's shapes). Rows are split across threads in fixed blocks.
/// </remarks>
internal static unsafe class SgemmThin
{
    /// <summary>The widest C this path takes.</summary>
    public const int MaxN = 16;

    /// <summary>The deepest k: op(B) is packed whole (k·16 floats, 256 KiB).</summary>
    public const int MaxK = 4096;

    // Rows per block a thread claims.
    private const int RowBlock = 512;

    [ThreadStatic]
    private static float[]? t_packed;

    /// <summary>Whether the thin path takes this product: A not transposed, 1 ≤ n ≤ 16, k ≤ 4096, at least 8 rows.</summary>
    public static bool Applies(bool transA, int m, int n, int k) => !transA && n <= MaxN && k <= MaxK && m >= 8;

    /// <summary>C = alpha·A·op(B) + beta·C on validated arguments (k ≥ 1, alpha ≠ 0, m, n ≥ 1).</summary>
    public static void Run(bool transB, int m, int n, int k, float alpha, float[] a, int aOffset, int lda,
        float[] b, int bOffset, int ldb, float beta, float[] c, int cOffset, int ldc, int threads)
    {
        float[] packed = t_packed is { } p && p.Length >= k * MaxN ? p
            : t_packed = GC.AllocateUninitializedArray<float>(Math.Max(k, 256) * MaxN, pinned: true);
        fixed (float* pa = a, pb = b, pc = c, pt = packed)
        {
            PackB(transB, n, k, pb + bOffset, ldb, pt);
            int blocks = (m + RowBlock - 1) / RowBlock;
            int pieces = Math.Min(threads, blocks);
            if (pieces <= 1 || (long)m * k * MaxN < ConvParallel.Threshold * 16)
            {
                Rows(0, m, n, k, alpha, pa + aOffset, lda, pt, beta, pc + cOffset, ldc);
                return;
            }

            RunBlocks(m, n, k, alpha, (nint)(pa + aOffset), lda, (nint)pt, beta, (nint)(pc + cOffset), ldc, blocks, pieces);
        }
    }

    // A separate method so that the single-threaded path allocates no closure.
    private static void RunBlocks(int m, int n, int k, float alpha, nint a, int lda, nint packed, float beta, nint c, int ldc,
        int blocks, int pieces)
    {
        int next = 0;
        WorkerPool.Run(pieces, _ =>
        {
            int block;
            while ((block = Interlocked.Increment(ref next) - 1) < blocks)
            {
                int r0 = block * RowBlock, r1 = Math.Min(m, r0 + RowBlock);
                Rows(r0, r1, n, k, alpha, (float*)a, lda, (float*)packed, beta, (float*)c, ldc);
            }
        });
    }

    // packed[p·16 + j] = op(B)[p, j] for j < n, 0 for n ≤ j < 16.
    private static void PackB(bool transB, int n, int k, float* b, nint ldb, float* dst)
    {
        for (int p = 0; p < k; p++, dst += MaxN)
        {
            for (int j = 0; j < MaxN; j++)
            {
                dst[j] = j >= n ? 0f : transB ? b[j * ldb + p] : b[p * ldb + j];
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows(int r0, int r1, int n, int k, float alpha, float* a, nint lda, float* bt, float beta, float* c, nint ldc)
    {
        int kStep = SgemmDriver.SliceDepth(k);
        for (int p0 = 0; p0 < k; p0 += kStep)
        {
            int kc = Math.Min(kStep, k - p0);
            float betaHere = p0 == 0 ? beta : 1f;
            float* bs = bt + p0 * MaxN;
            int i = r0;
            if (n <= 8)
            {
                for (; i + 8 <= r1; i += 8)
                {
                    Eight(kc, a + i * lda + p0, lda, bs, c + i * ldc, ldc, n, alpha, betaHere);
                }
            }
            else
            {
                for (; i + 4 <= r1; i += 4)
                {
                    Four(kc, a + i * lda + p0, lda, bs, c + i * ldc, ldc, n, alpha, betaHere);
                }
            }

            for (; i < r1; i++)
            {
                One(kc, a + i * lda + p0, bs, c + i * ldc, n, alpha, betaHere);
            }
        }
    }

    // Eight rows, one accumulator each (n ≤ 8).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Eight(int kc, float* a, nint lda, float* b, float* c, nint ldc, int n, float alpha, float beta)
    {
        Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
        Vector256<float> s4 = default, s5 = default, s6 = default, s7 = default;
        float* a4 = a + 4 * lda;
        for (int p = 0; p < kc; p++, b += MaxN)
        {
            Vector256<float> v = Vector256.Load(b);
            s0 = Vector256.FusedMultiplyAdd(Vector256.Create(a[p]), v, s0);
            s1 = Vector256.FusedMultiplyAdd(Vector256.Create(a[lda + p]), v, s1);
            s2 = Vector256.FusedMultiplyAdd(Vector256.Create(a[2 * lda + p]), v, s2);
            s3 = Vector256.FusedMultiplyAdd(Vector256.Create(a[3 * lda + p]), v, s3);
            s4 = Vector256.FusedMultiplyAdd(Vector256.Create(a4[p]), v, s4);
            s5 = Vector256.FusedMultiplyAdd(Vector256.Create(a4[lda + p]), v, s5);
            s6 = Vector256.FusedMultiplyAdd(Vector256.Create(a4[2 * lda + p]), v, s6);
            s7 = Vector256.FusedMultiplyAdd(Vector256.Create(a4[3 * lda + p]), v, s7);
        }

        Store(c, s0, default, n, alpha, beta);
        Store(c + ldc, s1, default, n, alpha, beta);
        Store(c + 2 * ldc, s2, default, n, alpha, beta);
        Store(c + 3 * ldc, s3, default, n, alpha, beta);
        Store(c + 4 * ldc, s4, default, n, alpha, beta);
        Store(c + 5 * ldc, s5, default, n, alpha, beta);
        Store(c + 6 * ldc, s6, default, n, alpha, beta);
        Store(c + 7 * ldc, s7, default, n, alpha, beta);
    }

    // Four rows, two accumulators each (8 < n ≤ 16).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Four(int kc, float* a, nint lda, float* b, float* c, nint ldc, int n, float alpha, float beta)
    {
        Vector256<float> s0 = default, t0 = default, s1 = default, t1 = default;
        Vector256<float> s2 = default, t2 = default, s3 = default, t3 = default;
        for (int p = 0; p < kc; p++, b += MaxN)
        {
            Vector256<float> v = Vector256.Load(b), w = Vector256.Load(b + 8);
            Vector256<float> x = Vector256.Create(a[p]);
            s0 = Vector256.FusedMultiplyAdd(x, v, s0);
            t0 = Vector256.FusedMultiplyAdd(x, w, t0);
            x = Vector256.Create(a[lda + p]);
            s1 = Vector256.FusedMultiplyAdd(x, v, s1);
            t1 = Vector256.FusedMultiplyAdd(x, w, t1);
            x = Vector256.Create(a[2 * lda + p]);
            s2 = Vector256.FusedMultiplyAdd(x, v, s2);
            t2 = Vector256.FusedMultiplyAdd(x, w, t2);
            x = Vector256.Create(a[3 * lda + p]);
            s3 = Vector256.FusedMultiplyAdd(x, v, s3);
            t3 = Vector256.FusedMultiplyAdd(x, w, t3);
        }

        Store(c, s0, t0, n, alpha, beta);
        Store(c + ldc, s1, t1, n, alpha, beta);
        Store(c + 2 * ldc, s2, t2, n, alpha, beta);
        Store(c + 3 * ldc, s3, t3, n, alpha, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void One(int kc, float* a, float* b, float* c, int n, float alpha, float beta)
    {
        Vector256<float> s = default, t = default;
        for (int p = 0; p < kc; p++, b += MaxN)
        {
            Vector256<float> x = Vector256.Create(a[p]);
            s = Vector256.FusedMultiplyAdd(x, Vector256.Load(b), s);
            t = Vector256.FusedMultiplyAdd(x, Vector256.Load(b + 8), t);
        }

        Store(c, s, t, n, alpha, beta);
    }

    // The packed kernel's write-back per element: r = acc·alpha, then C = r (β = 0) or fma(β, C, r).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, Vector256<float> s, Vector256<float> t, int n, float alpha, float beta)
    {
        Vector256<float> va = Vector256.Create(alpha);
        s *= va;
        t *= va;
        if (n == 8 || n == 16)
        {
            if (beta != 0f)
            {
                Vector256<float> vb = Vector256.Create(beta);
                s = Vector256.FusedMultiplyAdd(vb, Vector256.Load(c), s);
                t = n == 16 ? Vector256.FusedMultiplyAdd(vb, Vector256.Load(c + 8), t) : t;
            }

            s.Store(c);
            if (n == 16)
            {
                t.Store(c + 8);
            }

            return;
        }

        for (int j = 0; j < n; j++)
        {
            float r = j < 8 ? s.GetElement(j) : t.GetElement(j - 8);
            c[j] = beta == 0f ? r : MathF.FusedMultiplyAdd(beta, c[j], r);
        }
    }
}
