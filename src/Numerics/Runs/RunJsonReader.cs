using System.Text.Json;

namespace BoundLab.Numerics.Runs;

/// <summary>Reads run.json into a <see cref="RunDocument"/>: every key a run of its kind has always written is required
/// (null where the writer writes null); a missing key or a value of the wrong type is named with its path.</summary>
internal sealed class RunJsonReader
{
    private readonly string path;

    private RunJsonReader(string path) => this.path = path;

    public static RunDocument Read(string json, string path)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new RunFileException(path, $"{path} is not valid JSON ({e.Message.ReplaceLineEndings(" ")}); it is not a BoundLab run.", e);
        }

        using (doc)
        {
            return new RunJsonReader(path).Document(doc.RootElement);
        }
    }

    private RunDocument Document(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("boundlab_run", out JsonElement v))
        {
            throw new RunFileException(path, $"{path} is not a BoundLab run (no boundlab_run key); allowed: a run.json written by `boundlab train`.");
        }

        int version = v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int n) && n >= 1
            ? n
            : throw Wrong("boundlab_run", v, "a positive integer");
        if (version > RunDocument.CurrentVersion)
        {
            throw new RunFileException(path, $"{path} is boundlab_run {version}, newer than this build understands " +
                $"(up to {RunDocument.CurrentVersion}); read it with a newer boundlab.");
        }

        JsonElement c = Object(root, "config", "config");
        bool admm = String(c, "config", "optimizer") == "admm";
        RunConfig config = Config(c, admm);
        RunData data = Data(Object(root, "data", "data"), admm);
        AdmmOutcome? outcome = admm ? Admm(root) : null;
        ValueList<EpochEntry> history = admm ? ValueList<EpochEntry>.Empty : Epochs(root);
        var results = new RunResults(
            String(root, "", "error_kind"),
            Long(root, "", "parameter_count"),
            Double(root, "", "train_error"),
            Double(root, "", "test_error"),
            Double(root, "", "gap"),
            Double(root, "", "train_loss"),
            Double(root, "", "test_loss"),
            admm ? null : Bool(root, "", "stopped_early"),
            admm ? null : Double(root, "", "seconds"),
            admm ? Double(root, "", "seconds_per_iteration") : null,
            Double(root, "", "wall_seconds"),
            admm ? null : Double(root, "", "samples_per_sec"));
        var provenance = new RunProvenance(
            String(root, "", "weights"),
            String(root, "", "weights_init"),
            String(root, "", "weights_sha256"),
            admm ? null : NullableString(root, "", "trajectory"),
            admm ? null : Machine(Object(root, "machine", "machine")),
            String(root, "", "finished_utc"),
            root.TryGetProperty("device", out JsonElement device) ? StringValue(device, "device") : null);
        return new RunDocument(version, config, data, history, results, provenance, outcome);
    }

    private RunConfig Config(JsonElement c, bool admm)
    {
        const string at = "config";
        GradientConfig? gradient = admm ? null : new GradientConfig(
            NullableString(c, at, "data_dir"),
            Double(c, at, "label_noise"),
            NullableDouble(c, at, "init_std"),
            Double(c, at, "lr"),
            String(c, at, "schedule"),
            Double(c, at, "decay_factor"),
            Int(c, at, "decay_every"),
            Int(c, at, "decay_at"),
            Double(c, at, "momentum"),
            Double(c, at, "weight_decay"),
            NullableDouble(c, at, "beta"),
            Int(c, at, "batch"),
            Int(c, at, "epochs"),
            Int(c, at, "threads"));
        AdmmConfig? admmConfig = !admm ? null : new AdmmConfig(
            Int(c, at, "iterations"),
            new ValueList<string>(Array(c, at, "beta").EnumerateArray().Select((b, i) => StringValue(b, $"config.beta[{i}]"))),
            String(c, at, "lambda"),
            String(c, at, "r1"),
            String(c, at, "r2"),
            String(c, at, "parameters_source"));
        return new RunConfig(
            String(c, at, "data"),
            NullableInt(c, at, "train_size"),
            NullableInt(c, at, "test_size"),
            String(c, at, "arch"),
            String(c, at, "activation"),
            Bool(c, at, "bias"),
            String(c, at, "init"),
            String(c, at, "loss"),
            String(c, at, "optimizer"),
            ULong(c, at, "seed"),
            gradient,
            admmConfig);
    }

    private RunData Data(JsonElement d, bool admm)
    {
        const string at = "data";
        return new RunData(
            String(d, at, "name"),
            String(d, at, "task"),
            admm ? null : Int(d, at, "classes"),
            Int(d, at, "n_train"),
            Int(d, at, "n_test"),
            Int(d, at, "input_dim"));
    }

    private ValueList<EpochEntry> Epochs(JsonElement root)
        => new(Array(root, "", "epochs").EnumerateArray().Select((e, i) =>
        {
            string at = $"epochs[{i}]";
            ObjectValue(e, at);
            return new EpochEntry(Int(e, at, "epoch"), Double(e, at, "lr"), Double(e, at, "train_loss"), Double(e, at, "train_error"),
                Double(e, at, "test_loss"), Double(e, at, "test_error"), Double(e, at, "seconds"));
        }));

    private AdmmOutcome Admm(JsonElement root)
    {
        JsonElement conditions = Object(root, "conditions", "conditions");
        JsonElement defaults = Object(root, "authors_defaults", "authors_defaults");
        var iterations = new ValueList<AdmmIterationEntry>(Array(root, "", "iterations").EnumerateArray().Select((e, i) =>
        {
            string at = $"iterations[{i}]";
            ObjectValue(e, at);
            var residuals = Array(e, at, "primal_residuals").EnumerateArray()
                .Select((x, j) => DoubleValue(x, $"{at}.primal_residuals[{j}]"));
            return new AdmmIterationEntry(Int(e, at, "iteration"), Double(e, at, "lagrangian"), Double(e, at, "primal_residual"),
                new ValueList<double>(residuals), Double(e, at, "kkt_residual"), Double(e, at, "train_loss"), Double(e, at, "seconds"));
        }));
        return new AdmmOutcome(
            String(root, "", "conditions_verdict"),
            Bool(root, "", "unverified"),
            RunDocument.Compact(conditions),
            new AdmmAuthorsDefaults(Double(defaults, "authors_defaults", "beta"), Double(defaults, "authors_defaults", "lambda"),
                Double(defaults, "authors_defaults", "lambda_ratio")),
            iterations,
            Double(root, "", "lagrangian"),
            Double(root, "", "primal_residual"),
            Double(root, "", "kkt_residual"));
    }

    private MachineInfo Machine(JsonElement m)
        => new(Int(m, "machine", "processors"), Bool(m, "machine", "vector512"), String(m, "machine", "runtime"), String(m, "machine", "os"));

    private JsonElement Get(JsonElement o, string at, string key)
        => o.TryGetProperty(key, out JsonElement v)
            ? v
            : throw new RunFileException(path, $"{path} has no {Name(at, key)} key; a run.json written by `boundlab train` always has it.");

    private static string Name(string at, string key) => at.Length == 0 ? key : $"{at}.{key}";

    private RunFileException Wrong(string name, JsonElement v, string expected)
        => new(path, $"{path}: {name} is {Shown(v)}; expected {expected}.");

    private static string Shown(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Null => "null",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        _ => v.GetRawText(),
    };

    private JsonElement Object(JsonElement o, string at, string key)
    {
        JsonElement v = Get(o, at == key ? "" : at, key);
        ObjectValue(v, at);
        return v;
    }

    private void ObjectValue(JsonElement v, string name)
    {
        if (v.ValueKind != JsonValueKind.Object) throw Wrong(name, v, "an object");
    }

    private JsonElement Array(JsonElement o, string at, string key)
    {
        JsonElement v = Get(o, at, key);
        return v.ValueKind == JsonValueKind.Array ? v : throw Wrong(Name(at, key), v, "an array");
    }

    private string String(JsonElement o, string at, string key) => StringValue(Get(o, at, key), Name(at, key));

    private string StringValue(JsonElement v, string name)
        => v.ValueKind == JsonValueKind.String ? v.GetString()! : throw Wrong(name, v, "a string");

    private string? NullableString(JsonElement o, string at, string key)
    {
        JsonElement v = Get(o, at, key);
        return v.ValueKind == JsonValueKind.Null ? null : StringValue(v, Name(at, key));
    }

    private bool Bool(JsonElement o, string at, string key)
    {
        JsonElement v = Get(o, at, key);
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Wrong(Name(at, key), v, "true or false"),
        };
    }

    private double Double(JsonElement o, string at, string key) => DoubleValue(Get(o, at, key), Name(at, key));

    private double DoubleValue(JsonElement v, string name)
        => v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out double x) && double.IsFinite(x) ? x : throw Wrong(name, v, "a finite number");

    private double? NullableDouble(JsonElement o, string at, string key)
    {
        JsonElement v = Get(o, at, key);
        return v.ValueKind == JsonValueKind.Null ? null : DoubleValue(v, Name(at, key));
    }

    private int Int(JsonElement o, string at, string key)
    {
        JsonElement v = Get(o, at, key);
        return v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int n) ? n : throw Wrong(Name(at, key), v, "an integer");
    }

    private int? NullableInt(JsonElement o, string at, string key)
        => Get(o, at, key).ValueKind == JsonValueKind.Null ? null : Int(o, at, key);

    private long Long(JsonElement o, string at, string key)
    {
        JsonElement v = Get(o, at, key);
        return v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long n) ? n : throw Wrong(Name(at, key), v, "an integer");
    }

    private ulong ULong(JsonElement o, string at, string key)
    {
        JsonElement v = Get(o, at, key);
        return v.ValueKind == JsonValueKind.Number && v.TryGetUInt64(out ulong n) ? n : throw Wrong(Name(at, key), v, "an integer ≥ 0");
    }
}
