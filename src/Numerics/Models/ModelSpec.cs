using System.Globalization;
using BoundLab.Numerics.Models.Layers;

namespace BoundLab.Numerics.Models;

/// <summary>The architecture of a model: a name ("784-512-512-10", "resmlp-256x4", "lenet") and its layers in
/// order, with value equality. The layers' widths must chain (each layer's input is the previous output).</summary>
public sealed record ModelSpec
{
    /// <summary>Creates a spec, checking that the layers chain.</summary>
    public ModelSpec(string name, SpecList<LayerSpec> layers)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Count == 0)
        {
            throw new ArgumentException("a model needs at least one layer.", nameof(layers));
        }

        Check(layers, name);
        Name = name;
        Layers = layers;
    }

    /// <summary>The model's name as the CLI spells it.</summary>
    public string Name { get; }

    /// <summary>The layers, input first.</summary>
    public SpecList<LayerSpec> Layers { get; }

    /// <summary>Input features.</summary>
    public int InputDim => Layers[0].InputSize;

    /// <summary>Output features.</summary>
    public int OutputDim => Layers[^1].OutputSize;

    /// <summary>Total number of trainable parameters.</summary>
    public long ParameterCount => Layers.Sum(l => l.ParameterCount);

    /// <summary>Whether any dense or convolution layer (residual bodies included) has a bias.</summary>
    public bool HasBiases => Layers.Any(HasBias);

    private static bool HasBias(LayerSpec l) => l switch
    {
        DenseSpec d => d.Bias,
        Conv2dSpec c => c.Bias,
        ResidualSpec r => r.Body.Any(HasBias),
        _ => false,
    };

    /// <summary>The plain MLP this model is (dense layers, hidden activation shared, output linear), or null.</summary>
    public MlpSpec? Mlp
    {
        get
        {
            if (!Layers.All(l => l is DenseSpec))
            {
                return null;
            }

            DenseSpec[] d = Layers.Cast<DenseSpec>().ToArray();
            Activation hidden = d.Length > 1 ? d[0].Activation : Activation.Relu;
            bool plain = d[^1].Activation == Activation.Identity && d.All(x => x.Bias == d[0].Bias)
                && d.Take(d.Length - 1).All(x => x.Activation == hidden);
            return plain ? new MlpSpec(d.Select(x => x.In).Append(d[^1].Out).ToArray(), hidden, d[0].Bias) : null;
        }
    }

    /// <summary>The MLP of <paramref name="spec"/>: dense layers with the hidden activation fused, the last linear.</summary>
    public static ModelSpec FromMlp(MlpSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var layers = new LayerSpec[spec.Layers];
        for (int i = 0; i < spec.Layers; i++)
        {
            Activation act = i == spec.Layers - 1 ? Activation.Identity : spec.Hidden;
            layers[i] = new DenseSpec(spec.Widths[i], spec.Widths[i + 1], act, spec.Bias);
        }

        return new ModelSpec(spec.Arch, layers);
    }

    /// <summary>A residual MLP for <paramref name="inputs"/> features and <paramref name="outputs"/> outputs: dense
    /// inputs→width + ReLU, then <paramref name="blocks"/> blocks h ← relu(h + W₂ relu(W₁ h + b₁) + b₂), then dense width→outputs.</summary>
    public static ModelSpec ResMlp(int inputs, int width, int blocks, int outputs, bool bias = true)
    {
        Positive(nameof(inputs), inputs);
        Positive(nameof(width), width);
        Positive(nameof(outputs), outputs);
        if (blocks < 1 || blocks > 256)
        {
            throw new ArgumentOutOfRangeException(nameof(blocks), blocks, "allowed: 1 … 256 residual blocks");
        }

        var layers = new List<LayerSpec> { new DenseSpec(inputs, width, Activation.Relu, bias) };
        for (int b = 0; b < blocks; b++)
        {
            layers.Add(new ResidualSpec(new LayerSpec[] { new DenseSpec(width, width, Activation.Relu, bias), new DenseSpec(width, width, Activation.Identity, bias) }));
            layers.Add(new ActivationSpec(width, Activation.Relu));
        }

        layers.Add(new DenseSpec(width, outputs, Activation.Identity, bias));
        return new ModelSpec($"resmlp-{width}x{blocks}", layers.ToArray());
    }

    /// <summary>A LeNet-5-like CNN for 28×28×1 images (MNIST; LeCun et al. 1998, with ReLU and max pooling):
    /// conv 1→6 5×5 pad 2 + ReLU → maxpool 2 → conv 6→16 5×5 + ReLU → maxpool 2 → flatten 5×5×16 → dense 400→120 ReLU →
    /// 84 ReLU → <paramref name="outputs"/>. Inputs are NHWC rows of 784 pixels.</summary>
    public static ModelSpec LeNet(int outputs = 10, bool bias = true)
    {
        Positive(nameof(outputs), outputs);
        LayerSpec[] layers =
        [
            new Conv2dSpec(28, 28, 1, 6, Kernel: 5, Stride: 1, Padding: 2, Activation.Relu, bias),
            new PoolSpec(PoolKind.Max, 28, 28, 6, Kernel: 2, Stride: 2),
            new Conv2dSpec(14, 14, 6, 16, Kernel: 5, Stride: 1, Padding: 0, Activation.Relu, bias),
            new PoolSpec(PoolKind.Max, 10, 10, 16, Kernel: 2, Stride: 2),
            new FlattenSpec(5, 5, 16),
            new DenseSpec(400, 120, Activation.Relu, bias),
            new DenseSpec(120, 84, Activation.Relu, bias),
            new DenseSpec(84, outputs, Activation.Identity, bias),
        ];
        return new ModelSpec("lenet", layers);
    }

    /// <summary>The named models of <c>--model</c>: "resmlp-&lt;width&gt;x&lt;blocks&gt;" (and the kinds
    /// <see cref="Named"/> lists), for data with <paramref name="inputs"/> features and <paramref name="outputs"/> outputs.</summary>
    public static ModelSpec Parse(string model, int inputs, int outputs, bool bias = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model == "lenet")
        {
            return inputs == 28 * 28 ? LeNet(outputs, bias)
                : throw new ArgumentException($"'lenet' takes 28×28×1 images (784 inputs); the data has {inputs} inputs.", nameof(model));
        }

        if (model.StartsWith("resmlp-", StringComparison.Ordinal))
        {
            string[] wb = model["resmlp-".Length..].Split('x');
            if (wb.Length == 2 && int.TryParse(wb[0], NumberStyles.None, CultureInfo.InvariantCulture, out int w)
                && int.TryParse(wb[1], NumberStyles.None, CultureInfo.InvariantCulture, out int b) && w >= 1 && b >= 1)
            {
                return ResMlp(inputs, w, b, outputs, bias);
            }
        }

        throw new ArgumentException($"'{model}' is not a model; allowed: {string.Join(", ", Named)}.", nameof(model));
    }

    /// <summary>Whether <paramref name="model"/> has the form of a named model (the widths are checked by <see cref="Parse"/>).</summary>
    public static bool IsModelName(string model)
        => model == "lenet" || (model.StartsWith("resmlp-", StringComparison.Ordinal) && model.Length > "resmlp-".Length);

    /// <summary>The model names <see cref="Parse"/> accepts, for help and error texts.</summary>
    public static IReadOnlyList<string> Named { get; } = ["lenet (28×28×1 images)", "resmlp-<width>x<blocks> (e.g. resmlp-256x4)"];

    private static void Check(IReadOnlyList<LayerSpec> layers, string name)
    {
        for (int i = 1; i < layers.Count; i++)
        {
            if (layers[i].InputSize != layers[i - 1].OutputSize)
            {
                throw new ArgumentException(
                    $"model '{name}': layer {i + 1} ({layers[i].Describe()}) takes {layers[i].InputSize} features but layer {i} ({layers[i - 1].Describe()}) outputs {layers[i - 1].OutputSize}.",
                    nameof(layers));
            }
        }

        foreach (LayerSpec l in layers)
        {
            if (l is ResidualSpec r)
            {
                Check(r.Body, name);
                if (r.InputSize != r.OutputSize)
                {
                    throw new ArgumentException($"model '{name}': a residual block must keep its width; {r.Describe()} maps {r.InputSize} to {r.OutputSize}.", nameof(layers));
                }
            }
        }
    }

    private static void Positive(string name, int value)
    {
        if (value < 1)
        {
            throw new ArgumentOutOfRangeException(name, value, $"allowed: {name} ≥ 1");
        }
    }
}
