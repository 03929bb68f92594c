using System.Numerics;

namespace BoundLab.Numerics.Tensors;

/// <summary>Dense row-major matrix: element (r, c) lives at <c>Data[r * Cols + c]</c>.</summary>
/// <remarks>float32 for training, float64 for reference checks; one generic type serves both.</remarks>
public sealed class Matrix<T> where T : unmanaged, INumber<T>
{
    /// <summary>Number of rows.</summary>
    public int Rows { get; }

    /// <summary>Number of columns.</summary>
    public int Cols { get; }

    /// <summary>The row-major storage, exactly <c>Rows * Cols</c> long.</summary>
    public T[] Data { get; }

    /// <summary>A zero matrix.</summary>
    public Matrix(int rows, int cols)
        : this(rows, cols, new T[CheckedSize(rows, cols)])
    {
    }

    /// <summary>Wraps <paramref name="data"/> (not copied) as a rows × cols matrix.</summary>
    public Matrix(int rows, int cols, T[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        long size = CheckedSize(rows, cols);
        if (data.Length != size)
        {
            throw new ArgumentException(
                $"data has length {data.Length}; a {rows}×{cols} matrix needs exactly {size}.", nameof(data));
        }

        Rows = rows;
        Cols = cols;
        Data = data;
    }

    /// <summary>Element access.</summary>
    public T this[int row, int col]
    {
        get => Data[Index(row, col)];
        set => Data[Index(row, col)] = value;
    }

    /// <summary>One row as a span over the storage.</summary>
    public Span<T> Row(int row)
    {
        if ((uint)row >= (uint)Rows)
        {
            throw new ArgumentOutOfRangeException(nameof(row), row, $"allowed: 0 … {Rows - 1}");
        }

        return Data.AsSpan(row * Cols, Cols);
    }

    /// <summary>Total number of elements.</summary>
    public int Length => Data.Length;

    /// <summary>A deep copy.</summary>
    public Matrix<T> Clone() => new(Rows, Cols, (T[])Data.Clone());

    /// <summary>Converts every element to another numeric type (e.g. float → double for reference checks).</summary>
    public Matrix<TOut> Convert<TOut>() where TOut : unmanaged, INumber<TOut>
    {
        var result = new Matrix<TOut>(Rows, Cols);
        for (int i = 0; i < Data.Length; i++)
        {
            result.Data[i] = TOut.CreateChecked(Data[i]);
        }

        return result;
    }

    /// <summary>The transpose, as a new matrix.</summary>
    public Matrix<T> Transpose()
    {
        var t = new Matrix<T>(Cols, Rows);
        for (int r = 0; r < Rows; r++)
        {
            for (int c = 0; c < Cols; c++)
            {
                t.Data[c * Rows + r] = Data[r * Cols + c];
            }
        }

        return t;
    }

    /// <summary>Whether both matrices have the same shape.</summary>
    public bool SameShape<TOther>(Matrix<TOther> other) where TOther : unmanaged, INumber<TOther>
        => other is not null && other.Rows == Rows && other.Cols == Cols;

    /// <summary>Shape as text, e.g. "128×784".</summary>
    public string Shape => $"{Rows}×{Cols}";

    /// <inheritdoc />
    public override string ToString() => $"Matrix<{typeof(T).Name}> {Shape}";

    private int Index(int row, int col)
    {
        if ((uint)row >= (uint)Rows || (uint)col >= (uint)Cols)
        {
            throw new ArgumentOutOfRangeException(
                nameof(row), $"({row}, {col}) is outside a {Rows}×{Cols} matrix.");
        }

        return row * Cols + col;
    }

    private static int CheckedSize(int rows, int cols)
    {
        if (rows < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(rows), rows, "allowed: rows ≥ 0");
        }

        if (cols < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(cols), cols, "allowed: cols ≥ 0");
        }

        long size = (long)rows * cols;
        if (size > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(rows), $"{rows}×{cols} exceeds the largest array .NET allows.");
        }

        return (int)size;
    }
}
