using System.Globalization;
using BoundLab.Numerics.Data;
using BoundLab.Numerics.Random;

namespace BoundLab.Numerics.Stochastic;

/// <summary>Options of posterior training. <see cref="For"/> gives each method's published settings.</summary>
/// <param name="Method">Objective and its bookkeeping.</param>
/// <param name="Epochs">Passes over the training data.</param>
/// <param name="BatchSize">Minibatch size; one fresh weight sample per minibatch.</param>
/// <param name="LearningRate">Initial learning rate.</param>
/// <param name="Momentum">SGD momentum (PBB); ignored by RMSprop (DR17).</param>
/// <param name="DropEpoch">The learning rate is multiplied by <see cref="DropFactor"/> in every epoch whose 0-based index
/// exceeds it, as DR17's <c>epoch &gt; drop_lr</c> (null: never).</param>
/// <param name="DropFactor">Learning-rate factor after <see cref="DropEpoch"/>.</param>
/// <param name="PriorVariance">DR17: the initial λ (trained); PBB: the fixed prior variance σ₀². Must equal the
/// <see cref="GaussianPrior.Variance"/> passed to <see cref="PosteriorTrainer.Train"/>.</param>
/// <param name="Delta">δ used inside the training objective (DR17's code trains with 0.05; PBB with 0.025).</param>
/// <param name="PMin">PBB's bounded cross-entropy: log-probabilities clamped at ln p_min, divided by ln(1/p_min).</param>
/// <param name="KlPenalty">PBB's KL multiplier in the training objective (1 = the bound itself).</param>
/// <param name="InitialLambda">f_lambda's initial unconstrained variable θ (PBB's <c>initial_lamb</c> = 6.0); the
/// objective's λ = sigmoid(θ)(1 − 1/√n) + 1/√n.</param>
public sealed record PosteriorTrainingOptions(
    PacBayesMethod Method,
    int Epochs,
    int BatchSize,
    double LearningRate,
    double Momentum,
    int? DropEpoch,
    double DropFactor,
    double PriorVariance,
    double Delta,
    double PMin,
    double KlPenalty,
    double InitialLambda)
{
    /// <summary>How each minibatch draws its networks: one weight sample per minibatch (the papers' method, any model) or
    /// per-example draws by the local reparameterization (dense models; the same expected objective, a gradient of far
    /// lower variance).</summary>
    public PosteriorSampling Sampling { get; init; } = PosteriorSampling.Weights;

    /// <summary>The settings of the method's paper/code, scaled to <paramref name="epochs"/> epochs.</summary>
    /// <remarks>DR17 (README: run_pacb.py --pacb_epochs 1000 --lr 0.001 --drop_lr 250 --lr_factor 0.1; batch 100 in
    /// optimize_PACB's call; init_log_prior_std = −3 so λ = e⁻⁶; δ = 0.05 in PACB_objective): the drop after a quarter of
    /// the epochs. PBB (running_example.py and utils.py runexp defaults): batch 250, lr 0.001, momentum 0.95,
    /// σ₀ = 0.03, δ = 0.025, p_min = 1e-5, kl_penalty 1 (running_example's KL_PENALTY = 0.1 is passed only to its bbb
    /// run), initial_lamb 6.0, no learning-rate drop.</remarks>
    public static PosteriorTrainingOptions For(PacBayesMethod method, int epochs)
    {
        if (epochs < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(epochs), epochs, "--epochs: allowed an integer ≥ 1");
        }

        return method switch
        {
            PacBayesMethod.Dr17 => new(method, epochs, 100, 0.001, 0, epochs / 4, 0.1, Math.Exp(-6), 0.05, 1e-5, 1, 6.0),
            PacBayesMethod.PbbQuad or PacBayesMethod.PbbLambda or PacBayesMethod.PbbClassic =>
                new(method, epochs, 250, 0.001, 0.95, null, 1, 0.03 * 0.03, 0.025, 1e-5, 1, 6.0),
            _ => throw new ArgumentOutOfRangeException(nameof(method), method, "allowed: " + string.Join(", ", PacBayesMethods.All.Select(PacBayesMethods.Name))),
        };
    }

    /// <summary>Throws (naming the option, the value and what is allowed) when an option is out of range.</summary>
    public void Validate()
    {
        if (!PacBayesMethods.All.Contains(Method))
        {
            throw new ArgumentException($"--method {Method} is not a method; allowed: {string.Join(", ", PacBayesMethods.All.Select(PacBayesMethods.Name))}.");
        }

        Require(Epochs >= 1, "--epochs", Epochs, "an integer ≥ 1");
        Require(BatchSize >= 1, "--batch", BatchSize, "an integer ≥ 1");
        Require(LearningRate > 0 && double.IsFinite(LearningRate), "--lr", LearningRate, "a finite learning rate > 0");
        Require(Momentum >= 0 && Momentum < 1, "--momentum", Momentum, "0 ≤ momentum < 1");
        Require(DropEpoch is null or >= 0, "--drop-epoch", DropEpoch ?? 0, "an epoch ≥ 0 (or none)");
        Require(DropFactor > 0 && DropFactor <= 1, "--drop-factor", DropFactor, "0 < factor ≤ 1");
        Require(PriorVariance > 0 && double.IsFinite(PriorVariance) && double.IsFinite(Math.Log(PriorVariance)), "--prior-std", Math.Sqrt(PriorVariance),
            "a finite prior standard deviation > 0");
        Require(Delta > 0 && Delta < 1, "--delta", Delta, "0 < δ < 1");
        Require(PMin > 0 && PMin < 1, "--pmin", PMin, "0 < p_min < 1");
        Require(KlPenalty > 0 && double.IsFinite(KlPenalty), "--kl-penalty", KlPenalty, "a finite multiplier > 0");
        Require(double.IsFinite(InitialLambda), "--initial-lambda", InitialLambda, "a finite number");
    }

    /// <summary>Every option the method uses as (CLI name, value), for fingerprints and the certificate record.</summary>
    public IReadOnlyList<(string Option, string Value)> Describe()
    {
        var list = new List<(string, string)>
        {
            ("--method", PacBayesMethods.Name(Method)),
            ("--epochs", F(Epochs)),
            ("--batch", F(BatchSize)),
            ("--lr", F(LearningRate)),
        };
        if (Method == PacBayesMethod.Dr17)
        {
            list.Add(("--optimizer", "rmsprop"));
        }
        else
        {
            list.Add(("--optimizer", "sgd"));
            list.Add(("--momentum", F(Momentum)));
        }

        list.Add(("--drop-epoch", DropEpoch is int d ? F(d) : "none"));
        if (DropEpoch is not null)
        {
            list.Add(("--drop-factor", F(DropFactor)));
        }

        list.Add(("--prior-std", F(Math.Sqrt(PriorVariance))));
        list.Add(("--delta", F(Delta)));
        if (Method != PacBayesMethod.Dr17)
        {
            list.Add(("--pmin", F(PMin)));
            list.Add(("--kl-penalty", F(KlPenalty)));
        }

        if (Method == PacBayesMethod.PbbLambda)
        {
            list.Add(("--initial-lambda", F(InitialLambda)));
        }

        if (Sampling != PosteriorSampling.Weights)
        {
            list.Add(("--sampling", PosteriorSamplings.Name(Sampling)));
        }

        return list;
    }

    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static void Require(bool ok, string option, double value, string allowed)
    {
        if (!ok)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{option} {value:R} is out of range; allowed: {allowed}."));
        }
    }
}

/// <summary>One epoch of posterior training (means over the epoch's minibatches).</summary>
public sealed record PosteriorEpoch(int Epoch, double Objective, double Surrogate, double Kl, double PriorVariance, double StochasticError, double Seconds);

/// <summary>The trained posterior, the final (continuous) prior variance λ (PBB: the fixed σ₀²), f_lambda's λ, and the history.</summary>
public sealed record PosteriorResult(GaussianPosterior Posterior, double PriorVariance, double? ObjectiveLambda, IReadOnlyList<PosteriorEpoch> History, int ResumedFromEpoch);

/// <summary>Trains a Gaussian posterior by the reparameterization trick: per minibatch one weight sample
/// w = μ + σ ⊙ ξ with keyed ξ (NoiseKey(key, step, tensor)), backprop through the model at w, then
/// ∂/∂μ = g, ∂/∂ρ = g ⊙ ξ ⊙ dσ/dρ plus the objective's KL terms.</summary>
public static class PosteriorTrainer
{
    /// <summary>Trains <paramref name="initial"/> on <paramref name="train"/> against <paramref name="prior"/>;
    /// <paramref name="n"/> is the sample size inside the objective. With <paramref name="checkpointFolder"/> the state is
    /// saved after every epoch and a later call with equal arguments resumes from it (bit-identical to an uninterrupted run).</summary>
    /// <remarks>Keys: epoch e's shuffle ← key.Split("shuffle").Split(e) (as <see cref="Training.Trainer"/>); step t's
    /// ξ of tensor k ← NoiseKey(key.Split("posterior-noise"), t, k); f_lambda's second (forward-only) sample for its λ step
    /// ← NoiseKey(key.Split("lambda-noise"), t, k). Every epoch runs ⌈N/batch⌉ steps, the last one on the remainder (DR17's
    /// loop runs ⌊N/batch⌋). Cancellation stops between steps; the last checkpoint stays valid.</remarks>
    public static PosteriorResult Train(GaussianPosterior initial, GaussianPrior prior, Dataset train, int n, PosteriorTrainingOptions options,
        RngKey key, int threads = 0, string? checkpointFolder = null, IProgress<PosteriorEpoch>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(initial);
        ArgumentNullException.ThrowIfNull(prior);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        PosteriorKl.CheckPrior(initial, prior.Center, prior.Variance, nameof(prior), nameof(prior));
        if (prior.Variance != options.PriorVariance)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"the prior's variance {prior.Variance:R} differs from the options' PriorVariance {options.PriorVariance:R} (--prior-std {Math.Sqrt(options.PriorVariance):R}); pass equal values."), nameof(prior));
        }

        CheckData(initial, train, options.Method);
        int minimumN = options.Method == PacBayesMethod.Dr17 ? 2 : 1;
        if (n < minimumN)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, $"allowed: a sample size n ≥ {minimumN} (the number of training examples the bound is for)");
        }

        if (threads < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(threads), threads, "allowed: threads ≥ 0 (0 = all processors)");
        }

        return new PosteriorRun(initial, prior, train, n, options, key, threads).Execute(checkpointFolder, progress, cancel);
    }

    private static void CheckData(GaussianPosterior initial, Dataset train, PacBayesMethod method)
    {
        var spec = initial.Spec;
        if (train.Labels is null)
        {
            throw new ArgumentException($"training set '{train.Name}' has no class labels; posterior training needs a classification set.", nameof(train));
        }

        if (train.Count == 0)
        {
            throw new ArgumentException($"training set '{train.Name}' is empty.", nameof(train));
        }

        if (spec.InputDim != train.InputDim)
        {
            throw new ArgumentException($"the model {spec.Name} takes {spec.InputDim} inputs; '{train.Name}' has {train.InputDim} features.", nameof(train));
        }

        if (method == PacBayesMethod.Dr17 && (spec.OutputDim != 1 || train.Classes != 2))
        {
            throw new ArgumentException($"--method dr17 needs a binary task and a network with 1 output (the logistic surrogate); got {train.Classes} classes and {spec.OutputDim} outputs.", nameof(train));
        }

        if (method != PacBayesMethod.Dr17 && (spec.OutputDim != train.Classes || train.Classes < 2))
        {
            throw new ArgumentException($"--method {PacBayesMethods.Name(method)} needs one output per class (the bounded cross-entropy); got {train.Classes} classes and {spec.OutputDim} outputs.", nameof(train));
        }
    }
}
