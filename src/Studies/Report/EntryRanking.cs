using BoundLab.Numerics.Measurements.Ranking;

namespace BoundLab.Studies.Report;

/// <summary>How one catalog entry (bound or measure) ranks the finished runs of a study against their gaps.</summary>
/// <param name="Id">Entry id.</param>
/// <param name="Family">Family wire name.</param>
/// <param name="Provenance">verified, unverified or measure.</param>
/// <param name="Target">test-error, expected-gap or measure.</param>
/// <param name="Runs">Finished runs on which the entry has a finite value (the runs ranked).</param>
/// <param name="KendallTau">Jiang et al.'s τ (Kendall's τ-a) of the value with the gap; null with a reason in <paramref name="Reasons"/>.</param>
/// <param name="GranulatedTau">Jiang et al.'s granulated τ Ψ and its per-axis terms; null with a reason.</param>
/// <param name="SignError">Dziugaite et al.'s sign-error (mean over coupled pairs, worst environment); null with a reason.</param>
/// <param name="Reasons">Statistic name (kendall_tau, granulated_tau, sign_error) → why it is null; only for null ones.</param>
public sealed record EntryRanking(string Id, string Family, string Provenance, string Target, int Runs,
    double? KendallTau, GranulatedTauResult? GranulatedTau, SignErrorResult? SignError,
    IReadOnlyDictionary<string, string> Reasons);
