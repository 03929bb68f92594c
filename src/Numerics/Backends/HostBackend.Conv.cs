using BoundLab.Numerics.Kernels;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Numerics.Backends;

// The float64 specification of convolution and pooling: the values are widened to float64, the definitions of
// ConvReference (straight loops) are applied, and each result is rounded to T once.
public abstract partial class HostBackend<T>
{
    /// <inheritdoc />
    protected override void Im2ColCore(Conv2dGeometry geometry, Tensor<T> input, Tensor<T> cols)
    {
        Disjoint(input, cols, nameof(cols));
        Narrow(ConvReference.Im2Col(geometry, Widen(input), input.Rows), cols);
    }

    /// <inheritdoc />
    protected override void Col2ImCore(Conv2dGeometry geometry, Tensor<T> cols, Tensor<T> input)
    {
        Disjoint(cols, input, nameof(input));
        Narrow(ConvReference.Col2Im(geometry, Widen(cols), input.Rows), input);
    }

    /// <inheritdoc />
    protected override void MaxPool2dForwardCore(Conv2dGeometry geometry, Tensor<T> input, Tensor<T> output, IndexTensor argmax)
    {
        Disjoint(input, output, nameof(output));
        (double[] values, int[] where) = ConvReference.MaxPool2dForward(geometry, Widen(input), input.Rows);
        Narrow(values, output);
        where.CopyTo(I(argmax), 0);
    }

    /// <inheritdoc />
    protected override void MaxPool2dBackwardCore(Conv2dGeometry geometry, Tensor<T> gradOutput, IndexTensor argmax, Tensor<T> gradInput)
    {
        Disjoint(gradOutput, gradInput, nameof(gradInput));
        int[] where = I(argmax);
        CheckArgmax(geometry, where);
        Narrow(ConvReference.MaxPool2dBackward(geometry, Widen(gradOutput), where, gradInput.Rows), gradInput);
    }

    /// <inheritdoc />
    protected override void AvgPool2dForwardCore(Conv2dGeometry geometry, Tensor<T> input, Tensor<T> output)
    {
        Disjoint(input, output, nameof(output));
        Narrow(ConvReference.AvgPool2dForward(geometry, Widen(input), input.Rows), output);
    }

    /// <inheritdoc />
    protected override void AvgPool2dBackwardCore(Conv2dGeometry geometry, Tensor<T> gradOutput, Tensor<T> gradInput)
    {
        Disjoint(gradOutput, gradInput, nameof(gradInput));
        Narrow(ConvReference.AvgPool2dBackward(geometry, Widen(gradOutput), gradInput.Rows), gradInput);
    }

    /// <summary>Throws unless every arg-max index lies in the image of its output value (as MaxPool2dForward writes them).</summary>
    protected static void CheckArgmax(Conv2dGeometry geometry, int[] argmax)
    {
        for (int i = 0; i < argmax.Length; i++)
        {
            int b = i / geometry.OutImageSize, lo = b * geometry.ImageSize, hi = lo + geometry.ImageSize;
            if (argmax[i] < lo || argmax[i] >= hi)
            {
                throw new ArgumentException(
                    $"argmax[{i}] is {argmax[i]}; allowed: an index into image {b}, {lo} ≤ index < {hi} (as MaxPool2dForward writes).", nameof(argmax));
            }
        }
    }

    /// <summary>Throws when two tensors share storage (views of one tensor): these operations read one while writing the other.</summary>
    protected static void Disjoint(Tensor<T> source, Tensor<T> destination, string name)
    {
        if (ReferenceEquals(D(source), D(destination)))
        {
            throw new ArgumentException($"{name} shares storage with the tensor it is computed from; allowed: separate tensors.", name);
        }
    }

    private static double[] Widen(Tensor<T> t)
    {
        T[] d = D(t);
        var w = new double[d.Length];
        for (int i = 0; i < d.Length; i++)
        {
            w[i] = double.CreateChecked(d[i]);
        }

        return w;
    }

    private static void Narrow(double[] values, Tensor<T> t)
    {
        T[] d = D(t);
        for (int i = 0; i < d.Length; i++)
        {
            d[i] = T.CreateChecked(values[i]);
        }
    }
}
