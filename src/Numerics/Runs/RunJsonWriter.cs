using System.Text;
using System.Text.Json;

namespace BoundLab.Numerics.Runs;

/// <summary>Writes a <see cref="RunDocument"/> with today's keys in today's order, so files stay byte-for-byte what the
/// CLI wrote before the document was typed.</summary>
internal sealed class RunJsonWriter
{
    private readonly Utf8JsonWriter w;
    private readonly string path;

    private RunJsonWriter(Utf8JsonWriter w, string path)
    {
        this.w = w;
        this.path = path;
    }

    public static string Write(RunDocument d, string path)
    {
        Check(d, path);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = RunDocument.Encoder }))
        {
            new RunJsonWriter(w, path).Document(d);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void Check(RunDocument d, string path)
    {
        ArgumentNullException.ThrowIfNull(d);
        bool admm = d.Config.Admm is not null;
        if (admm == (d.Config.Gradient is not null) || admm != (d.Admm is not null))
        {
            throw new RunFileException(path, $"{path}: a run document holds either config.gradient options or config.admm options " +
                "and the ADMM outcome; this one has " +
                $"gradient {(d.Config.Gradient is null ? "no" : "yes")}, admm config {(admm ? "yes" : "no")}, admm outcome {(d.Admm is null ? "no" : "yes")}.");
        }

        if (d.Version != RunDocument.CurrentVersion)
        {
            throw new RunFileException(path, $"{path}: boundlab_run {d.Version} cannot be written; this build writes {RunDocument.CurrentVersion}.");
        }
    }

    private void Document(RunDocument d)
    {
        w.WriteStartObject();
        w.WriteNumber("boundlab_run", d.Version);
        Config(d.Config);
        Data(d.Data);
        if (d.Admm is { } a)
        {
            w.WriteString("conditions_verdict", a.ConditionsVerdict);
            w.WriteBoolean("unverified", a.Unverified);
            w.WritePropertyName("conditions");
            using (JsonDocument c = JsonDocument.Parse(a.Conditions))
            {
                c.RootElement.WriteTo(w);
            }

            w.WriteStartObject("authors_defaults");
            Number("authors_defaults.beta", "beta", a.AuthorsDefaults.Beta);
            Number("authors_defaults.lambda", "lambda", a.AuthorsDefaults.Lambda);
            Number("authors_defaults.lambda_ratio", "lambda_ratio", a.AuthorsDefaults.LambdaRatio);
            w.WriteEndObject();
        }

        RunResults r = d.Results;
        w.WriteString("error_kind", r.ErrorKind);
        w.WriteNumber("parameter_count", r.ParameterCount);
        if (d.Admm is { } admm)
        {
            Iterations(admm);
        }
        else
        {
            Epochs(d.History);
        }

        Number("train_error", "train_error", r.TrainError);
        Number("test_error", "test_error", r.TestError);
        Number("gap", "gap", r.Gap);
        Number("train_loss", "train_loss", r.TrainLoss);
        Number("test_loss", "test_loss", r.TestLoss);
        if (r.StoppedEarly is { } stopped)
        {
            w.WriteBoolean("stopped_early", stopped);
        }

        OptionalNumber("seconds", r.Seconds);
        OptionalNumber("seconds_per_iteration", r.SecondsPerIteration);
        Number("wall_seconds", "wall_seconds", r.WallSeconds);
        OptionalNumber("samples_per_sec", r.SamplesPerSec);
        RunProvenance f = d.Fingerprint;
        w.WriteString("weights", f.Weights);
        w.WriteString("weights_init", f.WeightsInit);
        w.WriteString("weights_sha256", f.WeightsSha256);
        if (d.Admm is null)
        {
            // Gradient runs always carry the key, null when no trajectory was recorded.
            w.WriteString("trajectory", f.Trajectory);
        }

        if (f.Machine is { } m)
        {
            w.WriteStartObject("machine");
            w.WriteNumber("processors", m.Processors);
            w.WriteBoolean("vector512", m.Vector512);
            w.WriteString("runtime", m.Runtime);
            w.WriteString("os", m.Os);
            w.WriteEndObject();
        }

        if (f.Device is { } device)
        {
            w.WriteString("device", device);
        }

        w.WriteString("finished_utc", f.FinishedUtc);
        w.WriteEndObject();
    }

    private void Config(RunConfig c)
    {
        w.WriteStartObject("config");
        w.WriteString("data", c.Data);
        GradientConfig? g = c.Gradient;
        if (g is not null)
        {
            w.WriteString("data_dir", g.DataDir);
        }

        OptionalInt("train_size", c.TrainSize);
        OptionalInt("test_size", c.TestSize);
        if (g is not null)
        {
            Number("config.label_noise", "label_noise", g.LabelNoise);
        }

        w.WriteString("arch", c.Arch);
        w.WriteString("activation", c.Activation);
        w.WriteBoolean("bias", c.Bias);
        w.WriteString("init", c.Init);
        if (g is not null)
        {
            OptionalNumber("init_std", g.InitStd, "config.init_std", writeNull: true);
        }

        w.WriteString("loss", c.Loss);
        w.WriteString("optimizer", c.Optimizer);
        if (g is not null)
        {
            Number("config.lr", "lr", g.Lr);
            w.WriteString("schedule", g.Schedule);
            Number("config.decay_factor", "decay_factor", g.DecayFactor);
            w.WriteNumber("decay_every", g.DecayEvery);
            w.WriteNumber("decay_at", g.DecayAt);
            Number("config.momentum", "momentum", g.Momentum);
            Number("config.weight_decay", "weight_decay", g.WeightDecay);
            OptionalNumber("beta", g.Beta, "config.beta", writeNull: true);
            w.WriteNumber("batch", g.Batch);
            w.WriteNumber("epochs", g.Epochs);
            w.WriteNumber("seed", c.Seed);
            w.WriteNumber("threads", g.Threads);
        }
        else if (c.Admm is { } a)
        {
            w.WriteNumber("iterations", a.Iterations);
            w.WriteNumber("seed", c.Seed);
            w.WriteStartArray("beta");
            foreach (string b in a.Beta)
            {
                w.WriteStringValue(b);
            }

            w.WriteEndArray();
            w.WriteString("lambda", a.Lambda);
            w.WriteString("r1", a.R1);
            w.WriteString("r2", a.R2);
            w.WriteString("parameters_source", a.ParametersSource);
        }

        w.WriteEndObject();
    }

    private void Data(RunData d)
    {
        w.WriteStartObject("data");
        w.WriteString("name", d.Name);
        w.WriteString("task", d.Task);
        if (d.Classes is { } k)
        {
            w.WriteNumber("classes", k);
        }

        w.WriteNumber("n_train", d.NTrain);
        w.WriteNumber("n_test", d.NTest);
        w.WriteNumber("input_dim", d.InputDim);
        w.WriteEndObject();
    }

    private void Epochs(ValueList<EpochEntry> history)
    {
        w.WriteStartArray("epochs");
        for (int i = 0; i < history.Count; i++)
        {
            EpochEntry e = history[i];
            string at = $"epochs[{i}].";
            w.WriteStartObject();
            w.WriteNumber("epoch", e.Epoch);
            Number(at + "lr", "lr", e.Lr);
            Number(at + "train_loss", "train_loss", e.TrainLoss);
            Number(at + "train_error", "train_error", e.TrainError);
            Number(at + "test_loss", "test_loss", e.TestLoss);
            Number(at + "test_error", "test_error", e.TestError);
            Number(at + "seconds", "seconds", e.Seconds);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private void Iterations(AdmmOutcome a)
    {
        w.WriteStartArray("iterations");
        for (int i = 0; i < a.Iterations.Count; i++)
        {
            AdmmIterationEntry r = a.Iterations[i];
            string at = $"iterations[{i}].";
            w.WriteStartObject();
            w.WriteNumber("iteration", r.Iteration);
            Number(at + "lagrangian", "lagrangian", r.Lagrangian);
            Number(at + "primal_residual", "primal_residual", r.PrimalResidual);
            w.WriteStartArray("primal_residuals");
            for (int j = 0; j < r.PrimalResiduals.Count; j++)
            {
                w.WriteNumberValue(Finite($"{at}primal_residuals[{j}]", r.PrimalResiduals[j]));
            }

            w.WriteEndArray();
            Number(at + "kkt_residual", "kkt_residual", r.KktResidual);
            Number(at + "train_loss", "train_loss", r.TrainLoss);
            Number(at + "seconds", "seconds", r.Seconds);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        Number("lagrangian", "lagrangian", a.Lagrangian);
        Number("primal_residual", "primal_residual", a.PrimalResidual);
        Number("kkt_residual", "kkt_residual", a.KktResidual);
    }

    private void Number(string field, string key, double v) => w.WriteNumber(key, Finite(field, v));

    private void OptionalNumber(string key, double? v, string? field = null, bool writeNull = false)
    {
        if (v is { } x)
        {
            w.WriteNumber(key, Finite(field ?? key, x));
        }
        else if (writeNull)
        {
            w.WriteNull(key);
        }
    }

    private void OptionalInt(string key, int? v)
    {
        if (v is { } n)
        {
            w.WriteNumber(key, n);
        }
        else
        {
            w.WriteNull(key);
        }
    }

    private double Finite(string field, double v)
        => double.IsFinite(v) ? v : throw new RunFileException(path, $"{field} is {v}; refusing to write a non-finite number to {path}.");
}
