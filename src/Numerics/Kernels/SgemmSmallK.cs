using System.Runtime.Intrinsics;
using static BoundLab.Numerics.Kernels.SgemmMicroKernel;

namespace BoundLab.Numerics.Kernels;

// The tall, shallow case (a convolution's input gradient δ·W: 12800 × 150 with k = 16 for LeNet's second layer).
internal static unsafe partial class SgemmDriver
{
    /// <summary>The deepest k of the tall-and-shallow route.</summary>
    internal const int SmallKMax = 32;

    /// <summary>The fewest rows of C of the tall-and-shallow route.</summary>
    internal const int SmallKMinRows = 1024;

    // Rows per block a thread claims.
    private const int SmallKRowBlock = 256;

    /// <summary>Whether C is tall and the product shallow: m ≥ 1024, 16 &lt; n ≤ NC, k ≤ 32.</summary>
    internal static bool SmallKApplies(int m, int n, int k) => m >= SmallKMinRows && n > SgemmThin.MaxN && n <= NC && k <= SmallKMax;

    /// <summary>C = alpha·op(A)·op(B) + beta·C for a shallow k: op(B) is packed once (k is one slice), then each pair of
    /// rows of C is two rows of FMA chains per 32-column sliver, read from A in place — no 12-row tiles, no packing of A.</summary>
    /// <remarks>Each element is one FMA chain from zero in increasing k, then the packed kernel's write-back
    /// (<c>alpha·acc</c>, combined by <c>fma(β, C, ·)</c>): the bits of <see cref="RunPacked"/> for any thread count.</remarks>
    private static void RunSmallK(bool transA, bool transB, int m, int n, int k, float alpha,
        float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb, float beta,
        float[] c, int cOffset, int ldc, int threads)
    {
        float* bufB = Scratch(out _);
        fixed (float* pa = a, pb = b, pc = c)
        {
            SgemmPacking.PackB(transB, pb + bOffset, ldb, 0, k, 0, n, bufB);
            int blocks = (m + SmallKRowBlock - 1) / SmallKRowBlock, pieces = Math.Min(threads, blocks);
            if (pieces <= 1)
            {
                SmallKRows(0, m, transA, n, k, alpha, pa + aOffset, lda, bufB, beta, pc + cOffset, ldc);
                return;
            }

            nint aAddress = (nint)(pa + aOffset), bAddress = (nint)bufB, cAddress = (nint)(pc + cOffset);
            int next = 0;
            WorkerPool.Run(pieces, _ =>
            {
                int block;
                while ((block = Interlocked.Increment(ref next) - 1) < blocks)
                {
                    int r0 = block * SmallKRowBlock;
                    SmallKRows(r0, Math.Min(m, r0 + SmallKRowBlock), transA, n, k, alpha, (float*)aAddress, lda,
                        (float*)bAddress, beta, (float*)cAddress, ldc);
                }
            });
        }
    }

    private static void SmallKRows(int r0, int r1, bool transA, int n, int k, float alpha, float* a, int lda, float* bufB,
        float beta, float* c, int ldc)
    {
        // op(A)(i, p) = a[p·lda + i] (transposed) or a[i·lda + p].
        nint stepP = transA ? lda : 1, stepI = transA ? 1 : lda;
        float* tmp = stackalloc float[2 * NR];
        for (int i = r0; i < r1; i += 2)
        {
            bool two = i + 1 < r1;
            float* bs = bufB;
            for (int jr = 0; jr < n; jr += NR, bs += k * NR)
            {
                TwoRows(k, a + i * stepI, stepP, two ? stepI : 0, bs, NR, tmp, two ? NR : 0);
                int cols = Math.Min(NR, n - jr);
                WriteBack(tmp, c + (nint)i * ldc + jr, cols, alpha, beta);
                if (two)
                {
                    WriteBack(tmp + NR, c + (nint)(i + 1) * ldc + jr, cols, alpha, beta);
                }
            }
        }
    }

    // The packed kernel's write-back of raw sums: C = alpha·acc (β = 0) or fma(β, C, alpha·acc).
    private static void WriteBack(float* acc, float* c, int cols, float alpha, float beta)
    {
        int j = 0;
        Vector256<float> va = Vector256.Create(alpha), vb = Vector256.Create(beta);
        for (; j + 8 <= cols; j += 8)
        {
            Vector256<float> r = Vector256.Load(acc + j) * va;
            (beta == 0f ? r : Vector256.FusedMultiplyAdd(vb, Vector256.Load(c + j), r)).Store(c + j);
        }

        for (; j < cols; j++)
        {
            float r = acc[j] * alpha;
            c[j] = beta == 0f ? r : MathF.FusedMultiplyAdd(beta, c[j], r);
        }
    }
}
