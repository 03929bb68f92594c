using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace BoundLab.Numerics.Kernels;

/// <summary>The register-blocked inner kernel of SGEMM: one <see cref="MR"/>×<see cref="NR"/> tile of C
/// from a packed A sliver (MR floats per k) and a packed B sliver (NR floats per k).</summary>
/// <remarks>
/// Every output element is one fused-multiply-add chain over k in increasing order, then
/// <c>C = alpha·acc</c> (β = 0) or <c>C = fma(β, C, alpha·acc)</c>. Both kernels below perform exactly
/// that arithmetic per element, so they agree bit for bit, and so do full and edge tiles.
/// 12×32 follows the shape BLIS uses on AVX-512 cores: 24 zmm accumulators hide the FMA latency,
/// and per k the two B loads and twelve broadcasts stay well under the load ports' rate.
/// </remarks>
internal static unsafe class SgemmMicroKernel
{
    /// <summary>Rows of a tile (broadcast from A).</summary>
    public const int MR = 12;

    /// <summary>Columns of a tile (two 16-float vectors of B).</summary>
    public const int NR = 32;

    /// <summary>Whether the AVX-512 kernel can run on this machine.</summary>
    public static bool Avx512Available => Avx512F.IsSupported && Vector512.IsHardwareAccelerated;

    /// <summary>Computes one full tile and writes it to C with row stride <paramref name="ldc"/>.</summary>
    public static void Tile(bool useAvx512, int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
    {
        if (useAvx512)
        {
            Tile512(kc, a, b, c, ldc, alpha, beta);
        }
        else
        {
            TilePortable(kc, a, b, c, ldc, alpha, beta);
        }
    }

    /// <summary>Computes a tile of which only <paramref name="rows"/>×<paramref name="cols"/> lie inside C:
    /// the full tile goes to a scratch buffer, then the valid part is combined with C by the same formula.</summary>
    public static void EdgeTile(bool useAvx512, int kc, float* a, float* b, float* c, nint ldc, int rows, int cols,
        float alpha, float beta)
    {
        float* tile = stackalloc float[MR * NR];
        Tile(useAvx512, kc, a, b, tile, NR, 1f, 0f);
        for (int i = 0; i < rows; i++)
        {
            float* t = tile + i * NR;
            float* cr = c + i * ldc;
            for (int j = 0; j < cols; j++)
            {
                float r = t[j] * alpha;
                cr[j] = beta == 0f ? r : MathF.FusedMultiplyAdd(beta, cr[j], r);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile512(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default, c70 = default, c71 = default, c80 = default, c81 = default;
        Vector512<float> c90 = default, c91 = default, ca0 = default, ca1 = default, cb0 = default, cb1 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Vector512.Load(b);
            Vector512<float> b1 = Vector512.Load(b + 16);
            Vector512<float> x = Vector512.Create(a[0]);
            c00 = Avx512F.FusedMultiplyAdd(x, b0, c00);
            c01 = Avx512F.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(a[1]);
            c10 = Avx512F.FusedMultiplyAdd(x, b0, c10);
            c11 = Avx512F.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(a[2]);
            c20 = Avx512F.FusedMultiplyAdd(x, b0, c20);
            c21 = Avx512F.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(a[3]);
            c30 = Avx512F.FusedMultiplyAdd(x, b0, c30);
            c31 = Avx512F.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(a[4]);
            c40 = Avx512F.FusedMultiplyAdd(x, b0, c40);
            c41 = Avx512F.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(a[5]);
            c50 = Avx512F.FusedMultiplyAdd(x, b0, c50);
            c51 = Avx512F.FusedMultiplyAdd(x, b1, c51);
            x = Vector512.Create(a[6]);
            c60 = Avx512F.FusedMultiplyAdd(x, b0, c60);
            c61 = Avx512F.FusedMultiplyAdd(x, b1, c61);
            x = Vector512.Create(a[7]);
            c70 = Avx512F.FusedMultiplyAdd(x, b0, c70);
            c71 = Avx512F.FusedMultiplyAdd(x, b1, c71);
            x = Vector512.Create(a[8]);
            c80 = Avx512F.FusedMultiplyAdd(x, b0, c80);
            c81 = Avx512F.FusedMultiplyAdd(x, b1, c81);
            x = Vector512.Create(a[9]);
            c90 = Avx512F.FusedMultiplyAdd(x, b0, c90);
            c91 = Avx512F.FusedMultiplyAdd(x, b1, c91);
            x = Vector512.Create(a[10]);
            ca0 = Avx512F.FusedMultiplyAdd(x, b0, ca0);
            ca1 = Avx512F.FusedMultiplyAdd(x, b1, ca1);
            x = Vector512.Create(a[11]);
            cb0 = Avx512F.FusedMultiplyAdd(x, b0, cb0);
            cb1 = Avx512F.FusedMultiplyAdd(x, b1, cb1);
            a += MR;
            b += NR;
        }

        Vector512<float> va = Vector512.Create(alpha);
        Store512(c, c00, c01, va, beta);
        Store512(c + ldc, c10, c11, va, beta);
        Store512(c + 2 * ldc, c20, c21, va, beta);
        Store512(c + 3 * ldc, c30, c31, va, beta);
        Store512(c + 4 * ldc, c40, c41, va, beta);
        Store512(c + 5 * ldc, c50, c51, va, beta);
        Store512(c + 6 * ldc, c60, c61, va, beta);
        Store512(c + 7 * ldc, c70, c71, va, beta);
        Store512(c + 8 * ldc, c80, c81, va, beta);
        Store512(c + 9 * ldc, c90, c91, va, beta);
        Store512(c + 10 * ldc, ca0, ca1, va, beta);
        Store512(c + 11 * ldc, cb0, cb1, va, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store512(float* row, Vector512<float> r0, Vector512<float> r1, Vector512<float> alpha, float beta)
    {
        r0 *= alpha;
        r1 *= alpha;
        if (beta != 0f)
        {
            Vector512<float> vb = Vector512.Create(beta);
            r0 = Avx512F.FusedMultiplyAdd(vb, Vector512.Load(row), r0);
            r1 = Avx512F.FusedMultiplyAdd(vb, Vector512.Load(row + 16), r1);
        }

        r0.Store(row);
        r1.Store(row + 16);
    }

    /// <summary>The same arithmetic with 256-bit (or software) fused multiply-adds, for machines without
    /// AVX-512; two rows at a time keep eight accumulators in the sixteen ymm registers.</summary>
    private static void TilePortable(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
    {
        for (int i = 0; i < MR; i += 2)
        {
            Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
            Vector256<float> t0 = default, t1 = default, t2 = default, t3 = default;
            float* ap = a + i;
            float* bp = b;
            for (int p = 0; p < kc; p++)
            {
                Vector256<float> b0 = Vector256.Load(bp);
                Vector256<float> b1 = Vector256.Load(bp + 8);
                Vector256<float> b2 = Vector256.Load(bp + 16);
                Vector256<float> b3 = Vector256.Load(bp + 24);
                Vector256<float> x = Vector256.Create(ap[0]);
                Vector256<float> y = Vector256.Create(ap[1]);
                s0 = Vector256.FusedMultiplyAdd(x, b0, s0);
                s1 = Vector256.FusedMultiplyAdd(x, b1, s1);
                s2 = Vector256.FusedMultiplyAdd(x, b2, s2);
                s3 = Vector256.FusedMultiplyAdd(x, b3, s3);
                t0 = Vector256.FusedMultiplyAdd(y, b0, t0);
                t1 = Vector256.FusedMultiplyAdd(y, b1, t1);
                t2 = Vector256.FusedMultiplyAdd(y, b2, t2);
                t3 = Vector256.FusedMultiplyAdd(y, b3, t3);
                ap += MR;
                bp += NR;
            }

            StorePortable(c + i * ldc, s0, s1, s2, s3, alpha, beta);
            StorePortable(c + (i + 1) * ldc, t0, t1, t2, t3, alpha, beta);
        }
    }

    private static void StorePortable(float* row, Vector256<float> r0, Vector256<float> r1, Vector256<float> r2,
        Vector256<float> r3, float alpha, float beta)
    {
        Vector256<float> va = Vector256.Create(alpha);
        r0 *= va;
        r1 *= va;
        r2 *= va;
        r3 *= va;
        if (beta != 0f)
        {
            Vector256<float> vb = Vector256.Create(beta);
            r0 = Vector256.FusedMultiplyAdd(vb, Vector256.Load(row), r0);
            r1 = Vector256.FusedMultiplyAdd(vb, Vector256.Load(row + 8), r1);
            r2 = Vector256.FusedMultiplyAdd(vb, Vector256.Load(row + 16), r2);
            r3 = Vector256.FusedMultiplyAdd(vb, Vector256.Load(row + 24), r3);
        }

        r0.Store(row);
        r1.Store(row + 8);
        r2.Store(row + 16);
        r3.Store(row + 24);
    }
}
