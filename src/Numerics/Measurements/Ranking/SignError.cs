namespace BoundLab.Numerics.Measurements.Ranking;

/// <summary>The sign-error in one environment: the pairs of runs that differ only on <see cref="Axis"/>,
/// with every other axis fixed at <see cref="Fixed"/>.</summary>
/// <param name="Axis">The varied hyperparameter.</param>
/// <param name="Fixed">The other axes' values (axis order, <see cref="Axis"/> left out).</param>
/// <param name="Value">Mean sign-error over the environment's pairs.</param>
/// <param name="Pairs">Pairs counted.</param>
public sealed record EnvironmentSignError(string Axis, IReadOnlyList<string> Fixed, double Value, int Pairs);

/// <summary>Sign-error over all coupled pairs, its worst case over environments, and each environment.</summary>
/// <param name="Mean">Mean over all pairs (every pair weighs the same).</param>
/// <param name="Worst">Max over environments (Dziugaite et al.'s robust sign-error).</param>
/// <param name="Environments">Every environment with at least one pair.</param>
public sealed record SignErrorResult(double Mean, double Worst, IReadOnlyList<EnvironmentSignError> Environments);

// Dziugaite et al. 2020, "In search of robust measures of generalization" (coupled networks; robust sign-error = sup over environments): for a coupled pair (ω, ω′) differing in one
// hyperparameter, ℓ = ½(1 − sgn(C(ω′) − C(ω)) · sgn(g(ω′) − g(ω))).
/// <summary>Dziugaite et al. 2020's sign-error of a measure C against the gap g over coupled pairs of runs.</summary>
/// <remarks>An environment is one varied axis plus fixed values of all the others; its pairs are all unordered
/// pairs of runs in it whose values on the varied axis differ. A tie in C or in g gives ½ (sgn 0 = 0). Dziugaite
/// et al. drop pairs whose gap difference is within Monte-Carlo noise: <c>minGapDifference</c> does that —
/// pairs with |g(ω′) − g(ω)| ≤ minGapDifference are skipped (default 0 skips only exact gap ties).</remarks>
public static class SignError
{
    /// <summary>Sign-errors over runs labelled by their values on <paramref name="axes"/>.</summary>
    public static SignErrorResult Compute(IReadOnlyList<string> axes, IReadOnlyList<RankedRun> runs, double minGapDifference = 0)
    {
        RankedRun.Check(axes, runs);
        if (!(minGapDifference >= 0 && double.IsFinite(minGapDifference)))
        {
            throw new ArgumentOutOfRangeException(nameof(minGapDifference), minGapDifference, "allowed: finite and ≥ 0");
        }

        var environments = new List<EnvironmentSignError>();
        double total = 0;
        int totalPairs = 0;
        for (int a = 0; a < axes.Count; a++)
        {
            foreach (var group in runs.GroupBy(r => r.KeyWithout(a), StringComparer.Ordinal))
            {
                RankedRun[] g = group.ToArray();
                double sum = 0;
                int pairs = 0;
                for (int i = 0; i < g.Length; i++)
                {
                    for (int j = i + 1; j < g.Length; j++)
                    {
                        double dg = g[j].Gap - g[i].Gap;
                        if (g[i].Hyperparameters[a] == g[j].Hyperparameters[a] || Math.Abs(dg) <= minGapDifference)
                        {
                            continue;
                        }

                        sum += 0.5 * (1 - Math.Sign(g[j].Measure - g[i].Measure) * Math.Sign(dg));
                        pairs++;
                    }
                }

                if (pairs > 0)
                {
                    environments.Add(new EnvironmentSignError(
                        axes[a], g[0].Hyperparameters.Where((_, i) => i != a).ToArray(), sum / pairs, pairs));
                    total += sum;
                    totalPairs += pairs;
                }
            }
        }

        if (totalPairs == 0)
        {
            throw new ArgumentException(
                $"no pair of the {runs.Count} runs differs in exactly one hyperparameter with a gap difference above {minGapDifference}; the sign-error needs one.", nameof(runs));
        }

        return new SignErrorResult(total / totalPairs, environments.Max(e => e.Value), environments);
    }
}
