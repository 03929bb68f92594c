using ILGPU;
using ILGPU.Runtime;

namespace BoundLab.Gpu.Kernels;

/// <summary>The shape and scalars of one SGEMM launch: C (M×N) = Alpha·op(A)·op(B) + Beta·C, all row-major; op(A) is
/// M×K (A is K×M when TransA ≠ 0), op(B) is K×N (B is N×K when TransB ≠ 0).</summary>
/// <remarks>Public only because ILGPU's CPU accelerator builds its launcher in another assembly.</remarks>
public readonly struct SgemmArgs
{
    /// <summary>The arguments of one launch.</summary>
    public SgemmArgs(int m, int n, int k, bool transA, bool transB, float alpha, float beta)
    {
        M = m;
        N = n;
        K = k;
        TransA = transA ? 1 : 0;
        TransB = transB ? 1 : 0;
        Alpha = alpha;
        Beta = beta;
    }

    /// <summary>Rows of C.</summary>
    public readonly int M;

    /// <summary>Columns of C.</summary>
    public readonly int N;

    /// <summary>Inner dimension.</summary>
    public readonly int K;

    /// <summary>1 when A is stored transposed (K×M), else 0.</summary>
    public readonly int TransA;

    /// <summary>1 when B is stored transposed (N×K), else 0.</summary>
    public readonly int TransB;

    /// <summary>Scale of the product.</summary>
    public readonly float Alpha;

    /// <summary>Scale of the old C (0: C is overwritten, not read).</summary>
    public readonly float Beta;
}

/// <summary>The tiled, register-blocked SGEMM (explicitly grouped): each group computes one Rows×Cols block of C;
/// each k-step stages a Depth-deep slice of A and B through shared memory (double-buffered, so one barrier per step:
/// the next slice is read from global memory into registers while the current one is multiplied), and each thread
/// accumulates its micro-tile of C in registers with explicit float32 FMAs, p in increasing order.</summary>
/// <remarks>Tiling after Volkov &amp; Demmel, "Benchmarking GPUs to tune dense linear algebra", SC 2008 (§4: blocks
/// of C in registers, panels of A and B in shared memory). A thread's micro-tile is runs of four rows and four
/// columns (4·trow + {0…3}, and Rows/2 further for 8 rows; likewise columns), read from the panels as 128-bit
/// <see cref="Vec4"/> loads: a quarter-warp reads 128 contiguous bytes of B (no bank conflict) and one Vec4 of A
/// (a broadcast), and a warp writes 64 contiguous bytes per row of C. The A panel is stored transposed (p-major)
/// with 4 floats of padding per row so the transposing store is conflict-free. Elements outside op(A) or op(B) are loaded as 0 and stores outside C
/// are skipped, so any shape works (k = 0 gives Alpha·0 + Beta·C; the backend routes alpha = 0 and k = 0 to
/// <see cref="Scale"/> so A and B are not read).</remarks>
internal static class SgemmKernel
{
    /// <summary>Padding (floats) of each row of a shared panel.</summary>
    public const int Pad = 4;

    /// <summary>Elements of A (and of B) each thread moves from global to shared memory per k-step (every tile is
    /// sized so Rows·Depth = Cols·Depth = 4·threads).</summary>
    public const int LoadsPerThread = 4;

    /// <summary>Shared floats per operand (both buffers), the largest over the tiles (2·16·(64 + 4) for Tile64).</summary>
    public const int SharedFloats = 2176;

    /// <summary>One block of C per group: grid (⌈N/Cols⌉, ⌈M/Rows⌉), group ThreadsX·ThreadsY threads in X.</summary>
    public static void Run<TTile>(ArrayView1D<float, Stride1D.Dense> a, ArrayView1D<float, Stride1D.Dense> b, ArrayView1D<float, Stride1D.Dense> c, SgemmArgs g)
        where TTile : struct, ISgemmTile
    {
        TTile acc = default;
        int bm = acc.Rows, bn = acc.Cols, bk = acc.Depth, tx = acc.ThreadsX;
        int threads = tx * acc.ThreadsY;
        int strideA = bm + Pad, strideB = bn + Pad;
        int sizeA = bk * strideA, sizeB = bk * strideB;
        // Panels as Vec4s (16-byte aligned, read with 128-bit loads) and the same memory as floats (written one by one).
        ArrayView<Vec4> sa4 = SharedMemory.Allocate<Vec4>(SharedFloats / 4);
        ArrayView<Vec4> sb4 = SharedMemory.Allocate<Vec4>(SharedFloats / 4);
        ArrayView<float> sa = sa4.Cast<float>();
        ArrayView<float> sb = sb4.Cast<float>();

        int tid = Group.IdxX;
        int tcol = tid % tx, trow = tid / tx;
        int rowBase = Grid.IdxY * bm, colBase = Grid.IdxX * bn;
        int steps = (g.K + bk - 1) / bk;

        float a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
        if (steps > 0)
        {
            a0 = LoadA(a, g, tid, bm, bk, rowBase, 0);
            a1 = LoadA(a, g, tid + threads, bm, bk, rowBase, 0);
            a2 = LoadA(a, g, tid + 2 * threads, bm, bk, rowBase, 0);
            a3 = LoadA(a, g, tid + 3 * threads, bm, bk, rowBase, 0);
            b0 = LoadB(b, g, tid, bn, bk, colBase, 0);
            b1 = LoadB(b, g, tid + threads, bn, bk, colBase, 0);
            b2 = LoadB(b, g, tid + 2 * threads, bn, bk, colBase, 0);
            b3 = LoadB(b, g, tid + 3 * threads, bn, bk, colBase, 0);
            StoreA(sa, g, 0, tid, threads, bm, bk, strideA, a0, a1, a2, a3);
            StoreB(sb, g, 0, tid, threads, bn, bk, strideB, b0, b1, b2, b3);
        }

        Group.Barrier();
        for (int t = 0; t < steps; t++)
        {
            int cur = t & 1;
            bool more = t + 1 < steps;
            if (more)
            {
                int p0 = (t + 1) * bk;
                a0 = LoadA(a, g, tid, bm, bk, rowBase, p0);
                a1 = LoadA(a, g, tid + threads, bm, bk, rowBase, p0);
                a2 = LoadA(a, g, tid + 2 * threads, bm, bk, rowBase, p0);
                a3 = LoadA(a, g, tid + 3 * threads, bm, bk, rowBase, p0);
                b0 = LoadB(b, g, tid, bn, bk, colBase, p0);
                b1 = LoadB(b, g, tid + threads, bn, bk, colBase, p0);
                b2 = LoadB(b, g, tid + 2 * threads, bn, bk, colBase, p0);
                b3 = LoadB(b, g, tid + 3 * threads, bn, bk, colBase, p0);
            }

            int aBase = cur * (sizeA / 4) + trow, bBase = cur * (sizeB / 4) + tcol;
            for (int p = 0; p < bk; p++)
            {
                acc.Accumulate(sa4, aBase + p * (strideA / 4), sb4, bBase + p * (strideB / 4));
            }

            if (more)
            {
                StoreA(sa, g, (1 - cur) * sizeA, tid, threads, bm, bk, strideA, a0, a1, a2, a3);
                StoreB(sb, g, (1 - cur) * sizeB, tid, threads, bn, bk, strideB, b0, b1, b2, b3);
            }

            Group.Barrier();
        }

        acc.Store(c, g, rowBase + 4 * trow, colBase + 4 * tcol);
    }

    /// <summary>C ← Beta·C (Beta = 0 writes 0, so NaN in C does not leak): the alpha = 0 and k = 0 cases.</summary>
    public static void Scale(Index1D i, ArrayView1D<float, Stride1D.Dense> c, float beta)
        => c[i] = beta == 0f ? 0f : beta * c[i];

    /// <summary>Element e of the A panel (local row i, local depth p; the fast index follows A's storage so a warp
    /// reads consecutive addresses) at depth offset p0, or 0 outside op(A).</summary>
    private static float LoadA(ArrayView1D<float, Stride1D.Dense> a, SgemmArgs g, int e, int bm, int bk, int rowBase, int p0)
    {
        int i = rowBase + (g.TransA != 0 ? e % bm : e / bk);
        int p = p0 + (g.TransA != 0 ? e / bm : e % bk);
        return i < g.M && p < g.K ? a[g.TransA != 0 ? p * g.M + i : i * g.K + p] : 0f;
    }

    /// <summary>Element e of the B panel (local depth p, local column j) at depth offset p0, or 0 outside op(B).</summary>
    private static float LoadB(ArrayView1D<float, Stride1D.Dense> b, SgemmArgs g, int e, int bn, int bk, int colBase, int p0)
    {
        int j = colBase + (g.TransB != 0 ? e / bk : e % bn);
        int p = p0 + (g.TransB != 0 ? e % bk : e / bn);
        return j < g.N && p < g.K ? b[g.TransB != 0 ? j * g.K + p : p * g.N + j] : 0f;
    }

    /// <summary>Writes the four prefetched A elements of this thread into the panel at offset (p-major, padded rows).</summary>
    private static void StoreA(ArrayView<float> sa, SgemmArgs g, int offset, int tid, int threads, int bm, int bk, int stride, float v0, float v1, float v2, float v3)
    {
        sa[offset + IndexA(g, tid, bm, bk, stride)] = v0;
        sa[offset + IndexA(g, tid + threads, bm, bk, stride)] = v1;
        sa[offset + IndexA(g, tid + 2 * threads, bm, bk, stride)] = v2;
        sa[offset + IndexA(g, tid + 3 * threads, bm, bk, stride)] = v3;
    }

    /// <summary>Writes the four prefetched B elements of this thread into the panel at offset.</summary>
    private static void StoreB(ArrayView<float> sb, SgemmArgs g, int offset, int tid, int threads, int bn, int bk, int stride, float v0, float v1, float v2, float v3)
    {
        sb[offset + IndexB(g, tid, bn, bk, stride)] = v0;
        sb[offset + IndexB(g, tid + threads, bn, bk, stride)] = v1;
        sb[offset + IndexB(g, tid + 2 * threads, bn, bk, stride)] = v2;
        sb[offset + IndexB(g, tid + 3 * threads, bn, bk, stride)] = v3;
    }

    private static int IndexA(SgemmArgs g, int e, int bm, int bk, int stride)
        => g.TransA != 0 ? (e / bm) * stride + e % bm : (e % bk) * stride + e / bk;

    private static int IndexB(SgemmArgs g, int e, int bn, int bk, int stride)
        => g.TransB != 0 ? (e % bk) * stride + e / bk : (e / bn) * stride + e % bn;

    /// <summary>Writes one result element: Alpha·acc, plus Beta·C unless Beta = 0 (then C is not read).</summary>
    internal static void StoreOne(ArrayView1D<float, Stride1D.Dense> c, SgemmArgs g, int rowStart, int j, float v)
    {
        if (j < g.N)
        {
            int idx = rowStart + j;
            c[idx] = g.Beta == 0f ? g.Alpha * v : MathF.FusedMultiplyAdd(g.Alpha, v, g.Beta * c[idx]);
        }
    }
}
