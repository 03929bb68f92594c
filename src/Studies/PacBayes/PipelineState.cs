using System.Text.Json;
using BoundLab.Numerics.Runs;

namespace BoundLab.Studies.PacBayes;

/// <summary>The training stage's outcome (the posterior itself is in posterior-mean.bin and posterior-rho.bin).</summary>
internal sealed record TrainingStage(double PriorVariance, double? ObjectiveLambda, int Epochs, int ResumedFromEpoch, int Examples, double Seconds);

/// <summary>A Monte-Carlo stage's outcome.</summary>
internal sealed record McStage(double Errors, long Terms, double Error, string Sampling, double Seconds);

/// <summary>The test stage's outcome: stochastic and deterministic test errors.</summary>
internal sealed record TestStage(double StochasticError, double DeterministicError, double Seconds);

/// <summary>What earlier invocations finished, under the fingerprint of the options and run they used.</summary>
internal sealed record PipelineState(string Fingerprint, TrainingStage? Training, McStage? Certification, TestStage? Test)
{
    internal static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict,
    };

    /// <summary>The state in <paramref name="path"/> when it exists, parses and has <paramref name="fingerprint"/>; else null.</summary>
    public static PipelineState? Read(string path, string fingerprint)
    {
        if (!File.Exists(path))
            return null;
        try
        {
            var s = JsonSerializer.Deserialize<PipelineState>(File.ReadAllText(path), Json);
            return s?.Fingerprint == fingerprint ? s : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Writes the state atomically.</summary>
    public void Write(string path) => WriteJson(path, this);

    /// <summary>Serializes <paramref name="value"/> and writes it atomically (temporary file, then rename).</summary>
    internal static void WriteJson<T>(string path, T value)
    {
        byte[] bytes = JsonSerializer.SerializeToUtf8Bytes(value, Json);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        Report.AtomicFile.Write(path, [.. bytes, (byte)'\n']);
    }
}

/// <summary>The files of the pipeline inside a run folder.</summary>
/// <param name="Run">The run folder.</param>
/// <param name="Method">The method's command-line name.</param>
internal sealed record PipelineLayout(RunLayout Run, string Method)
{
    /// <summary>RUN/pacbayes/&lt;method&gt;/: the checkpoint and the stage records.</summary>
    public string Folder => Path.Combine(Run.Folder, RunLayout.PacBayesFolderName, Method);

    /// <summary>The posterior trainer's checkpoint folder.</summary>
    public string Checkpoint => Path.Combine(Folder, "checkpoint");

    /// <summary>The stages finished so far.</summary>
    public string State => Path.Combine(Folder, "stages.json");

    /// <summary>The trained posterior's μ (a model file).</summary>
    public string Mean => Path.Combine(Folder, "posterior-mean.bin");

    /// <summary>The trained posterior's ρ (a model file of the same architecture).</summary>
    public string Rho => Path.Combine(Folder, "posterior-rho.bin");

    /// <summary>RUN/pacbayes-&lt;method&gt;.json, the certificate.</summary>
    public string Certificate => Run.PacBayesFile(Method);
}
