namespace BoundLab.Numerics.Kernels;

/// <summary>Float64 specification of <see cref="Conv2d"/> and <see cref="Pool2d"/>: straight loops over the
/// definitions, NHWC layout, element (b, y, x, c) at ((b·H + y)·W + x)·C + c. Inputs are not validated beyond
/// what indexing checks: this is the semantics the fast kernels are tested against.</summary>
public static class ConvReference
{
    /// <summary>The input value at (b, y, x, c), or 0 where (y, x) lies in the padding.</summary>
    private static double At(Conv2dGeometry g, double[] input, int b, int y, int x, int c)
        => y < 0 || y >= g.Height || x < 0 || x >= g.Width ? 0.0 : input[((b * g.Height + y) * g.Width + x) * g.InChannels + c];

    /// <summary>cols[(b·OutH + oy)·OutW + ox, (ky·KernelW + kx)·C + c] = input(b, oy·StrideH − PadH + ky, ox·StrideW − PadW + kx, c).</summary>
    public static double[] Im2Col(Conv2dGeometry g, double[] input, int batch)
    {
        ArgumentNullException.ThrowIfNull(g);
        var cols = new double[batch * g.OutPixels * g.PatchSize];
        for (int b = 0; b < batch; b++)
            for (int oy = 0; oy < g.OutH; oy++)
                for (int ox = 0; ox < g.OutW; ox++)
                    for (int ky = 0; ky < g.KernelH; ky++)
                        for (int kx = 0; kx < g.KernelW; kx++)
                            for (int c = 0; c < g.InChannels; c++)
                            {
                                int r = (b * g.OutH + oy) * g.OutW + ox;
                                cols[r * g.PatchSize + (ky * g.KernelW + kx) * g.InChannels + c] =
                                    At(g, input, b, oy * g.StrideH - g.PadH + ky, ox * g.StrideW - g.PadW + kx, c);
                            }

        return cols;
    }

    /// <summary>input = Im2Colᵀ · cols: every in-image entry of cols added to the pixel it came from, in (b, oy, ox, ky, kx, c) order.</summary>
    public static double[] Col2Im(Conv2dGeometry g, double[] cols, int batch)
    {
        ArgumentNullException.ThrowIfNull(g);
        var input = new double[batch * g.ImageSize];
        for (int b = 0; b < batch; b++)
            for (int oy = 0; oy < g.OutH; oy++)
                for (int ox = 0; ox < g.OutW; ox++)
                    for (int ky = 0; ky < g.KernelH; ky++)
                        for (int kx = 0; kx < g.KernelW; kx++)
                            for (int c = 0; c < g.InChannels; c++)
                            {
                                int y = oy * g.StrideH - g.PadH + ky, x = ox * g.StrideW - g.PadW + kx;
                                if (y >= 0 && y < g.Height && x >= 0 && x < g.Width)
                                {
                                    int r = (b * g.OutH + oy) * g.OutW + ox;
                                    input[((b * g.Height + y) * g.Width + x) * g.InChannels + c] +=
                                        cols[r * g.PatchSize + (ky * g.KernelW + kx) * g.InChannels + c];
                                }
                            }

        return input;
    }

    /// <summary>Direct cross-correlation (PyTorch's conv2d): out(b, oy, ox, o) = bias[o] + Σ_{ky,kx,c}
    /// weights[o, (ky·KernelW + kx)·C + c]·input(b, oy·StrideH − PadH + ky, ox·StrideW − PadW + kx, c); NHWC output.
    /// weights is outChannels × PatchSize (OHWI); an empty bias means none.</summary>
    public static double[] Conv2dForward(Conv2dGeometry g, double[] input, int batch, double[] weights, double[] bias,
        int outChannels)
    {
        ArgumentNullException.ThrowIfNull(g);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(bias);
        var output = new double[batch * g.OutPixels * outChannels];
        for (int b = 0; b < batch; b++)
            for (int oy = 0; oy < g.OutH; oy++)
                for (int ox = 0; ox < g.OutW; ox++)
                    for (int o = 0; o < outChannels; o++)
                    {
                        double sum = bias.Length == 0 ? 0.0 : bias[o];
                        for (int ky = 0; ky < g.KernelH; ky++)
                            for (int kx = 0; kx < g.KernelW; kx++)
                                for (int c = 0; c < g.InChannels; c++)
                                {
                                    sum += weights[o * g.PatchSize + (ky * g.KernelW + kx) * g.InChannels + c] *
                                        At(g, input, b, oy * g.StrideH - g.PadH + ky, ox * g.StrideW - g.PadW + kx, c);
                                }

                        output[((b * g.OutH + oy) * g.OutW + ox) * outChannels + o] = sum;
                    }

        return output;
    }

    /// <summary>Max over each window per channel (padding never chosen; first maximum in (ky, kx) order; NaN wins),
    /// with the index into input of the value chosen.</summary>
    public static (double[] Output, int[] Argmax) MaxPool2dForward(Conv2dGeometry g, double[] input, int batch)
    {
        ArgumentNullException.ThrowIfNull(g);
        var output = new double[batch * g.OutImageSize];
        var argmax = new int[output.Length];
        for (int b = 0; b < batch; b++)
            for (int oy = 0; oy < g.OutH; oy++)
                for (int ox = 0; ox < g.OutW; ox++)
                    for (int c = 0; c < g.InChannels; c++)
                    {
                        int o = ((b * g.OutH + oy) * g.OutW + ox) * g.InChannels + c;
                        int best = -1;
                        for (int ky = 0; ky < g.KernelH; ky++)
                            for (int kx = 0; kx < g.KernelW; kx++)
                            {
                                int y = oy * g.StrideH - g.PadH + ky, x = ox * g.StrideW - g.PadW + kx;
                                if (y < 0 || y >= g.Height || x < 0 || x >= g.Width)
                                {
                                    continue;
                                }

                                int i = ((b * g.Height + y) * g.Width + x) * g.InChannels + c;
                                if (best < 0 || input[i] > input[best] || (double.IsNaN(input[i]) && !double.IsNaN(input[best])))
                                {
                                    best = i;
                                }
                            }

                        output[o] = input[best];
                        argmax[o] = best;
                    }

        return (output, argmax);
    }

    /// <summary>gradInput[argmax[i]] += gradOutput[i] over all outputs i in order, zero elsewhere.</summary>
    public static double[] MaxPool2dBackward(Conv2dGeometry g, double[] gradOutput, int[] argmax, int batch)
    {
        ArgumentNullException.ThrowIfNull(g);
        ArgumentNullException.ThrowIfNull(gradOutput);
        ArgumentNullException.ThrowIfNull(argmax);
        var gradInput = new double[batch * g.ImageSize];
        for (int i = 0; i < gradOutput.Length; i++)
        {
            gradInput[argmax[i]] += gradOutput[i];
        }

        return gradInput;
    }

    /// <summary>(Σ over the window, padding as 0, in (ky, kx) order) / (KernelH·KernelW): count_include_pad = true.</summary>
    public static double[] AvgPool2dForward(Conv2dGeometry g, double[] input, int batch)
    {
        ArgumentNullException.ThrowIfNull(g);
        var output = new double[batch * g.OutImageSize];
        for (int b = 0; b < batch; b++)
            for (int oy = 0; oy < g.OutH; oy++)
                for (int ox = 0; ox < g.OutW; ox++)
                    for (int c = 0; c < g.InChannels; c++)
                    {
                        double sum = 0.0;
                        for (int ky = 0; ky < g.KernelH; ky++)
                            for (int kx = 0; kx < g.KernelW; kx++)
                            {
                                int y = oy * g.StrideH - g.PadH + ky, x = ox * g.StrideW - g.PadW + kx;
                                if (y >= 0 && y < g.Height && x >= 0 && x < g.Width)
                                {
                                    sum += input[((b * g.Height + y) * g.Width + x) * g.InChannels + c];
                                }
                            }

                        output[((b * g.OutH + oy) * g.OutW + ox) * g.InChannels + c] = sum / (g.KernelH * g.KernelW);
                    }

        return output;
    }

    /// <summary>gradInput(b, y, x, c) = Σ over the windows covering it of gradOutput / (KernelH·KernelW), in (oy, ox, ky, kx) order.</summary>
    public static double[] AvgPool2dBackward(Conv2dGeometry g, double[] gradOutput, int batch)
    {
        ArgumentNullException.ThrowIfNull(g);
        ArgumentNullException.ThrowIfNull(gradOutput);
        var gradInput = new double[batch * g.ImageSize];
        double count = g.KernelH * g.KernelW;
        for (int b = 0; b < batch; b++)
            for (int oy = 0; oy < g.OutH; oy++)
                for (int ox = 0; ox < g.OutW; ox++)
                    for (int ky = 0; ky < g.KernelH; ky++)
                        for (int kx = 0; kx < g.KernelW; kx++)
                            for (int c = 0; c < g.InChannels; c++)
                            {
                                int y = oy * g.StrideH - g.PadH + ky, x = ox * g.StrideW - g.PadW + kx;
                                if (y >= 0 && y < g.Height && x >= 0 && x < g.Width)
                                {
                                    gradInput[((b * g.Height + y) * g.Width + x) * g.InChannels + c] +=
                                        gradOutput[((b * g.OutH + oy) * g.OutW + ox) * g.InChannels + c] / count;
                                }
                            }

        return gradInput;
    }
}
