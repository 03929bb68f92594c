namespace BoundLab.Numerics.Landscape;

/// <summary>R-op of y = x + body(x): R{y} = R{x} + R{body(x)}; backward g_x = g_y + (body's g_x),
/// R{g_x} = R{g_y} + (body's R{g_x}).</summary>
internal sealed class ResidualCurvature(IReadOnlyList<CurvatureLayer> body) : CurvatureLayer
{
    /// <inheritdoc />
    public override int InputSize => body[0].InputSize;

    /// <inheritdoc />
    public override int OutputSize => body[^1].OutputSize;

    /// <inheritdoc />
    public override (Block Y, Block? RY) Forward(Block x, Block? rx, double[]? direction, int threads)
    {
        (Block h, Block? rh) = (x, rx);
        foreach (CurvatureLayer layer in body)
        {
            (h, rh) = layer.Forward(h, rh, direction, threads);
        }

        Block y = h.Clone().AddInPlace(x);
        Block? ry = rh is null ? null : rx is null ? rh : rh.Clone().AddInPlace(rx);
        return (y, ry);
    }

    /// <inheritdoc />
    public override (Block? Gx, Block? RGx) Backward(Block gy, Block? rgy, double[]? gradient, double[]? hv, bool needInput, int threads)
    {
        (Block? g, Block? rg) = (gy, rgy);
        for (int i = body.Count - 1; i >= 0; i--)
        {
            (g, rg) = body[i].Backward(g!, rg, gradient, hv, needInput: true, threads);
        }

        if (!needInput)
        {
            return (null, null);
        }

        return (g!.Clone().AddInPlace(gy), rg is null ? rgy : rgy is null ? rg : rg.Clone().AddInPlace(rgy));
    }
}
