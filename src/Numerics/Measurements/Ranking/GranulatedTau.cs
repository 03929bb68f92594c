namespace BoundLab.Numerics.Measurements.Ranking;

/// <summary>Jiang et al.'s τ along one hyperparameter axis.</summary>
/// <param name="Axis">The axis name.</param>
/// <param name="Tau">m_i: the mean over groups (runs equal on every other axis, ≥ 2 runs) of τ-a within the group.</param>
/// <param name="Groups">How many groups entered the mean.</param>
public sealed record AxisTau(string Axis, double Tau, int Groups);

/// <summary>The granulated Kendall coefficient and its per-axis terms.</summary>
/// <param name="Value">Ψ = mean over the axes that have a group of the per-axis τ.</param>
/// <param name="PerAxis">One entry per axis with at least one group, in the axes' order.</param>
public sealed record GranulatedTauResult(double Value, IReadOnlyList<AxisTau> PerAxis);

// Jiang et al. 2020, "Fantastic generalization measures", granulated Kendall coefficient: Ψ = (1/n) Σ_i m_i, m_i = mean over θ_{−i} of τ(μ, g) over runs varying only axis i.
/// <summary>Jiang et al. 2020's granulated Kendall coefficient Ψ.</summary>
/// <remarks>Within a group τ is Jiang et al.'s own τ (Kendall's τ-a: ties count 0), which is defined
/// for every group of ≥ 2 runs. On an incomplete grid a group of one run has no pair and is skipped, and an
/// axis with no group is left out of the mean; Jiang et al.'s grids are complete, where this changes nothing.</remarks>
public static class GranulatedTau
{
    /// <summary>Ψ over runs labelled by their values on <paramref name="axes"/>.</summary>
    public static GranulatedTauResult Compute(IReadOnlyList<string> axes, IReadOnlyList<RankedRun> runs)
    {
        RankedRun.Check(axes, runs);
        var perAxis = new List<AxisTau>();
        for (int a = 0; a < axes.Count; a++)
        {
            var taus = new List<double>();
            foreach (var group in runs.GroupBy(r => r.KeyWithout(a), StringComparer.Ordinal))
            {
                RankedRun[] g = group.ToArray();
                if (g.Length >= 2)
                {
                    taus.Add(KendallTau.TauA(g.Select(r => r.Measure).ToArray(), g.Select(r => r.Gap).ToArray()));
                }
            }

            if (taus.Count > 0)
            {
                perAxis.Add(new AxisTau(axes[a], taus.Average(), taus.Count));
            }
        }

        if (perAxis.Count == 0)
        {
            throw new ArgumentException(
                $"no two of the {runs.Count} runs differ in exactly one hyperparameter; the granulated τ needs such a pair.", nameof(runs));
        }

        return new GranulatedTauResult(perAxis.Average(p => p.Tau), perAxis);
    }
}
