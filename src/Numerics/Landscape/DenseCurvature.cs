using BoundLab.Numerics.Backends;

namespace BoundLab.Numerics.Landscape;

/// <summary>R-op of the dense layer z = x Wᵀ + b, y = σ(z), with direction (V, c) for (W, b) (Pearlmutter 1994, §4):
/// R{z} = R{x} Wᵀ + x Vᵀ + c, R{y} = σ′(z)·R{z}; backward δ = g_y·σ′(z), R{δ} = R{g_y}·σ′(z) + g_y·σ″(z)·R{z},
/// ∂L/∂W = δᵀx, R{∂L/∂W} = R{δ}ᵀx + δᵀR{x}, R{∂L/∂b} = Σ_rows R{δ}, g_x = δW, R{g_x} = R{δ}W + δV.</summary>
internal sealed class DenseCurvature : CurvatureLayer
{
    private readonly Activation _activation;
    private readonly Block _w, _wt;
    private readonly double[]? _b;
    private readonly int _wOffset, _bOffset;
    private Block? _x, _rx, _z, _rz, _v;

    /// <summary>W (out × in, row-major), b (or null), the activation, and where W and b start in the flat vector.</summary>
    public DenseCurvature(Block w, double[]? b, Activation activation, int wOffset, int bOffset)
    {
        _w = w;
        _wt = w.Transpose();
        _b = b;
        _activation = activation;
        _wOffset = wOffset;
        _bOffset = bOffset;
    }

    /// <inheritdoc />
    public override int InputSize => _w.Cols;

    /// <inheritdoc />
    public override int OutputSize => _w.Rows;

    private bool Linear => _activation == Activation.Identity;

    /// <inheritdoc />
    public override (Block Y, Block? RY) Forward(Block x, Block? rx, double[]? direction, int threads)
    {
        Block z = Gemm64.MulNT(x, _w, threads);
        AddRowVector(z, _b);
        (_x, _rx, _z, _rz, _v) = (x, rx, z, null, null);
        Block y = Linear ? z : Apply(z);
        if (direction is null)
        {
            return (y, null);
        }

        int rows = _w.Rows, cols = _w.Cols;
        var v = new Block(rows, cols, direction.AsSpan(_wOffset, rows * cols).ToArray());
        Block rz = rx is null ? Gemm64.MulNT(x, v, threads) : Gemm64.MulNT(Block.Concat(x, rx), Block.Concat(v, _w), threads);
        AddRowVector(rz, _b is null ? null : direction.AsSpan(_bOffset, rows).ToArray());
        (_rz, _v) = (rz, v);
        if (Linear)
        {
            return (y, rz);
        }

        var ry = new Block(rz.Rows, rz.Cols);
        for (int i = 0; i < ry.Data.Length; i++)
        {
            ry.Data[i] = ActivationMath.Derivative(_activation, z.Data[i]) * rz.Data[i];
        }

        return (y, ry);
    }

    /// <inheritdoc />
    public override (Block? Gx, Block? RGx) Backward(Block gy, Block? rgy, double[]? gradient, double[]? hv, bool needInput, int threads)
    {
        Block x = _x ?? throw new InvalidOperationException("Backward needs a Forward first.");
        (Block delta, Block? rdelta) = Linear ? (gy, rgy) : ActivationCurvature.ActivationBackward(_activation, _z!, _rz, gy, rgy);
        int rows = _w.Rows, cols = _w.Cols;
        if (gradient is not null || hv is not null)
        {
            Block deltaT = delta.Transpose(), xT = x.Transpose();
            if (gradient is not null)
            {
                Gemm64.MulNT(deltaT, xT, gradient.AsSpan(_wOffset, rows * cols), accumulate: true, threads);
                AddColumnSums(delta, gradient);
            }

            if (hv is not null)
            {
                Block r = rdelta ?? throw new InvalidOperationException("an R pass needs R{∂L/∂y}.");
                Block rdeltaT = r.Transpose();
                Span<double> into = hv.AsSpan(_wOffset, rows * cols);
                if (_rx is null)
                {
                    Gemm64.MulNT(rdeltaT, xT, into, accumulate: true, threads);
                }
                else
                {
                    Gemm64.MulNT(Block.Concat(rdeltaT, deltaT), Block.Concat(xT, _rx.Transpose()), into, accumulate: true, threads);
                }

                AddColumnSums(r, hv);
            }
        }

        if (!needInput)
        {
            return (null, null);
        }

        Block gx = Gemm64.MulNT(delta, _wt, threads);
        if (rdelta is null)
        {
            return (gx, null);
        }

        Block vT = (_v ?? throw new InvalidOperationException("an R pass backward needs an R pass forward.")).Transpose();
        return (gx, Gemm64.MulNT(Block.Concat(rdelta, delta), Block.Concat(_wt, vT), threads));
    }

    private Block Apply(Block z)
    {
        var y = new Block(z.Rows, z.Cols);
        for (int i = 0; i < y.Data.Length; i++)
        {
            y.Data[i] = ActivationMath.Apply(_activation, z.Data[i]);
        }

        return y;
    }

    private static void AddRowVector(Block m, double[]? row)
    {
        if (row is null)
        {
            return;
        }

        for (int r = 0; r < m.Rows; r++)
        {
            Span<double> dst = m.Data.AsSpan(r * m.Cols, m.Cols);
            for (int c = 0; c < dst.Length; c++)
            {
                dst[c] += row[c];
            }
        }
    }

    // into[bOffset + c] += Σ_r m[r, c], rows summed in index order.
    private void AddColumnSums(Block m, double[] into)
    {
        if (_b is null)
        {
            return;
        }

        for (int c = 0; c < m.Cols; c++)
        {
            double s = 0;
            for (int r = 0; r < m.Rows; r++)
            {
                s += m.Data[r * m.Cols + c];
            }

            into[_bOffset + c] += s;
        }
    }
}
