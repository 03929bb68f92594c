namespace BoundLab.Numerics.Landscape;

/// <summary>A float64 row-major rows × cols array: the host tensors of the R-operator passes.</summary>
internal sealed class Block
{
    public Block(int rows, int cols)
        : this(rows, cols, new double[checked(rows * cols)])
    {
    }

    public Block(int rows, int cols, double[] data)
    {
        if (data.Length != rows * cols)
        {
            throw new ArgumentException($"data has length {data.Length}; a {rows}×{cols} block needs {rows * cols}.", nameof(data));
        }

        Rows = rows;
        Cols = cols;
        Data = data;
    }

    public int Rows { get; }

    public int Cols { get; }

    public double[] Data { get; }

    /// <summary>The transpose, as a new block.</summary>
    public Block Transpose()
    {
        var t = new Block(Cols, Rows);
        for (int r = 0; r < Rows; r++)
        {
            for (int c = 0; c < Cols; c++)
            {
                t.Data[c * Rows + r] = Data[r * Cols + c];
            }
        }

        return t;
    }

    /// <summary>[A | B]: the columns of a then those of b (same rows), so one product A·Xᵀ + B·Yᵀ = [A|B]·[X|Y]ᵀ.</summary>
    public static Block Concat(Block a, Block b)
    {
        if (a.Rows != b.Rows)
        {
            throw new ArgumentException($"cannot place a {a.Rows}-row block beside a {b.Rows}-row one.", nameof(b));
        }

        var c = new Block(a.Rows, a.Cols + b.Cols);
        for (int r = 0; r < a.Rows; r++)
        {
            a.Data.AsSpan(r * a.Cols, a.Cols).CopyTo(c.Data.AsSpan(r * c.Cols));
            b.Data.AsSpan(r * b.Cols, b.Cols).CopyTo(c.Data.AsSpan(r * c.Cols + a.Cols));
        }

        return c;
    }

    /// <summary>this ← this + other, element-wise (same shape).</summary>
    public Block AddInPlace(Block other)
    {
        for (int i = 0; i < Data.Length; i++)
        {
            Data[i] += other.Data[i];
        }

        return this;
    }

    /// <summary>A copy.</summary>
    public Block Clone() => new(Rows, Cols, (double[])Data.Clone());
}
