using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static BoundLab.Numerics.Kernels.SgemmMicroKernel;

namespace BoundLab.Numerics.Kernels;

/// <summary>Copies blocks of op(A) and op(B) into the layouts the micro-kernel streams through:
/// an A sliver holds MR consecutive values per k, a B sliver NR consecutive values per k.
/// Transposition happens here, so the kernel never sees a stride; slivers that run past the
/// matrix edge are padded with zeros (a zero term leaves an FMA chain's value unchanged).</summary>
internal static unsafe class SgemmPacking
{
    /// <summary>Packs op(A)[i0 .. i0+rows, p0 .. p0+kc] (rows ≤ MR) into <paramref name="dst"/> (kc·MR floats).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackA(bool transA, float* a, nint lda, int i0, int rows, int p0, int kc, float* dst)
    {
        if (transA)
        {
            // op(A)(i, p) = a[p·lda + i]: each k contributes MR consecutive floats.
            float* src = a + p0 * lda + i0;
            if (rows == MR)
            {
                for (int p = 0; p < kc; p++, src += lda, dst += MR)
                {
                    Vector256.Store(Vector256.Load(src), dst);
                    Vector128.Store(Vector128.Load(src + 8), dst + 8);
                }

                return;
            }

            for (int p = 0; p < kc; p++, src += lda, dst += MR)
            {
                for (int i = 0; i < MR; i++)
                {
                    dst[i] = i < rows ? src[i] : 0f;
                }
            }

            return;
        }

        // op(A)(i, p) = a[i·lda + p]: a transposing copy.
        TransposeInto(a + i0 * lda + p0, lda, rows, kc, dst, MR);
        ZeroColumns(dst, MR, rows, kc);
    }

    /// <summary>Packs op(B)[p0 .. p0+kc, j0 .. j0+cols] as ⌈cols/NR⌉ slivers of kc·NR floats each.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackB(bool transB, float* b, nint ldb, int p0, int kc, int j0, int cols, float* dst)
    {
        for (int s = 0; s < cols; s += NR, dst += kc * NR)
        {
            int w = Math.Min(NR, cols - s);
            if (transB)
            {
                PackBTransposedSliver(b, ldb, p0, kc, j0 + s, w, dst);
            }
            else
            {
                PackBSliver(b, ldb, p0, kc, j0 + s, w, dst);
            }
        }
    }

    // op(B)(p, j) = b[p·ldb + j]: each k row of the sliver is a contiguous run of B.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackBSliver(float* b, nint ldb, int p0, int kc, int j0, int w, float* dst)
    {
        float* src = b + p0 * ldb + j0;
        if (w == NR)
        {
            for (int p = 0; p < kc; p++, src += ldb, dst += NR)
            {
                Vector256.Store(Vector256.Load(src), dst);
                Vector256.Store(Vector256.Load(src + 8), dst + 8);
                Vector256.Store(Vector256.Load(src + 16), dst + 16);
                Vector256.Store(Vector256.Load(src + 24), dst + 24);
            }

            return;
        }

        for (int p = 0; p < kc; p++, src += ldb, dst += NR)
        {
            for (int j = 0; j < NR; j++)
            {
                dst[j] = j < w ? src[j] : 0f;
            }
        }
    }

    // op(B)(p, j) = b[j·ldb + p]: a transposing copy.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackBTransposedSliver(float* b, nint ldb, int p0, int kc, int j0, int w, float* dst)
    {
        TransposeInto(b + j0 * ldb + p0, ldb, w, kc, dst, NR);
        ZeroColumns(dst, NR, w, kc);
    }

    // dst[p·width + r] = src[r·srcStride + p] for r < rows, p < kc. Four rows at a time go through the
    // SSE 4×4 transpose, so both the reads and the writes are whole vectors instead of single floats.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransposeInto(float* src, nint srcStride, int rows, int kc, float* dst, int width)
    {
        int r = 0;
        for (; r + 4 <= rows; r += 4)
        {
            float* s0 = src + r * srcStride, s1 = s0 + srcStride, s2 = s1 + srcStride, s3 = s2 + srcStride;
            float* d = dst + r;
            int p = 0;
            if (Sse.IsSupported)
            {
                for (; p + 4 <= kc; p += 4, d += 4 * width)
                {
                    Vector128<float> x0 = Sse.LoadVector128(s0 + p), x1 = Sse.LoadVector128(s1 + p);
                    Vector128<float> x2 = Sse.LoadVector128(s2 + p), x3 = Sse.LoadVector128(s3 + p);
                    Vector128<float> lo01 = Sse.UnpackLow(x0, x1), lo23 = Sse.UnpackLow(x2, x3);
                    Vector128<float> hi01 = Sse.UnpackHigh(x0, x1), hi23 = Sse.UnpackHigh(x2, x3);
                    Sse.Store(d, Sse.MoveLowToHigh(lo01, lo23));
                    Sse.Store(d + width, Sse.MoveHighToLow(lo23, lo01));
                    Sse.Store(d + 2 * width, Sse.MoveLowToHigh(hi01, hi23));
                    Sse.Store(d + 3 * width, Sse.MoveHighToLow(hi23, hi01));
                }
            }

            for (; p < kc; p++, d += width)
            {
                d[0] = s0[p];
                d[1] = s1[p];
                d[2] = s2[p];
                d[3] = s3[p];
            }
        }

        for (; r < rows; r++)
        {
            float* s0 = src + r * srcStride;
            for (int p = 0; p < kc; p++)
            {
                dst[p * width + r] = s0[p];
            }
        }
    }

    // Zero-pads columns from..width of a kc×width packed sliver.
    private static void ZeroColumns(float* dst, int width, int from, int kc)
    {
        if (from == width)
        {
            return;
        }

        for (int p = 0; p < kc; p++)
        {
            new Span<float>(dst + p * width + from, width - from).Clear();
        }
    }
}
