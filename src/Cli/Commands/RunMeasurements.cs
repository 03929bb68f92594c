using System.Text.Json.Nodes;
using BoundLab.Numerics.Backends;
using BoundLab.Numerics.Data;
using BoundLab.Numerics.Measurements;
using BoundLab.Numerics.Models;
using BoundLab.Numerics.Tensors;
using BoundLab.Numerics.Training;

namespace BoundLab.Cli.Commands;

/// <summary>The measures.json document of a trained network on its training set.</summary>
internal static class RunMeasurements
{
    private static readonly double[] QuantileLevels = [0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 1];

    /// <summary>Every measurement, as measures.json's object; throws rather than write a non-finite number.</summary>
    public static JsonObject Build(Model<float> net, Model<float> init, Dataset train, int threads)
    {
        var layers = new JsonArray();
        var spectral = new List<double>();
        var frobenius = new List<double>();
        Matrix<float>[] weights = net.DenseWeights(), initWeights = init.DenseWeights();
        for (int i = 0; i < weights.Length; i++)
        {
            LayerMeasures m = LayerMeasures.Compute(i + 1, weights[i], initWeights[i]);
            spectral.Add(m.SpectralNorm);
            frobenius.Add(m.FrobeniusNorm);
            layers.Add(new JsonObject
            {
                ["index"] = m.Index,
                ["shape"] = new JsonArray(m.Rows, m.Cols),
                ["spectral_norm"] = Finite("spectral_norm", m.SpectralNorm),
                ["spectral_method"] = m.SpectralMethod,
                ["frobenius_norm"] = Finite("frobenius_norm", m.FrobeniusNorm),
                ["frobenius_from_init"] = Finite("frobenius_from_init", m.FrobeniusFromInit),
                ["spectral_from_init"] = Finite("spectral_from_init", m.SpectralFromInit),
                ["l21"] = Finite("l21", m.L21),
                ["l21_from_init"] = Finite("l21_from_init", m.L21FromInit),
            });
        }

        // Path norm and unit counts are defined here for plain MLPs (a chain of dense layers).
        bool chain = net.Spec.Mlp is not null;
        IReadOnlyList<float[]> biases = net.Spec.Mlp is { Bias: true } ? net.DenseBiases() : [];
        double logPath = chain ? PathNorm.LogSquared(weights, biases) : double.NaN;
        var doc = new JsonObject
        {
            ["boundlab_measures"] = 1,
            ["arch"] = net.Spec.Name,
            // A named model's layers list holds its dense layers only: a convolution's operator norm is not that of its
            // reshaped kernel, and a residual block's Lipschitz constant is not the product of its layers' norms.
            ["layers_cover"] = chain ? "every weight matrix of the MLP" : "the dense layers only (not convolutions; residual structure ignored)",
            ["n_train"] = train.Count,
            ["layers"] = layers,
            ["log_prod_spectral"] = LogProductOrNull(spectral),
            ["log_prod_frobenius"] = LogProductOrNull(frobenius),
            ["parameter_count"] = chain ? Counts.Parameters(weights, biases) : net.ParameterCount,
            ["hidden_units"] = chain ? Counts.HiddenUnits(weights) : null,
            // The catalog's vocabulary: x_norm is BFT's data norm ‖X‖₂ = sqrt(Σ_i ‖x_i‖²) (the Frobenius norm of the data
            // matrix, an input of the spectral and margin entries) and input_norm is max_i ‖x_i‖; the spectral norm of X
            // is ≤ x_norm and would under-report those bounds, so it gets its own key.
            ["x_norm"] = Finite("x_norm", Norms.Frobenius(train.Inputs)),
            ["input_norm"] = Finite("input_norm", Norms.MaxRowNorm(train.Inputs)),
            ["x_spectral_norm"] = Finite("x_spectral_norm", SpectralNorm.Compute(train.Inputs).Value),
            ["path_norm"] = FiniteOrNull(Math.Exp(0.5 * logPath)),
            ["log_path_norm_squared"] = FiniteOrNull(logPath),
        };

        if (train.Labels is null)
        {
            // Regression: margins are not defined; the keys stay, as null, so readers see why.
            doc["margin_q10"] = null;
            doc["margins"] = null;
            return doc;
        }

        double[] margins = Margins.Compute(Logits(net, train, threads), train.Labels);
        var quantiles = new JsonObject();
        foreach (double q in QuantileLevels)
        {
            quantiles[q.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)] = Margins.Quantile(margins, q);
        }

        doc["margin_q10"] = Margins.Q10(margins);
        doc["margins"] = new JsonObject
        {
            ["quantiles"] = quantiles,
            ["mean"] = margins.Average(),
            ["train_error"] = margins.Count(m => m < 0) / (double)margins.Length,
            ["ties"] = margins.Count(m => m == 0),
        };
        return doc;
    }

    private static Matrix<float> Logits(Model<float> net, Dataset data, int threads)
        => Model<float>.FromValues(net.Spec, new CpuBackend(threads), net.Values()).Predict(data.Inputs);

    private static JsonNode? LogProductOrNull(IReadOnlyList<double> factors)
        => factors.All(f => f > 0 && double.IsFinite(f)) ? Norms.LogProduct(factors) : null;

    private static JsonNode? FiniteOrNull(double v) => double.IsFinite(v) ? v : null;

    private static double Finite(string name, double v)
        => double.IsFinite(v) ? v : throw new InvalidOperationException($"{name} is {v}; refusing to write a non-finite number to measures.json.");
}
