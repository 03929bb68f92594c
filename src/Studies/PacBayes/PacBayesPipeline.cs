using System.Diagnostics;
using System.Globalization;
using BoundLab.Bounds.Catalog;
using BoundLab.Bounds.Catalog.Sweep;
using BoundLab.Numerics.Backends;
using BoundLab.Numerics.Data;
using BoundLab.Numerics.Losses;
using BoundLab.Numerics.Models;
using BoundLab.Numerics.Random;
using BoundLab.Numerics.Runs;
using BoundLab.Numerics.Stochastic;
using BoundLab.Numerics.Tensors;
using BoundLab.Numerics.Training;
using BoundLab.Studies.Evaluation;

namespace BoundLab.Studies.PacBayes;

/// <summary>
/// Optimizes a Gaussian posterior on a saved run and certifies it through the catalog: <c>boundlab pacbayes</c>, the study's
/// PAC-Bayes stage and F# scripts call this. Stages (posterior training, Monte-Carlo error on the certification set,
/// stochastic and deterministic test errors) are recorded in RUN/pacbayes/&lt;method&gt;/ as they finish, the training
/// resumes from its checkpoint, and the certificate is written atomically to RUN/pacbayes-&lt;method&gt;.json.
/// </summary>
public static class PacBayesPipeline
{
    /// <summary>Raise when the pipeline changes what it computes for the same run and options.</summary>
    public const int PipelineVersion = 1;

    /// <summary>The code version recorded in every certificate.</summary>
    public static string CodeVersion { get; } = $"{RunFingerprint.NumericsBuild} pacbayes {PipelineVersion}";

    /// <summary>Runs (or continues) the pipeline on the run folder <paramref name="runDir"/> and returns the certificate it
    /// wrote. A folder or option the method cannot use is a <see cref="PacBayesException"/> naming what is required.</summary>
    public static PacBayesCertificate Run(string runDir, PacBayesOptions options, IPacBayesProgress? progress = null, CancellationToken cancel = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runDir);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return RunValidated(runDir, options, progress ?? NoPacBayesProgress.Instance, cancel);
    }

    /// <summary>The certificate in RUN/pacbayes-&lt;method&gt;.json, or null when there is none.</summary>
    public static PacBayesCertificate? Read(string runDir, PacBayesMethod method)
    {
        ArgumentException.ThrowIfNullOrEmpty(runDir);
        string path = new RunLayout(runDir).PacBayesFile(PacBayesOptions.NameOf(method));
        return File.Exists(path) ? CertificateJson.Read(path) : null;
    }

    private static PacBayesCertificate RunValidated(string dir, PacBayesOptions o, IPacBayesProgress progress, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        string method = PacBayesOptions.NameOf(o.Method);
        var run = SavedRunFiles.Load(dir, o.DataDir);
        int threads = o.Threads;
        ulong seed = o.Seed ?? run.Document.Config.Seed;
        RngKey root = RngKey.FromSeed(seed).Split("pacbayes").Split(method);
        var layout = new PipelineLayout(new RunLayout(dir), method);

        // The certification set, the training set of the posterior and the prior.
        Dataset train = run.Data.Train, test = run.Data.Test;
        Dataset certify, posteriorTrain;
        HeldOutSet? heldOut = null;
        if (o.Method == PacBayesMethod.Dr17)
        {
            if (run.Document.Data.Classes != 2 || run.Spec.OutputDim != 1)
                throw new PacBayesException(
                    $"RUN_DIR {dir}: dr17 needs a binary classification run with one output (Dziugaite and Roy's 784-600-1 on binary MNIST); " +
                    $"this run has {(run.Document.Data.Classes is int k ? k.ToString(CultureInfo.InvariantCulture) : "no")} classes and {run.Spec.OutputDim} outputs " +
                    "(train one with --data mnist-binary --arch 784-…-1 --loss logistic).");
            certify = posteriorTrain = train;
        }
        else
        {
            RunConfig c = run.Document.Config;
            if (c.TrainSize is null || c.LabelNoise > 0 || !c.Data.StartsWith("mnist", StringComparison.Ordinal))
                throw new PacBayesException($"RUN_DIR {dir}: {method} learns its prior on the run's training subset and certifies on the examples it left out, " +
                    $"so it needs an MNIST run trained with --train-size below the training file's size and no label noise; this run has data {c.Data}, " +
                    $"train_size {(c.TrainSize is int ts ? ts.ToString(CultureInfo.InvariantCulture) : "(all)")}, label_noise {PacBayesOptions.Show(c.LabelNoise)}.");
            try
            {
                heldOut = HeldOut.Load(run.Options);
            }
            catch (Exception e) when (e is ArgumentException or InvalidDataException or InvalidOperationException)
            {
                throw new PacBayesException($"RUN_DIR {dir}: {method} learns its prior on the run's training subset and certifies on the examples it left out, " +
                    $"so it needs an MNIST run trained with --train-size below the training file's size and no label noise: {OneLine(e)}");
            }

            if (heldOut.SourceIndices.Length < 2)
                throw new PacBayesException($"RUN_DIR {dir}: the run's training subset leaves {heldOut.SourceIndices.Length} examples out; {method} needs at least 2 to certify on.");
            certify = heldOut.Data;
            // PBB trains the posterior on all the data; the prior (the run's weights) never saw the held-out part.
            posteriorTrain = Concat(train, heldOut.Data, $"{train.Name} ∪ held-out");
        }

        PosteriorTrainingOptions training;
        try
        {
            training = o.Training(run.Spec);
        }
        catch (ArgumentException e)
        {
            throw new PacBayesException(OneLine(e));
        }

        string fingerprint = Fingerprint(o, training, seed, run, heldOut);
        if (o.Restart)
        {
            if (Directory.Exists(layout.Folder))
                Directory.Delete(layout.Folder, recursive: true);
            if (File.Exists(layout.Certificate))
                File.Delete(layout.Certificate);
        }

        PipelineState? earlier = PipelineState.Read(layout.State, fingerprint);
        if (earlier is null && File.Exists(layout.State))
        {
            progress.Stage($"the records in {layout.Folder} are of other options or another build; starting over");
            Directory.Delete(layout.Folder, recursive: true);
        }

        var state = earlier ?? new PipelineState(fingerprint, null, null, null);
        // Stages an earlier invocation recorded count towards the total; this invocation's own stages are in its clock.
        double earlierSeconds = (state.Training?.Seconds ?? 0) + (state.Certification?.Seconds ?? 0) + (state.Test?.Seconds ?? 0);
        float[][] prior = o.Method == PacBayesMethod.Dr17 ? run.Init : run.Final;

        // Stage 1: the posterior.
        GaussianPosterior posterior;
        if (state.Training is { } done && File.Exists(layout.Mean) && File.Exists(layout.Rho))
        {
            progress.Stage($"posterior: trained earlier ({done.Epochs} epochs), read from {layout.Folder}");
            posterior = GaussianPosterior.FromRho(run.Spec, ModelFile.Read(layout.Mean).Values, ModelFile.Read(layout.Rho).Values, Parameterization(o.Method));
        }
        else
        {
            Directory.CreateDirectory(layout.Folder);
            state.Write(layout.State);
            var stage = Stopwatch.StartNew();
            GaussianPosterior initial = Initial(o.Method, run, training.PriorVariance);
            progress.Stage($"training the {method} posterior of {run.Spec.Name} ({initial.Count:N0} parameters) on {posteriorTrain.Count:N0} examples, " +
                $"{training.Epochs} epochs (checkpoint {layout.Checkpoint})");
            PosteriorResult result = PosteriorTrainer.Train(initial, new GaussianPrior(prior, training.PriorVariance), posteriorTrain, posteriorTrain.Count,
                training, root.Split("posterior"), threads, layout.Checkpoint, new EpochProgress(progress, training.Epochs), cancel);
            posterior = result.Posterior;
            if (!(result.PriorVariance > 0 && double.IsFinite(result.PriorVariance)))
                throw new InvalidOperationException($"{method}: the training ended at prior variance {PacBayesOptions.Show(result.PriorVariance)}; no certificate is computed (try a smaller --lr).");
            var backend = new CpuBackend(1);
            ModelFile.Save(Model<float>.FromValues(run.Spec, backend, posterior.Mean), layout.Mean);
            ModelFile.Save(Model<float>.FromValues(run.Spec, backend, posterior.Rho), layout.Rho);
            int epochs = result.History.Count > 0 ? result.History[^1].Epoch : training.Epochs;
            state = state with { Training = new TrainingStage(result.PriorVariance, result.ObjectiveLambda, epochs, result.ResumedFromEpoch, posteriorTrain.Count, stage.Elapsed.TotalSeconds) };
            state.Write(layout.State);
        }

        float[][] std = posterior.Std();
        var gibbs = new GibbsOptions(Passes: o.McPasses);

        // Stage 2: the Monte-Carlo error on the certification set.
        if (state.Certification is { } mcDone)
        {
            progress.Stage($"Monte-Carlo error on the certification set: recorded earlier ({mcDone.Error:G4} over M = {mcDone.Terms:N0})");
        }
        else
        {
            string set = o.IsPbb ? "held-out set" : "training set";
            progress.Stage($"Monte-Carlo error of the posterior on the {set} ({certify.Count:N0} examples, {o.McPasses} passes)");
            GibbsEstimate mc = GibbsError.Estimate(run.Spec, posterior.Mean, std, certify, gibbs, root.Split("mc-certification"), threads,
                new PassProgress(progress, set, o.McPasses), cancel);
            state = state with { Certification = new McStage(mc.Errors, mc.Terms, Finite(mc.Error, "Monte-Carlo error"), SamplingName(mc.Sampling), mc.Seconds) };
            state.Write(layout.State);
        }

        // Stage 3: the test errors, reported next to the certificate.
        if (state.Test is { } testDone)
        {
            progress.Stage($"test errors: recorded earlier (stochastic {testDone.StochasticError:G4}, deterministic {testDone.DeterministicError:G4})");
        }
        else
        {
            progress.Stage($"stochastic test error ({test.Count:N0} examples, {o.McPasses} passes) and the test error of the mean");
            var stage = Stopwatch.StartNew();
            GibbsEstimate st = GibbsError.Estimate(run.Spec, posterior.Mean, std, test, gibbs, root.Split("mc-test"), threads,
                new PassProgress(progress, "test set", o.McPasses), cancel);
            double deterministic = ErrorOfMean(run.Spec, posterior.Mean, test, threads);
            state = state with { Test = new TestStage(Finite(st.Error, "stochastic test error"), deterministic, stage.Elapsed.TotalSeconds) };
            state.Write(layout.State);
        }

        PacBayesCertificate certificate = Certify(o, method, run, posterior, prior, state, heldOut, seed, training, earlierSeconds + clock.Elapsed.TotalSeconds);
        CertificateJson.Write(layout.Certificate, certificate);
        progress.Stage($"certificate {certificate.Value:G4} ({certificate.Entry}: KL {certificate.Kl:G4}, n {certificate.N:N0}, M {certificate.McSamples:N0}); " +
            $"stochastic test error {certificate.StochasticTestError:G4}; wrote {layout.Certificate}");
        return certificate;
    }

    private static PacBayesCertificate Certify(PacBayesOptions o, string method, SavedRunFiles run, GaussianPosterior posterior, float[][] prior,
        PipelineState state, HeldOutSet? heldOut, ulong seed, PosteriorTrainingOptions training, double totalSeconds)
    {
        TrainingStage t = state.Training!;
        McStage mc = state.Certification!;
        TestStage test = state.Test!;
        string entry = PacBayesOptions.EntryOf(o.Method);
        int n = heldOut?.SourceIndices.Length ?? run.Data.Train.Count;
        RunFacts facts = RunQuantities.FactsOf(run.Document) with { NTrain = n };
        var values = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["mc_error"] = mc.Error, ["mc_samples"] = mc.Terms, ["n"] = n, ["delta"] = o.Delta, ["delta_mc"] = o.DeltaMc,
        };

        int? priorIndex = null;
        double variance;
        double kl;
        BoundResult result;
        if (o.Method == PacBayesMethod.Dr17)
        {
            // Dziugaite and Roy (2017), §3 and their code: the trained λ is moved to ⌊j⌋ or ⌈j⌉ of j = b·ln(c/λ) on the grid
            // λ_j = c·e^(−j/b); the entry pays 2 ln j + ln(π²/6) for the union over j ≥ 1, so the smaller certificate is kept.
            double j = Dr17Prior.Precision * Math.Log(Dr17Prior.Base / t.PriorVariance);
            var candidates = new[] { Math.Floor(j), Math.Ceiling(j) }.Select(x => (int)Math.Clamp(x, 1, int.MaxValue)).Distinct();
            (int J, double Lambda, double Kl, BoundResult Result)? best = null;
            foreach (int k in candidates)
            {
                double lambda = Dr17Prior.Lambda(k);
                double klk = PosteriorKl.Certified(posterior, prior, lambda);
                var v = new Dictionary<string, double>(values, StringComparer.Ordinal) { ["kl"] = klk, ["prior_index"] = k };
                BoundResult r = Evaluate(entry, facts, v);
                if (best is null || r.Value < best.Value.Result.Value)
                    best = (k, lambda, klk, r);
            }

            (priorIndex, variance, kl, result) = best!.Value;
        }
        else
        {
            variance = o.PriorStd * o.PriorStd;
            kl = PosteriorKl.Certified(posterior, prior, variance);
            result = Evaluate(entry, facts, new Dictionary<string, double>(values, StringComparer.Ordinal) { ["kl"] = kl });
        }

        return new PacBayesCertificate(
            method, entry, result.Value, result.Terms.Select(x => new CertificateTerm(x.Name, x.Value)).ToArray(),
            Finite(kl, "KL"), n, o.Delta, o.DeltaMc, mc.Terms, mc.Error, mc.Sampling, o.McPasses,
            test.StochasticError, test.DeterministicError, priorIndex, variance,
            o.Method == PacBayesMethod.Dr17 ? t.PriorVariance : null, o.IsPbb ? o.PriorStd : null, t.ObjectiveLambda, t.Examples,
            training.Describe().Select(d => new TrainingOption(d.Option, d.Value)).ToArray(), t.Epochs, t.ResumedFromEpoch,
            new CertificateSeconds(t.Seconds, mc.Seconds, test.Seconds, totalSeconds),
            heldOut?.IndexSha256, seed, run.Document.Fingerprint.WeightsSha256, CodeVersion);
    }

    // The catalog's entry at these inputs; its value and terms are upper ends of their enclosures (never below the exact value).
    private static BoundResult Evaluate(string id, RunFacts facts, IReadOnlyDictionary<string, double> values)
    {
        BoundEntry entry = BoundCatalog.Get(id);
        return BoundSweep.Evaluate(entry, facts, values) switch
        {
            BoundEvaluated ev => ev.Result,
            BoundNotApplicable na => throw new PacBayesException($"{id} does not apply to this run: {na.Reason}."),
            BoundInputError err => throw new PacBayesException($"{id}: {err.Message}"),
            var other => throw new InvalidOperationException($"{id}: unexpected outcome {other.GetType().Name}"),
        };
    }

    // DR17's PACB_init (σ = 2|w|, floored) from the trained weights; PBB's posterior starts at the prior (μ = centre, σ = σ₀).
    private static GaussianPosterior Initial(PacBayesMethod method, SavedRunFiles run, double priorVariance) =>
        method == PacBayesMethod.Dr17
            ? PosteriorInitialization.Dr17(run.Spec, run.Final)
            : PosteriorInitialization.AtPrior(run.Spec, run.Final, Math.Sqrt(priorVariance));

    private static SigmaParameterization Parameterization(PacBayesMethod method) =>
        method == PacBayesMethod.Dr17 ? SigmaParameterization.Exp : SigmaParameterization.Softplus;

    private static double ErrorOfMean(ModelSpec spec, IReadOnlyList<float[]> mean, Dataset test, int threads)
    {
        var net = Model<float>.FromValues(spec, new CpuBackend(threads), mean);
        return (double)Loss.Errors(net.Predict(test.Inputs), test.Labels!) / test.Count;
    }

    /// <summary>The rows of <paramref name="a"/> then those of <paramref name="b"/> (same widths and classes).</summary>
    internal static Dataset Concat(Dataset a, Dataset b, string name)
    {
        if (a.InputDim != b.InputDim || a.Classes != b.Classes || a.Labels is null || b.Labels is null)
            throw new PacBayesException($"the held-out set ({b.InputDim} inputs, {b.Classes} classes) does not match the run's training set ({a.InputDim} inputs, {a.Classes} classes).");
        var x = new Matrix<float>(a.Count + b.Count, a.InputDim, [.. a.Inputs.Data, .. b.Inputs.Data]);
        return new Dataset(name, x, [.. a.Labels, .. b.Labels], null, a.Classes);
    }

    private static string Fingerprint(PacBayesOptions o, PosteriorTrainingOptions training, ulong seed, SavedRunFiles run, HeldOutSet? heldOut) =>
        string.Join('\n',
        [
            $"method {PacBayesOptions.NameOf(o.Method)}",
            .. training.Describe().Select(d => $"{d.Option} {d.Value}"),
            $"mc-passes {o.McPasses}", $"prior-std {PacBayesOptions.Show(o.PriorStd)}", $"seed {seed}",
            $"weights {run.Document.Fingerprint.WeightsSha256}", $"held-out {heldOut?.IndexSha256 ?? "none"}",
            $"train {run.Data.Train.ContentSha256()}", $"code {CodeVersion}",
        ]);

    private static string SamplingName(GibbsSampling s) => s switch
    {
        GibbsSampling.PerExample => "per-example",
        GibbsSampling.PerBatch => "per-batch",
        _ => s.ToString().ToLowerInvariant(),
    };

    private static double Finite(double x, string what) => double.IsFinite(x)
        ? x
        : throw new InvalidOperationException($"the {what} is {x.ToString(CultureInfo.InvariantCulture)}; no certificate is computed.");

    private static string OneLine(Exception e)
    {
        string m = e.Message.Split('\n')[0];
        return e is ArgumentException { ParamName: { } p } && m.EndsWith($" (Parameter '{p}')", StringComparison.Ordinal) ? m[..^$" (Parameter '{p}')".Length] : m;
    }

    private sealed class EpochProgress(IPacBayesProgress target, int epochs) : IProgress<PosteriorEpoch>
    {
        public void Report(PosteriorEpoch value) => target.Epoch(value, epochs);
    }

    private sealed class PassProgress(IPacBayesProgress target, string set, int passes) : IProgress<int>
    {
        public void Report(int value) => target.McPass(set, value, passes);
    }
}
