using System.Numerics;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Numerics.Measurements;

/// <summary>A float64 row-major copy of a matrix with the two products the measurements need,
/// both accumulated in float64.</summary>
internal sealed class Dense64
{
    public Dense64(int rows, int cols, double[] data)
    {
        Rows = rows;
        Cols = cols;
        Data = data;
    }

    public int Rows { get; }

    public int Cols { get; }

    public double[] Data { get; }

    public static Dense64 From<T>(Matrix<T> m) where T : unmanaged, INumber<T>
    {
        var data = new double[m.Length];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = double.CreateChecked(m.Data[i]);
        }

        return new Dense64(m.Rows, m.Cols, data);
    }

    /// <summary>W − M, elementwise (shapes already checked).</summary>
    public static Dense64 Difference<T>(Matrix<T> w, Matrix<T> m) where T : unmanaged, INumber<T>
    {
        var data = new double[w.Length];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = double.CreateChecked(w.Data[i]) - double.CreateChecked(m.Data[i]);
        }

        return new Dense64(w.Rows, w.Cols, data);
    }

    /// <summary>into ← W v (v has Cols entries, into has Rows).</summary>
    public void Multiply(ReadOnlySpan<double> v, Span<double> into)
    {
        for (int r = 0; r < Rows; r++)
        {
            ReadOnlySpan<double> row = Data.AsSpan(r * Cols, Cols);
            double s = 0;
            for (int c = 0; c < row.Length; c++)
            {
                s += row[c] * v[c];
            }

            into[r] = s;
        }
    }

    /// <summary>into ← Wᵀ u (u has Rows entries, into has Cols).</summary>
    public void MultiplyTransposed(ReadOnlySpan<double> u, Span<double> into)
    {
        into.Clear();
        for (int r = 0; r < Rows; r++)
        {
            ReadOnlySpan<double> row = Data.AsSpan(r * Cols, Cols);
            double ur = u[r];
            for (int c = 0; c < row.Length; c++)
            {
                into[c] += ur * row[c];
            }
        }
    }

    /// <summary>Whether every entry is zero.</summary>
    public bool IsZero()
    {
        foreach (double x in Data)
        {
            if (x != 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Throws when an entry is NaN or infinite, naming the argument.</summary>
    public Dense64 CheckFinite(string argument)
    {
        for (int i = 0; i < Data.Length; i++)
        {
            if (!double.IsFinite(Data[i]))
            {
                throw new ArgumentException(
                    $"{argument} has {Data[i]} at ({i / Cols}, {i % Cols}); allowed: finite entries only.", argument);
            }
        }

        return this;
    }
}
