using ILGPU;
using ILGPU.Runtime;

namespace BoundLab.Gpu.Kernels;

/// <summary>Four floats, 16-byte aligned in shared memory: a shared panel viewed as these is read with one 128-bit
/// load (<c>ld.shared.v4.f32</c>) per four values.</summary>
internal struct Vec4
{
    public float X, Y, Z, W;
}

/// <summary>A block-tile shape of <see cref="SgemmKernel"/> and the thread's register micro-tile that goes with it.
/// Every member returns a constant, so ILGPU specializes the kernel per tile; the accumulators are struct fields,
/// which ILGPU keeps in registers (the PTX test checks that local memory holds only inline-asm outputs).</summary>
/// <remarks>Law: Rows·Depth = Cols·Depth = <see cref="SgemmKernel.LoadsPerThread"/>·ThreadsX·ThreadsY, and
/// 2·Depth·(Rows or Cols + <see cref="SgemmKernel.Pad"/>) ≤ <see cref="SgemmKernel.SharedFloats"/>. A thread owns rows
/// 4·trow + {0…3} (and the same plus Rows/2 for an 8-row micro-tile) and likewise columns, so it reads its A and B
/// values of one depth p as whole <see cref="Vec4"/>s: a quarter-warp reads 128 contiguous bytes of B (no bank
/// conflict) and one Vec4 of A (a broadcast).</remarks>
internal interface ISgemmTile
{
    /// <summary>Rows of the block of C.</summary>
    int Rows { get; }

    /// <summary>Columns of the block of C.</summary>
    int Cols { get; }

    /// <summary>Depth (k) of one shared-memory step.</summary>
    int Depth { get; }

    /// <summary>Threads along the columns.</summary>
    int ThreadsX { get; }

    /// <summary>Threads along the rows.</summary>
    int ThreadsY { get; }

    /// <summary>acc[r, c] += A value r · B value c for one p: sa[aOffset] (and sa[aOffset + Rows/8]) hold the
    /// thread's A values, sb[bOffset] (and sb[bOffset + Cols/8]) its B values, in Vec4 units.</summary>
    void Accumulate(ArrayView<Vec4> sa, int aOffset, ArrayView<Vec4> sb, int bOffset);

    /// <summary>Writes the micro-tile to C: rows row0 + {0…3} (+ Rows/2), columns col0 + {0…3} (+ Cols/2).</summary>
    void Store(ArrayView1D<float, Stride1D.Dense> c, SgemmArgs g, int row0, int col0);
}

/// <summary>Eight float32 registers (one row of an 8×8 micro-tile: two runs of four columns).</summary>
internal struct Row8
{
    public float V0, V1, V2, V3, V4, V5, V6, V7;

    /// <summary>this += x·(lo, hi), element-wise, one FMA each.</summary>
    public void Fma(float x, in Vec4 lo, in Vec4 hi)
    {
        V0 = MathF.FusedMultiplyAdd(x, lo.X, V0);
        V1 = MathF.FusedMultiplyAdd(x, lo.Y, V1);
        V2 = MathF.FusedMultiplyAdd(x, lo.Z, V2);
        V3 = MathF.FusedMultiplyAdd(x, lo.W, V3);
        V4 = MathF.FusedMultiplyAdd(x, hi.X, V4);
        V5 = MathF.FusedMultiplyAdd(x, hi.Y, V5);
        V6 = MathF.FusedMultiplyAdd(x, hi.Z, V6);
        V7 = MathF.FusedMultiplyAdd(x, hi.W, V7);
    }

    /// <summary>Writes the row to C row i at columns col0 + {0…3} and col0 + half + {0…3} (skipped outside C).</summary>
    public readonly void Store(ArrayView1D<float, Stride1D.Dense> c, SgemmArgs g, int i, int col0, int half)
    {
        if (i >= g.M)
        {
            return;
        }

        int r = i * g.N;
        SgemmKernel.StoreOne(c, g, r, col0, V0);
        SgemmKernel.StoreOne(c, g, r, col0 + 1, V1);
        SgemmKernel.StoreOne(c, g, r, col0 + 2, V2);
        SgemmKernel.StoreOne(c, g, r, col0 + 3, V3);
        SgemmKernel.StoreOne(c, g, r, col0 + half, V4);
        SgemmKernel.StoreOne(c, g, r, col0 + half + 1, V5);
        SgemmKernel.StoreOne(c, g, r, col0 + half + 2, V6);
        SgemmKernel.StoreOne(c, g, r, col0 + half + 3, V7);
    }
}

/// <summary>Four float32 registers (one row of a 4×4 micro-tile).</summary>
internal struct Row4
{
    public float V0, V1, V2, V3;

    /// <summary>this += x·b, element-wise, one FMA each.</summary>
    public void Fma(float x, in Vec4 b)
    {
        V0 = MathF.FusedMultiplyAdd(x, b.X, V0);
        V1 = MathF.FusedMultiplyAdd(x, b.Y, V1);
        V2 = MathF.FusedMultiplyAdd(x, b.Z, V2);
        V3 = MathF.FusedMultiplyAdd(x, b.W, V3);
    }

    /// <summary>Writes the row to C row i at columns col0 + {0…3} (skipped outside C).</summary>
    public readonly void Store(ArrayView1D<float, Stride1D.Dense> c, SgemmArgs g, int i, int col0)
    {
        if (i >= g.M)
        {
            return;
        }

        int r = i * g.N;
        SgemmKernel.StoreOne(c, g, r, col0, V0);
        SgemmKernel.StoreOne(c, g, r, col0 + 1, V1);
        SgemmKernel.StoreOne(c, g, r, col0 + 2, V2);
        SgemmKernel.StoreOne(c, g, r, col0 + 3, V3);
    }
}

/// <summary>An 8×8 micro-tile: rows {0…3} and half + {0…3} of the thread's row base, columns likewise.</summary>
internal struct Micro8x8
{
    public Row8 R0, R1, R2, R3, R4, R5, R6, R7;

    /// <summary>Rank-1 update with A values sa[aOffset], sa[aOffset + aHalf] and B values sb[bOffset], sb[bOffset + bHalf].</summary>
    public void Accumulate(ArrayView<Vec4> sa, int aOffset, int aHalf, ArrayView<Vec4> sb, int bOffset, int bHalf)
    {
        Vec4 a0 = sa[aOffset], a1 = sa[aOffset + aHalf];
        Vec4 b0 = sb[bOffset], b1 = sb[bOffset + bHalf];
        R0.Fma(a0.X, b0, b1);
        R1.Fma(a0.Y, b0, b1);
        R2.Fma(a0.Z, b0, b1);
        R3.Fma(a0.W, b0, b1);
        R4.Fma(a1.X, b0, b1);
        R5.Fma(a1.Y, b0, b1);
        R6.Fma(a1.Z, b0, b1);
        R7.Fma(a1.W, b0, b1);
    }

    /// <summary>Writes the micro-tile to C (row and column halves rowHalf, colHalf apart).</summary>
    public readonly void Store(ArrayView1D<float, Stride1D.Dense> c, SgemmArgs g, int row0, int rowHalf, int col0, int colHalf)
    {
        R0.Store(c, g, row0, col0, colHalf);
        R1.Store(c, g, row0 + 1, col0, colHalf);
        R2.Store(c, g, row0 + 2, col0, colHalf);
        R3.Store(c, g, row0 + 3, col0, colHalf);
        R4.Store(c, g, row0 + rowHalf, col0, colHalf);
        R5.Store(c, g, row0 + rowHalf + 1, col0, colHalf);
        R6.Store(c, g, row0 + rowHalf + 2, col0, colHalf);
        R7.Store(c, g, row0 + rowHalf + 3, col0, colHalf);
    }
}

/// <summary>A 4×4 micro-tile: rows and columns {0…3} of the thread's bases.</summary>
internal struct Micro4x4
{
    public Row4 R0, R1, R2, R3;

    /// <summary>Rank-1 update with A values sa[aOffset] and B values sb[bOffset].</summary>
    public void Accumulate(ArrayView<Vec4> sa, int aOffset, ArrayView<Vec4> sb, int bOffset)
    {
        Vec4 a = sa[aOffset];
        Vec4 b = sb[bOffset];
        R0.Fma(a.X, b);
        R1.Fma(a.Y, b);
        R2.Fma(a.Z, b);
        R3.Fma(a.W, b);
    }

    /// <summary>Writes the micro-tile to C.</summary>
    public readonly void Store(ArrayView1D<float, Stride1D.Dense> c, SgemmArgs g, int row0, int col0)
    {
        R0.Store(c, g, row0, col0);
        R1.Store(c, g, row0 + 1, col0);
        R2.Store(c, g, row0 + 2, col0);
        R3.Store(c, g, row0 + 3, col0);
    }
}

/// <summary>128×128 blocks, depth 8, 256 threads (16×16) with 8×8 micro-tiles: the large-matrix tile.</summary>
internal struct Tile128 : ISgemmTile
{
    private Micro8x8 _acc;

    public readonly int Rows => 128;

    public readonly int Cols => 128;

    public readonly int Depth => 8;

    public readonly int ThreadsX => 16;

    public readonly int ThreadsY => 16;

    public void Accumulate(ArrayView<Vec4> sa, int aOffset, ArrayView<Vec4> sb, int bOffset)
        => _acc.Accumulate(sa, aOffset, 16, sb, bOffset, 16);

    public readonly void Store(ArrayView1D<float, Stride1D.Dense> c, SgemmArgs g, int row0, int col0)
        => _acc.Store(c, g, row0, 64, col0, 64);
}

/// <summary>64×64 blocks, depth 16, 256 threads (16×16) with 4×4 micro-tiles: four times the blocks of
/// <see cref="Tile128"/> for matrices too small to give every multiprocessor a 128×128 block.</summary>
internal struct Tile64 : ISgemmTile
{
    private Micro4x4 _acc;

    public readonly int Rows => 64;

    public readonly int Cols => 64;

    public readonly int Depth => 16;

    public readonly int ThreadsX => 16;

    public readonly int ThreadsY => 16;

    public void Accumulate(ArrayView<Vec4> sa, int aOffset, ArrayView<Vec4> sb, int bOffset)
        => _acc.Accumulate(sa, aOffset, sb, bOffset);

    public readonly void Store(ArrayView1D<float, Stride1D.Dense> c, SgemmArgs g, int row0, int col0)
        => _acc.Store(c, g, row0, col0);
}

/// <summary>32×32 blocks, depth 2, 16 threads (4×4) with 8×8 micro-tiles: for devices whose groups hold fewer than 256
/// threads (ILGPU's default CPU accelerator allows 16), the same kernel code at a size that fits.</summary>
internal struct Tile32 : ISgemmTile
{
    private Micro8x8 _acc;

    public readonly int Rows => 32;

    public readonly int Cols => 32;

    public readonly int Depth => 2;

    public readonly int ThreadsX => 4;

    public readonly int ThreadsY => 4;

    public void Accumulate(ArrayView<Vec4> sa, int aOffset, ArrayView<Vec4> sb, int bOffset)
        => _acc.Accumulate(sa, aOffset, 4, sb, bOffset, 4);

    public readonly void Store(ArrayView1D<float, Stride1D.Dense> c, SgemmArgs g, int row0, int col0)
        => _acc.Store(c, g, row0, 16, col0, 16);
}
