using System.Globalization;
using System.Text.Json.Nodes;
using BoundLab.Bounds.Catalog;
using BoundLab.Cli.Framework;
using BoundLab.Numerics.Runs;

namespace BoundLab.Cli.Commands;

/// <summary>The bound inputs a saved run determines — from its run.json and, when present, the measures.json that
/// <c>boundlab measure</c> writes — so that <c>bounds eval ID --run DIR</c> needs no number copied by hand.</summary>
/// <remarks>Only quantities whose catalog meaning is exactly what the run records are filled in; an input name that
/// means different things in different entries (width, input_norm over the domain, C, L, β, margins at a chosen γ)
/// is left to --set. The margin-based losses depend on a γ the user picks, so they are never filled.</remarks>
internal sealed class RunInputs
{
    private readonly string dir;
    private readonly RunDocument run;
    private readonly JsonObject? measures;

    private RunInputs(string dir, RunDocument run, JsonObject? measures)
    {
        this.dir = dir;
        this.run = run;
        this.measures = measures;
    }

    /// <summary>The number of classes of the run's data (null for regression).</summary>
    public int? Classes => run.Data.IsClassification ? run.Data.Classes : null;

    private bool HasBias => run.Config.Bias;

    /// <summary>Reads DIR/run.json (required) and DIR/measures.json (optional); errors name --run.</summary>
    public static RunInputs Load(string dir)
    {
        var layout = new RunLayout(dir);
        string runJson = layout.RunFile;
        if (!File.Exists(runJson))
            throw UsageException.BadValue("--run", dir, $"a finished run folder (it holds {RunLayout.RunFileName})");
        RunDocument run;
        try
        {
            run = RunDocument.Read(runJson);
        }
        catch (RunFileException e)
        {
            throw UsageException.BadValue("--run", dir, $"a run folder with a readable run.json ({e.Message.TrimEnd('.')})");
        }

        JsonObject Read(string path)
        {
            try
            {
                return JsonNode.Parse(File.ReadAllText(path))?.AsObject() ?? throw new FormatException("empty document");
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or FormatException or InvalidOperationException)
            {
                throw UsageException.BadValue("--run", dir, $"a run folder whose {Path.GetFileName(path)} is valid JSON ({ErrorText.OneLine(e)})");
            }
        }

        string measuresJson = layout.MeasuresFile;
        return new RunInputs(dir, run, File.Exists(measuresJson) ? Read(measuresJson) : null);
    }

    /// <summary>Adds to <paramref name="values"/> every input of <paramref name="entry"/> the run determines and that
    /// was not given explicitly; returns the names filled in with where each came from.</summary>
    public IReadOnlyList<(string Name, string Source)> Fill(BoundEntry entry, Dictionary<string, double> values) => Fill(entry, values, []);

    /// <summary>As <see cref="Fill(BoundEntry, Dictionary{string, double})"/>, also filling the entry's vector inputs
    /// (spec and l21_init: one element per layer of measures.json) into <paramref name="vectors"/>.</summary>
    public IReadOnlyList<(string Name, string Source)> Fill(BoundEntry entry, Dictionary<string, double> values, Dictionary<string, double[]> vectors)
    {
        var filled = new List<(string, string)>();
        bool needsNorms = false;
        foreach (BoundInput input in entry.Inputs)
        {
            if (values.ContainsKey(input.Name) || vectors.ContainsKey(input.Name)) continue;
            if (input.IsVector)
            {
                if (LookupVector(input, entry) is { } v)
                {
                    vectors[input.Name] = v.Values;
                    filled.Add((input.Name, v.Source));
                }
                else if (measures is null && IsMeasured(input.Name))
                {
                    needsNorms = true;
                }
                continue;
            }
            (double Value, string Source)? found = Lookup(input, entry);
            if (found is { } f)
            {
                values[input.Name] = f.Value;
                filled.Add((input.Name, f.Source));
            }
            else if (measures is null && IsMeasured(input.Name))
            {
                needsNorms = true;
            }
        }

        if (entry.RequiresBiasFree && HasBias && filled.Any(f => f.Item2.StartsWith("measures.json", StringComparison.Ordinal)))
            throw new UsageException($"--run: {dir} was trained with biases, and {entry.Id} holds for networks without biases " +
                "(or with biases folded into an augmented input); train with --no-bias, or give its norms with --set.");

        var missing = entry.Inputs.Where(i => !i.IsOptional && !values.ContainsKey(i.Name) && !vectors.ContainsKey(i.Name)).Select(i => i.Name).ToList();
        if (missing.Count > 0)
            throw new UsageException($"--set: {entry.Id} needs {string.Join(", ", missing)}, which {dir} does not determine; give each with --set name=value" +
                (needsNorms ? $" (run `boundlab measure {dir}` first for the norms)." : "."));
        return filled;
    }

    // The catalog's layer-wise inputs are those of a chain of dense layers; measures.json of a named model (a CNN, a
    // residual MLP) lists its dense layers only, and products of their norms are not what those entries mean.
    private UsageException NotAnMlp(BoundEntry entry)
        => new($"--run: {entry.Id} takes the depth and per-layer norms of a plain MLP; {dir} is a {run.Config.Arch} run (give those inputs with --set if they apply).");

    private static bool IsMeasured(string name) =>
        name is "x_norm" or "frob_prod" or "spec_prod" or "frob_ratio_sum" or "spec" or "l21_init" || IsLayerInput(name, out _, out _);

    // The per-layer vectors of bft-spectral: spec_i = ‖A_i‖_σ and l21_init_i = ‖A_iᵀ − M_iᵀ‖_(2,1) with the initialization
    // as reference M_i, in layer order (their length, depth, comes from run.json and is checked by the catalog).
    private (double[] Values, string Source)? LookupVector(BoundInput input, BoundEntry entry)
    {
        string? key = input.Name switch { "spec" => "spectral_norm", "l21_init" => "l21_from_init", _ => null };
        if (key is null) return null;
        if (!run.Config.IsMlp) throw NotAnMlp(entry);
        if (measures is null) return null;
        return ([.. LayerValues(key)], $"measures.json layers[*].{key}");
    }

    private (double, string)? Lookup(BoundInput input, BoundEntry entry)
    {
        bool classification = run.Data.IsClassification;
        switch (input.Name)
        {
            case "n": return (run.Data.NTrain, "run.json data.n_train");
            case "n_test": return (run.Data.NTest, "run.json data.n_test");
            case "train_error" when classification: return (run.Results.TrainError, "run.json train_error");
            case "test_error" when classification: return (run.Results.TestError, "run.json test_error");
            case "k" when classification && run.Data.Classes is { } k && input.Meaning.StartsWith("number of classes", StringComparison.Ordinal):
                return (k, "run.json data.classes");
            case "depth": return (run.Config.Layers ?? throw NotAnMlp(entry), "run.json arch (number of weight matrices)");
        }

        if (!run.Config.IsMlp && (IsMeasured(input.Name) && input.Name != "x_norm"))
        {
            throw NotAnMlp(entry);
        }

        if (measures is null) return null;
        switch (input.Name)
        {
            case "x_norm": return FromMeasures("x_norm");
            // Only where the entry means the largest norm over the training sample, not over the input domain.
            case "input_norm" when input.Meaning.Contains("max_i", StringComparison.Ordinal): return FromMeasures("input_norm");
            case "frob_prod": return LayerProduct("frobenius_norm");
            case "spec_prod": return LayerProduct("spectral_norm");
            case "frob_ratio_sum":
                return (LayerValues("frobenius_norm").Zip(LayerValues("spectral_norm"), (f, s) => f * f / (s * s)).Sum(),
                        "measures.json layers (Σ ‖W_i‖_F²/‖W_i‖₂²)");
        }

        if (IsLayerInput(input.Name, out char kind, out int index))
        {
            int entryLayers = entry.Inputs.Count(i => IsLayerInput(i.Name, out char k2, out _) && k2 == kind);
            var layers = measures["layers"]!.AsArray();
            if (entryLayers != layers.Count)
                throw new UsageException($"--run: {entry.Id} is for {entryLayers} weight matrices and {dir} has {layers.Count}" +
                    (entry.Id.StartsWith("bft-spectral-", StringComparison.Ordinal) ? $"; use bft-spectral-{layers.Count}, or bft-spectral for any depth." : "."));
            string key = kind == 's' ? "spectral_norm" : "l21_from_init";
            return (layers[index - 1]![key]!.GetValue<double>(), $"measures.json layers[{index - 1}].{key}");
        }

        return null;
    }

    // BFT's per-layer inputs: s_i = ‖A_i‖_σ and b_i = ‖A_iᵀ − M_iᵀ‖_(2,1) with the initialization as reference M_i
    // (fixed before the data is seen, as the theorem requires).
    private static bool IsLayerInput(string name, out char kind, out int index)
    {
        kind = name.Length > 2 ? name[0] : '\0';
        index = 0;
        return name.Length > 2 && (kind == 's' || kind == 'b') && name[1] == '_'
            && int.TryParse(name.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out index) && index >= 1;
    }

    private (double, string)? FromMeasures(string key) =>
        measures![key] is { } node ? (node.GetValue<double>(), $"measures.json {key}") : null;

    private IEnumerable<double> LayerValues(string key) =>
        measures!["layers"]!.AsArray().Select(l => l![key]!.GetValue<double>());

    // Each multiplication is rounded up one ulp, so the product is never below the product of the measured norms.
    private (double, string) LayerProduct(string key) =>
        (LayerValues(key).Aggregate(1.0, (p, f) => Math.BitIncrement(p * f)), $"measures.json layers (Π {key})");
}
