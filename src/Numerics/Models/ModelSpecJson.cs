using System.Text.Json.Nodes;
using BoundLab.Numerics.Models.Layers;

namespace BoundLab.Numerics.Models;

/// <summary>The architecture as JSON (weights files' header, run records, safetensors metadata): every layer spec
/// type has one entry here, read and written.</summary>
public static class ModelSpecJson
{
    /// <summary>{"name": …, "layers": [{"type": "dense", "in": …, …}, …]}.</summary>
    public static JsonObject Write(ModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new JsonObject { ["name"] = spec.Name, ["layers"] = WriteLayers(spec.Layers) };
    }

    /// <summary>Reads what <see cref="Write"/> wrote; a malformed document is an InvalidDataException naming <paramref name="source"/>.</summary>
    public static ModelSpec Read(JsonNode? node, string source)
    {
        try
        {
            JsonObject o = node as JsonObject ?? throw new InvalidDataException("not an object");
            string name = o["name"]?.GetValue<string>() ?? throw new InvalidDataException("no \"name\"");
            return new ModelSpec(name, ReadLayers(o["layers"] as JsonArray ?? throw new InvalidDataException("no \"layers\" list")));
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException or InvalidDataException)
        {
            throw new InvalidDataException($"{source}: the architecture is not readable ({e.Message.Split(" (Parameter")[0]}).", e);
        }
    }

    private static JsonArray WriteLayers(IEnumerable<LayerSpec> layers)
    {
        var a = new JsonArray();
        foreach (LayerSpec l in layers)
        {
            a.Add(l switch
            {
                DenseSpec d => new JsonObject { ["type"] = "dense", ["in"] = d.In, ["out"] = d.Out, ["activation"] = Name(d.Activation), ["bias"] = d.Bias },
                ActivationSpec s => new JsonObject { ["type"] = "activation", ["size"] = s.Size, ["activation"] = Name(s.Activation) },
                ResidualSpec r => new JsonObject { ["type"] = "residual", ["body"] = WriteLayers(r.Body) },
                Conv2dSpec c => new JsonObject
                {
                    ["type"] = "conv2d", ["height"] = c.Height, ["width"] = c.Width, ["in_channels"] = c.InChannels, ["out_channels"] = c.OutChannels,
                    ["kernel"] = c.Kernel, ["stride"] = c.Stride, ["padding"] = c.Padding, ["activation"] = Name(c.Activation), ["bias"] = c.Bias,
                },
                PoolSpec p => new JsonObject
                {
                    ["type"] = p.Kind == PoolKind.Max ? "maxpool2d" : "avgpool2d", ["height"] = p.Height, ["width"] = p.Width, ["channels"] = p.Channels,
                    ["kernel"] = p.Kernel, ["stride"] = p.Stride, ["padding"] = p.Padding,
                },
                FlattenSpec f => new JsonObject { ["type"] = "flatten", ["height"] = f.Height, ["width"] = f.Width, ["channels"] = f.Channels },
                _ => throw new ArgumentException($"no JSON form for {l.GetType().Name}.", nameof(layers)),
            });
        }

        return a;
    }

    private static LayerSpec[] ReadLayers(JsonArray a)
    {
        var layers = new LayerSpec[a.Count];
        for (int i = 0; i < a.Count; i++)
        {
            JsonObject o = a[i] as JsonObject ?? throw new InvalidDataException($"layer {i + 1} is not an object");
            string type = o["type"]?.GetValue<string>() ?? throw new InvalidDataException($"layer {i + 1} has no \"type\"");
            layers[i] = type switch
            {
                "dense" => new DenseSpec(Int(o, "in", i), Int(o, "out", i), Act(o, i), o["bias"]?.GetValue<bool>() ?? true),
                "activation" => new ActivationSpec(Int(o, "size", i), Act(o, i)),
                "residual" => new ResidualSpec(ReadLayers(o["body"] as JsonArray ?? throw new InvalidDataException($"layer {i + 1} has no \"body\""))),
                "conv2d" => new Conv2dSpec(Int(o, "height", i), Int(o, "width", i), Int(o, "in_channels", i), Int(o, "out_channels", i), Int(o, "kernel", i),
                    Int(o, "stride", i), Int(o, "padding", i, min: 0), Act(o, i), o["bias"]?.GetValue<bool>() ?? true),
                "maxpool2d" or "avgpool2d" => new PoolSpec(type == "maxpool2d" ? PoolKind.Max : PoolKind.Average, Int(o, "height", i), Int(o, "width", i),
                    Int(o, "channels", i), Int(o, "kernel", i), Int(o, "stride", i), Int(o, "padding", i, min: 0)),
                "flatten" => new FlattenSpec(Int(o, "height", i), Int(o, "width", i), Int(o, "channels", i)),
                _ => throw new InvalidDataException($"layer {i + 1} has type '{type}'; this build knows dense, activation, residual, conv2d, maxpool2d, avgpool2d, flatten"),
            };
            _ = layers[i].OutputSize; // a geometry that yields no output pixel is refused here, naming the field
        }

        return layers;
    }

    private static int Int(JsonObject o, string key, int i, int min = 1)
    {
        int v = o[key]?.GetValue<int>() ?? throw new InvalidDataException($"layer {i + 1} has no \"{key}\"");
        return v >= min ? v : throw new InvalidDataException($"layer {i + 1}: \"{key}\" is {v}; allowed ≥ {min}");
    }

    private static Activation Act(JsonObject o, int i)
    {
        string s = o["activation"]?.GetValue<string>() ?? throw new InvalidDataException($"layer {i + 1} has no \"activation\"");
        return Enum.TryParse(s, ignoreCase: true, out Activation a) && Enum.IsDefined(a) ? a
            : throw new InvalidDataException($"layer {i + 1}: activation '{s}'; allowed {string.Join(", ", Enum.GetNames<Activation>().Select(n => n.ToLowerInvariant()))}");
    }

    /// <summary>The lower-case name of an activation.</summary>
    public static string Name(Activation a) => a.ToString().ToLowerInvariant();
}
