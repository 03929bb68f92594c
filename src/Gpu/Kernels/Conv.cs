using BoundLab.Numerics.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace BoundLab.Gpu.Kernels;

/// <summary>A <see cref="Conv2dGeometry"/> as plain ints, the form a kernel takes it in (NHWC, element (b, y, x, c) at
/// ((b·H + y)·W + x)·C + c).</summary>
internal readonly struct ConvShape
{
    /// <summary>The fields of <paramref name="g"/>.</summary>
    public ConvShape(Conv2dGeometry g)
    {
        C = g.InChannels;
        H = g.Height;
        W = g.Width;
        KH = g.KernelH;
        KW = g.KernelW;
        SH = g.StrideH;
        SW = g.StrideW;
        PH = g.PadH;
        PW = g.PadW;
        OutH = g.OutH;
        OutW = g.OutW;
        Patch = g.PatchSize;
        Image = g.ImageSize;
        OutImage = g.OutImageSize;
    }

    /// <summary>Channels.</summary>
    public int C { get; }

    /// <summary>Image height.</summary>
    public int H { get; }

    /// <summary>Image width.</summary>
    public int W { get; }

    /// <summary>Window height.</summary>
    public int KH { get; }

    /// <summary>Window width.</summary>
    public int KW { get; }

    /// <summary>Vertical stride.</summary>
    public int SH { get; }

    /// <summary>Horizontal stride.</summary>
    public int SW { get; }

    /// <summary>Vertical padding.</summary>
    public int PH { get; }

    /// <summary>Horizontal padding.</summary>
    public int PW { get; }

    /// <summary>Output height.</summary>
    public int OutH { get; }

    /// <summary>Output width.</summary>
    public int OutW { get; }

    /// <summary>KH·KW·C, the im2col columns.</summary>
    public int Patch { get; }

    /// <summary>H·W·C, values per input image.</summary>
    public int Image { get; }

    /// <summary>OutH·OutW·C, values per pooled image.</summary>
    public int OutImage { get; }
}

// Chellapilla, Puri & Simard (2006), High Performance Convolutional Neural Networks for Document Processing: unfold, then one matrix product.
// One thread per output value. The adjoints (Col2Im, the pooling backward passes) are gathers: each input value sums, in
// increasing output order (oy, ox), the terms of the windows that cover it — the order of the CPU kernels and of
// ConvReference, with no float atomics, so the result is the same bits whatever the GPU schedules.
internal static partial class ConvKernels
{
    /// <summary>The first output row (or column) whose window covers image row y: the least o ≥ 0 with o·s − pad + k − 1 ≥ y.</summary>
    private static int FirstCovering(int y, int pad, int kernel, int stride)
    {
        int a = y + pad - kernel + 1;
        return a <= 0 ? 0 : (a + stride - 1) / stride;
    }

    /// <summary>The last output row (or column) whose window covers image row y: the greatest o &lt; outSize with o·s − pad ≤ y.</summary>
    private static int LastCovering(int y, int pad, int stride, int outSize)
    {
        int o = (y + pad) / stride;
        return o < outSize - 1 ? o : outSize - 1;
    }

    /// <summary>cols[r, (ky·KW + kx)·C + c] = input(b, oy·SH − PH + ky, ox·SW − PW + kx, c), 0 in the padding; r = (b·OutH + oy)·OutW + ox.
    /// One thread per entry of cols.</summary>
    internal static void Im2Col(Index1D index, ConvShape g, ArrayView1D<float, Stride1D.Dense> input, ArrayView1D<float, Stride1D.Dense> cols)
    {
        int i = index;
        int r = i / g.Patch, col = i - r * g.Patch;
        int tap = col / g.C, c = col - tap * g.C;
        int ky = tap / g.KW, kx = tap - ky * g.KW;
        int outPixels = g.OutH * g.OutW;
        int b = r / outPixels, p = r - b * outPixels;
        int oy = p / g.OutW, ox = p - oy * g.OutW;
        int y = oy * g.SH - g.PH + ky, x = ox * g.SW - g.PW + kx;
        cols[i] = y < 0 || y >= g.H || x < 0 || x >= g.W ? 0f : input[((b * g.H + y) * g.W + x) * g.C + c];
    }

    /// <summary>input(b, y, x, c) = Σ over the windows (oy, ox) covering (y, x), in increasing (oy, ox), of cols[r, (ky·KW + kx)·C + c]
    /// with ky = y + PH − oy·SH, kx = x + PW − ox·SW. One thread per input value (overwrites input).</summary>
    internal static void Col2Im(Index1D index, ConvShape g, ArrayView1D<float, Stride1D.Dense> cols, ArrayView1D<float, Stride1D.Dense> input)
    {
        int j = index;
        int b = j / g.Image, q = j - b * g.Image;
        int pixel = q / g.C, c = q - pixel * g.C;
        int y = pixel / g.W, x = pixel - y * g.W;
        int oyLo = FirstCovering(y, g.PH, g.KH, g.SH), oyHi = LastCovering(y, g.PH, g.SH, g.OutH);
        int oxLo = FirstCovering(x, g.PW, g.KW, g.SW), oxHi = LastCovering(x, g.PW, g.SW, g.OutW);
        float sum = 0f;
        for (int oy = oyLo; oy <= oyHi; oy++)
        {
            int ky = y + g.PH - oy * g.SH;
            for (int ox = oxLo; ox <= oxHi; ox++)
            {
                int kx = x + g.PW - ox * g.SW;
                int r = (b * g.OutH + oy) * g.OutW + ox;
                sum += cols[r * g.Patch + (ky * g.KW + kx) * g.C + c];
            }
        }

        input[j] = sum;
    }

    /// <summary>output[o] = the maximum over the window of output value o (padding never chosen; the first maximum in
    /// (ky, kx) order wins ties; the first NaN wins over numbers), argmax[o] = its flat index into input. One thread per output value.</summary>
    internal static void MaxPoolForward(Index1D index, ConvShape g, ArrayView1D<float, Stride1D.Dense> input,
        ArrayView1D<float, Stride1D.Dense> output, ArrayView1D<int, Stride1D.Dense> argmax)
    {
        int o = index;
        int b = o / g.OutImage, q = o - b * g.OutImage;
        int op = q / g.C, c = q - op * g.C;
        int oy = op / g.OutW, ox = op - oy * g.OutW;
        int y0 = oy * g.SH - g.PH, x0 = ox * g.SW - g.PW;
        int yLo = y0 > 0 ? y0 : 0, yHi = y0 + g.KH < g.H ? y0 + g.KH : g.H;
        int xLo = x0 > 0 ? x0 : 0, xHi = x0 + g.KW < g.W ? x0 + g.KW : g.W;
        int best = ((b * g.H + yLo) * g.W + xLo) * g.C + c;
        float bestValue = input[best];
        for (int y = yLo; y < yHi; y++)
        {
            for (int x = xLo; x < xHi; x++)
            {
                int at = ((b * g.H + y) * g.W + x) * g.C + c;
                float v = input[at];
                if (v > bestValue || (float.IsNaN(v) && !float.IsNaN(bestValue)))
                {
                    bestValue = v;
                    best = at;
                }
            }
        }

        output[o] = bestValue;
        argmax[o] = best;
    }

    /// <summary>Checks argmax: flags[0] ← the least output index whose arg-max lies outside its own image (Atomic.Min, so
    /// the result does not depend on scheduling; flags[0] starts at int.MaxValue), flags[1] ← 1 when some in-image
    /// index is not in its own window and channel (flags[1] starts at 0). One thread per output value.</summary>
    internal static void MaxPoolCheck(Index1D index, ConvShape g, ArrayView1D<int, Stride1D.Dense> argmax, ArrayView1D<int, Stride1D.Dense> flags)
    {
        int o = index;
        int b = o / g.OutImage, q = o - b * g.OutImage;
        int at = argmax[o], lo = b * g.Image;
        if (at < lo || at >= lo + g.Image)
        {
            Atomic.Min(ref flags[0], o);
            return;
        }

        int op = q / g.C, c = q - op * g.C;
        int oy = op / g.OutW, ox = op - oy * g.OutW;
        int rel = at - lo, pixel = rel / g.C, ac = rel - pixel * g.C;
        int y = pixel / g.W, x = pixel - y * g.W;
        int y0 = oy * g.SH - g.PH, x0 = ox * g.SW - g.PW;
        if (ac != c || y < y0 || y >= y0 + g.KH || x < x0 || x >= x0 + g.KW)
        {
            Atomic.Max(ref flags[1], 1);
        }
    }

    /// <summary>gradInput[j] = Σ over the windows covering j, in increasing output order, of gradOutput[o] where argmax[o] = j.
    /// Valid when every argmax[o] lies in the window and channel of o (as MaxPoolForward writes, checked by MaxPoolCheck).
    /// One thread per input value (overwrites gradInput).</summary>
    internal static void MaxPoolBackward(Index1D index, ConvShape g, ArrayView1D<float, Stride1D.Dense> gradOutput,
        ArrayView1D<int, Stride1D.Dense> argmax, ArrayView1D<float, Stride1D.Dense> gradInput)
    {
        int j = index;
        int b = j / g.Image, q = j - b * g.Image;
        int pixel = q / g.C, c = q - pixel * g.C;
        int y = pixel / g.W, x = pixel - y * g.W;
        int oyLo = FirstCovering(y, g.PH, g.KH, g.SH), oyHi = LastCovering(y, g.PH, g.SH, g.OutH);
        int oxLo = FirstCovering(x, g.PW, g.KW, g.SW), oxHi = LastCovering(x, g.PW, g.SW, g.OutW);
        float sum = 0f;
        for (int oy = oyLo; oy <= oyHi; oy++)
        {
            for (int ox = oxLo; ox <= oxHi; ox++)
            {
                int o = ((b * g.OutH + oy) * g.OutW + ox) * g.C + c;
                if (argmax[o] == j)
                {
                    sum += gradOutput[o];
                }
            }
        }

        gradInput[j] = sum;
    }

    /// <summary>The general case of MaxPoolBackward (any arg-max inside its own image): one thread per image zeroes it,
    /// then adds gradOutput[o] into gradInput[argmax[o]] for the image's outputs o in increasing order — the CPU's loop.</summary>
    internal static void MaxPoolBackwardPerImage(Index1D index, ConvShape g, ArrayView1D<float, Stride1D.Dense> gradOutput,
        ArrayView1D<int, Stride1D.Dense> argmax, ArrayView1D<float, Stride1D.Dense> gradInput)
    {
        int b = index;
        for (int j = b * g.Image; j < (b + 1) * g.Image; j++)
        {
            gradInput[j] = 0f;
        }

        for (int o = b * g.OutImage; o < (b + 1) * g.OutImage; o++)
        {
            gradInput[argmax[o]] += gradOutput[o];
        }
    }

    /// <summary>output[o] = (Σ over the window, in (y, x) order, padding as 0) / (KH·KW): count_include_pad = true.
    /// One thread per output value.</summary>
    internal static void AvgPoolForward(Index1D index, ConvShape g, ArrayView1D<float, Stride1D.Dense> input, ArrayView1D<float, Stride1D.Dense> output)
    {
        int o = index;
        int b = o / g.OutImage, q = o - b * g.OutImage;
        int op = q / g.C, c = q - op * g.C;
        int oy = op / g.OutW, ox = op - oy * g.OutW;
        int y0 = oy * g.SH - g.PH, x0 = ox * g.SW - g.PW;
        int yLo = y0 > 0 ? y0 : 0, yHi = y0 + g.KH < g.H ? y0 + g.KH : g.H;
        int xLo = x0 > 0 ? x0 : 0, xHi = x0 + g.KW < g.W ? x0 + g.KW : g.W;
        float sum = 0f;
        for (int y = yLo; y < yHi; y++)
        {
            for (int x = xLo; x < xHi; x++)
            {
                sum += input[((b * g.H + y) * g.W + x) * g.C + c];
            }
        }

        output[o] = sum / (float)(g.KH * g.KW);
    }

    /// <summary>gradInput[j] = Σ over the windows covering j, in increasing (oy, ox), of gradOutput[o] / (KH·KW) (each term
    /// divided, then added, as the CPU does). One thread per input value (overwrites gradInput).</summary>
    internal static void AvgPoolBackward(Index1D index, ConvShape g, ArrayView1D<float, Stride1D.Dense> gradOutput, ArrayView1D<float, Stride1D.Dense> gradInput)
    {
        int j = index;
        int b = j / g.Image, q = j - b * g.Image;
        int pixel = q / g.C, c = q - pixel * g.C;
        int y = pixel / g.W, x = pixel - y * g.W;
        int oyLo = FirstCovering(y, g.PH, g.KH, g.SH), oyHi = LastCovering(y, g.PH, g.SH, g.OutH);
        int oxLo = FirstCovering(x, g.PW, g.KW, g.SW), oxHi = LastCovering(x, g.PW, g.SW, g.OutW);
        float count = g.KH * g.KW;
        float sum = 0f;
        for (int oy = oyLo; oy <= oyHi; oy++)
        {
            for (int ox = oxLo; ox <= oxHi; ox++)
            {
                sum += gradOutput[((b * g.OutH + oy) * g.OutW + ox) * g.C + c] / count;
            }
        }

        gradInput[j] = sum;
    }
}
