using System.Globalization;
using System.Text.Json.Nodes;
using BoundLab.Bounds.Symbolic;
using BoundLab.Bounds.Verification;
using BoundLab.Cli.Framework;
using BoundLab.Cli.Framework.Options;

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

    private const string ExactAllowed = "a decimal number > 0 such as 12, 0.25, 1e-6 or a fraction p/q";

    private static CliOption<Rational> Exact(string name, string help) => Opt.Of(name, "Q", help, ExactAllowed, t => ParsePositive(name, t));

    private static readonly CliFlag JsonFlag = OptionSets.Json;
    private static readonly CliOption<double> Timeout = Opt.Double("--timeout", "SECONDS", "Z3 limit per obligation", 10, 0, 86400, minExclusive: true);
    private static readonly CliFlag NoCross = Opt.Flag("--no-cross-check", "do not ask cvc5 for a second opinion");
    private static readonly CliOption<int> Rlimit = Opt.Int("--rlimit", "N", "Z3 resource limit instead of a time limit (0 = none)", 0, min: 0);
    private static readonly CliOption<string> WriteSmt = Opt.Text("--write-smt", "DIR", "write each obligation as DIR/NAME.smt2");
    private static readonly CliOption<int> Depth = Opt.Int("--depth", "D", "network depth (conditions exist only for 3)", AdmmConditions.Depth, min: 2);
    private static readonly CliOption<Rational> N = Exact("--n", "number of samples (an integer)");
    private static readonly CliOption<Rational> XFro = Exact("--x-fro", "‖X‖_F");
    private static readonly CliOption<Rational> XFroSquared = Exact("--x-fro-squared", "‖X‖_F² (instead of --x-fro)");
    private static readonly CliOption<Rational> YFro = Exact("--y-fro", "‖Y‖_F");
    private static readonly CliOption<Rational> YFroSquared = Exact("--y-fro-squared", "‖Y‖_F² (instead of --y-fro)");
    private static readonly CliOption<Rational> R1 = Exact("--r1", "the radius r₁ of the conditions");
    private static readonly CliOption<Rational> R2 = Exact("--r2", "the radius r₂ of the conditions");
    private static readonly CliFlag Synthesize = Opt.Flag("--synthesize", "compute the least admissible β₁, β₂, β₃, λ");
    private static readonly CliOption<Rational>[] Penalties =
        [Exact("--beta1", "β₁"), Exact("--beta2", "β₂"), Exact("--beta3", "β₃"), Exact("--lambda", "λ")];
    private static readonly CliOption<Rational> Lr = Exact("--lr", "the step size η");
    private static readonly CliOption<Rational> Smoothness = Exact("--smoothness", "the smoothness ℓ of the loss");
    private static readonly CliOption<Rational> Beta = Exact("--beta", "the SGLD inverse temperature β");
    private static readonly CliOption<Rational> Lipschitz = Exact("--lipschitz", "the Lipschitz constant L of the loss");
    private static readonly CliOption<string> Schedule = Opt.Choice("--schedule", "S", "step sizes η_k", "constant", ["constant", "inverse"]);

    private static CliOption[] Common => [JsonFlag, Timeout, NoCross, Rlimit, WriteSmt];

    private static readonly CommandSpec AdmmSpec = new("admm",
        "ADMM convergence conditions (Zeng, Lin, Yao, Zhou, JMLR 2021) for given β/λ, or --synthesize the least ones",
        [.. Common, Depth, N, XFro, XFroSquared, YFro, YFroSquared, R1, R2, Synthesize, .. Penalties]);

    private static readonly CommandSpec GdSpec = new("gd", "gradient descent step size η ≤ 1/ℓ", [.. Common, Lr, Smoothness]);

    private static readonly CommandSpec SgldSpec = new("sgld", "the SGLD step k₀ after which the stability conditions hold",
        [.. Common, Lr, Beta, Lipschitz, Schedule]);

    /// <summary>The declaration of <c>verify</c> and its sub-commands.</summary>
    public static CommandSpec Spec { get; } = new("verify",
        "check algorithm conditions with Z3: ADMM parameters (or synthesize them), GD step size, SGLD k₀", [AdmmSpec, GdSpec, SgldSpec], """

        Numbers are read exactly as decimals (0.1 is 1/10). admm: conditions exist only for depth 3.
        Verdicts: proved (Z3 proved every obligation), violated (a counterexample, re-checked exactly), unknown (Z3 gave up; never a proof).
        """);

    /// <inheritdoc />
    CommandSpec? ICommand.Spec => Spec;

    /// <inheritdoc/>
    public int Run(IReadOnlyList<string> args)
    {
        bool help = args.Any(a => a is "--help" or "-h" or "-?");
        string? verb = args.Count > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : null;
        CommandSpec? sub = Spec.Subcommands.FirstOrDefault(c => c.Command.Name == verb);
        if (help || verb is null)
        {
            if (verb is null && !help)
                throw new UsageException("verify: a subcommand is required; allowed: admm, gd, sgld (see --help).");
            (sub ?? Spec).WriteHelp(Out);
            return 0;
        }
        ParsedArgs reader = (sub ?? throw UsageException.BadValue("verify", verb, "admm, gd, sgld")).Parse(args.Skip(1).ToArray());
        bool json = reader.Flag(JsonFlag);
        double timeout = reader.Get(Timeout);
        bool noCross = reader.Flag(NoCross);
        int rlimit = reader.Get(Rlimit);
        string? smtDir = reader.GetOrNull(WriteSmt);
        var options = new CheckOptions(TimeSpan.FromSeconds(timeout), rlimit == 0 ? null : rlimit, !noCross && rlimit == 0,
            TimeSpan.FromSeconds(Math.Min(timeout, 1)));
        JsonObject result = verb switch
        {
            "admm" => Admm(reader, options),
            "gd" => Gd(reader, options),
            _ => Sgld(reader, options),
        };
        if (smtDir is not null) WriteObligations(smtDir, result);
        result.Remove("obligations_text");
        if (json) Out.WriteLine(result.ToJsonString(Json.Options));
        else PrintText(result);
        return 0;
    }

    /// <summary>Reads a required exact rational &gt; 0 (decimals taken exactly).</summary>
    private static Rational PositiveRational(ParsedArgs reader, CliOption<Rational> option)
        => reader.GetOrNull(option) ?? throw new UsageException($"{option.Name} is required (see --help).");

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

    private static JsonObject Admm(ParsedArgs reader, CheckOptions options)
    {
        int depth = reader.Get(Depth);
        var n = PositiveRational(reader, N);
        if (!n.IsInteger) throw UsageException.BadValue("--n", n.ToString(), "an integer ≥ 1 (the number of samples)");
        // The norms may be given by their exact squares (as a training run computes them from the data).
        var x2 = reader.GetOrNull(XFroSquared) ?? Square(PositiveRational(reader, XFro));
        var y2 = reader.GetOrNull(YFroSquared) ?? Square(PositiveRational(reader, YFro));
        var problem = new AdmmProblem(n, x2, y2, PositiveRational(reader, R1), PositiveRational(reader, R2));
        bool synthesize = reader.Flag(Synthesize);
        if (depth != AdmmConditions.Depth)
            throw UsageException.BadValue("--depth", depth.ToString(CultureInfo.InvariantCulture),
                "3: no verified convergence condition exists here for other depths (only the three-layer statement of Zeng, Lin, Yao, Zhou, JMLR 2021 is in hand)");
        if (synthesize)
        {
            if (Penalties.FirstOrDefault(o => reader.GetOrNull(o) is not null) is { } given)
                throw new UsageException($"{given.Name}: --synthesize computes β₁, β₂, β₃, λ; do not give them.");
            reader.Finish();
            return SynthesisJson(AdmmVerifier.Synthesize(problem, options));
        }
        var values = Penalties.Select(o => PositiveRational(reader, o)).ToArray();
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

    private static JsonObject Gd(ParsedArgs reader, CheckOptions options)
    {
        var eta = PositiveRational(reader, Lr);
        var ell = PositiveRational(reader, Smoothness);
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

    private static JsonObject Sgld(ParsedArgs reader, CheckOptions options)
    {
        var eta = PositiveRational(reader, Lr);
        var beta = PositiveRational(reader, Beta);
        var l = PositiveRational(reader, Lipschitz);
        var schedule = reader.Get(Schedule) == "inverse" ? StepSchedule.Inverse : StepSchedule.Constant;
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
