using BoundLab.Numerics.Kernels;

namespace BoundLab.Numerics.Models.Layers;

/// <summary>y = act(conv(x, W) + b) on NHWC images: Height × Width × InChannels in, OutH × OutW × OutChannels out, a square
/// Kernel × Kernel window moved by Stride over the image zero-padded by Padding on each side (PyTorch's Conv2d, a
/// cross-correlation). W is OutChannels × (Kernel·Kernel·InChannels) with columns in (ky, kx, c) order — PyTorch's
/// OIHW weight permuted to OHWI, <c>w.permute(0, 2, 3, 1).reshape(OC, -1)</c>; b has OutChannels entries.</summary>
/// <param name="Height">Input image height H.</param>
/// <param name="Width">Input image width W.</param>
/// <param name="InChannels">Input channels C.</param>
/// <param name="OutChannels">Output channels (filters).</param>
/// <param name="Kernel">Window side.</param>
/// <param name="Stride">Step between windows.</param>
/// <param name="Padding">Zero pixels added on each side.</param>
/// <param name="Activation">Applied after the bias (Identity = none), fused like <see cref="DenseSpec"/>'s.</param>
/// <param name="Bias">Whether the layer has b.</param>
public sealed record Conv2dSpec(int Height, int Width, int InChannels, int OutChannels, int Kernel, int Stride = 1, int Padding = 0,
    Activation Activation = Activation.Identity, bool Bias = true) : LayerSpec
{
    /// <summary>The window geometry; constructing it checks every field (an error names the field, its value and what is allowed).</summary>
    public Conv2dGeometry Geometry => new(InChannels, Height, Width, Kernel, Kernel, Stride, Stride, Padding, Padding);

    /// <inheritdoc />
    public override int InputSize => Geometry.ImageSize;

    /// <inheritdoc />
    public override int OutputSize => Checked(Geometry.OutPixels, OutChannels);

    /// <inheritdoc />
    public override long ParameterCount => (long)OutChannels * Geometry.PatchSize + (Bias ? OutChannels : 0);

    /// <inheritdoc />
    public override string Describe()
        => $"conv {Height}×{Width}×{InChannels}→{Geometry.OutH}×{Geometry.OutW}×{OutChannels} k{Kernel} s{Stride} p{Padding}"
            + (Activation == Activation.Identity ? "" : " " + Activation.ToString().ToLowerInvariant()) + (Bias ? "" : " (no bias)");

    internal static int Checked(int pixels, int channels)
    {
        if (channels < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, $"channels is {channels}; allowed: ≥ 1.");
        }

        long n = (long)pixels * channels;
        return n <= int.MaxValue ? (int)n
            : throw new ArgumentOutOfRangeException(nameof(channels), channels, $"{pixels} pixels × {channels} channels exceeds {int.MaxValue} features per row.");
    }
}

/// <summary>The two pooling reductions of <see cref="PoolSpec"/>.</summary>
public enum PoolKind
{
    /// <summary>The maximum over the window (PyTorch's MaxPool2d).</summary>
    Max,

    /// <summary>The mean over the window, padding counted as zeros (PyTorch's AvgPool2d, count_include_pad = true).</summary>
    Average,
}

/// <summary>Max or average pooling on NHWC images, per channel: Height × Width × Channels in, OutH × OutW × Channels out,
/// a square Kernel × Kernel window moved by Stride, Padding ≤ Kernel/2 on each side. No parameters.</summary>
/// <param name="Kind">Max or average.</param>
/// <param name="Height">Input image height.</param>
/// <param name="Width">Input image width.</param>
/// <param name="Channels">Channels (kept).</param>
/// <param name="Kernel">Window side.</param>
/// <param name="Stride">Step between windows (PyTorch's default is the kernel side).</param>
/// <param name="Padding">Pixels added on each side (never chosen by max; zeros for average).</param>
public sealed record PoolSpec(PoolKind Kind, int Height, int Width, int Channels, int Kernel, int Stride, int Padding = 0) : LayerSpec
{
    /// <summary>The window geometry; constructing it checks every field.</summary>
    public Conv2dGeometry Geometry
    {
        get
        {
            var g = new Conv2dGeometry(Channels, Height, Width, Kernel, Kernel, Stride, Stride, Padding, Padding);
            if (!Enum.IsDefined(Kind))
            {
                throw new ArgumentOutOfRangeException(nameof(Kind), Kind, $"allowed: {string.Join(", ", Enum.GetNames<PoolKind>())}");
            }

            return Padding <= Kernel / 2 ? g
                : throw new ArgumentOutOfRangeException(nameof(Padding), Padding, $"padding is {Padding} with kernel {Kernel}; allowed: padding ≤ kernel/2 = {Kernel / 2}.");
        }
    }

    /// <inheritdoc />
    public override int InputSize => Geometry.ImageSize;

    /// <inheritdoc />
    public override int OutputSize => Geometry.OutImageSize;

    /// <inheritdoc />
    public override long ParameterCount => 0;

    /// <inheritdoc />
    public override string Describe()
        => $"{(Kind == PoolKind.Max ? "maxpool" : "avgpool")} {Height}×{Width}×{Channels}→{Geometry.OutH}×{Geometry.OutW}×{Channels} k{Kernel} s{Stride}"
            + (Padding == 0 ? "" : $" p{Padding}");
}

/// <summary>Height × Width × Channels images as flat feature rows: the identity on the B × (H·W·C) tensor, which is
/// already flat. It records the image shape for the architecture and for export: the features are in HWC order, while
/// PyTorch's nn.Flatten of an NCHW tensor gives CHW order, so a following dense weight is permuted on export.</summary>
/// <param name="Height">Image height.</param>
/// <param name="Width">Image width.</param>
/// <param name="Channels">Channels.</param>
public sealed record FlattenSpec(int Height, int Width, int Channels) : LayerSpec
{
    /// <inheritdoc />
    public override int InputSize
    {
        get
        {
            if (Height < 1 || Width < 1)
            {
                throw new ArgumentOutOfRangeException(Height < 1 ? nameof(Height) : nameof(Width), Height < 1 ? Height : Width, "allowed: height ≥ 1 and width ≥ 1.");
            }

            return Conv2dSpec.Checked(Conv2dSpec.Checked(Height, Width), Channels);
        }
    }

    /// <inheritdoc />
    public override int OutputSize => InputSize;

    /// <inheritdoc />
    public override long ParameterCount => 0;

    /// <inheritdoc />
    public override string Describe() => $"flatten {Height}×{Width}×{Channels}→{InputSize}";
}
