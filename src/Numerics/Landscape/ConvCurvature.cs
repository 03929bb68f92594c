using BoundLab.Numerics.Kernels;

namespace BoundLab.Numerics.Landscape;

/// <summary>R-operator of a 2-D convolution (NHWC): with im2col it is a dense layer on the (B·OH·OW) × (KH·KW·C) patch
/// rows, y = act(cols·Wᵀ + b), so its R-op is <see cref="DenseCurvature"/>'s on those rows, R{cols} = im2col(R{x})
/// (im2col is linear), and the input gradients go back through col2im (its adjoint).</summary>
internal sealed class ConvCurvature(Conv2dGeometry geometry, int outChannels, DenseCurvature patches) : CurvatureLayer
{
    private int _batch;

    /// <inheritdoc />
    public override int InputSize => geometry.ImageSize;

    /// <inheritdoc />
    public override int OutputSize => geometry.OutPixels * outChannels;

    /// <inheritdoc />
    public override (Block Y, Block? RY) Forward(Block x, Block? rx, double[]? direction, int threads)
    {
        _batch = x.Rows;
        int rows = _batch * geometry.OutPixels;
        Block cols = new(rows, geometry.PatchSize, ConvReference.Im2Col(geometry, x.Data, _batch));
        Block? rcols = rx is null ? null : new Block(rows, geometry.PatchSize, ConvReference.Im2Col(geometry, rx.Data, _batch));
        (Block y, Block? ry) = patches.Forward(cols, rcols, direction, threads);
        // (B·OH·OW) × OC row-major is B × (OH·OW·OC): the NHWC output, same storage.
        return (new Block(_batch, OutputSize, y.Data), ry is null ? null : new Block(_batch, OutputSize, ry.Data));
    }

    /// <inheritdoc />
    public override (Block? Gx, Block? RGx) Backward(Block gy, Block? rgy, double[]? gradient, double[]? hv, bool needInput, int threads)
    {
        int rows = _batch * geometry.OutPixels;
        (Block? gcols, Block? rgcols) = patches.Backward(new Block(rows, outChannels, gy.Data), rgy is null ? null : new Block(rows, outChannels, rgy.Data),
            gradient, hv, needInput, threads);
        if (!needInput)
        {
            return (null, null);
        }

        Block gx = new(_batch, InputSize, ConvReference.Col2Im(geometry, gcols!.Data, _batch));
        return (gx, rgcols is null ? null : new Block(_batch, InputSize, ConvReference.Col2Im(geometry, rgcols.Data, _batch)));
    }
}

/// <summary>R-operator of max pooling: y_i = x_{a(i)} with the arg-max a fixed where it is unique (almost everywhere),
/// so R{y}_i = R{x}_{a(i)} and both backward quantities scatter through the same a.</summary>
internal sealed class MaxPoolCurvature(Conv2dGeometry geometry) : CurvatureLayer
{
    private int[] _argmax = [];
    private int _batch;

    /// <inheritdoc />
    public override int InputSize => geometry.ImageSize;

    /// <inheritdoc />
    public override int OutputSize => geometry.OutImageSize;

    /// <inheritdoc />
    public override (Block Y, Block? RY) Forward(Block x, Block? rx, double[]? direction, int threads)
    {
        _batch = x.Rows;
        (double[] y, int[] argmax) = ConvReference.MaxPool2dForward(geometry, x.Data, _batch);
        _argmax = argmax;
        if (direction is null)
        {
            return (new Block(_batch, OutputSize, y), null);
        }

        var ry = new Block(_batch, OutputSize);
        if (rx is not null)
        {
            for (int i = 0; i < ry.Data.Length; i++)
            {
                ry.Data[i] = rx.Data[argmax[i]];
            }
        }

        return (new Block(_batch, OutputSize, y), ry);
    }

    /// <inheritdoc />
    public override (Block? Gx, Block? RGx) Backward(Block gy, Block? rgy, double[]? gradient, double[]? hv, bool needInput, int threads)
    {
        if (!needInput)
        {
            return (null, null);
        }

        Block gx = new(_batch, InputSize, ConvReference.MaxPool2dBackward(geometry, gy.Data, _argmax, _batch));
        return (gx, rgy is null ? null : new Block(_batch, InputSize, ConvReference.MaxPool2dBackward(geometry, rgy.Data, _argmax, _batch)));
    }
}

/// <summary>R-operator of average pooling (linear, no parameters): R{y} = avgpool(R{x}), and backward is its adjoint
/// applied to ∂L/∂y and to R{∂L/∂y}.</summary>
internal sealed class AvgPoolCurvature(Conv2dGeometry geometry) : CurvatureLayer
{
    private int _batch;

    /// <inheritdoc />
    public override int InputSize => geometry.ImageSize;

    /// <inheritdoc />
    public override int OutputSize => geometry.OutImageSize;

    /// <inheritdoc />
    public override (Block Y, Block? RY) Forward(Block x, Block? rx, double[]? direction, int threads)
    {
        _batch = x.Rows;
        var y = new Block(_batch, OutputSize, ConvReference.AvgPool2dForward(geometry, x.Data, _batch));
        if (direction is null)
        {
            return (y, null);
        }

        return (y, rx is null ? new Block(_batch, OutputSize) : new Block(_batch, OutputSize, ConvReference.AvgPool2dForward(geometry, rx.Data, _batch)));
    }

    /// <inheritdoc />
    public override (Block? Gx, Block? RGx) Backward(Block gy, Block? rgy, double[]? gradient, double[]? hv, bool needInput, int threads)
    {
        if (!needInput)
        {
            return (null, null);
        }

        Block gx = new(_batch, InputSize, ConvReference.AvgPool2dBackward(geometry, gy.Data, _batch));
        return (gx, rgy is null ? null : new Block(_batch, InputSize, ConvReference.AvgPool2dBackward(geometry, rgy.Data, _batch)));
    }
}

/// <summary>R-operator of flatten: the identity on rows (NHWC features stay in place).</summary>
internal sealed class FlattenCurvature(int size) : CurvatureLayer
{
    /// <inheritdoc />
    public override int InputSize => size;

    /// <inheritdoc />
    public override int OutputSize => size;

    /// <inheritdoc />
    public override (Block Y, Block? RY) Forward(Block x, Block? rx, double[]? direction, int threads)
        => (x, direction is null ? null : rx ?? new Block(x.Rows, x.Cols));

    /// <inheritdoc />
    public override (Block? Gx, Block? RGx) Backward(Block gy, Block? rgy, double[]? gradient, double[]? hv, bool needInput, int threads)
        => needInput ? (gy, rgy) : (null, null);
}
