namespace BoundLab.Numerics.Backends;

/// <summary>Scalar float64 definitions of the activations: the semantics every kernel must match.</summary>
public static class ActivationMath
{
    /// <summary>act(z).</summary>
    public static double Apply(Activation activation, double z) => activation switch
    {
        Activation.Identity => z,
        Activation.Relu => z > 0 ? z : 0,
        // Two branches so exp never overflows.
        Activation.Sigmoid => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z)),
        Activation.Tanh => Math.Tanh(z),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "allowed: Identity, Relu, Sigmoid, Tanh"),
    };

    /// <summary>act′(z); ReLU′(0) is taken as 0 (the subgradient PyTorch uses).</summary>
    public static double Derivative(Activation activation, double z)
    {
        switch (activation)
        {
            case Activation.Identity: return 1;
            case Activation.Relu: return z > 0 ? 1 : 0;
            case Activation.Sigmoid:
                double s = Apply(Activation.Sigmoid, z);
                return s * (1 - s);
            case Activation.Tanh:
                double t = Math.Tanh(z);
                return 1 - t * t;
            default:
                throw new ArgumentOutOfRangeException(nameof(activation), activation, "allowed: Identity, Relu, Sigmoid, Tanh");
        }
    }
}
