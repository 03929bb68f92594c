using BoundLab.Numerics.Backends;

namespace BoundLab.Numerics.Landscape;

/// <summary>R-op of y = σ(x) element-wise: R{y} = σ′(x)·R{x}; backward g_x = g_y·σ′(x),
/// R{g_x} = R{g_y}·σ′(x) + g_y·σ″(x)·R{x} (<see cref="ActivationMath"/>'s laws).</summary>
internal sealed class ActivationCurvature(int size, Activation activation) : CurvatureLayer
{
    private Block? _x, _rx;

    /// <inheritdoc />
    public override int InputSize => size;

    /// <inheritdoc />
    public override int OutputSize => size;

    /// <inheritdoc />
    public override (Block Y, Block? RY) Forward(Block x, Block? rx, double[]? direction, int threads)
    {
        (_x, _rx) = (x, rx);
        var y = new Block(x.Rows, x.Cols);
        for (int i = 0; i < y.Data.Length; i++)
        {
            y.Data[i] = ActivationMath.Apply(activation, x.Data[i]);
        }

        if (direction is null)
        {
            return (y, null);
        }

        var ry = new Block(x.Rows, x.Cols);
        if (rx is not null)
        {
            for (int i = 0; i < ry.Data.Length; i++)
            {
                ry.Data[i] = ActivationMath.Derivative(activation, x.Data[i]) * rx.Data[i];
            }
        }

        return (y, ry);
    }

    /// <inheritdoc />
    public override (Block? Gx, Block? RGx) Backward(Block gy, Block? rgy, double[]? gradient, double[]? hv, bool needInput, int threads)
    {
        Block x = _x ?? throw new InvalidOperationException("Backward needs a Forward first.");
        if (!needInput)
        {
            return (null, null);
        }

        return ActivationBackward(activation, x, _rx, gy, rgy);
    }

    /// <summary>δ = g·σ′(z) and R{δ} = R{g}·σ′(z) + g·σ″(z)·R{z} (R{δ} null when R{g} is null; R{z} null = 0): the
    /// element-wise step shared by the activation layer and the dense layer's fused activation.</summary>
    public static (Block Delta, Block? RDelta) ActivationBackward(Activation activation, Block z, Block? rz, Block g, Block? rg)
    {
        var delta = new Block(g.Rows, g.Cols);
        Block? rdelta = rg is null ? null : new Block(g.Rows, g.Cols);
        for (int i = 0; i < delta.Data.Length; i++)
        {
            double d1 = ActivationMath.Derivative(activation, z.Data[i]);
            delta.Data[i] = g.Data[i] * d1;
            if (rdelta is not null)
            {
                double r = rg!.Data[i] * d1;
                if (rz is not null)
                {
                    r += g.Data[i] * ActivationMath.SecondDerivative(activation, z.Data[i]) * rz.Data[i];
                }

                rdelta.Data[i] = r;
            }
        }

        return (delta, rdelta);
    }
}
