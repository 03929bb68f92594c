namespace BoundLab.Numerics.Kernels;

/// <summary>The shape of a 2-D convolution or pooling window over NHWC images: input C×H×W per image, a
/// KernelH×KernelW window moved by StrideH/StrideW over the image zero-padded by PadH/PadW on each side.</summary>
/// <remarks>
/// Layout (every kernel of this folder): a batch of B images is a row-major array of B·H·W·C values, element
/// (b, y, x, c) at ((b·H + y)·W + x)·C + c, so the channels of one pixel are contiguous. Outputs use the same
/// layout with OutH×OutW pixels: OutH = ⌊(H + 2·PadH − KernelH)/StrideH⌋ + 1, OutW likewise (PyTorch's
/// formula without dilation and ceil mode). The properties are get-only, so a geometry is always valid.
/// </remarks>
public sealed record Conv2dGeometry
{
    /// <summary>Validates every field and derives the output size; each error names the field, its value and what is allowed.</summary>
    public Conv2dGeometry(int inChannels, int height, int width, int kernelH, int kernelW,
        int strideH = 1, int strideW = 1, int padH = 0, int padW = 0)
    {
        InChannels = AtLeast(inChannels, 1, nameof(inChannels));
        Height = AtLeast(height, 1, nameof(height));
        Width = AtLeast(width, 1, nameof(width));
        KernelH = AtLeast(kernelH, 1, nameof(kernelH));
        KernelW = AtLeast(kernelW, 1, nameof(kernelW));
        StrideH = AtLeast(strideH, 1, nameof(strideH));
        StrideW = AtLeast(strideW, 1, nameof(strideW));
        PadH = AtLeast(padH, 0, nameof(padH));
        PadW = AtLeast(padW, 0, nameof(padW));
        OutH = OutputSize(height, kernelH, strideH, padH, nameof(kernelH), nameof(height), nameof(padH));
        OutW = OutputSize(width, kernelW, strideW, padW, nameof(kernelW), nameof(width), nameof(padW));
        long patch = (long)kernelH * kernelW * inChannels;
        long image = (long)height * width * inChannels;
        long outPixels = (long)OutH * OutW;
        if (patch > int.MaxValue || image > int.MaxValue || outPixels * Math.Max(patch, inChannels) > int.MaxValue)
        {
            throw new ArgumentException(
                $"geometry C={inChannels} H={height} W={width} kernel {kernelH}×{kernelW} needs more than {int.MaxValue} " +
                "elements per image (patch matrix or image); allowed: at most int.MaxValue.", nameof(inChannels));
        }

        PatchSize = (int)patch;
        ImageSize = (int)image;
    }

    /// <summary>Channels per pixel, C.</summary>
    public int InChannels { get; }

    /// <summary>Image height H (rows of pixels).</summary>
    public int Height { get; }

    /// <summary>Image width W (pixels per row).</summary>
    public int Width { get; }

    /// <summary>Window height.</summary>
    public int KernelH { get; }

    /// <summary>Window width.</summary>
    public int KernelW { get; }

    /// <summary>Vertical step between windows (≥ 1).</summary>
    public int StrideH { get; }

    /// <summary>Horizontal step between windows (≥ 1).</summary>
    public int StrideW { get; }

    /// <summary>Zero rows added above and below the image (≥ 0).</summary>
    public int PadH { get; }

    /// <summary>Zero columns added left and right of the image (≥ 0).</summary>
    public int PadW { get; }

    /// <summary>Output height ⌊(H + 2·PadH − KernelH)/StrideH⌋ + 1.</summary>
    public int OutH { get; }

    /// <summary>Output width ⌊(W + 2·PadW − KernelW)/StrideW⌋ + 1.</summary>
    public int OutW { get; }

    /// <summary>Values in one window, KernelH·KernelW·C: the columns of the im2col matrix.</summary>
    public int PatchSize { get; }

    /// <summary>Values in one input image, H·W·C.</summary>
    public int ImageSize { get; }

    /// <summary>Output pixels per image, OutH·OutW: the im2col rows per image.</summary>
    public int OutPixels => OutH * OutW;

    /// <summary>Values in one pooled output image, OutH·OutW·C.</summary>
    public int OutImageSize => OutH * OutW * InChannels;

    private static int AtLeast(int value, int min, string name)
    {
        if (value < min)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} is {value}; allowed: {name} ≥ {min}.");
        }

        return value;
    }

    private static int OutputSize(int size, int kernel, int stride, int pad, string kernelName, string sizeName, string padName)
    {
        long padded = (long)size + 2L * pad;
        if (kernel > padded)
        {
            throw new ArgumentOutOfRangeException(kernelName, kernel,
                $"{kernelName} is {kernel} but {sizeName} + 2·{padName} is {padded}; allowed: {kernelName} ≤ {sizeName} + 2·{padName} " +
                "(at least one output pixel).");
        }

        return (int)((padded - kernel) / stride + 1);
    }
}
