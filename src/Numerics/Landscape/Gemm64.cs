using System.Numerics;

namespace BoundLab.Numerics.Landscape;

/// <summary>The one float64 product of the R-operator passes, C (+)= A·Bᵀ with both operands row-major (every
/// entry a dot product of two contiguous rows); other transposes are formed explicitly, which costs O(size) against
/// the product's O(m·n·k). Deterministic: each entry is summed in one fixed order by one thread, whatever the
/// thread count.</summary>
internal static class Gemm64
{
    private const int RowBlock = 16, ColBlock = 48;

    /// <summary>A·Bᵀ (A m × k, B n × k) as a new m × n block.</summary>
    public static Block MulNT(Block a, Block b, int threads)
    {
        var c = new Block(a.Rows, b.Rows);
        MulNT(a, b, c.Data, accumulate: false, threads);
        return c;
    }

    /// <summary>c ← A·Bᵀ, or c ← c + A·Bᵀ when <paramref name="accumulate"/>; c is m × n row-major (a span of a flat vector).</summary>
    public static void MulNT(Block a, Block b, Span<double> c, bool accumulate, int threads)
    {
        if (a.Cols != b.Cols)
        {
            throw new ArgumentException($"A·Bᵀ needs equal widths; got {a.Rows}×{a.Cols} and {b.Rows}×{b.Cols}.", nameof(b));
        }

        int m = a.Rows, n = b.Rows;
        if (c.Length != m * n)
        {
            throw new ArgumentException($"C has {c.Length} entries; A·Bᵀ is {m}×{n}.", nameof(c));
        }

        double[] result = accumulate ? new double[m * n] : [];
        double[] target = accumulate ? result : new double[m * n];
        int blocks = (m + RowBlock - 1) / RowBlock;
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) };
        Parallel.For(0, blocks, options, blk => RowBlockProduct(a, b, target, blk * RowBlock, Math.Min(m, (blk + 1) * RowBlock)));
        if (accumulate)
        {
            for (int i = 0; i < c.Length; i++)
            {
                c[i] += result[i];
            }
        }
        else
        {
            target.CopyTo(c);
        }
    }

    // Rows [r0, r1) of C, tiled over the rows of B so a tile of B stays in cache while the rows of A pass over it.
    private static void RowBlockProduct(Block a, Block b, double[] c, int r0, int r1)
    {
        int k = a.Cols, n = b.Rows;
        double[] ad = a.Data, bd = b.Data;
        for (int j0 = 0; j0 < n; j0 += ColBlock)
        {
            int j1 = Math.Min(n, j0 + ColBlock);
            for (int i = r0; i < r1; i++)
            {
                ReadOnlySpan<double> ai = ad.AsSpan(i * k, k);
                int j = j0;
                for (; j + 4 <= j1; j += 4)
                {
                    Dot4(ai, bd.AsSpan(j * k, 4 * k), k, c.AsSpan(i * n + j, 4));
                }

                for (; j < j1; j++)
                {
                    c[i * n + j] = Dot(ai, bd.AsSpan(j * k, k));
                }
            }
        }
    }

    // Four dot products a·b_0 … a·b_3 sharing the loads of a: lane sums, then the scalar tail, in a fixed order.
    private static void Dot4(ReadOnlySpan<double> a, ReadOnlySpan<double> b, int k, Span<double> into)
    {
        int w = Vector<double>.Count, p = 0;
        Vector<double> s0 = Vector<double>.Zero, s1 = s0, s2 = s0, s3 = s0;
        ReadOnlySpan<double> b0 = b[..k], b1 = b.Slice(k, k), b2 = b.Slice(2 * k, k), b3 = b.Slice(3 * k, k);
        for (; p + w <= k; p += w)
        {
            var x = new Vector<double>(a[p..]);
            s0 += x * new Vector<double>(b0[p..]);
            s1 += x * new Vector<double>(b1[p..]);
            s2 += x * new Vector<double>(b2[p..]);
            s3 += x * new Vector<double>(b3[p..]);
        }

        double t0 = Vector.Sum(s0), t1 = Vector.Sum(s1), t2 = Vector.Sum(s2), t3 = Vector.Sum(s3);
        for (; p < k; p++)
        {
            t0 += a[p] * b0[p];
            t1 += a[p] * b1[p];
            t2 += a[p] * b2[p];
            t3 += a[p] * b3[p];
        }

        into[0] = t0;
        into[1] = t1;
        into[2] = t2;
        into[3] = t3;
    }

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        int w = Vector<double>.Count, p = 0;
        Vector<double> s = Vector<double>.Zero;
        for (; p + w <= a.Length; p += w)
        {
            s += new Vector<double>(a[p..]) * new Vector<double>(b[p..]);
        }

        double t = Vector.Sum(s);
        for (; p < a.Length; p++)
        {
            t += a[p] * b[p];
        }

        return t;
    }
}
