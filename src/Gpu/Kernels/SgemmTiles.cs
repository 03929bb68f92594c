using ILGPU;
using ILGPU.Runtime;

namespace BoundLab.Gpu.Kernels;

/// <summary>A block-tile shape of <see cref="SgemmKernel"/> and the thread's register micro-tile that goes with it.
/// Every member returns a constant, so ILGPU specializes the kernel per tile; the accumulators are struct fields,
/// which ILGPU keeps in registers (the PTX test checks that no local memory is used).</summary>
/// <remarks>Law: Rows·Depth = Cols·Depth = <see cref="SgemmKernel.LoadsPerThread"/>·ThreadsX·ThreadsY, Rows/ThreadsY and
/// Cols/ThreadsX are the micro-tile's sides, and 2·Depth·(Rows or Cols + <see cref="SgemmKernel.Pad"/>) ≤
/// <see cref="SgemmKernel.SharedFloats"/>.</remarks>
internal interface ISgemmTile
{
    /// <summary>Rows of the block of C.</summary>
    int Rows { get; }

    /// <summary>Columns of the block of C.</summary>
    int Cols { get; }

    /// <summary>Depth (k) of one shared-memory step.</summary>
    int Depth { get; }

    /// <summary>Threads along the columns (the micro-tile's column stride).</summary>
    int ThreadsX { get; }

    /// <summary>Threads along the rows (the micro-tile's row stride).</summary>
    int ThreadsY { get; }

    /// <summary>acc[r, c] += sa[aOffset + r·ThreadsY]·sb[bOffset + c·ThreadsX] for the whole micro-tile (one p).</summary>
    void Accumulate<TFma>(ArrayView<float> sa, int aOffset, ArrayView<float> sb, int bOffset)
        where TFma : struct, ISgemmFma;

    /// <summary>Writes the micro-tile to C: element (r, c) to row row0 + r·ThreadsY, column col0 + c·ThreadsX.</summary>
    void Store<TFma>(ArrayView1D<float, Stride1D.Dense> c, SgemmArgs g, int row0, int col0)
        where TFma : struct, ISgemmFma;
}

/// <summary>Eight float32 registers (one row of an 8×8 micro-tile).</summary>
internal struct Row8
{
    public float V0, V1, V2, V3, V4, V5, V6, V7;

    /// <summary>s[offset + c·stride], c = 0 … 7.</summary>
    public static Row8 Load(ArrayView<float> s, int offset, int stride) => new()
    {
        V0 = s[offset], V1 = s[offset + stride], V2 = s[offset + 2 * stride], V3 = s[offset + 3 * stride],
        V4 = s[offset + 4 * stride], V5 = s[offset + 5 * stride], V6 = s[offset + 6 * stride], V7 = s[offset + 7 * stride],
    };

    /// <summary>this += x·b, element-wise, one FMA each.</summary>
    public void Fma<TFma>(float x, in Row8 b)
        where TFma : struct, ISgemmFma
    {
        V0 = default(TFma).Fma(x, b.V0, V0);
        V1 = default(TFma).Fma(x, b.V1, V1);
        V2 = default(TFma).Fma(x, b.V2, V2);
        V3 = default(TFma).Fma(x, b.V3, V3);
        V4 = default(TFma).Fma(x, b.V4, V4);
        V5 = default(TFma).Fma(x, b.V5, V5);
        V6 = default(TFma).Fma(x, b.V6, V6);
        V7 = default(TFma).Fma(x, b.V7, V7);
    }

    /// <summary>Writes the row to C row i at columns col0 + c·stride (skipped outside C).</summary>
    public readonly void Store<TFma>(ArrayView1D<float, Stride1D.Dense> c, SgemmArgs g, int i, int col0, int stride)
        where TFma : struct, ISgemmFma
    {
        if (i >= g.M)
        {
            return;
        }

        int r = i * g.N;
        SgemmKernel.StoreOne<TFma>(c, g, r, col0, V0);
        SgemmKernel.StoreOne<TFma>(c, g, r, col0 + stride, V1);
        SgemmKernel.StoreOne<TFma>(c, g, r, col0 + 2 * stride, V2);
        SgemmKernel.StoreOne<TFma>(c, g, r, col0 + 3 * stride, V3);
        SgemmKernel.StoreOne<TFma>(c, g, r, col0 + 4 * stride, V4);
        SgemmKernel.StoreOne<TFma>(c, g, r, col0 + 5 * stride, V5);
        SgemmKernel.StoreOne<TFma>(c, g, r, col0 + 6 * stride, V6);
        SgemmKernel.StoreOne<TFma>(c, g, r, col0 + 7 * stride, V7);
    }
}

/// <summary>Four float32 registers (one row of a 4×4 micro-tile).</summary>
internal struct Row4
{
    public float V0, V1, V2, V3;

    /// <summary>s[offset + c·stride], c = 0 … 3.</summary>
    public static Row4 Load(ArrayView<float> s, int offset, int stride) => new()
    {
        V0 = s[offset], V1 = s[offset + stride], V2 = s[offset + 2 * stride], V3 = s[offset + 3 * stride],
    };

    /// <summary>this += x·b, element-wise, one FMA each.</summary>
    public void Fma<TFma>(float x, in Row4 b)
        where TFma : struct, ISgemmFma
    {
        V0 = default(TFma).Fma(x, b.V0, V0);
        V1 = default(TFma).Fma(x, b.V1, V1);
        V2 = default(TFma).Fma(x, b.V2, V2);
        V3 = default(TFma).Fma(x, b.V3, V3);
    }

    /// <summary>Writes the row to C row i at columns col0 + c·stride (skipped outside C).</summary>
    public readonly void Store<TFma>(ArrayView1D<float, Stride1D.Dense> c, SgemmArgs g, int i, int col0, int stride)
        where TFma : struct, ISgemmFma
    {
        if (i >= g.M)
        {
            return;
        }

        int r = i * g.N;
        SgemmKernel.StoreOne<TFma>(c, g, r, col0, V0);
        SgemmKernel.StoreOne<TFma>(c, g, r, col0 + stride, V1);
        SgemmKernel.StoreOne<TFma>(c, g, r, col0 + 2 * stride, V2);
        SgemmKernel.StoreOne<TFma>(c, g, r, col0 + 3 * stride, V3);
    }
}

/// <summary>An 8×8 micro-tile with row stride sy and column stride sx.</summary>
internal struct Micro8x8
{
    public Row8 R0, R1, R2, R3, R4, R5, R6, R7;

    /// <summary>R_r += sa[aOffset + r·sy]·sb[bOffset + c·sx].</summary>
    public void Accumulate<TFma>(ArrayView<float> sa, int aOffset, int sy, ArrayView<float> sb, int bOffset, int sx)
        where TFma : struct, ISgemmFma
    {
        Row8 b = Row8.Load(sb, bOffset, sx);
        R0.Fma<TFma>(sa[aOffset], b);
        R1.Fma<TFma>(sa[aOffset + sy], b);
        R2.Fma<TFma>(sa[aOffset + 2 * sy], b);
        R3.Fma<TFma>(sa[aOffset + 3 * sy], b);
        R4.Fma<TFma>(sa[aOffset + 4 * sy], b);
        R5.Fma<TFma>(sa[aOffset + 5 * sy], b);
        R6.Fma<TFma>(sa[aOffset + 6 * sy], b);
        R7.Fma<TFma>(sa[aOffset + 7 * sy], b);
    }

    /// <summary>Writes the micro-tile to C.</summary>
    public readonly void Store<TFma>(ArrayView1D<float, Stride1D.Dense> c, SgemmArgs g, int row0, int sy, int col0, int sx)
        where TFma : struct, ISgemmFma
    {
        R0.Store<TFma>(c, g, row0, col0, sx);
        R1.Store<TFma>(c, g, row0 + sy, col0, sx);
        R2.Store<TFma>(c, g, row0 + 2 * sy, col0, sx);
        R3.Store<TFma>(c, g, row0 + 3 * sy, col0, sx);
        R4.Store<TFma>(c, g, row0 + 4 * sy, col0, sx);
        R5.Store<TFma>(c, g, row0 + 5 * sy, col0, sx);
        R6.Store<TFma>(c, g, row0 + 6 * sy, col0, sx);
        R7.Store<TFma>(c, g, row0 + 7 * sy, col0, sx);
    }
}

/// <summary>A 4×4 micro-tile with row stride sy and column stride sx.</summary>
internal struct Micro4x4
{
    public Row4 R0, R1, R2, R3;

    /// <summary>R_r += sa[aOffset + r·sy]·sb[bOffset + c·sx].</summary>
    public void Accumulate<TFma>(ArrayView<float> sa, int aOffset, int sy, ArrayView<float> sb, int bOffset, int sx)
        where TFma : struct, ISgemmFma
    {
        Row4 b = Row4.Load(sb, bOffset, sx);
        R0.Fma<TFma>(sa[aOffset], b);
        R1.Fma<TFma>(sa[aOffset + sy], b);
        R2.Fma<TFma>(sa[aOffset + 2 * sy], b);
        R3.Fma<TFma>(sa[aOffset + 3 * sy], b);
    }

    /// <summary>Writes the micro-tile to C.</summary>
    public readonly void Store<TFma>(ArrayView1D<float, Stride1D.Dense> c, SgemmArgs g, int row0, int sy, int col0, int sx)
        where TFma : struct, ISgemmFma
    {
        R0.Store<TFma>(c, g, row0, col0, sx);
        R1.Store<TFma>(c, g, row0 + sy, col0, sx);
        R2.Store<TFma>(c, g, row0 + 2 * sy, col0, sx);
        R3.Store<TFma>(c, g, row0 + 3 * sy, col0, sx);
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

    public void Accumulate<TFma>(ArrayView<float> sa, int aOffset, ArrayView<float> sb, int bOffset)
        where TFma : struct, ISgemmFma
        => _acc.Accumulate<TFma>(sa, aOffset, 16, sb, bOffset, 16);

    public readonly void Store<TFma>(ArrayView1D<float, Stride1D.Dense> c, SgemmArgs g, int row0, int col0)
        where TFma : struct, ISgemmFma
        => _acc.Store<TFma>(c, g, row0, 16, col0, 16);
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

    public void Accumulate<TFma>(ArrayView<float> sa, int aOffset, ArrayView<float> sb, int bOffset)
        where TFma : struct, ISgemmFma
        => _acc.Accumulate<TFma>(sa, aOffset, 16, sb, bOffset, 16);

    public readonly void Store<TFma>(ArrayView1D<float, Stride1D.Dense> c, SgemmArgs g, int row0, int col0)
        where TFma : struct, ISgemmFma
        => _acc.Store<TFma>(c, g, row0, 16, col0, 16);
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

    public void Accumulate<TFma>(ArrayView<float> sa, int aOffset, ArrayView<float> sb, int bOffset)
        where TFma : struct, ISgemmFma
        => _acc.Accumulate<TFma>(sa, aOffset, 4, sb, bOffset, 4);

    public readonly void Store<TFma>(ArrayView1D<float, Stride1D.Dense> c, SgemmArgs g, int row0, int col0)
        where TFma : struct, ISgemmFma
        => _acc.Store<TFma>(c, g, row0, 4, col0, 4);
}
