using System.Numerics;
using BoundLab.Numerics.Backends;

namespace BoundLab.Numerics.Models.Layers;

/// <summary>Builds layers from specs: the one place that maps each <see cref="LayerSpec"/> type to its layer.</summary>
public static class LayerFactory
{
    /// <summary>Creates the layers in order; weight layers are numbered 1, 2, … across the whole model
    /// (W1, b1, W2, …) continuing from <paramref name="index"/>.</summary>
    public static Layer<T>[] CreateAll<T>(Backend<T> backend, IReadOnlyList<LayerSpec> specs, ref int index)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var layers = new Layer<T>[specs.Count];
        for (int i = 0; i < specs.Count; i++)
        {
            layers[i] = Create(backend, specs[i], ref index);
        }

        return layers;
    }

    /// <summary>Creates one layer with zero parameters.</summary>
    public static Layer<T> Create<T>(Backend<T> backend, LayerSpec spec, ref int index)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (spec)
        {
            case DenseSpec d:
                return new Dense<T>(backend, d, ++index);
            case ActivationSpec a:
                return new ActivationLayer<T>(backend, a);
            case ResidualSpec r:
                return new Residual<T>(backend, r, ref index);
            case Conv2dSpec c:
                return new Conv2d<T>(backend, c, ++index);
            case PoolSpec { Kind: PoolKind.Max } p:
                return new MaxPool2d<T>(backend, p);
            case PoolSpec { Kind: PoolKind.Average } p:
                return new AvgPool2d<T>(backend, p);
            case FlattenSpec f:
                return new Flatten<T>(backend, f);
            default:
                throw new ArgumentException($"no layer implements {spec.GetType().Name}.", nameof(spec));
        }
    }
}
