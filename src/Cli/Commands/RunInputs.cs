using System.Globalization;
using BoundLab.Bounds.Catalog;
using BoundLab.Cli.Framework;
using BoundLab.Studies.Evaluation;

namespace BoundLab.Cli.Commands;

/// <summary>The bound inputs a saved run determines — <see cref="RunQuantities"/> from its run.json and, when present, the
/// measures.json that <c>boundlab measure</c> writes, in vocabulary names — so that <c>bounds eval ID --run DIR</c> needs
/// no number copied by hand.</summary>
/// <remarks>The margin-based inputs (gamma, ramp_loss, margin_loss) depend on a γ the user picks, so they are never
/// filled here; the study's evaluator picks γ and computes the losses at the snapped margin.</remarks>
internal sealed class RunInputs
{
    private readonly string dir;
    private readonly RunQuantities run;

    private RunInputs(string dir, RunQuantities run)
    {
        this.dir = dir;
        this.run = run;
    }

    /// <summary>The number of classes of the run's data (null for regression).</summary>
    public int? Classes => run.Facts.Classes;

    /// <summary>Reads DIR/run.json (required) and DIR/measures.json (optional); errors name --run.</summary>
    public static RunInputs Load(string dir)
    {
        try
        {
            return new RunInputs(dir, RunQuantities.Load(dir, margins: false, threads: 1));
        }
        catch (RunFolderException e)
        {
            throw new UsageException($"--run {dir}: {e.Message}");
        }
    }

    /// <summary>Adds to <paramref name="values"/> every input of <paramref name="entry"/> the run determines and that
    /// was not given explicitly; returns the names filled in with where each came from.</summary>
    public IReadOnlyList<(string Name, string Source)> Fill(BoundEntry entry, Dictionary<string, double> values) => Fill(entry, values, []);

    /// <summary>As <see cref="Fill(BoundEntry, Dictionary{string, double})"/>, also filling the entry's vector inputs
    /// (spec and l21_init: one element per layer of measures.json) into <paramref name="vectors"/>.</summary>
    public IReadOnlyList<(string Name, string Source)> Fill(BoundEntry entry, Dictionary<string, double> values, Dictionary<string, double[]> vectors)
    {
        int entryLayers = entry.Inputs.Count(i => IsLayerInput(i.Name, 's'));
        if (entryLayers > 0 && run.HasMeasures && run.Layers.Count > 0 && entryLayers != run.Layers.Count)
            throw new UsageException($"--run: {entry.Id} is for {entryLayers} weight matrices and {dir} has {run.Layers.Count}" +
                (entry.Id.StartsWith("bft-spectral-", StringComparison.Ordinal) ? $"; use bft-spectral-{run.Layers.Count}, or bft-spectral for any depth." : "."));

        var filled = new List<(string, string)>();
        bool needsNorms = false;
        foreach (BoundInput input in entry.Inputs)
        {
            if (values.ContainsKey(input.Name) || vectors.ContainsKey(input.Name)) continue;
            if (!run.Facts.IsMlp && (input.Name == "depth" || IsLayerWise(input.Name)))
                throw NotAnMlp(entry);
            if (input.IsVector)
            {
                if (LayerVector(input.Name) is { } vector)
                {
                    vectors[input.Name] = vector.Values;
                    filled.Add((input.Name, vector.Source));
                }
                else if (!run.HasMeasures && IsLayerWise(input.Name))
                {
                    needsNorms = true;
                }
                continue;
            }
            if (run.Values.TryGetValue(input.Name, out double v))
            {
                values[input.Name] = v;
                filled.Add((input.Name, run.Sources[input.Name]));
            }
            else if (!run.HasMeasures && (IsLayerWise(input.Name) || IsDataNorm(input.Name)))
            {
                needsNorms = true;
            }
        }

        if (entry.RequiresBiasFree && run.Facts.HasBias && filled.Any(f => f.Item2.StartsWith("measures.json", StringComparison.Ordinal)))
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
        => new($"--run: {entry.Id} takes the depth and per-layer norms of a plain MLP; {dir} is not a plain MLP run (give those inputs with --set if they apply).");

    private static bool IsDataNorm(string name) =>
        name is "x_norm" or "x_max_norm" or "x_rms" or "path_norm" or "margin_q10" or "sharpness_sigma" or "sharpness_sigma_mag";

    // The per-layer vectors of bft-spectral: spec_i = ‖A_i‖_σ and l21_init_i = ‖A_iᵀ − M_iᵀ‖_(2,1) with the initialization
    // as reference M_i, in layer order (their length, depth, comes from run.json and is checked by the catalog).
    // The convolution-aware entries' vectors (lip, kernel_l21_init, ledent_a, patch_norm, spatial_in, out_units, of
    // length conv_depth) come from measures.json param_layers of a convolutional chain.
    private (double[] Values, string Source)? LayerVector(string name) => name switch
    {
        _ when run.ConvVectors.TryGetValue(name, out var conv) => ([.. conv], $"measures.json param_layers[*] ({name})"),
        _ when run.Layers.Count == 0 => null,
        "spec" => ([.. run.Layers.Select(l => l.Spectral)], "measures.json layers[*].spectral_norm"),
        "l21_init" => ([.. run.Layers.Select(l => l.L21FromInit)], "measures.json layers[*].l21_from_init"),
        _ => null,
    };

    private static bool IsLayerWise(string name) =>
        name is "spec" or "l21_init" or "spec_prod" or "frob_prod" or "log_spec_prod" or "log_frob_prod" or "frob_ratio_sum" or "dist_frob_ratio_sum"
            or "frob_sq_sum" or "dist_frob_sq_sum" or "dist_spec_sq_sum" or "v_frob" or "u_dist"
        || IsLayerInput(name, 's') || IsLayerInput(name, 'b');

    // BFT's per-layer inputs: s_i = ‖A_i‖_σ and b_i = ‖A_iᵀ − M_iᵀ‖_(2,1) with the initialization as reference M_i
    // (fixed before the data is seen, as the theorem requires).
    private static bool IsLayerInput(string name, char kind) =>
        name.Length > 2 && name[0] == kind && name[1] == '_'
        && int.TryParse(name.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out int index) && index >= 1;
}
