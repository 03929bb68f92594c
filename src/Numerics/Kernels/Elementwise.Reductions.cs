using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Numerics.Kernels;

/// <summary>Vector updates and reductions. Reductions accumulate in float64 in a fixed order (the product of
/// two floats is exact in a double, so only the summation rounds), hence the same input always gives the
/// same bits, whatever the thread count.</summary>
public static partial class Elementwise
{
    /// <summary>y ← alpha·x + y.</summary>
    public static void Axpy(float alpha, ReadOnlySpan<float> x, Span<float> y)
    {
        CheckSameLength(x.Length, y.Length, nameof(y));
        TensorPrimitives.MultiplyAdd(x, alpha, y, y);
    }

    /// <summary>x ← alpha·x.</summary>
    public static void Scale(float alpha, Span<float> x) => TensorPrimitives.Multiply(x, alpha, x);

    /// <summary>Σ xᵢ·yᵢ in float64 (deterministic).</summary>
    public static double Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        CheckSameLength(x.Length, y.Length, nameof(y));
        return DotCore(x, y);
    }

    /// <summary>Σ xᵢ² in float64 (deterministic).</summary>
    public static double SumSquares(ReadOnlySpan<float> x) => DotCore(x, x);

    /// <summary>sums[j] = Σᵢ m[i, j] (the bias gradient), accumulated in float64 over rows in order, then rounded
    /// once to float. Columns are split across threads, never rows, so the result does not depend on
    /// <paramref name="threads"/> (0 = all processors).</summary>
    public static unsafe void ColumnSums(Matrix<float> m, Span<float> sums, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(m);
        if (sums.Length != m.Cols)
        {
            throw new ArgumentException($"sums has length {sums.Length}; allowed: {m.Cols} (m.Cols).", nameof(sums));
        }

        int t = Gemm.ResolveThreads(threads);
        int cols = m.Cols;
        fixed (float* ps = sums)
        {
            nint sumsAddress = (nint)ps;
            // Column pieces are whole multiples of 16 so the vector loop runs over every piece alike.
            int blocks = (cols + 15) / 16;
            int pieces = t == 1 || m.Length < ParallelThreshold ? 1 : Math.Min(t, blocks);
            Action<int> piece = i =>
            {
                int c0 = Math.Min(cols, blocks * i / pieces * 16), c1 = Math.Min(cols, blocks * (i + 1) / pieces * 16);
                ColumnSumsRange(m, c0, c1, new Span<float>((float*)sumsAddress, cols));
            };
            if (pieces == 1)
            {
                piece(0);
            }
            else
            {
                WorkerPool.Run(pieces, piece);
            }
        }
    }

    private static void ColumnSumsRange(Matrix<float> m, int c0, int c1, Span<float> sums)
    {
        const int Chunk = 256;
        Span<double> acc = stackalloc double[Chunk];
        for (int start = c0; start < c1; start += Chunk)
        {
            int width = Math.Min(Chunk, c1 - start);
            Span<double> a = acc[..width];
            a.Clear();
            for (int r = 0; r < m.Rows; r++)
            {
                ReadOnlySpan<float> row = m.Data.AsSpan(r * m.Cols + start, width);
                int j = 0;
                if (Vector256.IsHardwareAccelerated)
                {
                    for (; j + 8 <= width; j += 8)
                    {
                        var (lo, hi) = Vector256.Widen(Vector256.Create(row.Slice(j, 8)));
                        (Vector256.Create((ReadOnlySpan<double>)a.Slice(j, 4)) + lo).CopyTo(a.Slice(j, 4));
                        (Vector256.Create((ReadOnlySpan<double>)a.Slice(j + 4, 4)) + hi).CopyTo(a.Slice(j + 4, 4));
                    }
                }

                for (; j < width; j++)
                {
                    a[j] += row[j];
                }
            }

            for (int j = 0; j < width; j++)
            {
                sums[start + j] = (float)a[j];
            }
        }
    }

    // Sixteen float64 lanes (four vectors) summed in a fixed pattern, then combined in a fixed order.
    private static double DotCore(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        int i = 0;
        double total = 0;
        if (Vector256.IsHardwareAccelerated && x.Length >= 16)
        {
            Vector256<double> s0 = default, s1 = default, s2 = default, s3 = default;
            for (; i + 16 <= x.Length; i += 16)
            {
                var (x0, x1) = Vector256.Widen(Vector256.Create(x.Slice(i, 8)));
                var (x2, x3) = Vector256.Widen(Vector256.Create(x.Slice(i + 8, 8)));
                var (y0, y1) = Vector256.Widen(Vector256.Create(y.Slice(i, 8)));
                var (y2, y3) = Vector256.Widen(Vector256.Create(y.Slice(i + 8, 8)));
                s0 += x0 * y0;
                s1 += x1 * y1;
                s2 += x2 * y2;
                s3 += x3 * y3;
            }

            total = Vector256.Sum((s0 + s1) + (s2 + s3));
        }

        for (; i < x.Length; i++)
        {
            total += (double)x[i] * y[i];
        }

        return total;
    }

    private static void CheckSameLength(int xLength, int yLength, string yName)
    {
        if (xLength != yLength)
        {
            throw new ArgumentException($"{yName} has length {yLength}; allowed: {xLength} (the length of x).", yName);
        }
    }
}
