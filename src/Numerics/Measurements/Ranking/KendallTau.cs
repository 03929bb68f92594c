namespace BoundLab.Numerics.Measurements.Ranking;

/// <summary>Kendall's rank correlation between a measure and the generalization gap over runs.</summary>
public static class KendallTau
{
    // Kendall 1945 (τ-b): (n_c − n_d) / sqrt((n_0 − n_1)(n_0 − n_2)), n_0 = n(n−1)/2, n_1 / n_2 = pairs tied in x / y.
    /// <summary>τ-b with ties. Undefined (an ArgumentException) when x or y is constant.</summary>
    public static double TauB(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        (long s, long tiedX, long tiedY, long pairs) = Count(x, y);
        if (tiedX == pairs || tiedY == pairs)
        {
            throw new ArgumentException(
                $"{(tiedX == pairs ? "x" : "y")} is constant over all {x.Count} runs; Kendall τ-b is undefined.",
                tiedX == pairs ? nameof(x) : nameof(y));
        }

        return s / Math.Sqrt((double)(pairs - tiedX) * (pairs - tiedY));
    }

    // Jiang et al. 2020, Kendall's rank correlation as they define it: τ = Σ_{i≠j} sign(μ_i − μ_j)·sign(g_i − g_j) / (n(n−1)) — Kendall's τ-a.
    /// <summary>τ-a: (n_c − n_d) / (n(n−1)/2), a tie counting 0; defined for any n ≥ 2 (Jiang et al.'s τ).</summary>
    public static double TauA(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        (long s, _, _, long pairs) = Count(x, y);
        return s / (double)pairs;
    }

    private static (long Sum, long TiedX, long TiedY, long Pairs) Count(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count)
        {
            throw new ArgumentException($"x has {x.Count} values and y has {y.Count}; they must pair up.", nameof(y));
        }

        if (x.Count < 2)
        {
            throw new ArgumentException($"x has {x.Count} values; allowed: at least 2 runs.", nameof(x));
        }

        for (int i = 0; i < x.Count; i++)
        {
            if (!double.IsFinite(x[i]) || !double.IsFinite(y[i]))
            {
                throw new ArgumentException($"run {i} has ({x[i]}, {y[i]}); allowed: finite values only.", double.IsFinite(x[i]) ? nameof(y) : nameof(x));
            }
        }

        long s = 0, tx = 0, ty = 0, pairs = 0;
        for (int i = 0; i < x.Count; i++)
        {
            for (int j = i + 1; j < x.Count; j++)
            {
                int a = Math.Sign(x[i] - x[j]), b = Math.Sign(y[i] - y[j]);
                s += a * b;
                tx += a == 0 ? 1 : 0;
                ty += b == 0 ? 1 : 0;
                pairs++;
            }
        }

        return (s, tx, ty, pairs);
    }
}
