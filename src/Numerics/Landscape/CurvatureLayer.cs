namespace BoundLab.Numerics.Landscape;

/// <summary>One layer kind's Pearlmutter R-operator (Pearlmutter 1994, "Fast exact multiplication by the Hessian",
/// §3–4): alongside the forward pass it propagates R{·} = d/dr (·)(θ + r v) at r = 0, and alongside the backward pass
/// the R{·} of every back-propagated quantity; R{∂L/∂θ} = H v. Float64 on host copies of the parameters.
/// A new layer kind (convolution, pooling) adds its R-op by deriving from this class and adding one case to
/// <see cref="CurvatureLayers"/>.</summary>
/// <remarks>One instance serves one chunk at a time: Forward keeps what Backward needs. Offsets index the model's flat
/// parameter vector (<c>Model.Parameters</c> order).</remarks>
internal abstract class CurvatureLayer
{
    /// <summary>Features per input row.</summary>
    public abstract int InputSize { get; }

    /// <summary>Features per output row.</summary>
    public abstract int OutputSize { get; }

    /// <summary>y = f(x) and, when <paramref name="direction"/> is given, R{y} from R{x} (null = 0) and the layer's slice of
    /// the direction v (a flat vector in the model's parameter order).</summary>
    public abstract (Block Y, Block? RY) Forward(Block x, Block? rx, double[]? direction, int threads);

    /// <summary>From ∂L/∂y and R{∂L/∂y} (null when there is no R pass): adds ∂L/∂θ into <paramref name="gradient"/> and
    /// R{∂L/∂θ} into <paramref name="hv"/> (each skipped when null), and returns ∂L/∂x and R{∂L/∂x} when
    /// <paramref name="needInput"/> (else nulls).</summary>
    public abstract (Block? Gx, Block? RGx) Backward(Block gy, Block? rgy, double[]? gradient, double[]? hv, bool needInput, int threads);
}
