using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace BoundLab.Numerics.Kernels;

// Chellapilla, Puri & Simard (2006), High Performance Convolutional Neural Networks for Document Processing: unfold, then one matrix product.
/// <summary>im2col and its adjoint col2im over NHWC batches: a 2-D convolution becomes one GEMM.
/// <see cref="ConvReference"/> is their float64 specification.</summary>
/// <remarks>
/// With cols = Im2Col(x), a (B·OutH·OutW) × PatchSize matrix, and the weights W as an OC × PatchSize matrix whose
/// column (ky·KernelW + kx)·C + c holds the tap (ky, kx, c) — PyTorch's OIHW weight permuted to OHWI,
/// <c>w.permute(0, 2, 3, 1).reshape(OC, -1)</c> — the convolution (cross-correlation, as PyTorch's conv2d) is
/// <c>out = cols · Wᵀ + bias</c>: one GEMM (<c>Gemm.Sgemm(false, true, B·OutH·OutW, OC, PatchSize, …)</c>) whose
/// (B·OutH·OutW) × OC result is already the NHWC output batch. Backward: gradW = gradOutᵀ · cols,
/// gradCols = gradOut · W, gradInput = Col2Im(gradCols).
/// </remarks>
public static class Conv2d
{
    /// <summary>cols[r, (ky·KernelW + kx)·C + c] = input(b, oy·StrideH − PadH + ky, ox·StrideW − PadW + kx, c), or 0
    /// where that pixel lies in the padding; row r = (b·OutH + oy)·OutW + ox. cols has B·OutH·OutW·PatchSize values.</summary>
    /// <remarks>Then out = cols · Wᵀ (W: OC × PatchSize, OHWI) is the convolution, already NHWC (see the class remarks).
    /// Exact copies (no arithmetic); rows are split across threads (0 = all processors). For each row and each ky,
    /// the KernelW·C values are one contiguous run of the input row, copied at once.</remarks>
    public static unsafe void Im2Col<T>(Conv2dGeometry geometry, ReadOnlySpan<T> input, int batch, Span<T> cols, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(geometry);
        ConvParallel.CheckBatch(batch);
        ConvParallel.CheckLength(input.Length, ConvParallel.Product(batch, geometry.ImageSize, "H·W·C"), nameof(input),
            "batch·H·W·C");
        ConvParallel.CheckLength(cols.Length, ConvParallel.Product(batch, geometry.OutPixels * geometry.PatchSize,
            "OutH·OutW·PatchSize"), nameof(cols), "batch·OutH·OutW·PatchSize");
        ConvParallel.CheckDisjoint(input, cols, nameof(input), nameof(cols));
        Gemm.ResolveThreads(threads);
        int rows = batch * geometry.OutPixels;
        fixed (T* pi = input, pc = cols)
        {
            nint inAddress = (nint)pi, colsAddress = (nint)pc;
            int inLength = input.Length, colsLength = cols.Length;
            ConvParallel.For(rows, colsLength, threads, (r0, r1) => Im2ColRows(geometry,
                new ReadOnlySpan<T>((T*)inAddress, inLength), new Span<T>((T*)colsAddress, colsLength), r0, r1));
        }
    }

    /// <summary>The adjoint of <see cref="Im2Col{T}"/>: input = Im2Colᵀ · cols, i.e. input is overwritten with the sum,
    /// over every row and column of cols, of that entry added to the input value it was copied from (padding
    /// entries are dropped).</summary>
    /// <remarks>Deterministic: images are split across threads, never one image, and within an image the
    /// contributions to each value are added in (oy, ox, ky) order — the same bits for any thread count and the
    /// same order as <see cref="ConvReference.Col2Im"/>.</remarks>
    public static unsafe void Col2Im<T>(Conv2dGeometry geometry, ReadOnlySpan<T> cols, int batch, Span<T> input, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(geometry);
        ConvParallel.CheckBatch(batch);
        ConvParallel.CheckLength(cols.Length, ConvParallel.Product(batch, geometry.OutPixels * geometry.PatchSize,
            "OutH·OutW·PatchSize"), nameof(cols), "batch·OutH·OutW·PatchSize");
        ConvParallel.CheckLength(input.Length, ConvParallel.Product(batch, geometry.ImageSize, "H·W·C"), nameof(input),
            "batch·H·W·C");
        ConvParallel.CheckDisjoint(cols, input, nameof(cols), nameof(input));
        Gemm.ResolveThreads(threads);
        fixed (T* pc = cols, pi = input)
        {
            nint colsAddress = (nint)pc, inAddress = (nint)pi;
            int colsLength = cols.Length, inLength = input.Length;
            ConvParallel.For(batch, colsLength, threads, (b0, b1) => Col2ImImages(geometry,
                new ReadOnlySpan<T>((T*)colsAddress, colsLength), new Span<T>((T*)inAddress, inLength), b0, b1));
        }
    }

    // Runs are short (KernelW·C values: 5 for LeNet's first layer), so they are copied as whole 32-byte vectors where
    // the over-run stays inside this range's own rows of cols (then written again, in increasing order, by this same
    // loop) and inside input, else element by element through refs; the public method has checked every length.
    private static void Im2ColRows<T>(Conv2dGeometry g, ReadOnlySpan<T> input, Span<T> cols, int r0, int r1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int c = g.InChannels, run = g.KernelW * c, end = r1 * g.PatchSize;
        ref T src0 = ref MemoryMarshal.GetReference(input);
        ref T dst0 = ref MemoryMarshal.GetReference(cols);
        int b = r0 / g.OutPixels, p = r0 - b * g.OutPixels, oy = p / g.OutW, ox = p - oy * g.OutW;
        for (int r = r0; r < r1; r++)
        {
            int x0 = ox * g.StrideW - g.PadW;
            int lo = Math.Max(0, -x0) * c, hi = Math.Min(g.KernelW, g.Width - x0) * c;
            for (int ky = 0; ky < g.KernelH; ky++)
            {
                ref T dst = ref Unsafe.Add(ref dst0, (nint)r * g.PatchSize + ky * run);
                int y = oy * g.StrideH - g.PadH + ky;
                if (y < 0 || y >= g.Height || lo >= hi)
                {
                    Zero(ref dst, run);
                    continue;
                }

                Zero(ref dst, lo);
                int from = ((b * g.Height + y) * g.Width + x0) * c + lo, to = r * g.PatchSize + ky * run + lo;
                CopyRun(ref Unsafe.Add(ref src0, from), ref Unsafe.Add(ref dst, lo), hi - lo, input.Length - from - (hi - lo),
                    end - to - (hi - lo));
                Zero(ref Unsafe.Add(ref dst, hi), run - hi);
            }

            if (++ox == g.OutW)
            {
                ox = 0;
                if (++oy == g.OutH)
                {
                    oy = 0;
                    b++;
                }
            }
        }
    }

    // Copies n values; as ⌈n·size/32⌉ whole vectors when that reads at most srcSlack and writes at most dstSlack
    // values past the n (the caller guarantees those positions are readable and are overwritten later).
    private static void CopyRun<T>(ref T src, ref T dst, int n, int srcSlack, int dstSlack) where T : unmanaged
    {
        int size = Unsafe.SizeOf<T>(), rounded = (n * size + 31) & ~31, extra = rounded / size - n;
        if (Vector256.IsHardwareAccelerated && 32 % size == 0 && extra <= srcSlack && extra <= dstSlack)
        {
            ref byte s = ref Unsafe.As<T, byte>(ref src);
            ref byte d = ref Unsafe.As<T, byte>(ref dst);
            for (nuint o = 0; o < (nuint)rounded; o += 32)
            {
                Vector256.LoadUnsafe(ref s, o).StoreUnsafe(ref d, o);
            }

            return;
        }

        Copy(ref src, ref dst, n);
    }

    private static void Copy<T>(ref T src, ref T dst, int n) where T : unmanaged
    {
        if (n >= 32)
        {
            MemoryMarshal.CreateReadOnlySpan(ref src, n).CopyTo(MemoryMarshal.CreateSpan(ref dst, n));
            return;
        }

        for (int i = 0; i < n; i++)
        {
            Unsafe.Add(ref dst, i) = Unsafe.Add(ref src, i);
        }
    }

    private static void Zero<T>(ref T dst, int n) where T : unmanaged
    {
        if (n >= 32)
        {
            MemoryMarshal.CreateSpan(ref dst, n).Clear();
            return;
        }

        for (int i = 0; i < n; i++)
        {
            Unsafe.Add(ref dst, i) = default;
        }
    }

    private static void Col2ImImages<T>(Conv2dGeometry g, ReadOnlySpan<T> cols, Span<T> input, int b0, int b1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int c = g.InChannels, run = g.KernelW * c;
        for (int b = b0; b < b1; b++)
        {
            input.Slice(b * g.ImageSize, g.ImageSize).Clear();
            for (int oy = 0; oy < g.OutH; oy++)
            {
                for (int ox = 0; ox < g.OutW; ox++)
                {
                    ReadOnlySpan<T> row = cols.Slice(((b * g.OutH + oy) * g.OutW + ox) * g.PatchSize, g.PatchSize);
                    int x0 = ox * g.StrideW - g.PadW;
                    int kxLo = Math.Max(0, -x0), kxHi = Math.Min(g.KernelW, g.Width - x0);
                    if (kxLo >= kxHi)
                    {
                        continue;
                    }

                    for (int ky = 0; ky < g.KernelH; ky++)
                    {
                        int y = oy * g.StrideH - g.PadH + ky;
                        if (y < 0 || y >= g.Height)
                        {
                            continue;
                        }

                        int length = (kxHi - kxLo) * c;
                        SpanMath.AddInto(input.Slice(((b * g.Height + y) * g.Width + x0 + kxLo) * c, length),
                            row.Slice(ky * run + kxLo * c, length));
                    }
                }
            }
        }
    }
}
