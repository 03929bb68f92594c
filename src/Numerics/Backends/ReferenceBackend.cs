using System.Numerics;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Numerics.Backends;

/// <summary>The specification backend: plain loops with float64 accumulation, generic over the
/// element type. Every other backend is tested against it (DiffSharp's "Reference backend").</summary>
public sealed class ReferenceBackend<T> : HostBackend<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>A shared instance (the backend is stateless).</summary>
    public static ReferenceBackend<T> Instance { get; } = new();

    /// <inheritdoc />
    public override string Name => "reference";

    /// <inheritdoc />
    protected override void MatMulCore(Tensor<T> a, bool transA, Tensor<T> b, bool transB, Tensor<T> c, T alpha, T beta)
    {
        T[] ad = D(a), bd = D(b), cd = D(c);
        int m = c.Rows, n = c.Cols, k = transA ? a.Rows : a.Cols;
        bool readProduct = !T.IsZero(alpha);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int p = 0; readProduct && p < k; p++)
                {
                    double x = double.CreateChecked(transA ? ad[p * a.Cols + i] : ad[i * a.Cols + p]);
                    double y = double.CreateChecked(transB ? bd[j * b.Cols + p] : bd[p * b.Cols + j]);
                    s += x * y;
                }

                int idx = i * n + j;
                double prev = T.IsZero(beta) ? 0 : double.CreateChecked(beta) * double.CreateChecked(cd[idx]);
                cd[idx] = T.CreateChecked(double.CreateChecked(alpha) * s + prev);
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>z + bias is rounded to T once, and act is applied to that rounded value in float64.</remarks>
    protected override void BiasActivationCore(Tensor<T> z, Tensor<T>? bias, Activation activation, Tensor<T> output)
    {
        T[] zd = D(z), od = D(output);
        T[]? bd = bias is null ? null : D(bias);
        for (int r = 0; r < z.Rows; r++)
        {
            for (int c = 0; c < z.Cols; c++)
            {
                int i = r * z.Cols + c;
                T v = bd is null ? zd[i] : zd[i] + bd[c];
                zd[i] = v;
                od[i] = T.CreateChecked(ActivationMath.Apply(activation, double.CreateChecked(v)));
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>The specification: act′ at pre, in float64 (<see cref="ActivationMath.Derivative"/>).</remarks>
    protected override void ActivationBackwardCore(Activation activation, Tensor<T> pre, Tensor<T> output, Tensor<T> gradOutput, Tensor<T> gradPre)
    {
        T[] pd = D(pre), gd = D(gradOutput), gp = D(gradPre);
        for (int i = 0; i < pd.Length; i++)
        {
            double d = ActivationMath.Derivative(activation, double.CreateChecked(pd[i]));
            gp[i] = T.CreateChecked(double.CreateChecked(gd[i]) * d);
        }
    }

    /// <inheritdoc />
    protected override void ColumnSumsCore(Tensor<T> m, Tensor<T> sums, bool accumulate)
    {
        T[] md = D(m), sd = D(sums);
        for (int c = 0; c < m.Cols; c++)
        {
            double s = accumulate ? double.CreateChecked(sd[c]) : 0;
            for (int r = 0; r < m.Rows; r++)
            {
                s += double.CreateChecked(md[r * m.Cols + c]);
            }

            sd[c] = T.CreateChecked(s);
        }
    }
}
