using BoundLab.Numerics.Backends;
using BoundLab.Numerics.Models;
using BoundLab.Numerics.Models.Layers;

namespace BoundLab.Numerics.Interop;

/// <summary>A model's parameters with PyTorch's names and layouts: the tensors an equivalent <c>torch.nn.Sequential</c>
/// (NCHW images) holds in its state_dict. Each layer is one module, and a dense or conv layer with a fused activation
/// is two (Linear/Conv2d, then the activation module), so indices count as PyTorch counts them: LeNet's parameters are
/// <c>0.weight</c>, <c>0.bias</c> (Conv2d), <c>3.weight</c> (the second Conv2d, after ReLU and MaxPool2d), …; a residual
/// block is a module holding its branch as <c>body</c> (<c>{i}.body.{j}.weight</c>).</summary>
/// <remarks>Layouts: Linear.weight is Out × In as here; Conv2d.weight is OC × C × KH × KW where ours is OC × (KH·KW·C);
/// a Linear after a Flatten of C &gt; 1 channels has its columns permuted from our NHWC order (y, x, c) to PyTorch's
/// NCHW order (c, y, x). The architecture itself travels in the metadata (<see cref="ArchitectureKey"/>) as BoundLab's
/// JSON, so an exported file re-imports exactly.</remarks>
public static class TorchLayout
{
    /// <summary>The metadata key holding the architecture JSON (<see cref="ModelSpecJson"/>).</summary>
    public const string ArchitectureKey = "boundlab_architecture";

    /// <summary>Every parameter as a PyTorch-named tensor (float32), in module order.</summary>
    public static IReadOnlyList<SafeTensor> Export(Model<float> model)
    {
        ArgumentNullException.ThrowIfNull(model);
        float[][] values = model.Values();
        var tensors = new List<SafeTensor>();
        int next = 0;
        Walk(model.Spec.Layers, "", ref next, null, (spec, name, flatten) =>
        {
            switch (spec)
            {
                case DenseSpec d:
                    float[] w = values[tensors.Count];
                    tensors.Add(new SafeTensor(name + ".weight", [d.Out, d.In], flatten is { Channels: > 1 } f ? NhwcColumnsToNchw(w, d.Out, f) : w));
                    if (d.Bias)
                    {
                        tensors.Add(new SafeTensor(name + ".bias", [d.Out], values[tensors.Count]));
                    }

                    break;
                case Conv2dSpec c:
                    tensors.Add(new SafeTensor(name + ".weight", [c.OutChannels, c.InChannels, c.Kernel, c.Kernel], ConvToTorch(values[tensors.Count], c)));
                    if (c.Bias)
                    {
                        tensors.Add(new SafeTensor(name + ".bias", [c.OutChannels], values[tensors.Count]));
                    }

                    break;
            }
        });
        return tensors;
    }

    /// <summary>The metadata written with <see cref="Export"/>.</summary>
    public static IReadOnlyDictionary<string, string> Metadata(ModelSpec spec) => new Dictionary<string, string>
    {
        ["format"] = "pt",
        [ArchitectureKey] = ModelSpecJson.Write(spec).ToJsonString(),
        ["boundlab_layout"] = "torch.nn.Sequential state_dict, NCHW; fused activations are their own modules",
    };

    /// <summary>A model (on <paramref name="backend"/>) from a safetensors file in this layout. The architecture comes from
    /// the file's metadata; a file without it (written by PyTorch) is read as the plain MLP its Linear weights
    /// 0.weight, 2.weight, … chain into, with <paramref name="hidden"/> between them.</summary>
    public static Model<float> Import(SafeTensorFile file, Backend<float> backend, Activation hidden = Activation.Relu, string source = "the safetensors file")
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(backend);
        ModelSpec spec = file.Metadata.TryGetValue(ArchitectureKey, out string? json)
            ? ModelSpecJson.Read(System.Text.Json.Nodes.JsonNode.Parse(json), source)
            : InferMlp(file, hidden, source);
        var values = new List<float[]>();
        int next = 0;
        Walk(spec.Layers, "", ref next, null, (layer, name, flatten) =>
        {
            switch (layer)
            {
                case DenseSpec d:
                    float[] w = Take(file, name + ".weight", [d.Out, d.In], source);
                    values.Add(flatten is { Channels: > 1 } f ? NchwColumnsToNhwc(w, d.Out, f) : w);
                    if (d.Bias)
                    {
                        values.Add(Take(file, name + ".bias", [d.Out], source));
                    }

                    break;
                case Conv2dSpec c:
                    values.Add(ConvFromTorch(Take(file, name + ".weight", [c.OutChannels, c.InChannels, c.Kernel, c.Kernel], source), c));
                    if (c.Bias)
                    {
                        values.Add(Take(file, name + ".bias", [c.OutChannels], source));
                    }

                    break;
            }
        });
        return Model<float>.FromValues(spec, backend, values);
    }

    // Visits every layer with its PyTorch module name; `flatten` is the Flatten directly before a dense layer (if any).
    private static void Walk(IReadOnlyList<LayerSpec> layers, string prefix, ref int index, FlattenSpec? before, Action<LayerSpec, string, FlattenSpec?> visit)
    {
        FlattenSpec? flatten = before;
        foreach (LayerSpec l in layers)
        {
            string name = prefix + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
            switch (l)
            {
                case ResidualSpec r:
                    int inner = 0;
                    Walk(r.Body, name + ".body.", ref inner, null, visit);
                    index++;
                    break;
                case DenseSpec d:
                    visit(l, name, flatten);
                    index += d.Activation == Activation.Identity ? 1 : 2;
                    break;
                case Conv2dSpec c:
                    visit(l, name, null);
                    index += c.Activation == Activation.Identity ? 1 : 2;
                    break;
                default:
                    index++;
                    break;
            }

            flatten = l as FlattenSpec;
        }
    }

    private static MlpSpec? InferMlpOrNull(SafeTensorFile file, Activation hidden)
    {
        var widths = new List<int>();
        bool? bias = null;
        for (int i = 0; ; i += 2)
        {
            SafeTensor? w = file.Find($"{i}.weight");
            if (w is null)
            {
                break;
            }

            if (w.Shape.Count != 2 || (widths.Count > 0 && widths[^1] != w.Shape[1]))
            {
                return null;
            }

            if (widths.Count == 0)
            {
                widths.Add(w.Shape[1]);
            }

            widths.Add(w.Shape[0]);
            bool b = file.Find($"{i}.bias") is not null;
            if (bias is not null && bias != b)
            {
                return null;
            }

            bias = b;
        }

        return widths.Count >= 2 && file.Tensors.Count == (widths.Count - 1) * (bias == true ? 2 : 1) ? new MlpSpec(widths, hidden, bias ?? true) : null;
    }

    private static ModelSpec InferMlp(SafeTensorFile file, Activation hidden, string source)
        => InferMlpOrNull(file, hidden) is { } mlp
            ? ModelSpec.FromMlp(mlp)
            : throw new InvalidDataException(
                $"{source} has no '{ArchitectureKey}' metadata and its tensors ({string.Join(", ", file.Tensors.Take(6).Select(t => t.ToString()))}…) are not a torch.nn.Sequential MLP " +
                "(Linear weights 0.weight, 2.weight, … with matching widths and activations between them); export with BoundLab, or save a Sequential of Linear and activation modules.");

    private static float[] Take(SafeTensorFile file, string name, int[] shape, string source)
    {
        SafeTensor t = file.Find(name)
            ?? throw new InvalidDataException($"{source} has no tensor '{name}'; the architecture needs it with shape [{string.Join(", ", shape)}].");
        if (!t.Shape.SequenceEqual(shape))
        {
            throw new InvalidDataException($"{source}: tensor '{name}' has shape [{string.Join(", ", t.Shape)}]; the architecture needs [{string.Join(", ", shape)}].");
        }

        return t.ToFloat32Array();
    }

    // ours[o, (ky·K + kx)·C + c] ↔ torch[o, c, ky, kx].
    private static float[] ConvToTorch(float[] ours, Conv2dSpec s)
    {
        int k = s.Kernel, c = s.InChannels, patch = k * k * c;
        var torch = new float[ours.Length];
        for (int o = 0; o < s.OutChannels; o++)
            for (int ch = 0; ch < c; ch++)
                for (int ky = 0; ky < k; ky++)
                    for (int kx = 0; kx < k; kx++)
                        torch[((o * c + ch) * k + ky) * k + kx] = ours[o * patch + (ky * k + kx) * c + ch];
        return torch;
    }

    private static float[] ConvFromTorch(float[] torch, Conv2dSpec s)
    {
        int k = s.Kernel, c = s.InChannels, patch = k * k * c;
        var ours = new float[torch.Length];
        for (int o = 0; o < s.OutChannels; o++)
            for (int ch = 0; ch < c; ch++)
                for (int ky = 0; ky < k; ky++)
                    for (int kx = 0; kx < k; kx++)
                        ours[o * patch + (ky * k + kx) * c + ch] = torch[((o * c + ch) * k + ky) * k + kx];
        return ours;
    }

    // Column (y·W + x)·C + c of ours is column c·H·W + y·W + x of PyTorch's.
    private static float[] NhwcColumnsToNchw(float[] w, int rows, FlattenSpec f) => PermuteColumns(w, rows, f, toTorch: true);

    private static float[] NchwColumnsToNhwc(float[] w, int rows, FlattenSpec f) => PermuteColumns(w, rows, f, toTorch: false);

    private static float[] PermuteColumns(float[] w, int rows, FlattenSpec f, bool toTorch)
    {
        int h = f.Height, wd = f.Width, c = f.Channels, cols = h * wd * c;
        var result = new float[w.Length];
        for (int r = 0; r < rows; r++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < wd; x++)
                    for (int ch = 0; ch < c; ch++)
                    {
                        int ours = (y * wd + x) * c + ch, torch = (ch * h + y) * wd + x;
                        if (toTorch)
                        {
                            result[r * cols + torch] = w[r * cols + ours];
                        }
                        else
                        {
                            result[r * cols + ours] = w[r * cols + torch];
                        }
                    }

        return result;
    }
}
