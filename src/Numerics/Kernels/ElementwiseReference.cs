using BoundLab.Numerics.Backends;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Numerics.Kernels;

/// <summary>Plain float64 loops defining what <see cref="Elementwise"/> computes; tests compare the two.</summary>
public static class ElementwiseReference
{
    /// <summary>act(x) in float64 — the backends' definition (<see cref="ActivationMath.Apply"/>).</summary>
    public static double Apply(Activation act, double x) => ActivationMath.Apply(act, x);

    /// <summary>act′(x) in float64 from the pre-activation (<see cref="ActivationMath.Derivative"/>).</summary>
    public static double Derivative(Activation act, double x) => ActivationMath.Derivative(act, x);

    /// <summary>output = act(z + bias) row by row (empty bias = none).</summary>
    public static Matrix<double> BiasActivation(Matrix<double> z, ReadOnlySpan<double> bias, Activation act)
    {
        ArgumentNullException.ThrowIfNull(z);
        var o = new Matrix<double>(z.Rows, z.Cols);
        for (int r = 0; r < z.Rows; r++)
        {
            for (int c = 0; c < z.Cols; c++)
            {
                o[r, c] = Apply(act, z[r, c] + (bias.IsEmpty ? 0 : bias[c]));
            }
        }

        return o;
    }

    /// <summary>gradPre = gradOutput ⊙ act′(preActivation).</summary>
    public static Matrix<double> ActivationBackward(Activation act, Matrix<double> preActivation, Matrix<double> gradOutput)
    {
        ArgumentNullException.ThrowIfNull(preActivation);
        ArgumentNullException.ThrowIfNull(gradOutput);
        var d = new Matrix<double>(preActivation.Rows, preActivation.Cols);
        for (int i = 0; i < d.Length; i++)
        {
            d.Data[i] = gradOutput.Data[i] * Derivative(act, preActivation.Data[i]);
        }

        return d;
    }

    /// <summary>Σᵢ m[i, j] for every column j.</summary>
    public static double[] ColumnSums(Matrix<double> m)
    {
        ArgumentNullException.ThrowIfNull(m);
        var sums = new double[m.Cols];
        for (int r = 0; r < m.Rows; r++)
        {
            for (int c = 0; c < m.Cols; c++)
            {
                sums[c] += m[r, c];
            }
        }

        return sums;
    }

    /// <summary>Σ xᵢ·yᵢ.</summary>
    public static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            s += x[i] * y[i];
        }

        return s;
    }
}
