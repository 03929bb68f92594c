using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using BoundLab.Bounds.Symbolic;
using BoundLab.Bounds.Verification;
using BoundLab.Cli.Framework;
using BoundLab.Cli.Framework.Options;
using BoundLab.Numerics;
using BoundLab.Numerics.Backends;
using BoundLab.Numerics.Data;
using BoundLab.Numerics.Losses;
using BoundLab.Numerics.Models;
using BoundLab.Numerics.Optimizers.Admm;
using BoundLab.Numerics.Random;
using BoundLab.Numerics.Runs;
using BoundLab.Numerics.Training;

namespace BoundLab.Cli.Commands;

/// <summary><c>boundlab train --optimizer admm</c>: verifies the ADMM convergence conditions with Z3 first (three-layer
/// networks), synthesizes the least admissible parameters when none are given, refuses unproved ones unless
/// <c>--unverified</c>, then trains full-batch in float64 and writes run.json with the per-iteration Lagrangian and residuals.</summary>
internal static class AdmmTrainCommand
{
    // β₁ … β_L: as many as the network has weight layers; beyond the third they are hidden from help (no condition is
    // verified for deeper networks, so they only serve --unverified runs).
    private const int MaxLayers = 16;

    private static readonly CliOption<string> Optimizer = Opt.Choice("--optimizer", "admm", "the ADMM trainer", "admm", ["admm"]);
    private static readonly CliOption<string> Data = Opt.Choice("--data", "NAME", "dataset (product: y = x₁x₂ on [−1,1]², 1000 + 1000 points)",
        "product", Datasets.Names);
    private static readonly CliOption<string> Arch = Opt.Text("--arch", "W0-W1-…-WL", "widths; sigmoid hidden layers, squared loss", "2-100-100-1");
    private static readonly CliOption<string> Init = Opt.Choice("--init", "I", "initialization", "lecun", ["he", "lecun", "gaussian"]);
    private static readonly CliOption<double> InitStd = Opt.Double("--init-std", "S", "standard deviation of --init gaussian", 0.01, 0,
        double.MaxValue, minExclusive: true);
    private static readonly CliOption<int> Iterations = Opt.Int("--iterations", "T", "ADMM iterations", null, min: 1, defaultText: "30");
    private static readonly CliOption<int> Epochs = Opt.Int("--epochs", "T", "a synonym of --iterations", null, min: 1, defaultText: "30");
    private static readonly CliOption<string>[] Betas = Enumerable.Range(1, MaxLayers)
        .Select(i => Opt.Text($"--beta{i}", "Q", $"the penalty β{i} (exact decimal); all of β and --lambda, or none")).ToArray();
    private static readonly CliOption<string> Lambda = Opt.Text("--lambda", "Q",
        "the regularization λ (exact decimal); none given: the least parameters Z3 proves admissible are used (three-layer nets)");
    private static readonly CliOption<string> R1 = Opt.Text("--r1", "R1", "the radius r₁ of the conditions", "1");
    private static readonly CliOption<string> R2 = Opt.Text("--r2", "R2", "the radius r₂ of the conditions", "1");
    private static readonly CliFlag Unverified = Opt.Flag("--unverified", "run even when the conditions are not proved (run.json says so)");
    private static readonly CliOption<double> Timeout = Opt.Double("--timeout", "S", "Z3 limit per obligation in seconds", 10, 0, 86400,
        minExclusive: true);

    /// <summary>The declaration of <c>train --optimizer admm</c>.</summary>
    public static CommandSpec Spec { get; } = CreateSpec();

    private static CommandSpec CreateSpec()
    {
        var spec = new CommandSpec("train", "train with ADMM (full batch, float64) after Z3 verifies its convergence conditions",
        [
            Optimizer, Data, OptionSets.DataDir, OptionSets.Data.TrainSize, OptionSets.Data.TestSize, Arch, OptionSets.Training.NoBias, Init,
            InitStd, Iterations, Epochs, .. Betas, Lambda, R1, R2, Unverified, Timeout, OptionSets.Seed, OptionSets.Device, OptionSets.Out, OptionSets.Force,
        ]);
        foreach (CliOption<string> b in Betas.Skip(3))
        {
            b.Hide();
        }

        return spec;
    }

    /// <summary>Whether the train arguments select ADMM (so <see cref="TrainCommand"/> hands them over).</summary>
    public static bool IsRequested(IReadOnlyList<string> args)
    {
        for (int i = 0; i < args.Count; i++)
        {
            if (string.Equals(args[i], "--optimizer=admm", StringComparison.OrdinalIgnoreCase)) return true;
            if (args[i] == "--optimizer" && i + 1 < args.Count && string.Equals(args[i + 1], "admm", StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }

    public static int Run(IReadOnlyList<string> args)
    {
        ParsedArgs a = Spec.Parse(args);
        if (a.HelpRequested)
        {
            Spec.WriteHelp(Console.Out);
            return 0;
        }
        a.Get(Optimizer);
        string dataName = a.Get(Data);
        string? dataDir = a.GetOrNull(OptionSets.DataDir);
        int? trainSize = a.GetOrNull(OptionSets.Data.TrainSize);
        int? testSize = a.GetOrNull(OptionSets.Data.TestSize);
        string arch = a.Get(Arch);
        bool bias = !a.Flag(OptionSets.Training.NoBias);
        MlpSpec spec;
        try { spec = MlpSpec.Parse(arch, Activation.Sigmoid, bias); }
        catch (ArgumentException) { throw UsageException.BadValue("--arch", arch, "positive widths joined by '-', input first, at least two layers, e.g. 2-100-100-1"); }
        if (spec.Layers < 2) throw UsageException.BadValue("--arch", arch, "at least two weight layers (one hidden layer) for ADMM");
        if (spec.Layers > MaxLayers) throw UsageException.BadValue("--arch", arch, $"at most {MaxLayers} weight layers for ADMM");
        var init = Enum.Parse<Initialization>(a.Get(Init), ignoreCase: true);
        double initStd = a.Get(InitStd);
        int epochs = a.GetOrNull(Epochs) ?? 30;
        int iterations = a.GetOrNull(Iterations) ?? epochs;
        var betaText = Betas.Take(spec.Layers).Select(b => (Option: b.Name, Text: a.GetOrNull(b))).ToArray();
        if (Betas.Skip(spec.Layers).FirstOrDefault(b => a.GetOrNull(b) is not null) is { } extra)
            throw new UsageException($"unknown option {extra.Name} (the network has {spec.Layers} weight layers: {string.Join(", ", betaText.Select(b => b.Option))}) (see --help).");
        string? lambdaText = a.GetOrNull(Lambda);
        var r1 = a.GetOrNull(R1) is { } r1t ? VerifyCommand.ParsePositive("--r1", r1t) : Rational.One;
        var r2 = a.GetOrNull(R2) is { } r2t ? VerifyCommand.ParsePositive("--r2", r2t) : Rational.One;
        bool unverified = a.Flag(Unverified);
        double timeout = a.Get(Timeout);
        ulong seed = a.Get(OptionSets.Seed);
        if (a.Get(OptionSets.Device) is not "cpu" and string device)
            throw new UsageException($"--device {device}: ADMM runs on the CPU only (its full-batch float64 updates are host code); leave --device out or give --device cpu.");
        string outDir = a.GetOrNull(OptionSets.Out) ?? Path.Combine("runs", $"{DateTime.Now:yyyyMMdd-HHmmss}-{dataName}-{spec.Arch}-admm");
        bool force = a.Flag(OptionSets.Force);
        a.Finish();
        int given = betaText.Count(b => b.Text is not null) + (lambdaText is null ? 0 : 1);
        if (given != 0 && given != spec.Layers + 1)
            throw new UsageException($"give all of {string.Join(", ", betaText.Select(b => b.Option))} and --lambda, or none of them (then the least admissible ones are synthesized); got {given} of {spec.Layers + 1}.");
        // The same folder rules as every other optimizer: checked, locked and cleaned before any data is loaded.
        using RunFolder folder = RunFolder.Open(outDir, resume: false, force);
        string runJson = folder.RunJson;

        var wall = Stopwatch.StartNew();
        var data = Datasets.Load(new DataOptions(dataName, dataDir, trainSize, testSize, 0, seed), new Progress<string>(m => Console.Error.WriteLine(m)));
        if (data.Train.InputDim != spec.InputDim || data.Train.OutputDim != spec.OutputDim)
            throw UsageException.BadValue("--arch", arch, $"input width {data.Train.InputDim} and output width {data.Train.OutputDim} for {dataName}");

        var options = new CheckOptions(TimeSpan.FromSeconds(timeout), null, true, TimeSpan.FromSeconds(Math.Min(timeout, 1)));
        var problem = Problem(data.Train, r1, r2);
        Console.Error.WriteLine($"conditions data: n = {problem.N}, ‖X‖_F² = {problem.XFroSquared.ToDouble():G10}, ‖Y‖_F² = {problem.YFroSquared.ToDouble():G10} (exact rationals; reproduce with boundlab verify admm --x-fro-squared {problem.XFroSquared} --y-fro-squared {problem.YFroSquared} …)");
        JsonObject conditions;
        string verdict;
        Rational[] exact;
        if (spec.Layers == AdmmConditions.Depth)
        {
            AdmmReport report;
            if (given == 0)
            {
                Console.Error.WriteLine("no β/λ given: synthesizing the least parameters the conditions admit (Z3)…");
                var synthesis = AdmmVerifier.Synthesize(problem, options);
                report = synthesis.Proof;
                conditions = VerifyCommand.SynthesisJson(synthesis);
                conditions.Remove("obligations_text");
            }
            else
            {
                var p = betaText.Select(b => VerifyCommand.ParsePositive(b.Option, b.Text!)).ToArray();
                report = AdmmVerifier.Verify(problem, new AdmmParameters(p[0], p[1], p[2], VerifyCommand.ParsePositive("--lambda", lambdaText!)), options);
                conditions = VerifyJson.Admm(report);
            }
            verdict = VerifyJson.Verdict(report.Verdict);
            exact = [report.Parameters.Beta1, report.Parameters.Beta2, report.Parameters.Beta3, report.Parameters.Lambda];
            if (report.Verdict != ClaimVerdict.Proved && !unverified)
            {
                string why = report.Verdict == ClaimVerdict.Violated
                    ? "violated: " + string.Join("; ", report.Conditions.Where(c => c.Result.Verdict == ClaimVerdict.Violated)
                        .Select(c => $"{c.Condition.Claim} (needs {c.Condition.Name.Split('-')[0]} ≥ {Shown(c)})"))
                    : "unknown: " + string.Join("; ", report.Conditions.Where(c => c.Result.Verdict == ClaimVerdict.Unknown).Select(c => $"{c.Condition.Claim} ({c.Result.Reason})"));
                throw new UsageException($"the ADMM convergence conditions are not proved ({why}); omit β/λ to use the least admissible ones, or add --unverified to run anyway.");
            }
        }
        else
        {
            verdict = "unknown";
            conditions = new JsonObject
            {
                ["verdict"] = "unknown",
                ["reason"] = $"no verified convergence condition exists for depth {spec.Layers} (only the three-layer statement of Zeng, Lin, Yao, Zhou, JMLR 2021 is in hand)",
            };
            if (given == 0 || !unverified)
                throw new UsageException($"no verified ADMM convergence condition exists for {spec.Layers} layers (only for 3); give {string.Join(", ", betaText.Select(b => b.Option))}, --lambda and --unverified to run anyway.");
            exact = betaText.Select(b => VerifyCommand.ParsePositive(b.Option, b.Text!)).Append(VerifyCommand.ParsePositive("--lambda", lambdaText!)).ToArray();
        }

        var admm = new AdmmOptions(exact[..^1].Select(UpDouble).ToArray(), UpDouble(exact[^1]), bias);
        var initial = Model<float>.Create(ModelSpec.FromMlp(spec), new CpuBackend(), RngKey.FromSeed(seed).Split("init"), init, initStd);
        Console.Error.WriteLine($"ADMM on {spec.Arch} ({spec.ParameterCount:N0} parameters), {data.Train.Count:N0} samples, {iterations} iterations; " +
                                $"β = [{string.Join(", ", admm.Beta.Select(b => b.ToString("G6", CultureInfo.InvariantCulture)))}], λ = {admm.Lambda:G6}; conditions {verdict}");
        var result = AdmmTrainer.Train(initial, data.Train, admm, iterations,
            r => Console.Error.WriteLine($"  iter {r.Iteration,4}: L = {r.Lagrangian:G8}  primal {r.PrimalResidual:G4}  kkt {r.KktResidual:G4}  train loss {r.TrainLoss:G5}  ({r.Seconds:F2} s)"));

        var (trainLoss, trainError) = Evaluation.Evaluate(result.Model, data.Train, LossKind.Squared);
        var (testLoss, testError) = Evaluation.Evaluate(result.Model, data.Test, LossKind.Squared);
        var iters = ValueList.From(result.History.Select(r => new AdmmIterationEntry(r.Iteration, r.Lagrangian, r.PrimalResidual,
            ValueList.From(r.PrimalResiduals), r.KktResidual, r.TrainLoss, r.Seconds)));
        double perIteration = result.History.Average(r => r.Seconds);
        var config = new RunConfig(dataName, trainSize, testSize, spec.Arch, "sigmoid", bias, init.ToString().ToLowerInvariant(), "squared",
            "admm", seed, null, new AdmmConfig(iterations, ValueList.From(exact[..^1].Select(ExactRoots.ExactText)), ExactRoots.ExactText(exact[^1]),
                ExactRoots.ExactText(r1), ExactRoots.ExactText(r2), given == 0 ? "synthesized" : "given"));
        var outcome = new AdmmOutcome(verdict, verdict != "proved", RunDocument.CompactJson(conditions.ToJsonString()),
            new AdmmAuthorsDefaults(1, 1e-6, (exact[^1] / Rational.ParseDecimal("1e-6")).ToDouble()), iters,
            result.History[^1].Lagrangian, result.History[^1].PrimalResidual, result.History[^1].KktResidual);
        var results = new RunResults(RunRecord.ErrorKind(data), spec.ParameterCount, trainError, testError, testError - trainError,
            trainLoss, testLoss, null, null, perIteration, wall.Elapsed.TotalSeconds, null);
        var provenance = new RunProvenance(RunLayout.WeightsFileName, RunLayout.InitialWeightsFileName, ModelFile.Sha256(result.Model),
            null, null, DateTime.UtcNow.ToString("O"));
        var document = new RunDocument(RunDocument.CurrentVersion, config, RunRecord.Data(data, withClasses: false), ValueList<EpochEntry>.Empty,
            results, provenance, outcome);
        _ = document.ToJson(runJson); // refuses a non-finite number before any file is written
        folder.WriteFile(RunLayout.WeightsFileName, tmp => ModelFile.Save(result.Model, tmp));
        folder.WriteFile(RunLayout.InitialWeightsFileName, tmp => ModelFile.Save(result.Initial, tmp));
        document.Write(runJson);
        string unit = data.Train.Task == TaskKind.Regression ? "mse" : "error";
        Console.Error.WriteLine($"done: conditions {verdict}; train {unit} {trainError:G4}, test {unit} {testError:G4}, gap {testError - trainError:G4}; " +
                                $"{perIteration:F3} s/iteration; wrote {runJson}");
        return 0;
    }

    /// <summary>The exact problem data of a training set: n, ‖X‖_F² and ‖Y‖_F² as rationals (sums of squares of the stored floats).</summary>
    public static AdmmProblem Problem(Dataset train, Rational r1, Rational r2)
    {
        var x2 = Rational.Zero;
        foreach (float v in train.Inputs.Data) { var q = Rational.FromDouble(v); x2 += q * q; }
        Rational y2;
        if (train.Labels is not null) y2 = train.Count; // one-hot targets: one 1 per column
        else
        {
            y2 = Rational.Zero;
            foreach (float v in train.Targets!.Data) { var q = Rational.FromDouble(v); y2 += q * q; }
        }
        if (x2.IsZero || y2.IsZero)
            throw new UsageException($"--data {train.Name}: ‖X‖_F or ‖Y‖_F is 0; the ADMM conditions need both > 0.");
        return new AdmmProblem(train.Count, x2, y2, r1, r2);
    }

    /// <summary>The smallest double ≥ r, so a parameter used in float64 is never below its verified exact value.</summary>
    internal static double UpDouble(Rational r)
    {
        double d = r.ToDouble();
        return Rational.FromDouble(d) < r ? Math.BitIncrement(d) : d;
    }

    private static string Shown(AdmmConditionVerdict c) =>
        c.RequiredExact && !ExactRoots.Decimal(c.Required).StartsWith('≈') ? ExactRoots.Decimal(c.Required)
            : ExactRoots.ExactText(ExactRoots.CeilingDecimal(c.Required, 12)) + " (rounded up)";
}
