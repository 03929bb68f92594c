using BoundLab.Numerics.Measurements.Ranking;
using BoundLab.Studies.Results;

namespace BoundLab.Studies.Report;

/// <summary>Ranks every bound and measure of a study against the runs' generalization gaps.</summary>
/// <remarks>
/// The runs ranked for an entry are the finished runs on which it has a finite value; g = test error − train error.
/// <list type="bullet">
/// <item>Kendall τ — Jiang, Neyshabur, Mobahi, Krishnan, Bengio 2020, "Fantastic generalization measures and where to
/// find them", §2 (Kendall's rank correlation): τ = Σ_{i&lt;j} sgn(μ_i − μ_j)·sgn(g_i − g_j) / (n(n−1)/2), i.e.
/// Kendall's τ-a, a tie in μ or g counting 0. Null when fewer than 2 runs have a value, or when the gap is the same
/// on every such run (nothing to rank).</item>
/// <item>Granulated τ — Jiang et al. 2020, §2 (granulated Kendall's coefficient): Ψ = (1/|A|) Σ_{a∈A} m_a, where
/// m_a is the mean, over the groups of runs equal on every axis except a (≥ 2 runs each), of τ within the group.
/// A is the study's axes that take at least two values over the runs ranked (an axis with one value has no group
/// that varies it and is skipped), less those with no group. Null when no axis has a group.</item>
/// <item>Sign-error — Dziugaite, Drouin, Neal, Rajkumar, Caballero, Wang, Mitliagkas, Roy 2020, "In search of
/// robust measures of generalization" (coupled networks, sign-error and robust sign-error): for a pair (ω, ω′) differing on exactly one axis,
/// ℓ = ½(1 − sgn(μ(ω′) − μ(ω))·sgn(g(ω′) − g(ω))). An environment is one varied axis with every other axis fixed;
/// the robust sign-error is the max over environments of the environment's mean ℓ. Pairs with equal gaps are
/// skipped (Dziugaite et al. drop pairs whose gap difference is within noise; we drop only exact ties), a tie in μ
/// gives ½. We report the mean over all coupled pairs and the worst environment. Null when no coupled pair exists.</item>
/// </list>
/// </remarks>
public static class StudyRanking
{
    /// <summary>The ranking statistics of every entry that appears on a finished run, in ordinal id order.</summary>
    public static IReadOnlyList<EntryRanking> Compute(StudyResults results)
    {
        ArgumentNullException.ThrowIfNull(results);
        StudyRun[] finished = FinishedRuns(results);
        var ids = finished.SelectMany(r => r.Bounds).Select(b => b.Id).Distinct().Order(StringComparer.Ordinal);
        return ids.Select(id => Rank(results.Axes, finished, id)).ToArray();
    }

    /// <summary>The finished runs with a finite gap, checked to carry one value on every axis.</summary>
    internal static StudyRun[] FinishedRuns(StudyResults results)
    {
        StudyRun[] finished = results.Runs
            .Where(r => r.Status == "finished" && r.Gap is double g && double.IsFinite(g))
            .ToArray();
        foreach (StudyRun run in finished)
        {
            foreach (string axis in results.Axes)
            {
                if (!run.Axes.ContainsKey(axis))
                {
                    throw new ArgumentException(
                        $"run {run.Id} has no value on axis '{axis}'; allowed: every run carries a value on each of the study's axes ({string.Join(", ", results.Axes)}).",
                        nameof(results));
                }
            }
        }

        return finished;
    }

    /// <summary>The row of entry <paramref name="id"/> on a run, or null.</summary>
    internal static BoundRow? Row(StudyRun run, string id) => run.Bounds.FirstOrDefault(b => b.Id == id);

    /// <summary>Whether a row holds a usable value.</summary>
    internal static bool HasValue(BoundRow? row) => row is { Status: "value", Value: double v } && double.IsFinite(v);

    private static EntryRanking Rank(IReadOnlyList<string> axes, StudyRun[] finished, string id)
    {
        BoundRow first = finished.Select(r => Row(r, id)).First(b => b is not null)!;
        var valued = finished.Select(r => (Run: r, Row: Row(r, id))).Where(x => HasValue(x.Row)).ToArray();
        var reasons = new SortedDictionary<string, string>(StringComparer.Ordinal);
        int n = valued.Length;
        double[] mu = valued.Select(x => x.Row!.Value!.Value).ToArray();
        double[] gap = valued.Select(x => x.Run.Gap!.Value).ToArray();

        double? tau = null;
        GranulatedTauResult? granulated = null;
        SignErrorResult? signError = null;
        if (n < 2)
        {
            string why = $"{n} finished run{(n == 1 ? " has" : "s have")} a value; ranking needs at least 2";
            reasons["kendall_tau"] = reasons["granulated_tau"] = reasons["sign_error"] = why;
        }
        else
        {
            if (gap.All(g => g == gap[0]))
            {
                reasons["kendall_tau"] = $"the gap is {gap[0]} on all {n} runs with a value; there is no order to match";
            }
            else
            {
                tau = KendallTau.TauA(mu, gap);
            }

            string[] varying = axes.Where(a => valued.Select(x => x.Run.Axes[a]).Distinct(StringComparer.Ordinal).Count() >= 2).ToArray();
            if (varying.Length == 0)
            {
                string why = axes.Count == 0
                    ? "the study has no hyperparameter axes"
                    : $"no axis takes two values over the {n} runs with a value ({string.Join(", ", axes)} each have one)";
                reasons["granulated_tau"] = reasons["sign_error"] = why;
            }
            else
            {
                RankedRun[] ranked = valued
                    .Select((x, i) => new RankedRun(varying.Select(a => x.Run.Axes[a]).ToArray(), mu[i], gap[i]))
                    .ToArray();
                granulated = TryStat(() => GranulatedTau.Compute(varying, ranked), "granulated_tau", reasons);
                signError = TryStat(() => SignError.Compute(varying, ranked), "sign_error", reasons);
            }
        }

        return new EntryRanking(id, first.Family, first.Provenance, first.Target, n, tau, granulated, signError, reasons);
    }

    // The ranking statistics throw ArgumentException exactly when the runs have no group or coupled pair: that is a reason, not a failure.
    private static T? TryStat<T>(Func<T> compute, string name, IDictionary<string, string> reasons)
        where T : class
    {
        try
        {
            return compute();
        }
        catch (ArgumentException e)
        {
            reasons[name] = e.Message.Split(" (Parameter", 2)[0];
            return null;
        }
    }
}
