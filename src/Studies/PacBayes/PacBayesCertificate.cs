namespace BoundLab.Studies.PacBayes;

/// <summary>One named part of a certificate's catalog entry, at the evaluation point.</summary>
/// <param name="Name">The term's name in the catalog entry.</param>
/// <param name="Value">Its certified (rounded-up) value.</param>
public sealed record CertificateTerm(string Name, double Value);

/// <summary>Seconds spent per stage of the pipeline (stages recorded by an earlier invocation keep their time).</summary>
/// <param name="Training">Posterior training.</param>
/// <param name="MonteCarlo">Monte-Carlo error on the certification set.</param>
/// <param name="Test">Stochastic and deterministic test errors.</param>
/// <param name="Total">Sum of the stages plus loading and certification.</param>
public sealed record CertificateSeconds(double Training, double MonteCarlo, double Test, double Total);

/// <summary>The record <c>boundlab pacbayes</c> writes to RUN/pacbayes-&lt;method&gt;.json: a PAC-Bayes certificate of an
/// optimized Gaussian posterior, with everything needed to re-check it. No field is NaN or infinite.</summary>
/// <param name="Method">dr17, pbb-quad, pbb-lambda or pbb-classic.</param>
/// <param name="Entry">The catalog entry the value comes from (dr17 or pbb21-kl).</param>
/// <param name="Value">The certificate: an upper bound on the stochastic classifier's test error, w.p. ≥ 1 − δ − δ′.</param>
/// <param name="Terms">Every term of the entry at the evaluation point.</param>
/// <param name="Kl">KL(Q‖P) in nats (rounded up), at the prior variance the entry is evaluated at.</param>
/// <param name="N">The sample size in the entry: the training set (dr17) or the held-out certification set (pbb).</param>
/// <param name="Delta">δ of the PAC-Bayes bound.</param>
/// <param name="DeltaMc">δ′ of the Monte-Carlo bound on the empirical Gibbs error.</param>
/// <param name="McSamples">M, the independent terms behind <paramref name="McError"/>.</param>
/// <param name="McError">Monte-Carlo estimate of the empirical Gibbs error on the certification set.</param>
/// <param name="McSampling">How networks were drawn for it (per-example or per-batch).</param>
/// <param name="McPasses">Passes over the certification set.</param>
/// <param name="StochasticTestError">Monte-Carlo error of Q on the test set (not part of the certificate).</param>
/// <param name="DeterministicTestError">Test error of the posterior mean μ.</param>
/// <param name="PriorIndex">dr17: the grid index j of λ_j = 0.1·e^(−j/100); null for pbb.</param>
/// <param name="PriorVariance">The prior variance the KL is computed at: λ_j (dr17) or σ₀² (pbb).</param>
/// <param name="TrainedPriorVariance">dr17: the continuous λ the training ended at, before the snap to the grid.</param>
/// <param name="PriorStd">pbb: σ₀; null for dr17.</param>
/// <param name="ObjectiveLambda">f_lambda's trained λ; null otherwise.</param>
/// <param name="TrainingExamples">Examples the posterior was trained on (the n inside the objective).</param>
/// <param name="TrainingOptions">Every posterior-training option, as (option, value).</param>
/// <param name="Epochs">Epochs run in total.</param>
/// <param name="ResumedFromEpoch">The epoch the training resumed after (0: from the start).</param>
/// <param name="Seconds">Wall time per stage.</param>
/// <param name="DataIndexSha256">pbb: SHA-256 of the held-out index list; null for dr17.</param>
/// <param name="Seed">The seed every draw is keyed from.</param>
/// <param name="WeightsSha256">SHA-256 of the run's final weights the pipeline started from.</param>
/// <param name="CodeVersion">The BoundLab build that computed it.</param>
public sealed record PacBayesCertificate(
    string Method,
    string Entry,
    double Value,
    IReadOnlyList<CertificateTerm> Terms,
    double Kl,
    int N,
    double Delta,
    double DeltaMc,
    long McSamples,
    double McError,
    string McSampling,
    int McPasses,
    double StochasticTestError,
    double DeterministicTestError,
    int? PriorIndex,
    double PriorVariance,
    double? TrainedPriorVariance,
    double? PriorStd,
    double? ObjectiveLambda,
    int TrainingExamples,
    IReadOnlyList<TrainingOption> TrainingOptions,
    int Epochs,
    int ResumedFromEpoch,
    CertificateSeconds Seconds,
    string? DataIndexSha256,
    ulong Seed,
    string WeightsSha256,
    string CodeVersion);

/// <summary>One posterior-training option as the CLI names it.</summary>
/// <param name="Option">The option.</param>
/// <param name="Value">Its value as text.</param>
public sealed record TrainingOption(string Option, string Value);
