using System.Text.Json;

namespace BoundLab.Studies.PacBayes;

/// <summary>RUN/pacbayes-&lt;method&gt;.json: the certificate as snake_case JSON, written atomically; a NaN or infinite number
/// is refused before anything is written.</summary>
public static class CertificateJson
{
    /// <summary>The certificate as JSON text (indented, snake_case keys).</summary>
    public static string Format(PacBayesCertificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        CheckFinite(certificate);
        return JsonSerializer.Serialize(certificate, PipelineState.Json);
    }

    /// <summary>Writes the certificate to <paramref name="path"/> atomically (a reader sees the old file or the new one).</summary>
    public static void Write(string path, PacBayesCertificate certificate)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(certificate);
        CheckFinite(certificate);
        PipelineState.WriteJson(path, certificate);
    }

    /// <summary>Reads a certificate written by <see cref="Write"/>; a malformed file is an InvalidDataException naming it.</summary>
    public static PacBayesCertificate Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        try
        {
            return JsonSerializer.Deserialize<PacBayesCertificate>(File.ReadAllText(path), PipelineState.Json)
                ?? throw new InvalidDataException($"{path}: empty certificate.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a PAC-Bayes certificate ({e.Message.Split('\n')[0]}).", e);
        }
    }

    private static void CheckFinite(PacBayesCertificate c)
    {
        var numbers = new List<(string, double?)>
        {
            ("value", c.Value), ("kl", c.Kl), ("delta", c.Delta), ("delta_mc", c.DeltaMc), ("mc_error", c.McError),
            ("stochastic_test_error", c.StochasticTestError), ("deterministic_test_error", c.DeterministicTestError),
            ("prior_variance", c.PriorVariance), ("trained_prior_variance", c.TrainedPriorVariance), ("prior_std", c.PriorStd),
            ("objective_lambda", c.ObjectiveLambda), ("seconds.training", c.Seconds.Training), ("seconds.monte_carlo", c.Seconds.MonteCarlo),
            ("seconds.test", c.Seconds.Test), ("seconds.total", c.Seconds.Total),
        };
        numbers.AddRange(c.Terms.Select(t => ($"term '{t.Name}'", (double?)t.Value)));
        foreach ((string name, double? x) in numbers)
            if (x is double v && !double.IsFinite(v))
                throw new InvalidOperationException($"the certificate's {name} is {v}; no certificate is written.");
    }
}
