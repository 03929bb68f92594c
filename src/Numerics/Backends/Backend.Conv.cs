using BoundLab.Numerics.Kernels;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Numerics.Backends;

// Convolution and pooling over NHWC rows: a batch of B images is a B × (H·W·C) tensor (Conv2dGeometry states the layout).
public abstract partial class Backend<T>
{
    // ───────────────────────────── convolution and pooling ─────────────────────────────

    /// <summary>cols[(b·OutH + oy)·OutW + ox, (ky·KernelW + kx)·C + c] = input(b, oy·StrideH − PadH + ky, ox·StrideW − PadW + kx, c),
    /// 0 in the padding: input is B × (H·W·C), cols is (B·OutH·OutW) × PatchSize, so a convolution is one GEMM
    /// cols·Wᵀ whose (B·OutH·OutW) × OC result is already the NHWC output. input and cols must not share storage.</summary>
    public void Im2Col(Conv2dGeometry geometry, Tensor<T> input, Tensor<T> cols)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        Own(input, nameof(input));
        Own(cols, nameof(cols));
        RequireImages(geometry.ImageSize, input, nameof(input), "H·W·C");
        RequirePatches(geometry, input.Rows, cols, nameof(cols));
        Im2ColCore(geometry, input, cols);
    }

    /// <summary>The adjoint of <see cref="Im2Col"/>: input is overwritten with Im2Colᵀ·cols, each entry of cols added to the
    /// pixel it was copied from (padding entries dropped), in (oy, ox, ky, kx) order per image.</summary>
    public void Col2Im(Conv2dGeometry geometry, Tensor<T> cols, Tensor<T> input)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        Own(cols, nameof(cols));
        Own(input, nameof(input));
        RequireImages(geometry.ImageSize, input, nameof(input), "H·W·C");
        RequirePatches(geometry, input.Rows, cols, nameof(cols));
        Col2ImCore(geometry, cols, input);
    }

    /// <summary>output(b, oy, ox, c) = max over the window of input (B × H·W·C → B × OutH·OutW·C); argmax[i] (one per output
    /// value) receives the flat index into input of the value chosen. Padding is never chosen; the first maximum in
    /// (ky, kx) order wins ties; NaN wins over numbers (PyTorch's max_pool2d). Needs PadH ≤ KernelH/2, PadW ≤ KernelW/2.</summary>
    public void MaxPool2dForward(Conv2dGeometry geometry, Tensor<T> input, Tensor<T> output, IndexTensor argmax)
    {
        CheckPool(geometry, input, output, nameof(input), nameof(output));
        Own(argmax, nameof(argmax));
        RequireLength(argmax.Length, output.Length, nameof(argmax));
        MaxPool2dForwardCore(geometry, input, output, argmax);
    }

    /// <summary>gradInput (overwritten) = 0 except gradInput[argmax[i]] += gradOutput[i] for every output value i, where argmax
    /// is what <see cref="MaxPool2dForward"/> wrote (each index inside its own image; a backend that can read it checks).</summary>
    public void MaxPool2dBackward(Conv2dGeometry geometry, Tensor<T> gradOutput, IndexTensor argmax, Tensor<T> gradInput)
    {
        CheckPool(geometry, gradInput, gradOutput, nameof(gradInput), nameof(gradOutput));
        Own(argmax, nameof(argmax));
        RequireLength(argmax.Length, gradOutput.Length, nameof(argmax));
        MaxPool2dBackwardCore(geometry, gradOutput, argmax, gradInput);
    }

    /// <summary>output(b, oy, ox, c) = (Σ over the window of input, padding as 0) / (KernelH·KernelW): PyTorch's avg_pool2d with
    /// count_include_pad = true. Needs PadH ≤ KernelH/2, PadW ≤ KernelW/2.</summary>
    public void AvgPool2dForward(Conv2dGeometry geometry, Tensor<T> input, Tensor<T> output)
    {
        CheckPool(geometry, input, output, nameof(input), nameof(output));
        AvgPool2dForwardCore(geometry, input, output);
    }

    /// <summary>The adjoint of <see cref="AvgPool2dForward"/>: gradInput (overwritten) receives gradOutput / (KernelH·KernelW) from
    /// every window that covers it.</summary>
    public void AvgPool2dBackward(Conv2dGeometry geometry, Tensor<T> gradOutput, Tensor<T> gradInput)
    {
        CheckPool(geometry, gradInput, gradOutput, nameof(gradInput), nameof(gradOutput));
        AvgPool2dBackwardCore(geometry, gradOutput, gradInput);
    }

    /// <summary>Implementation of <see cref="Im2Col"/>; shapes checked.</summary>
    protected abstract void Im2ColCore(Conv2dGeometry geometry, Tensor<T> input, Tensor<T> cols);

    /// <summary>Implementation of <see cref="Col2Im"/>; shapes checked.</summary>
    protected abstract void Col2ImCore(Conv2dGeometry geometry, Tensor<T> cols, Tensor<T> input);

    /// <summary>Implementation of <see cref="MaxPool2dForward"/>; shapes checked.</summary>
    protected abstract void MaxPool2dForwardCore(Conv2dGeometry geometry, Tensor<T> input, Tensor<T> output, IndexTensor argmax);

    /// <summary>Implementation of <see cref="MaxPool2dBackward"/>; shapes checked, argmax indices not.</summary>
    protected abstract void MaxPool2dBackwardCore(Conv2dGeometry geometry, Tensor<T> gradOutput, IndexTensor argmax, Tensor<T> gradInput);

    /// <summary>Implementation of <see cref="AvgPool2dForward"/>; shapes checked.</summary>
    protected abstract void AvgPool2dForwardCore(Conv2dGeometry geometry, Tensor<T> input, Tensor<T> output);

    /// <summary>Implementation of <see cref="AvgPool2dBackward"/>; shapes checked.</summary>
    protected abstract void AvgPool2dBackwardCore(Conv2dGeometry geometry, Tensor<T> gradOutput, Tensor<T> gradInput);

    private void CheckPool(Conv2dGeometry geometry, Tensor<T> images, Tensor<T> pooled, string imagesName, string pooledName)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        Own(images, imagesName);
        Own(pooled, pooledName);
        if (geometry.PadH > geometry.KernelH / 2 || geometry.PadW > geometry.KernelW / 2)
        {
            throw new ArgumentException(
                $"pooling padding {geometry.PadH}×{geometry.PadW} with kernel {geometry.KernelH}×{geometry.KernelW}; " +
                "allowed: padH ≤ kernelH/2 and padW ≤ kernelW/2 (every window must hold an image pixel).", nameof(geometry));
        }

        RequireImages(geometry.ImageSize, images, imagesName, "H·W·C");
        if (pooled.Rows != images.Rows || pooled.Cols != geometry.OutImageSize)
        {
            throw new ArgumentException($"{pooledName} is {pooled.Shape}; allowed: {images.Rows}×{geometry.OutImageSize} (B × OutH·OutW·C).", pooledName);
        }
    }

    private static void RequireImages(int perImage, Tensor<T> images, string name, string what)
    {
        if (images.Cols != perImage)
        {
            throw new ArgumentException($"{name} is {images.Shape}; allowed: B×{perImage} (one image of {what} per row).", name);
        }
    }

    private static void RequirePatches(Conv2dGeometry geometry, int batch, Tensor<T> cols, string name)
    {
        if ((long)cols.Rows != (long)batch * geometry.OutPixels || cols.Cols != geometry.PatchSize)
        {
            throw new ArgumentException(
                $"{name} is {cols.Shape}; allowed: {(long)batch * geometry.OutPixels}×{geometry.PatchSize} (B·OutH·OutW × KernelH·KernelW·C).", name);
        }
    }
}
