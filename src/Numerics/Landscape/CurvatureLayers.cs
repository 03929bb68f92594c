using System.Numerics;
using BoundLab.Numerics.Models;
using BoundLab.Numerics.Models.Layers;

namespace BoundLab.Numerics.Landscape;

/// <summary>Maps each layer of a model to its R-operator (<see cref="CurvatureLayer"/>) on float64 host copies of its
/// parameters: the one place a new layer kind registers its R-op.</summary>
internal static class CurvatureLayers
{
    /// <summary>The R-op layers of <paramref name="model"/>, in order, with each parameter's offset in the flat vector.</summary>
    public static CurvatureLayer[] Of<T>(Model<T> model) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var offsets = new Dictionary<Parameter<T>, int>(ReferenceEqualityComparer.Instance);
        int offset = 0;
        foreach (Parameter<T> p in model.Parameters)
        {
            offsets[p] = offset;
            offset += p.Length;
        }

        return model.Layers.Select(l => Create(l, offsets)).ToArray();
    }

    private static CurvatureLayer Create<T>(Layer<T> layer, Dictionary<Parameter<T>, int> offsets)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (layer)
        {
            case Dense<T> d:
                var spec = (DenseSpec)d.Spec;
                double[] w = ToDouble(d.Backend.ToArray(d.Weight.Value));
                double[]? b = d.Bias is null ? null : ToDouble(d.Backend.ToArray(d.Bias.Value));
                return new DenseCurvature(new Block(spec.Out, spec.In, w), b, spec.Activation, offsets[d.Weight], d.Bias is null ? -1 : offsets[d.Bias]);
            case ActivationLayer<T> a:
                var act = (ActivationSpec)a.Spec;
                return new ActivationCurvature(act.Size, act.Activation);
            case Residual<T> r:
                return new ResidualCurvature(r.Body.Select(l => Create(l, offsets)).ToArray());
            case Conv2d<T> c:
                var conv = (Conv2dSpec)c.Spec;
                Kernels.Conv2dGeometry g = conv.Geometry;
                double[] kw = ToDouble(c.Backend.ToArray(c.Weight.Value));
                double[]? kb = c.Bias is null ? null : ToDouble(c.Backend.ToArray(c.Bias.Value));
                var patches = new DenseCurvature(new Block(conv.OutChannels, g.PatchSize, kw), kb, conv.Activation, offsets[c.Weight], c.Bias is null ? -1 : offsets[c.Bias]);
                return new ConvCurvature(g, conv.OutChannels, patches);
            case MaxPool2d<T> m:
                return new MaxPoolCurvature(((PoolSpec)m.Spec).Geometry);
            case AvgPool2d<T> a2:
                return new AvgPoolCurvature(((PoolSpec)a2.Spec).Geometry);
            case Flatten<T> f:
                return new FlattenCurvature(f.Spec.InputSize);
            default:
                throw new NotSupportedException(
                    $"no Hessian-vector product (R-operator) for the layer {layer.Spec.Describe()} ({layer.GetType().Name}); implemented for: dense, activation, residual, conv2d, max/avg pooling, flatten.");
        }
    }

    private static double[] ToDouble<T>(T[] values) where T : unmanaged, IFloatingPointIeee754<T>
        => values.Select(double.CreateChecked).ToArray();
}
