namespace BoundLab.Numerics.Backends;

/// <summary>The law of an element-wise activation in float64: the semantics every kernel of every backend
/// must match (ILGPU-style: an operation is a struct type parameter whose doc comment states its law).</summary>
public interface IActivationLaw
{
    /// <summary>act(z).</summary>
    static abstract double Apply(double z);

    /// <summary>act′(z).</summary>
    static abstract double Derivative(double z);

    /// <summary>act″(z) (Hessian-vector products).</summary>
    static abstract double SecondDerivative(double z);
}

/// <summary>Every activation's law as a struct type; <see cref="ActivationMath"/> maps the <see cref="Activation"/>
/// names onto them (the one switch over activations outside the SIMD kernels).</summary>
public static class ActivationLaws
{
    /// <summary>act(z) = z; act′ = 1; act″ = 0.</summary>
    public readonly struct Identity : IActivationLaw
    {
        /// <inheritdoc />
        public static double Apply(double z) => z;

        /// <inheritdoc />
        public static double Derivative(double z) => 1;

        /// <inheritdoc />
        public static double SecondDerivative(double z) => 0;
    }

    /// <summary>act(z) = max(z, 0); act′(z) = [z &gt; 0] (0 at z = 0, the subgradient PyTorch uses); act″ = 0.</summary>
    public readonly struct Relu : IActivationLaw
    {
        /// <inheritdoc />
        public static double Apply(double z) => z > 0 ? z : 0;

        /// <inheritdoc />
        public static double Derivative(double z) => z > 0 ? 1 : 0;

        /// <inheritdoc />
        public static double SecondDerivative(double z) => 0;
    }

    /// <summary>act(z) = 1/(1 + e^(−z)) (two branches, so exp never overflows); act′ = s(1 − s); act″ = s(1 − s)(1 − 2s).</summary>
    public readonly struct Sigmoid : IActivationLaw
    {
        /// <inheritdoc />
        public static double Apply(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));

        /// <inheritdoc />
        public static double Derivative(double z)
        {
            double s = Apply(z);
            return s * (1 - s);
        }

        /// <inheritdoc />
        public static double SecondDerivative(double z)
        {
            double s = Apply(z);
            return s * (1 - s) * (1 - 2 * s);
        }
    }

    /// <summary>act(z) = tanh z; act′ = 1 − t²; act″ = −2t(1 − t²).</summary>
    public readonly struct Tanh : IActivationLaw
    {
        /// <inheritdoc />
        public static double Apply(double z) => Math.Tanh(z);

        /// <inheritdoc />
        public static double Derivative(double z)
        {
            double t = Math.Tanh(z);
            return 1 - t * t;
        }

        /// <inheritdoc />
        public static double SecondDerivative(double z)
        {
            double t = Math.Tanh(z);
            return -2 * t * (1 - t * t);
        }
    }
}

/// <summary>Scalar float64 definitions of the activations by name (<see cref="ActivationLaws"/>).</summary>
public static class ActivationMath
{
    /// <summary>act(z).</summary>
    public static double Apply(Activation activation, double z) => activation switch
    {
        Activation.Identity => ActivationLaws.Identity.Apply(z),
        Activation.Relu => ActivationLaws.Relu.Apply(z),
        Activation.Sigmoid => ActivationLaws.Sigmoid.Apply(z),
        Activation.Tanh => ActivationLaws.Tanh.Apply(z),
        _ => throw Unknown(activation),
    };

    /// <summary>act′(z).</summary>
    public static double Derivative(Activation activation, double z) => activation switch
    {
        Activation.Identity => ActivationLaws.Identity.Derivative(z),
        Activation.Relu => ActivationLaws.Relu.Derivative(z),
        Activation.Sigmoid => ActivationLaws.Sigmoid.Derivative(z),
        Activation.Tanh => ActivationLaws.Tanh.Derivative(z),
        _ => throw Unknown(activation),
    };

    /// <summary>act″(z).</summary>
    public static double SecondDerivative(Activation activation, double z) => activation switch
    {
        Activation.Identity => ActivationLaws.Identity.SecondDerivative(z),
        Activation.Relu => ActivationLaws.Relu.SecondDerivative(z),
        Activation.Sigmoid => ActivationLaws.Sigmoid.SecondDerivative(z),
        Activation.Tanh => ActivationLaws.Tanh.SecondDerivative(z),
        _ => throw Unknown(activation),
    };

    private static ArgumentOutOfRangeException Unknown(Activation activation)
        => new(nameof(activation), activation, "allowed: Identity, Relu, Sigmoid, Tanh");
}
