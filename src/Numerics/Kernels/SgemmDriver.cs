using System.Runtime.CompilerServices;
using static BoundLab.Numerics.Kernels.SgemmMicroKernel;

namespace BoundLab.Numerics.Kernels;

/// <summary>The blocked SGEMM behind <see cref="Gemm.Sgemm"/>: arguments are already validated here.</summary>
/// <remarks>
/// Loop nest (Goto &amp; van de Geijn, "Anatomy of high-performance matrix multiplication", 2008, with the
/// roles of the two inner loops swapped as in BLIS's AVX-512 configuration): for each NC-wide column block
/// and KC-deep slice of k, pack op(B) (KC×NC, kept in the private L2); for each MR-row sliver pack op(A)
/// (stays in L1) and sweep it across every NR-wide B sliver.
/// Determinism: KC is a constant and every tile is computed by one thread with the same kernel, so each
/// element of C is the same FMA chain whatever the thread count; threads only choose which tiles they own.
/// Routing by shape (<see cref="Run"/>), each route giving <see cref="RunPacked"/>'s bits exactly: A not transposed
/// with n ≤ 16, k ≤ 4096, m ≥ 8 → <see cref="SgemmThin"/> (no packing of A, one or two 8-float accumulators per row);
/// else m ≥ 1024, 16 &lt; n ≤ NC, k ≤ 32 → one packed op(B), two rows of C at a time from A in place
/// (<see cref="SmallKApplies"/>); else at least 4 k slices, m·n ≤ 16384, n ≤ NC, and m ≤ 16 or fewer than 4 tiles per thread → the k slices computed
/// apart (on any thread count, two rows at a time for m ≤ 16) and folded in order (<see cref="SplitKApplies"/>); else
/// the packed loop nest.
/// </remarks>
internal static unsafe partial class SgemmDriver
{
    /// <summary>Largest depth of a k slice. Slices are balanced (k = 784 gives four of 196, not 256+256+256+16)
    /// and depend on k alone, never on the thread count: they fix the summation order.</summary>
    public const int KC = 256;

    /// <summary>Width of a packed B block: KC·NC floats = 512 KiB, half of a Zen core's L2.</summary>
    public const int NC = 512;

    // Per-thread scratch on the pinned heap, grown once and then reused: no allocation per call.
    [ThreadStatic]
    private static float[]? t_scratch;

    /// <summary>C = alpha·op(A)·op(B) + beta·C on validated arguments; <paramref name="threads"/> ≥ 1. Picks the
    /// route by shape (see the class remarks); every route gives the bits of <see cref="RunPacked"/>.</summary>
    public static void Run(bool transA, bool transB, int m, int n, int k, float alpha,
        float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb, float beta,
        float[] c, int cOffset, int ldc, int threads, bool useAvx512)
    {
        if (m == 0 || n == 0 || k == 0 || alpha == 0f)
        {
            RunPacked(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc, threads, useAvx512);
        }
        else if (SgemmThin.Applies(transA, m, n, k))
        {
            SgemmThin.Run(transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc, threads);
        }
        else if (SmallKApplies(m, n, k))
        {
            RunSmallK(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc, threads);
        }
        else if (SplitKApplies(m, n, k, threads))
        {
            RunSplitK(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc, threads, useAvx512);
        }
        else
        {
            RunPacked(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc, threads, useAvx512);
        }
    }

    /// <summary>The packed loop nest alone (no routing by shape): the arithmetic every route reproduces.</summary>
    internal static void RunPacked(bool transA, bool transB, int m, int n, int k, float alpha,
        float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb, float beta,
        float[] c, int cOffset, int ldc, int threads, bool useAvx512)
    {
        if (m == 0 || n == 0)
        {
            return;
        }

        if (k == 0 || alpha == 0f)
        {
            ScaleC(m, n, beta, c, cOffset, ldc);
            return;
        }

        int mTiles = (m + MR - 1) / MR;
        int nTiles = (n + NR - 1) / NR;
        int p = Math.Min(threads, mTiles * nTiles);
        var (pm, pn) = Partition(mTiles, nTiles, p);
        int pieces = pm * pn;
        if (pieces == 1)
        {
            RunChunk(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc,
                0, m, 0, n, useAvx512);
            return;
        }

        RunPieces(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc,
            useAvx512, p, pm, pn);
    }

    // Threads claim pieces in turn, so a thread that loses its core to another process holds up one
    // piece, not half the product. Piece boundaries fall on whole tiles: the tile grid, and hence every
    // result bit, is the same for every partition and every assignment of pieces to threads.
    // (A separate method so that the single-threaded path allocates no closure.)
    private static void RunPieces(bool transA, bool transB, int m, int n, int k, float alpha,
        float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb, float beta,
        float[] c, int cOffset, int ldc, bool useAvx512, int p, int pm, int pn)
    {
        int mTiles = (m + MR - 1) / MR, nTiles = (n + NR - 1) / NR, pieces = pm * pn;
        int next = 0;
        WorkerPool.Run(Math.Min(p, pieces), _ =>
        {
            int piece;
            while ((piece = Interlocked.Increment(ref next) - 1) < pieces)
            {
                int ci = piece / pn, cj = piece % pn;
                int r0 = Math.Min(m, TileBoundary(mTiles, pm, ci) * MR), r1 = Math.Min(m, TileBoundary(mTiles, pm, ci + 1) * MR);
                int c0 = Math.Min(n, TileBoundary(nTiles, pn, cj) * NR), c1 = Math.Min(n, TileBoundary(nTiles, pn, cj + 1) * NR);
                if (r0 < r1 && c0 < c1)
                {
                    RunChunk(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc,
                        r0, r1, c0, c1, useAvx512);
                }
            }
        });
    }

    /// <summary>Cuts the tile grid into pm×pn pieces for p threads, minimizing the estimated time: the pieces a
    /// thread runs, plus a quarter piece for imbalance (so bigger products get more, smaller pieces), where a
    /// piece costs its FMAs plus the packing it repeats (row pieces re-pack B, column pieces re-pack A).</summary>
    internal static (int Pm, int Pn) Partition(int mTiles, int nTiles, int p)
    {
        if (p <= 1)
        {
            return (1, 1);
        }

        // Per unit of k: an FMA lane costs 1/32 cycle (two 16-lane FMAs a cycle), a packed float about 1/2;
        // transposing and contiguous packing timed alike here (all four transpose cases within 2%).
        const double pack = 0.5;
        (int, int) best = (1, 1);
        double bestCost = double.MaxValue;
        for (int pm = 1; pm <= Math.Min(mTiles, 8 * p); pm++)
        {
            for (int pn = 1; pn <= Math.Min(nTiles, 8 * p / pm); pn++)
            {
                double rows = (double)((mTiles + pm - 1) / pm) * MR;
                double cols = (double)((nTiles + pn - 1) / pn) * NR;
                double piece = rows * cols / 32 + pack * (rows * Math.Ceiling(cols / NC) + cols);
                double cost = Math.Ceiling((double)(pm * pn) / p) * piece + 0.25 * piece;
                if (cost < bestCost)
                {
                    bestCost = cost;
                    best = (pm, pn);
                }
            }
        }

        return best;
    }

    /// <summary>The depth of the k slices for a given k: as even as possible, at most <see cref="KC"/>.</summary>
    internal static int SliceDepth(int k)
    {
        int slices = (k + KC - 1) / KC;
        return (k + slices - 1) / slices;
    }

    private static int TileBoundary(int tiles, int pieces, int index) => (int)((long)tiles * index / pieces);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunChunk(bool transA, bool transB, int m, int n, int k, float alpha,
        float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb, float beta,
        float[] c, int cOffset, int ldc, int r0, int r1, int c0, int c1, bool useAvx512)
    {
        float* bufB = Scratch(out float* bufA);
        fixed (float* pa0 = a, pb0 = b, pc0 = c)
        {
            float* pa = pa0 + aOffset, pb = pb0 + bOffset, pc = pc0 + cOffset;
            for (int jc = c0; jc < c1; jc += NC)
            {
                int nc = Math.Min(NC, c1 - jc);
                int kStep = SliceDepth(k);
                for (int p0 = 0; p0 < k; p0 += kStep)
                {
                    int kc = Math.Min(kStep, k - p0);
                    float betaHere = p0 == 0 ? beta : 1f;
                    SgemmPacking.PackB(transB, pb, ldb, p0, kc, jc, nc, bufB);
                    for (int ir = r0; ir < r1; ir += MR)
                    {
                        int rows = Math.Min(MR, r1 - ir);
                        SgemmPacking.PackA(transA, pa, lda, ir, rows, p0, kc, bufA);
                        float* cRow = pc + (nint)ir * ldc + jc;
                        float* bs = bufB;
                        for (int jr = 0; jr < nc; jr += NR, bs += kc * NR)
                        {
                            int cols = Math.Min(NR, nc - jr);
                            if (rows == MR && cols == NR)
                            {
                                Tile(useAvx512, kc, bufA, bs, cRow + jr, ldc, alpha, betaHere);
                            }
                            else
                            {
                                EdgeTile(useAvx512, kc, bufA, bs, cRow + jr, ldc, rows, cols, alpha, betaHere);
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>The k = 0 (or alpha = 0) case: C = beta·C, and beta = 0 overwrites whatever C held.</summary>
    private static void ScaleC(int m, int n, float beta, float[] c, int cOffset, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            Span<float> row = c.AsSpan(cOffset + i * ldc, n);
            if (beta == 0f)
            {
                row.Clear();
            }
            else
            {
                System.Numerics.Tensors.TensorPrimitives.Multiply(row, beta, row);
            }
        }
    }

    // Returns the 64-byte-aligned B block; bufA receives the A sliver placed after it.
    private static float* Scratch(out float* bufA)
    {
        const int floats = KC * NC + KC * MR + 16;
        float[] s = t_scratch ??= GC.AllocateUninitializedArray<float>(floats, pinned: true);
        nint addr = (nint)Unsafe.AsPointer(ref s[0]);
        float* aligned = (float*)((addr + 63) & ~(nint)63);
        bufA = aligned + KC * NC;
        return aligned;
    }
}
