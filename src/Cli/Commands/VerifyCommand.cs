using System.Globalization;
using System.Text.Json.Nodes;
using BoundLab.Bounds.Symbolic;
using BoundLab.Bounds.Verification;
using BoundLab.Cli.Framework;

namespace BoundLab.Cli.Commands;

/// <summary><c>boundlab verify admm | gd | sgld</c>: checks training-algorithm conditions with Z3 (exact inputs,
/// three-valued verdicts, cvc5 as a second opinion when installed) and can write each obligation as a .smt2 file.</summary>
public sealed class VerifyCommand : ICommand
{
    private readonly TextWriter? output;

    /// <summary>Writes to standard output.</summary>
    public VerifyCommand() { }

    /// <summary>Writes to the given writer (tests capture output this way).</summary>
    public VerifyCommand(TextWriter output) => this.output = output;

    private TextWriter Out => output ?? Console.Out;

    /// <inheritdoc/>
    public string Name => "verify";

    /// <inheritdoc/>
    public string Summary => "check algorithm conditions with Z3: ADMM parameters (or synthesize them), GD step size, SGLD k₀";

    private const string Help = """
        usage: boundlab verify admm --n N --x-fro F --y-fro G --r1 R1 --r2 R2 (or --x-fro-squared, --y-fro-squared) (--beta1 B1 --beta2 B2 --beta3 B3 --lambda L | --synthesize)
               boundlab verify gd --lr η --smoothness ℓ
               boundlab verify sgld --lr η --beta β --lipschitz L [--schedule constant|inverse]
        common: [--json] [--timeout SECONDS (default 10)] [--no-cross-check] [--rlimit N] [--write-smt DIR]
        Numbers are read exactly as decimals (0.1 is 1/10). admm: --depth D (default 3); conditions exist only for depth 3.
        Verdicts: proved (Z3 proved every obligation), violated (a counterexample, re-checked exactly), unknown (Z3 gave up; never a proof).
        """;

    /// <inheritdoc/>
    public int Run(IReadOnlyList<string> args)
    {
        var reader = new ArgReader(args);
        string? verb = reader.OptionalPositional();
        if (reader.HelpRequested || verb is null)
        {
            if (verb is null && !reader.HelpRequested)
                throw new UsageException("verify: a subcommand is required; allowed: admm, gd, sgld (see --help).");
            Out.WriteLine(Help);
            return 0;
        }
        bool json = reader.Flag("--json");
        double timeout = reader.Double("--timeout", 10, 0, 86400, minExclusive: true);
        bool noCross = reader.Flag("--no-cross-check");
        int rlimit = reader.Int("--rlimit", 0, min: 0);
        string? smtDir = reader.OptionalString("--write-smt");
        var options = new CheckOptions(TimeSpan.FromSeconds(timeout), rlimit == 0 ? null : rlimit, !noCross && rlimit == 0,
            TimeSpan.FromSeconds(Math.Min(timeout, 1)));
        JsonObject result = verb switch
        {
            "admm" => Admm(reader, options),
            "gd" => Gd(reader, options),
            "sgld" => Sgld(reader, options),
            _ => throw UsageException.BadValue("verify", verb, "admm, gd, sgld"),
        };
        if (smtDir is not null) WriteObligations(smtDir, result);
        result.Remove("obligations_text");
        if (json) Out.WriteLine(result.ToJsonString(Json.Options));
        else PrintText(result);
        return 0;
    }

    /// <summary>Reads an option as an exact rational &gt; 0 (decimals taken exactly).</summary>
    internal static Rational PositiveRational(ArgReader reader, string option)
    {
        string text = reader.OptionalString(option) ?? throw new UsageException($"{option} is required (see --help).");
        return ParsePositive(option, text);
    }

    /// <summary>Parses "0.25", "12", "1e-6" exactly; anything else, or a value ≤ 0, is a UsageException naming the option.</summary>
    internal static Rational ParsePositive(string option, string text)
    {
        Rational r;
        int slash = text.IndexOf('/', StringComparison.Ordinal);
        try
        {
            r = slash > 0 ? Rational.ParseDecimal(text[..slash]) / Rational.ParseDecimal(text[(slash + 1)..]) : Rational.ParseDecimal(text);
        }
        catch (DivideByZeroException)
        {
            throw UsageException.BadValue(option, text, "a decimal number or fraction p/q > 0");
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw UsageException.BadValue(option, text, "a decimal number > 0 such as 12, 0.25, 1e-6 or a fraction p/q");
        }
        return r.Sign > 0 ? r : throw UsageException.BadValue(option, text, "a decimal number > 0 such as 12, 0.25, 1e-6 or a fraction p/q");
    }

    private static Rational Square(Rational r) => r * r;

    private static JsonObject Admm(ArgReader reader, CheckOptions options)
    {
        int depth = reader.Int("--depth", AdmmConditions.Depth, min: 2);
        var n = PositiveRational(reader, "--n");
        if (!n.IsInteger) throw UsageException.BadValue("--n", n.ToString(), "an integer ≥ 1 (the number of samples)");
        // The norms may be given by their exact squares (as a training run computes them from the data).
        var x2 = reader.OptionalString("--x-fro-squared") is { } xs ? ParsePositive("--x-fro-squared", xs) : Square(PositiveRational(reader, "--x-fro"));
        var y2 = reader.OptionalString("--y-fro-squared") is { } ys ? ParsePositive("--y-fro-squared", ys) : Square(PositiveRational(reader, "--y-fro"));
        var problem = new AdmmProblem(n, x2, y2, PositiveRational(reader, "--r1"), PositiveRational(reader, "--r2"));
        bool synthesize = reader.Flag("--synthesize");
        string[] names = ["--beta1", "--beta2", "--beta3", "--lambda"];
        if (depth != AdmmConditions.Depth)
            throw UsageException.BadValue("--depth", depth.ToString(CultureInfo.InvariantCulture),
                "3: no verified convergence condition exists here for other depths (only the three-layer statement of Zeng, Lin, Yao, Zhou, JMLR 2021 is in hand)");
        if (synthesize)
        {
            if (names.FirstOrDefault(o => reader.OptionalString(o) is not null) is { } given)
                throw new UsageException($"{given}: --synthesize computes β₁, β₂, β₃, λ; do not give them.");
            reader.Finish();
            return SynthesisJson(AdmmVerifier.Synthesize(problem, options));
        }
        var values = names.Select(o => PositiveRational(reader, o)).ToArray();
        reader.Finish();
        var report = AdmmVerifier.Verify(problem, new AdmmParameters(values[0], values[1], values[2], values[3]), options);
        var json = VerifyJson.Admm(report);
        json["obligations_text"] = ObligationTexts(report.Conditions.Select(c => c.Result));
        return json;
    }

    /// <summary>The JSON of a synthesis: the parameters first, then how they compare with the authors' defaults, then the proof.</summary>
    internal static JsonObject SynthesisJson(AdmmSynthesis s)
    {
        var proof = VerifyJson.Admm(s.Proof);
        var o = VerifyJson.Parameters(s.Parameters);
        o["verdict"] = proof["verdict"]!.GetValue<string>();
        o["exact"] = s.Exact;
        o["rounding"] = s.Exact ? "none: the least parameters are rational"
            : $"irrational least values rounded UP to {s.Digits} significant digits (each later parameter computed from the rounded earlier ones); the rounded values are what Z3 proved";
        o["closed_forms"] = new JsonObject
        {
            ["beta1"] = s.ClosedForms[0], ["beta2"] = s.ClosedForms[1], ["beta3"] = s.ClosedForms[2], ["lambda"] = s.ClosedForms[3],
        };
        o["authors_defaults"] = new JsonObject
        {
            ["beta"] = 1, ["lambda"] = 1e-6,
            ["lambda_ratio"] = (s.Parameters.Lambda / Rational.ParseDecimal("1e-6")).ToDouble(),
        };
        o["b"] = proof["b"]!.GetValue<string>();
        o["conditions"] = proof["conditions"]!.DeepClone();
        o["obligations_text"] = ObligationTexts(s.Proof.Conditions.Select(c => c.Result));
        return o;
    }

    private static JsonObject Gd(ArgReader reader, CheckOptions options)
    {
        var eta = PositiveRational(reader, "--lr");
        var ell = PositiveRational(reader, "--smoothness");
        reader.Finish();
        var obligation = StepSizeConditions.GdStepSize(eta, ell);
        var r = ObligationRunner.Check(obligation, options);
        bool holds = StepSizeConditions.GdHoldsExactly(eta, ell);
        if ((r.Verdict == ClaimVerdict.Proved && !holds) || (r.Verdict == ClaimVerdict.Violated && holds))
            throw new SolverDisagreementException($"Z3 says {r.Verdict} for η ≤ 1/ℓ but exact arithmetic disagrees.");
        var o = new JsonObject
        {
            ["verdict"] = VerifyJson.Verdict(r.Verdict),
            ["lr"] = ExactRoots.ExactText(eta),
            ["smoothness"] = ExactRoots.ExactText(ell),
            ["max_lr"] = ExactRoots.ExactText(1 / ell),
            ["conditions"] = new JsonArray(VerifyJson.Obligation(r)),
            ["obligations_text"] = ObligationTexts([r]),
        };
        return o;
    }

    private static JsonObject Sgld(ArgReader reader, CheckOptions options)
    {
        var eta = PositiveRational(reader, "--lr");
        var beta = PositiveRational(reader, "--beta");
        var l = PositiveRational(reader, "--lipschitz");
        var schedule = reader.Choice("--schedule", "constant", "constant", "inverse") == "inverse" ? StepSchedule.Inverse : StepSchedule.Constant;
        reader.Finish();
        var report = StepSizeConditions.SgldK0(schedule, eta, beta, l, options);
        return new JsonObject
        {
            ["verdict"] = VerifyJson.Verdict(report.Verdict),
            ["k0"] = report.K0 is { } k ? JsonValue.Create(k) : null,
            ["schedule"] = schedule == StepSchedule.Inverse ? "eta_k = eta / k" : "eta_k = eta",
            ["conditions"] = new JsonArray(report.Results.Select(r => (JsonNode)VerifyJson.Obligation(r)).ToArray()),
            ["obligations_text"] = ObligationTexts(report.Results),
        };
    }

    private static JsonObject ObligationTexts(IEnumerable<ObligationResult> results)
    {
        var o = new JsonObject();
        foreach (var r in results)
            o[r.Obligation.Name] = r.Obligation.ToFileText(r.Verdict switch
            {
                ClaimVerdict.Proved => SmtVerdict.Unsat,
                ClaimVerdict.Violated => SmtVerdict.Sat,
                _ => SmtVerdict.Unknown,
            });
        return o;
    }

    private void WriteObligations(string dir, JsonObject result)
    {
        Directory.CreateDirectory(dir);
        foreach (var (name, text) in result["obligations_text"]!.AsObject())
            File.WriteAllText(Path.Combine(dir, name + ".smt2"), text!.GetValue<string>());
        Console.Error.WriteLine($"wrote {result["obligations_text"]!.AsObject().Count} obligations to {dir}");
    }

    private void PrintText(JsonObject result)
    {
        Out.WriteLine($"verdict: {result["verdict"]}");
        foreach (var key in new[] { "beta1", "beta2", "beta3", "lambda", "k0", "max_lr" })
            if (result[key] is { } v) Out.WriteLine($"{key}: {v}");
        if (result["authors_defaults"]?["lambda_ratio"] is { } ratio)
            Out.WriteLine($"synthesized λ / authors' default λ = 1e-6: {ratio.GetValue<double>():G4}");
        foreach (var c in result["conditions"]!.AsArray())
        {
            string line = $"  {c!["verdict"],-9} {c["claim"]}";
            if (c["shortfall"] is { } s)
                line += $"  — short by {s.GetValue<double>():G6} (needs ≥ {c["required"]})";
            if (c["reason"] is { } r) line += $"  — {r}";
            Out.WriteLine(line);
        }
    }
}
