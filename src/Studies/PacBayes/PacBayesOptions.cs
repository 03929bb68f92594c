using System.Globalization;
using BoundLab.Numerics.Stochastic;

namespace BoundLab.Studies.PacBayes;

/// <summary>A run folder or option the PAC-Bayes pipeline cannot use: one line naming the folder or option, the value and
/// what is required.</summary>
public sealed class PacBayesException(string message) : Exception(message);

/// <summary>Options of <see cref="PacBayesPipeline"/>; null fields take the method's published defaults.</summary>
/// <param name="Method">The posterior objective and certificate.</param>
/// <param name="Epochs">Posterior-training epochs (default <see cref="DefaultEpochs"/>).</param>
/// <param name="LearningRate">Overrides the method's learning rate.</param>
/// <param name="BatchSize">Overrides the method's minibatch size.</param>
/// <param name="McPasses">Monte-Carlo passes over the certification set (and the test set).</param>
/// <param name="PriorStd">pbb: the prior's standard deviation σ₀ (ignored by dr17, whose λ is trained and snapped).</param>
/// <param name="Delta">δ of the certificate's PAC-Bayes bound.</param>
/// <param name="DeltaMc">δ′ of its Monte-Carlo bound.</param>
/// <param name="Threads">CPU threads (0 = all); results do not depend on it.</param>
/// <param name="Seed">Seed of every draw (null: the run's seed).</param>
/// <param name="Restart">Discard earlier stages and the training checkpoint.</param>
/// <param name="DataDir">Where the run's dataset lives (null: run.json's data_dir, else the default).</param>
/// <param name="Sampling">How posterior training draws networks (null: per example by the local reparameterization
/// when the model is dense, else one weight sample per minibatch).</param>
public sealed record PacBayesOptions(
    PacBayesMethod Method,
    int? Epochs = null,
    double? LearningRate = null,
    int? BatchSize = null,
    int McPasses = 10,
    double PriorStd = 0.03,
    double Delta = 0.025,
    double DeltaMc = 0.01,
    int Threads = 0,
    ulong? Seed = null,
    bool Restart = false,
    string? DataDir = null,
    PosteriorSampling? Sampling = null)
{
    /// <summary>The methods' command-line names, in enum order.</summary>
    public static IReadOnlyList<string> MethodNames { get; } = PacBayesMethods.All.Select(PacBayesMethods.Name).ToArray();

    /// <summary>The command-line name of a method.</summary>
    public static string NameOf(PacBayesMethod method) => PacBayesMethods.Name(method);

    /// <summary>The method of a command-line name, or null.</summary>
    public static PacBayesMethod? Parse(string name) =>
        PacBayesMethods.All.Where(m => PacBayesMethods.Name(m) == name).Select(m => (PacBayesMethod?)m).FirstOrDefault();

    /// <summary>dr17: 16 epochs at lr 0.01, ×0.1 after the fourth (BoundLab's schedule with per-example sampling, measured to
    /// reach Dziugaite and Roy's certificate on binary MNIST in minutes; BENCHMARKS.md); their README's schedule is
    /// <c>--sampling weights --epochs 1000 --lr 0.001</c>. pbb: PBB's running_example.py TRAIN_EPOCHS = 10.</summary>
    public static int DefaultEpochs(PacBayesMethod method) => method == PacBayesMethod.Dr17 ? 16 : 10;

    /// <summary>dr17: 0.01 (see <see cref="DefaultEpochs"/>); pbb: the method's own (PBB's 0.001).</summary>
    public static double? DefaultLearningRate(PacBayesMethod method) => method == PacBayesMethod.Dr17 ? 0.01 : null;

    /// <summary>The catalog entry that certifies the method.</summary>
    public static string EntryOf(PacBayesMethod method) => method == PacBayesMethod.Dr17 ? "dr17" : "pbb21-kl";

    /// <summary>Whether the method learns its prior on the run's training subset (PBB).</summary>
    public bool IsPbb => Method != PacBayesMethod.Dr17;

    /// <summary>The posterior-training options: the method's settings with the overrides applied, validated.</summary>
    public PosteriorTrainingOptions Training(BoundLab.Numerics.Models.ModelSpec spec)
    {
        var t = PosteriorTrainingOptions.For(Method, Epochs ?? DefaultEpochs(Method));
        PosteriorSampling sampling = Sampling ?? (PosteriorSamplings.SupportsLocal(spec) ? PosteriorSampling.Local : PosteriorSampling.Weights);
        if (sampling == PosteriorSampling.Local && !PosteriorSamplings.SupportsLocal(spec))
            throw new PacBayesException($"--sampling local: the model {spec.Name} has a layer other than dense, activation or flatten; allowed for it: weights.");
        t = t with { Sampling = sampling };
        if ((LearningRate ?? DefaultLearningRate(Method)) is double lr)
            t = t with { LearningRate = lr };
        if (BatchSize is int b)
            t = t with { BatchSize = b };
        if (IsPbb)
            t = t with { PriorVariance = PriorStd * PriorStd };
        t.Validate();
        return t;
    }

    /// <summary>Throws a <see cref="PacBayesException"/> naming the option when a value is out of range.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Method))
            throw new PacBayesException($"--method {(int)Method}: allowed: {string.Join(", ", MethodNames)}.");
        if (Epochs is < 1)
            throw new PacBayesException($"--epochs {Epochs}: allowed: an integer ≥ 1.");
        if (LearningRate is double lr && !(lr > 0 && double.IsFinite(lr)))
            throw new PacBayesException($"--lr {Show(lr)}: allowed: a finite number > 0.");
        if (BatchSize is < 1)
            throw new PacBayesException($"--batch {BatchSize}: allowed: an integer ≥ 1.");
        if (McPasses < 1)
            throw new PacBayesException($"--mc-passes {McPasses}: allowed: an integer ≥ 1.");
        if (!(PriorStd > 0 && double.IsFinite(PriorStd)))
            throw new PacBayesException($"--prior-std {Show(PriorStd)}: allowed: a finite number > 0.");
        if (!(Delta > 0 && Delta < 1))
            throw new PacBayesException($"--delta {Show(Delta)}: allowed: a number in (0, 1).");
        if (!(DeltaMc > 0 && DeltaMc < 1))
            throw new PacBayesException($"--delta-mc {Show(DeltaMc)}: allowed: a number in (0, 1).");
        if (Delta + DeltaMc >= 1)
            throw new PacBayesException($"--delta {Show(Delta)} with --delta-mc {Show(DeltaMc)}: allowed: δ + δ′ < 1 (the certificate holds w.p. 1 − δ − δ′).");
        if (Threads < 0)
            throw new PacBayesException($"--threads {Threads}: allowed: an integer ≥ 0 (0 = all cores).");
    }

    internal static string Show(double x) => x.ToString("R", CultureInfo.InvariantCulture);
}
