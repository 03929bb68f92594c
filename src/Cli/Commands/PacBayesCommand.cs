using System.Globalization;
using System.Text;
using BoundLab.Cli.Framework;
using BoundLab.Cli.Framework.Options;
using BoundLab.Numerics.Stochastic;
using BoundLab.Studies.Evaluation;
using BoundLab.Studies.PacBayes;

namespace BoundLab.Cli.Commands;

/// <summary><c>boundlab pacbayes RUN_DIR --method …</c>: optimizes a Gaussian posterior on a saved run and writes its
/// PAC-Bayes certificate (value, every term, KL, n, δ, δ′, M, seconds) to RUN_DIR/pacbayes-&lt;method&gt;.json.</summary>
public sealed class PacBayesCommand : ICommand
{
    private static readonly CliArgument RunDir = new("RUN_DIR", "a run folder written by boundlab train",
        "RUN_DIR (a run folder written by boundlab train)");

    private static readonly CliOption<string> Method = Opt.Choice("--method", "M",
        "dr17 (prior at the initialization, λ on Dziugaite–Roy's grid) or pbb-quad | pbb-lambda | pbb-classic (prior learnt by the run on its --train-size subset, certified on the rest)",
        null, PacBayesOptions.MethodNames);
    private static readonly CliOption<int> Epochs = Opt.Int("--epochs", "N", "posterior-training epochs", null, min: 1, max: 1_000_000,
        defaultText: "dr17 16 (with --lr 0.01, ×0.1 after epoch 4), pbb 10");
    private static readonly CliOption<double> Lr = Opt.Double("--lr", "X", "posterior learning rate", null, 0, double.PositiveInfinity, minExclusive: true,
        defaultText: "dr17 0.01 (RMSprop; the paper's schedule is 0.001 over 1000 epochs), pbb 0.001 (SGD, momentum 0.95)");
    private static readonly CliOption<int> Batch = Opt.Int("--batch", "B", "posterior minibatch size (with --sampling weights, the examples that share one weight sample)", null, min: 1,
        defaultText: "the method's");
    private static readonly CliOption<string> Sampling = Opt.Choice("--sampling", "S",
        "posterior training's draws: local (a fresh network per example by the local reparameterization; dense models; the default for them) or weights (one weight sample per minibatch, the papers' method; the default otherwise)",
        null, ["local", "weights"]);
    private static readonly CliOption<int> McPasses = Opt.Int("--mc-passes", "P", "Monte-Carlo passes over the certification and test sets", 10, min: 1, max: 1_000_000);
    private static readonly CliOption<double> PriorStd = Opt.Double("--prior-std", "S", "pbb: the prior's standard deviation σ₀", 0.03, 0, double.PositiveInfinity, minExclusive: true);
    private static readonly CliOption<double> Delta = Opt.Double("--delta", "D", "δ of the PAC-Bayes bound", 0.025, 0, 1, minExclusive: true);
    private static readonly CliOption<double> DeltaMc = Opt.Double("--delta-mc", "D", "δ′ of the Monte-Carlo bound on the empirical Gibbs error", 0.01, 0, 1, minExclusive: true);
    private static readonly CliOption<ulong> Seed = Opt.Of("--seed", "S", "seed of the weight samples (default: the run's seed)",
        "an integer 0 … 18446744073709551615", s => ulong.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out ulong x)
            ? x : throw UsageException.BadValue("--seed", s, "an integer 0 … 18446744073709551615"));
    private static readonly CliFlag Restart = Opt.Flag("--restart", "discard the recorded stages and the training checkpoint and start over");
    private static readonly CliOption<string> DataDir = Opt.Text("--data-dir", "DIR", "where the run's dataset lives",
        defaultText: "run.json's data_dir, else the default");

    /// <summary>The declaration of <c>pacbayes</c>'s arguments and options.</summary>
    public static CommandSpec Spec { get; } = new("pacbayes",
        "optimize a PAC-Bayes posterior on a saved run and certify it; writes RUN_DIR/pacbayes-<method>.json",
        [Method, Epochs, Lr, Batch, Sampling, McPasses, PriorStd, Delta, DeltaMc, OptionSets.Threads, Seed, Restart, DataDir, OptionSets.Json], [RunDir], notes: """

        dr17: Dziugaite and Roy (2017) on a binary run with one output: prior N(w₀, λI) at weights-init.bin, posterior
        N(μ, diag σ²) from the trained weights, trained on the run's training set with λ, then λ snapped to the grid
        λ_j = 0.1·e^(−j/100); certificate = the catalog's dr17 entry with the Monte-Carlo training error.
        pbb-*: Pérez-Ortiz et al. (2021) on an MNIST run trained with --train-size: prior N(w, σ₀²I) at the run's
        weights (learnt on its subset), posterior trained on all the training examples, certificate = pbb21-kl on the
        held-out examples only (n = their count). Stages are recorded in RUN_DIR/pacbayes/<method>/: the same command
        continues an interrupted run; --restart starts over. With --json the certificate is printed on stdout.
        """);

    /// <inheritdoc />
    CommandSpec? ICommand.Spec => Spec;

    /// <inheritdoc />
    public string Name => "pacbayes";

    /// <inheritdoc />
    public string Summary => "optimize a PAC-Bayes posterior on a saved run and certify it (dr17, pbb-quad, pbb-lambda, pbb-classic)";

    /// <inheritdoc />
    public int Run(IReadOnlyList<string> args)
    {
        ParsedArgs reader = Spec.Parse(args);
        if (reader.HelpRequested)
        {
            Spec.WriteHelp(Console.Out);
            return 0;
        }

        string dir = reader.Positional(RunDir);
        string? methodName = reader.GetOrNull(Method);
        int? epochs = reader.GetOrNull(Epochs);
        double? lr = reader.GetOrNull(Lr);
        int? batch = reader.GetOrNull(Batch);
        string? sampling = reader.GetOrNull(Sampling);
        int passes = reader.Get(McPasses);
        double priorStd = reader.Get(PriorStd);
        double delta = reader.Get(Delta);
        double deltaMc = reader.Get(DeltaMc);
        int threads = reader.Get(OptionSets.Threads);
        ulong? seed = reader.GetOrNull(Seed);
        bool restart = reader.Flag(Restart);
        string? dataDir = reader.GetOrNull(DataDir);
        bool json = reader.Flag(OptionSets.Json);
        reader.Finish();
        if (methodName is null)
        {
            throw new UsageException($"--method is required; allowed: one of {string.Join(", ", PacBayesOptions.MethodNames)}.");
        }

        PacBayesMethod method = PacBayesOptions.Parse(methodName)!.Value;
        if (delta + deltaMc >= 1)
        {
            throw UsageException.BadValue("--delta-mc", deltaMc.ToString("R", CultureInfo.InvariantCulture),
                $"a number with δ + δ′ < 1 (--delta is {delta.ToString("R", CultureInfo.InvariantCulture)})");
        }

        var options = new PacBayesOptions(method, epochs, lr, batch, passes, priorStd, delta, deltaMc, threads, seed, restart, dataDir,
            sampling is null ? null : PosteriorSamplings.Parse(sampling));
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        PacBayesCertificate certificate;
        try
        {
            certificate = PacBayesPipeline.Run(dir, options, new Display(Console.Error), cancel.Token);
        }
        catch (PacBayesException e)
        {
            throw new UsageException(e.Message);
        }
        catch (RunFolderException e)
        {
            throw new UsageException(e.Message);
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine();
            Console.Error.WriteLine($"interrupted; the finished stages and the training checkpoint are in {Path.Combine(dir, "pacbayes", methodName)}. Run the same command again to continue.");
            return 130;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }

        Console.Out.WriteLine(json ? CertificateJson.Format(certificate) : Describe(certificate));
        return 0;
    }

    private static string Describe(PacBayesCertificate c)
    {
        var sb = new StringBuilder();
        string F(double x) => x.ToString("G6", CultureInfo.InvariantCulture);
        sb.AppendLine(CultureInfo.InvariantCulture, $"{c.Method}: test error of the stochastic classifier ≤ {F(c.Value)} (catalog entry {c.Entry}, w.p. ≥ 1 − {F(c.Delta)} − {F(c.DeltaMc)})");
        foreach (CertificateTerm t in c.Terms)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"  {t.Name,-55} {F(t.Value)}");
        }

        string prior = c.PriorIndex is int j ? $"λ_j = {F(c.PriorVariance)} (j = {j}; trained λ {F(c.TrainedPriorVariance ?? double.NaN)})" : $"σ₀ = {F(c.PriorStd ?? double.NaN)}";
        sb.AppendLine(CultureInfo.InvariantCulture, $"  KL {F(c.Kl)} nats, n = {c.N:N0}, prior {prior}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"  Monte-Carlo error {F(c.McError)} over M = {c.McSamples:N0} ({c.McSampling}, {c.McPasses} passes)");
        sb.AppendLine(CultureInfo.InvariantCulture, $"  stochastic test error {F(c.StochasticTestError)}, test error of the mean {F(c.DeterministicTestError)}");
        sb.Append(CultureInfo.InvariantCulture, $"  {c.Epochs} epochs; {c.Seconds.Training:F1}s training, {c.Seconds.MonteCarlo:F1}s Monte-Carlo, {c.Seconds.Test:F1}s test, {c.Seconds.Total:F1}s total");
        return sb.ToString();
    }

    // Progress lines on standard error: one per epoch (objective, KL, stochastic training error, ETA) and per Monte-Carlo pass.
    private sealed class Display(TextWriter w) : IPacBayesProgress
    {
        private double _seconds;
        private int _epochs;

        public void Stage(string message) => w.WriteLine(message);

        public void Epoch(PosteriorEpoch e, int epochs)
        {
            // ETA from the mean of the epochs this invocation ran (a resumed run does not count the ones before).
            _seconds += e.Seconds;
            _epochs++;
            double perEpoch = _seconds / _epochs;
            w.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"epoch {e.Epoch}/{epochs}: objective {e.Objective:G5}, KL {e.Kl:G5}, λ {e.PriorVariance:G4}, stochastic train error {100 * e.StochasticError:F2}% ({e.Seconds:F1}s, ETA {Eta(perEpoch * (epochs - e.Epoch))})"));
        }

        public void McPass(string set, int pass, int passes) => w.WriteLine($"  Monte-Carlo pass {pass}/{passes} on the {set}");

        private static string Eta(double seconds) => seconds < 90
            ? $"{seconds:F0}s"
            : seconds < 5400 ? $"{seconds / 60:F0} min" : $"{seconds / 3600:F1} h";
    }
}
