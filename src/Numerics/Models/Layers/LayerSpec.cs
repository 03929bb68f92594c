namespace BoundLab.Numerics.Models.Layers;

/// <summary>The architecture of one layer: what it computes and its shapes, with value equality (two specs
/// are equal when they describe the same layer). A layer maps rows of <see cref="InputSize"/> features to
/// rows of <see cref="OutputSize"/> features; images are rows in NHWC order.</summary>
public abstract record LayerSpec
{
    /// <summary>Features per input row.</summary>
    public abstract int InputSize { get; }

    /// <summary>Features per output row.</summary>
    public abstract int OutputSize { get; }

    /// <summary>Trainable parameters of this layer (weights and biases).</summary>
    public abstract long ParameterCount { get; }

    /// <summary>A short description, e.g. "dense 784→512 relu".</summary>
    public abstract string Describe();
}

/// <summary>y = act(x Wᵀ + b): W is Out × In (the papers' shape, PyTorch's Linear.weight), b has Out entries.
/// The activation is fused into the layer (one memory pass); an equivalent torch.nn.Sequential holds
/// Linear followed by the activation module.</summary>
/// <param name="In">Input features.</param>
/// <param name="Out">Output features.</param>
/// <param name="Activation">Applied after the affine map (Identity = none).</param>
/// <param name="Bias">Whether the layer has b.</param>
public sealed record DenseSpec(int In, int Out, Activation Activation = Activation.Identity, bool Bias = true) : LayerSpec
{
    /// <inheritdoc />
    public override int InputSize => In;

    /// <inheritdoc />
    public override int OutputSize => Out;

    /// <inheritdoc />
    public override long ParameterCount => (long)In * Out + (Bias ? Out : 0);

    /// <inheritdoc />
    public override string Describe() => $"dense {In}→{Out}" + (Activation == Activation.Identity ? "" : " " + Activation.ToString().ToLowerInvariant()) + (Bias ? "" : " (no bias)");
}

/// <summary>y = act(x), element-wise, on rows of <paramref name="Size"/> features.</summary>
/// <param name="Size">Features per row.</param>
/// <param name="Activation">The nonlinearity.</param>
public sealed record ActivationSpec(int Size, Activation Activation) : LayerSpec
{
    /// <inheritdoc />
    public override int InputSize => Size;

    /// <inheritdoc />
    public override int OutputSize => Size;

    /// <inheritdoc />
    public override long ParameterCount => 0;

    /// <inheritdoc />
    public override string Describe() => Activation.ToString().ToLowerInvariant();
}

/// <summary>y = x + body(x): the body's layers map Size features to Size features (He et al. 2016's identity shortcut).</summary>
/// <param name="Body">The residual branch, applied in order.</param>
public sealed record ResidualSpec(SpecList<LayerSpec> Body) : LayerSpec
{
    /// <inheritdoc />
    public override int InputSize => Body[0].InputSize;

    /// <inheritdoc />
    public override int OutputSize => Body[^1].OutputSize;

    /// <inheritdoc />
    public override long ParameterCount => Body.Sum(l => l.ParameterCount);

    /// <inheritdoc />
    public override string Describe() => $"residual[{string.Join(", ", Body.Select(l => l.Describe()))}]";
}
