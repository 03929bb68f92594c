using BoundLab.Numerics.Data;
using BoundLab.Numerics.Random;

namespace BoundLab.Numerics.Stochastic;

/// <summary>Options of posterior training. <see cref="For"/> gives each method's published settings.</summary>
/// <param name="Method">Objective and its bookkeeping.</param>
/// <param name="Epochs">Passes over the training data.</param>
/// <param name="BatchSize">Minibatch size; one fresh weight sample per minibatch.</param>
/// <param name="LearningRate">Initial learning rate.</param>
/// <param name="Momentum">SGD momentum (PBB); ignored by RMSprop (DR17).</param>
/// <param name="DropEpoch">Epoch after which the learning rate is multiplied by <see cref="DropFactor"/> (null: never).</param>
/// <param name="DropFactor">Learning-rate factor after <see cref="DropEpoch"/>.</param>
/// <param name="PriorVariance">DR17: the initial λ (trained); PBB: the fixed prior variance σ₀².</param>
/// <param name="Delta">δ used inside the training objective (DR17's code trains with 0.05; PBB with 0.025).</param>
/// <param name="PMin">PBB's bounded cross-entropy: log-probabilities clamped at ln p_min, divided by ln(1/p_min).</param>
/// <param name="KlPenalty">PBB's KL multiplier in the training objective (1 = the bound itself).</param>
/// <param name="InitialLambda">f_lambda's initial λ.</param>
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
    /// <summary>The settings of the method's paper/code, scaled to <paramref name="epochs"/> epochs.</summary>
    public static PosteriorTrainingOptions For(PacBayesMethod method, int epochs)
        => throw new NotImplementedException("contract: issue 11 helper A");

    /// <summary>Throws (naming the option, the value and what is allowed) when an option is out of range.</summary>
    public void Validate() => throw new NotImplementedException("contract: issue 11 helper A");

    /// <summary>Every option as (CLI name, value), for fingerprints and the certificate record.</summary>
    public IReadOnlyList<(string Option, string Value)> Describe() => throw new NotImplementedException("contract: issue 11 helper A");
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
    public static PosteriorResult Train(GaussianPosterior initial, GaussianPrior prior, Dataset train, int n, PosteriorTrainingOptions options,
        RngKey key, int threads = 0, string? checkpointFolder = null, IProgress<PosteriorEpoch>? progress = null, CancellationToken cancel = default)
        => throw new NotImplementedException("contract: issue 11 helper A");
}
