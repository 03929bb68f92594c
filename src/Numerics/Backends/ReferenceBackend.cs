using System.Numerics;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Numerics.Backends;

/// <summary>The specification backend: plain loops with float64 accumulation, generic over the
/// element type. Every other backend is tested against it (DiffSharp's "Reference backend").</summary>
public sealed class ReferenceBackend<T> : Backend<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>A shared instance (the backend is stateless).</summary>
    public static ReferenceBackend<T> Instance { get; } = new();

    /// <inheritdoc />
    public override string Name => "reference";

    /// <inheritdoc />
    protected override void MatMulCore(Matrix<T> a, bool transA, Matrix<T> b, bool transB, Matrix<T> c, T alpha, T beta)
    {
        int m = c.Rows, n = c.Cols, k = transA ? a.Rows : a.Cols;
        bool readProduct = !T.IsZero(alpha);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int p = 0; readProduct && p < k; p++)
                {
                    double x = double.CreateChecked(transA ? a.Data[p * a.Cols + i] : a.Data[i * a.Cols + p]);
                    double y = double.CreateChecked(transB ? b.Data[j * b.Cols + p] : b.Data[p * b.Cols + j]);
                    s += x * y;
                }

                int idx = i * n + j;
                double prev = T.IsZero(beta) ? 0 : double.CreateChecked(beta) * double.CreateChecked(c.Data[idx]);
                c.Data[idx] = T.CreateChecked(double.CreateChecked(alpha) * s + prev);
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>z + bias is rounded to T once, and act is applied to that rounded value in float64.</remarks>
    protected override void BiasActivationCore(Matrix<T> z, ReadOnlySpan<T> bias, Activation activation, Matrix<T> output)
    {
        for (int r = 0; r < z.Rows; r++)
        {
            for (int c = 0; c < z.Cols; c++)
            {
                int i = r * z.Cols + c;
                T v = bias.IsEmpty ? z.Data[i] : z.Data[i] + bias[c];
                z.Data[i] = v;
                output.Data[i] = T.CreateChecked(ActivationMath.Apply(activation, double.CreateChecked(v)));
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>The specification: act′ at pre, in float64 (<see cref="ActivationMath.Derivative"/>).</remarks>
    protected override void ActivationBackwardCore(Activation activation, Matrix<T> pre, Matrix<T> output, Matrix<T> gradOutput, Matrix<T> gradPre)
    {
        for (int i = 0; i < pre.Length; i++)
        {
            double d = ActivationMath.Derivative(activation, double.CreateChecked(pre.Data[i]));
            gradPre.Data[i] = T.CreateChecked(double.CreateChecked(gradOutput.Data[i]) * d);
        }
    }

    /// <inheritdoc />
    protected override void ColumnSumsCore(Matrix<T> m, Span<T> sums)
    {
        for (int c = 0; c < m.Cols; c++)
        {
            double s = 0;
            for (int r = 0; r < m.Rows; r++)
            {
                s += double.CreateChecked(m.Data[r * m.Cols + c]);
            }

            sums[c] = T.CreateChecked(s);
        }
    }
}
