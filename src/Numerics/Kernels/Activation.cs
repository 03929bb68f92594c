namespace BoundLab.Numerics;

/// <summary>Element-wise nonlinearity applied after a layer's affine map.</summary>
public enum Activation
{
    /// <summary>f(z) = z.</summary>
    Identity,

    /// <summary>f(z) = max(z, 0); f′(z) = [z &gt; 0].</summary>
    Relu,

    /// <summary>f(z) = 1 / (1 + e^(−z)); f′ = f·(1 − f).</summary>
    Sigmoid,

    /// <summary>f(z) = tanh z; f′ = 1 − f².</summary>
    Tanh,
}
