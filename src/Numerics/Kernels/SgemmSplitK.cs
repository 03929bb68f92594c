using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using static BoundLab.Numerics.Kernels.SgemmMicroKernel;

namespace BoundLab.Numerics.Kernels;

// The small-C, deep-k case (a convolution's weight gradient gradOutᵀ·cols: 6 × 25 with k = 100352 for LeNet's first layer).
internal static unsafe partial class SgemmDriver
{
    /// <summary>Slices computed in parallel before they are folded into C (bounds the partial buffer to
    /// Window·m·n floats).</summary>
    internal const int SplitWindow = 32;

    /// <summary>Largest m·n for which the k slices are split across threads.</summary>
    internal const int SplitMaxOutput = 1 << 14;

    [ThreadStatic]
    private static float[]? t_partials;

    /// <summary>Rows of C up to which a slice is computed two rows at a time from A in place (no 12-row padding).</summary>
    internal const int SplitSmallM = 16;

    /// <summary>Whether the k slices are computed apart and folded (any thread count): at least 4 slices (k ≥ 769), C of
    /// at most 16384 values, n ≤ NC, and either m ≤ 16 or a tile grid too small to keep every thread busy (fewer than 4
    /// tiles per thread).</summary>
    internal static bool SplitKApplies(int m, int n, int k, int threads)
    {
        int slices = (k + KC - 1) / KC;
        long tiles = (long)((m + MR - 1) / MR) * ((n + NR - 1) / NR);
        return slices >= 4 && (long)m * n <= SplitMaxOutput && n <= NC && (m <= SplitSmallM || tiles < 4L * threads);
    }

    /// <summary>C = alpha·op(A)·op(B) + beta·C with the k slices shared out: each slice's raw sums (an FMA chain from
    /// zero, by the packed kernel) go to a buffer of their own, and are then folded into C in slice order with the
    /// packed path's arithmetic — <c>C = alpha·acc₀</c> or <c>fma(β, C, alpha·acc₀)</c>, then <c>fma(1, C, alpha·accₛ)</c>.</summary>
    /// <remarks>The slices depend on k alone and the fold order is fixed, so the result is <see cref="RunPacked"/>'s
    /// bit for bit whatever the thread count or the assignment of slices to threads.</remarks>
    private static void RunSplitK(bool transA, bool transB, int m, int n, int k, float alpha,
        float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb, float beta,
        float[] c, int cOffset, int ldc, int threads, bool useAvx512)
    {
        int ld = (n + NR - 1) / NR * NR;
        long bAvailable = b.Length - bOffset;
        int kStep = SliceDepth(k), slices = (k + kStep - 1) / kStep, size = m * ld;
        float[] partials = t_partials is { } p && p.Length >= SplitWindow * size ? p
            : t_partials = GC.AllocateUninitializedArray<float>(SplitWindow * size, pinned: true);
        fixed (float* pa0 = a, pb0 = b, pc0 = c, pp = partials)
        {
            nint pa = (nint)(pa0 + aOffset), pb = (nint)(pb0 + bOffset), ppart = (nint)pp;
            float* pc = pc0 + cOffset;
            for (int w0 = 0; w0 < slices; w0 += SplitWindow)
            {
                int count = Math.Min(SplitWindow, slices - w0), next = 0, first = w0;
                WorkerPool.Run(Math.Min(threads, count), _ =>
                {
                    int s;
                    while ((s = Interlocked.Increment(ref next) - 1) < count)
                    {
                        int p0 = (first + s) * kStep;
                                SlicePartial(transA, transB, m, n, p0, Math.Min(kStep, k - p0), (float*)pa, lda, (float*)pb, ldb,
                            bAvailable, (float*)ppart + s * size, ld, useAvx512);
                    }
                });

                for (int s = 0; s < count; s++)
                {
                    Fold(m, n, alpha, w0 + s == 0 ? beta : 1f, pp + s * size, ld, pc, ldc);
                }
            }
        }
    }

    // dst (m×n, row stride ld ≥ n rounded up to NR) = the raw FMA chains of op(A)[:, p0 .. p0+kc]·op(B)[p0 .. p0+kc, :].
    private static void SlicePartial(bool transA, bool transB, int m, int n, int p0, int kc, float* a, int lda,
        float* b, int ldb, long bAvailable, float* dst, int ld, bool useAvx512)
    {
        float* bufB = Scratch(out float* bufA);
        // B not transposed, its slice's rows then readable 32 wide (the last sliver's spare lanes inside the array):
        // read in place, else packed into zero-padded slivers.
        bool inPlace = m <= SplitSmallM && !transB && (long)(p0 + kc - 1) * ldb + (n + NR - 1) / NR * NR <= bAvailable;
        if (!inPlace)
        {
            SgemmPacking.PackB(transB, b, ldb, p0, kc, 0, n, bufB);
        }

        if (m <= SplitSmallM)
        {
            // op(A)(i, p) = a[p·lda + i] (transposed) or a[i·lda + p].
            nint stepP = transA ? lda : 1, stepI = transA ? 1 : lda;
            float* a0 = a + p0 * stepP;
            for (int ir = 0; ir < m; ir += 2)
            {
                for (int jr = 0; jr < n; jr += NR)
                {
                    float* bs = inPlace ? b + (nint)p0 * ldb + jr : bufB + jr * kc;
                    TwoRows(kc, a0 + ir * stepI, stepP, m - ir > 1 ? stepI : 0, bs, inPlace ? ldb : NR, dst + ir * ld + jr,
                        m - ir > 1 ? ld : 0);
                }
            }

            return;
        }

        for (int ir = 0; ir < m; ir += MR)
        {
            int rows = Math.Min(MR, m - ir);
            SgemmPacking.PackA(transA, a, lda, ir, rows, p0, kc, bufA);
            float* bs = bufB;
            for (int jr = 0; jr < n; jr += NR, bs += kc * NR)
            {
                int cols = Math.Min(NR, n - jr);
                if (rows == MR && cols == NR)
                {
                    Tile(useAvx512, kc, bufA, bs, dst + ir * ld + jr, ld, 1f, 0f);
                }
                else
                {
                    EdgeTile(useAvx512, kc, bufA, bs, dst + ir * ld + jr, ld, rows, cols, 1f, 0f);
                }
            }
        }
    }

    // Two rows (the second at a + stepI; stepI = 0 computes the first twice and ldd = 0 stores it twice) of one
    // 32-column B sliver (row stride ldb: NR packed, or B itself): eight 8-float FMA chains from zero in increasing k,
    // stored whole — the packed kernel's sums (lanes past n hold whatever B's memory gives, and are never read).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TwoRows(int kc, float* a, nint stepP, nint stepI, float* b, nint ldb, float* dst, nint ldd)
    {
        Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
        Vector256<float> t0 = default, t1 = default, t2 = default, t3 = default;
        float* a1 = a + stepI;
        for (int p = 0; p < kc; p++, a += stepP, a1 += stepP, b += ldb)
        {
            Vector256<float> b0 = Vector256.Load(b), b1 = Vector256.Load(b + 8);
            Vector256<float> b2 = Vector256.Load(b + 16), b3 = Vector256.Load(b + 24);
            Vector256<float> x = Vector256.Create(*a), y = Vector256.Create(*a1);
            s0 = Vector256.FusedMultiplyAdd(x, b0, s0);
            s1 = Vector256.FusedMultiplyAdd(x, b1, s1);
            s2 = Vector256.FusedMultiplyAdd(x, b2, s2);
            s3 = Vector256.FusedMultiplyAdd(x, b3, s3);
            t0 = Vector256.FusedMultiplyAdd(y, b0, t0);
            t1 = Vector256.FusedMultiplyAdd(y, b1, t1);
            t2 = Vector256.FusedMultiplyAdd(y, b2, t2);
            t3 = Vector256.FusedMultiplyAdd(y, b3, t3);
        }

        // Row 1 first: when ldd = 0 it is row 0 again, and row 0's store then wins with the same values.
        t0.Store(dst + ldd);
        t1.Store(dst + ldd + 8);
        t2.Store(dst + ldd + 16);
        t3.Store(dst + ldd + 24);
        s0.Store(dst);
        s1.Store(dst + 8);
        s2.Store(dst + 16);
        s3.Store(dst + 24);
    }

    // C = r (β = 0) or fma(β, C, r) with r = alpha·partial, element by element as the packed kernel's write-back.
    private static void Fold(int m, int n, float alpha, float beta, float* partial, int ld, float* c, int ldc)
    {
        for (int i = 0; i < m; i++, partial += ld, c += ldc)
        {
            for (int j = 0; j < n; j++)
            {
                float r = partial[j] * alpha;
                c[j] = beta == 0f ? r : MathF.FusedMultiplyAdd(beta, c[j], r);
            }
        }
    }
}
