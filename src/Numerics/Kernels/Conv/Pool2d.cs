using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace BoundLab.Numerics.Kernels;

/// <summary>Max and average pooling over NHWC batches, forward and backward, with the window of a
/// <see cref="Conv2dGeometry"/> whose InChannels is the channel count. <see cref="ConvReference"/> is their
/// float64 specification.</summary>
/// <remarks>
/// As in PyTorch, the padding must satisfy PadH ≤ KernelH/2 and PadW ≤ KernelW/2, so every window holds at least
/// one image pixel. Outputs are B×OutH×OutW×C. Forward passes split output pixels across threads, backward
/// passes split images (their windows may overlap), so results are the same bits for any thread count.
/// </remarks>
public static class Pool2d
{
    /// <summary>output = the maximum over each window, per channel; argmax = the index into <paramref name="input"/>
    /// (the whole batch) of the value chosen. Padding counts as −∞, so it is never chosen.</summary>
    /// <remarks>Ties: the first maximum in (ky, kx) order wins. NaN wins over any number (the first NaN in
    /// (ky, kx) order; PyTorch's max_pool2d also propagates NaN, though it points at the last one). float32 with
    /// C ≥ 8 runs 8 channels per Vector256 with the same rule, so both paths give the same values and indices.</remarks>
    public static unsafe void MaxPool2dForward<T>(Conv2dGeometry geometry, ReadOnlySpan<T> input, int batch,
        Span<T> output, Span<int> argmax, int threads) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckForward(geometry, input, batch, output);
        ConvParallel.CheckLength(argmax.Length, output.Length, nameof(argmax), "one index per output value");
        fixed (T* pi = input, po = output)
        fixed (int* pa = argmax)
        {
            nint inA = (nint)pi, outA = (nint)po, argA = (nint)pa;
            int inN = input.Length, outN = output.Length;
            ConvParallel.For(batch * geometry.OutPixels, outN, threads, (p0, p1) => MaxForward(geometry,
                new ReadOnlySpan<T>((T*)inA, inN), new Span<T>((T*)outA, outN), new Span<int>((int*)argA, outN), p0, p1));
        }
    }

    /// <summary>gradInput = 0 except gradInput[argmax[i]] += gradOutput[i] for every output value i (overwrites
    /// gradInput). argmax is what <see cref="MaxPool2dForward{T}"/> returned; each index must lie in its own image.</summary>
    public static unsafe void MaxPool2dBackward<T>(Conv2dGeometry geometry, ReadOnlySpan<T> gradOutput,
        ReadOnlySpan<int> argmax, int batch, Span<T> gradInput, int threads) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckBackward(geometry, gradOutput, batch, gradInput);
        ConvParallel.CheckLength(argmax.Length, gradOutput.Length, nameof(argmax), "one index per output value");
        fixed (T* pg = gradOutput, pi = gradInput)
        fixed (int* pa = argmax)
        {
            nint gA = (nint)pg, inA = (nint)pi, argA = (nint)pa;
            int outN = gradOutput.Length, inN = gradInput.Length;
            ConvParallel.For(batch, outN, threads, (b0, b1) => MaxBackward(geometry,
                new ReadOnlySpan<T>((T*)gA, outN), new ReadOnlySpan<int>((int*)argA, outN), new Span<T>((T*)inA, inN), b0, b1));
        }
    }

    /// <summary>output = the sum over each window divided by KernelH·KernelW, per channel.</summary>
    /// <remarks>count_include_pad = true, PyTorch's default: padding counts as zeros in the sum and in the count, so
    /// the divisor is always KernelH·KernelW. The sum runs in (ky, kx) order, then one division.</remarks>
    public static unsafe void AvgPool2dForward<T>(Conv2dGeometry geometry, ReadOnlySpan<T> input, int batch,
        Span<T> output, int threads) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckForward(geometry, input, batch, output);
        fixed (T* pi = input, po = output)
        {
            nint inA = (nint)pi, outA = (nint)po;
            int inN = input.Length, outN = output.Length;
            ConvParallel.For(batch * geometry.OutPixels, outN, threads, (p0, p1) => AvgForward(geometry,
                new ReadOnlySpan<T>((T*)inA, inN), new Span<T>((T*)outA, outN), p0, p1));
        }
    }

    /// <summary>The adjoint of <see cref="AvgPool2dForward{T}"/>: gradInput (overwritten) receives
    /// gradOutput / (KernelH·KernelW) from every window that covers it, added in (oy, ox, ky, kx) order.</summary>
    public static unsafe void AvgPool2dBackward<T>(Conv2dGeometry geometry, ReadOnlySpan<T> gradOutput, int batch,
        Span<T> gradInput, int threads) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckBackward(geometry, gradOutput, batch, gradInput);
        fixed (T* pg = gradOutput, pi = gradInput)
        {
            nint gA = (nint)pg, inA = (nint)pi;
            int outN = gradOutput.Length, inN = gradInput.Length;
            ConvParallel.For(batch, outN, threads, (b0, b1) => AvgBackward(geometry,
                new ReadOnlySpan<T>((T*)gA, outN), new Span<T>((T*)inA, inN), b0, b1));
        }
    }

    // The image rows and columns [lo, hi) that the window of output pixel (oy, ox) covers.
    private static (int YLo, int YHi, int XLo, int XHi) Window(Conv2dGeometry g, int oy, int ox)
    {
        int y0 = oy * g.StrideH - g.PadH, x0 = ox * g.StrideW - g.PadW;
        return (Math.Max(0, y0), Math.Min(g.Height, y0 + g.KernelH), Math.Max(0, x0), Math.Min(g.Width, x0 + g.KernelW));
    }

    private static void MaxForward<T>(Conv2dGeometry g, ReadOnlySpan<T> input, Span<T> output, Span<int> argmax,
        int p0, int p1) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int c = g.InChannels;
        bool vectorFloat = typeof(T) == typeof(float) && Vector256.IsHardwareAccelerated && c >= 4;
        for (int p = p0; p < p1; p++)
        {
            int b = p / g.OutPixels, q = p - b * g.OutPixels, oy = q / g.OutW, ox = q - oy * g.OutW;
            var window = Window(g, oy, ox);
            int k0 = 0;
            if (vectorFloat)
            {
                k0 = MaxPixelFloat(g, MemoryMarshal.Cast<T, float>(input), MemoryMarshal.Cast<T, float>(output.Slice(p * c, c)),
                    argmax.Slice(p * c, c), b, window);
            }

            MaxPixel(g, input, output.Slice(p * c, c), argmax.Slice(p * c, c), b, window, k0);
        }
    }

    // Channels [k0, C) of one output pixel: the first value of the window, then strictly greater ones or a first NaN.
    private static void MaxPixel<T>(Conv2dGeometry g, ReadOnlySpan<T> input, Span<T> best, Span<int> where, int b,
        (int YLo, int YHi, int XLo, int XHi) w, int k0) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int c = g.InChannels;
        if (k0 >= c)
        {
            return;
        }

        bool first = true;
        for (int y = w.YLo; y < w.YHi; y++)
        {
            for (int x = w.XLo; x < w.XHi; x++)
            {
                int at = ((b * g.Height + y) * g.Width + x) * c;
                for (int k = k0; k < c; k++)
                {
                    T value = input[at + k];
                    if (first || value > best[k] || (T.IsNaN(value) && !T.IsNaN(best[k])))
                    {
                        best[k] = value;
                        where[k] = at + k;
                    }
                }

                first = false;
            }
        }
    }

    // The same rule on 8 float channels at a time; returns the first channel left to the scalar loop.
    private static int MaxPixelFloat(Conv2dGeometry g, ReadOnlySpan<float> input, Span<float> best, Span<int> where, int b,
        (int YLo, int YHi, int XLo, int XHi) w)
    {
        const int L = 8;
        int c = g.InChannels, k0 = 0;
        Vector256<int> lanes = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
        for (; k0 + L <= c; k0 += L)
        {
            Vector256<float> vb = default;
            Vector256<int> vi = default;
            bool first = true;
            for (int y = w.YLo; y < w.YHi; y++)
            {
                for (int x = w.XLo; x < w.XHi; x++)
                {
                    int at = ((b * g.Height + y) * g.Width + x) * c + k0;
                    Vector256<float> v = Vector256.Create(input.Slice(at, L));
                    Vector256<int> idx = Vector256.Create(at) + lanes;
                    if (first)
                    {
                        (vb, vi, first) = (v, idx, false);
                        continue;
                    }

                    // v > best, or v is NaN and best is not (x ≠ x only for NaN).
                    Vector256<float> take = Vector256.GreaterThan(v, vb) | (~Vector256.Equals(v, v) & Vector256.Equals(vb, vb));
                    vb = Vector256.ConditionalSelect(take, v, vb);
                    vi = Vector256.ConditionalSelect(take.AsInt32(), idx, vi);
                }
            }

            vb.CopyTo(best.Slice(k0, L));
            vi.CopyTo(where.Slice(k0, L));
        }

        return k0 + 4 <= c && Vector128.IsHardwareAccelerated ? MaxPixelFloat4(g, input, best, where, b, w, k0) : k0;
    }

    // Four more channels from k0 (LeNet's first pooling has 6: four here, two scalar), by the same rule.
    private static int MaxPixelFloat4(Conv2dGeometry g, ReadOnlySpan<float> input, Span<float> best, Span<int> where, int b,
        (int YLo, int YHi, int XLo, int XHi) w, int k0)
    {
        const int L = 4;
        int c = g.InChannels;
        Vector128<int> lanes = Vector128.Create(0, 1, 2, 3);
        Vector128<float> vb = default;
        Vector128<int> vi = default;
        bool first = true;
        for (int y = w.YLo; y < w.YHi; y++)
        {
            for (int x = w.XLo; x < w.XHi; x++)
            {
                int at = ((b * g.Height + y) * g.Width + x) * c + k0;
                Vector128<float> v = Vector128.Create(input.Slice(at, L));
                Vector128<int> idx = Vector128.Create(at) + lanes;
                if (first)
                {
                    (vb, vi, first) = (v, idx, false);
                    continue;
                }

                Vector128<float> take = Vector128.GreaterThan(v, vb) | (~Vector128.Equals(v, v) & Vector128.Equals(vb, vb));
                vb = Vector128.ConditionalSelect(take, v, vb);
                vi = Vector128.ConditionalSelect(take.AsInt32(), idx, vi);
            }
        }

        vb.CopyTo(best.Slice(k0, L));
        vi.CopyTo(where.Slice(k0, L));
        return k0 + L;
    }

    private static void MaxBackward<T>(Conv2dGeometry g, ReadOnlySpan<T> gradOutput, ReadOnlySpan<int> argmax,
        Span<T> gradInput, int b0, int b1) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int perImage = g.OutImageSize;
        for (int b = b0; b < b1; b++)
        {
            int lo = b * g.ImageSize, hi = lo + g.ImageSize;
            gradInput[lo..hi].Clear();
            for (int i = b * perImage; i < (b + 1) * perImage; i++)
            {
                int at = argmax[i];
                if (at < lo || at >= hi)
                {
                    throw new ArgumentException(
                        $"argmax[{i}] is {at}; allowed: an index into image {b}, {lo} ≤ index < {hi} (as MaxPool2dForward returns).",
                        nameof(argmax));
                }

                gradInput[at] += gradOutput[i];
            }
        }
    }

    private static void AvgForward<T>(Conv2dGeometry g, ReadOnlySpan<T> input, Span<T> output, int p0, int p1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int c = g.InChannels;
        T count = T.CreateChecked(g.KernelH * g.KernelW);
        for (int p = p0; p < p1; p++)
        {
            int b = p / g.OutPixels, q = p - b * g.OutPixels, oy = q / g.OutW, ox = q - oy * g.OutW;
            Span<T> sum = output.Slice(p * c, c);
            sum.Clear();
            var (yLo, yHi, xLo, xHi) = Window(g, oy, ox);
            for (int y = yLo; y < yHi; y++)
            {
                for (int x = xLo; x < xHi; x++)
                {
                    SpanMath.AddInto(sum, input.Slice(((b * g.Height + y) * g.Width + x) * c, c));
                }
            }

            SpanMath.DivideInPlace(sum, count);
        }
    }

    private static void AvgBackward<T>(Conv2dGeometry g, ReadOnlySpan<T> gradOutput, Span<T> gradInput, int b0, int b1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int c = g.InChannels;
        T count = T.CreateChecked(g.KernelH * g.KernelW);
        for (int b = b0; b < b1; b++)
        {
            gradInput.Slice(b * g.ImageSize, g.ImageSize).Clear();
            for (int oy = 0; oy < g.OutH; oy++)
            {
                for (int ox = 0; ox < g.OutW; ox++)
                {
                    ReadOnlySpan<T> go = gradOutput.Slice(((b * g.OutH + oy) * g.OutW + ox) * c, c);
                    var (yLo, yHi, xLo, xHi) = Window(g, oy, ox);
                    for (int y = yLo; y < yHi; y++)
                    {
                        for (int x = xLo; x < xHi; x++)
                        {
                            SpanMath.AddDividedInto(gradInput.Slice(((b * g.Height + y) * g.Width + x) * c, c), go, count);
                        }
                    }
                }
            }
        }
    }

    private static void CheckForward<T>(Conv2dGeometry geometry, ReadOnlySpan<T> input, int batch, Span<T> output)
    {
        CheckGeometry(geometry);
        ConvParallel.CheckBatch(batch);
        ConvParallel.CheckLength(input.Length, ConvParallel.Product(batch, geometry.ImageSize, "H·W·C"), nameof(input),
            "batch·H·W·C");
        ConvParallel.CheckLength(output.Length, ConvParallel.Product(batch, geometry.OutImageSize, "OutH·OutW·C"),
            nameof(output), "batch·OutH·OutW·C");
        ConvParallel.CheckDisjoint(input, output, nameof(input), nameof(output));
    }

    private static void CheckBackward<T>(Conv2dGeometry geometry, ReadOnlySpan<T> gradOutput, int batch, Span<T> gradInput)
    {
        CheckGeometry(geometry);
        ConvParallel.CheckBatch(batch);
        ConvParallel.CheckLength(gradOutput.Length, ConvParallel.Product(batch, geometry.OutImageSize, "OutH·OutW·C"),
            nameof(gradOutput), "batch·OutH·OutW·C");
        ConvParallel.CheckLength(gradInput.Length, ConvParallel.Product(batch, geometry.ImageSize, "H·W·C"),
            nameof(gradInput), "batch·H·W·C");
        ConvParallel.CheckDisjoint(gradOutput, gradInput, nameof(gradOutput), nameof(gradInput));
    }

    /// <summary>Throws unless the padding leaves an image pixel in every window (PadH ≤ KernelH/2, PadW ≤ KernelW/2).</summary>
    internal static void CheckGeometry(Conv2dGeometry geometry)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        if (geometry.PadH > geometry.KernelH / 2 || geometry.PadW > geometry.KernelW / 2)
        {
            throw new ArgumentException(
                $"pooling padding {geometry.PadH}×{geometry.PadW} with kernel {geometry.KernelH}×{geometry.KernelW}; " +
                "allowed: padH ≤ kernelH/2 and padW ≤ kernelW/2 (every window must hold an image pixel).", nameof(geometry));
        }
    }
}
