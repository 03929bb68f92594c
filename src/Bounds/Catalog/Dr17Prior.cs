namespace BoundLab.Bounds.Catalog;

/// <summary>The KL term of Dziugaite &amp; Roy's bound and the KL divergence itself, from the posterior's statistics.</summary>
/// <param name="J">The grid index j used.</param>
/// <param name="Lambda">The prior variance λ = c·exp(−j/b) at that index.</param>
/// <param name="Kl">KL(N(w, diag s) ‖ N(w₀, λI)) in nats.</param>
public sealed record Dr17Kl(int J, double Lambda, double Kl);

/// <summary>
/// Dziugaite &amp; Roy (2017), Section 3 and released code (gkdziugaite/pacbayes-opt, snn/core/network.py): prior
/// N(w₀, λI) with λ on the grid c·exp(−j/b), c = 0.1, b = 100, posterior N(w, diag(s)), and
/// 2 KL = (‖w − w₀‖² + Σ s)/λ − Σ ln s + P ln λ − P. The optimized λ is moved to the neighbouring grid
/// indices ⌊j⌋ and ⌈j⌉, as the released code does, and the one with the smaller bound term KL + 2 ln j is kept.
/// </summary>
public static class Dr17Prior
{
    /// <summary>c in λ = c·exp(−j/b).</summary>
    public const double Base = 0.1;
    /// <summary>b in λ = c·exp(−j/b).</summary>
    public const double Precision = 100;

    /// <summary>The prior variance at grid index j ≥ 1.</summary>
    public static double Lambda(int j)
    {
        if (j < 1)
            throw new ArgumentOutOfRangeException(nameof(j), j, "The grid index j must be an integer ≥ 1.");
        return Base * Math.Exp(-j / Precision);
    }

    /// <summary>KL(N(w, diag s) ‖ N(w₀, λI)) from ‖w − w₀‖², Σ s_i, Σ ln s_i and the parameter count P.</summary>
    public static double Kl(double squaredDistance, double sumVariance, double sumLogVariance, long parameters, double lambda)
    {
        if (!(squaredDistance >= 0) || !double.IsFinite(squaredDistance))
            throw new ArgumentOutOfRangeException(nameof(squaredDistance), squaredDistance, "‖w − w₀‖² must be a finite number ≥ 0.");
        if (!(sumVariance > 0) || !double.IsFinite(sumVariance))
            throw new ArgumentOutOfRangeException(nameof(sumVariance), sumVariance, "Σ s must be a finite number > 0.");
        if (!double.IsFinite(sumLogVariance))
            throw new ArgumentOutOfRangeException(nameof(sumLogVariance), sumLogVariance, "Σ ln s must be finite.");
        if (parameters < 1)
            throw new ArgumentOutOfRangeException(nameof(parameters), parameters, "The parameter count P must be ≥ 1.");
        if (!(lambda > 0) || !double.IsFinite(lambda))
            throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "The prior variance λ must be a finite number > 0.");
        return 0.5 * ((squaredDistance + sumVariance) / lambda - sumLogVariance + parameters * Math.Log(lambda) - parameters);
    }

    /// <summary>
    /// The grid index and KL for an optimized prior variance λ &lt; c: j = b·ln(c/λ) rounded down and up, keeping
    /// the index with the smaller KL + 2 ln j (the j-dependent part of the bound).
    /// </summary>
    public static Dr17Kl Discretize(double squaredDistance, double sumVariance, double sumLogVariance, long parameters, double lambda)
    {
        if (!(lambda > 0) || !(lambda < Base * Math.Exp(-1 / Precision)))
            throw new ArgumentOutOfRangeException(nameof(lambda), lambda, $"λ must lie in (0, {Base}·e^(−1/{Precision})] so that the grid index j ≥ 1.");
        double j = Precision * Math.Log(Base / lambda);
        var candidates = new[] { (int)Math.Floor(j), (int)Math.Ceiling(j) }
            .Where(k => k >= 1)
            .Distinct()
            .Select(k => new Dr17Kl(k, Lambda(k), Kl(squaredDistance, sumVariance, sumLogVariance, parameters, Lambda(k))));
        return candidates.MinBy(c => c.Kl + 2 * Math.Log(c.J))!;
    }
}
