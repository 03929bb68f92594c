namespace BoundLab.Bounds.Symbolic;

/// <summary>The binary KL divergence and its upper inverse, the numeric core of kl⁻¹ (Langford 2005; Seeger 2002).</summary>
public static class KlDivergence
{
    /// <summary>kl(q‖p) = q ln(q/p) + (1−q) ln((1−q)/(1−p)) for q, p ∈ [0, 1], with 0·ln 0 = 0; +∞ where p ∈ {0, 1} ≠ q.</summary>
    public static double Kl(double q, double p)
    {
        CheckUnit(q, nameof(q));
        CheckUnit(p, nameof(p));
        if (p == q) return 0;
        if (p == 0 || p == 1) return double.PositiveInfinity;
        // Written with log1p of the relative differences so that the two ±(p−q) leading terms cancel
        // without losing the O((p−q)²) result, which matters for small c in the inverse.
        double d = p - q;
        double first = q == 0 ? 0 : -q * Elementary.Log1P(d / q);
        double second = q == 1 ? 0 : (1 - q) * Elementary.Log1P(d / (1 - p));
        return Math.Max(0, first + second);
    }

    /// <summary>
    /// kl⁻¹(q, c) = sup{p ∈ [q, 1] : kl(q‖p) ≤ c}, by bisection to adjacent doubles, returning the UPPER end of
    /// the final bracket so the certificate is never below the true root: kl(q‖result) &gt; c or result = 1.
    /// Closed forms: c = 0 → q; q = 0 → 1 − e^(−c) (rounded up); q = 1 or c = ∞ → 1.
    /// </summary>
    public static double Inverse(double q, double c)
    {
        CheckUnit(q, nameof(q));
        if (double.IsNaN(c) || c < 0)
            throw new ArgumentOutOfRangeException(nameof(c), c, "The KL budget c must be in [0, ∞].");
        if (c == 0) return q;
        if (q == 1 || double.IsPositiveInfinity(c)) return 1;
        if (q == 0)
            // −expm1(−c) rounded to nearest may fall one ulp short of 1 − e^(−c); step up one ulp to stay above it.
            return Math.Min(1, Math.BitIncrement(-Elementary.ExpM1(-c)));
        double lo = q, hi = 1;
        while (true)
        {
            double mid = lo + (hi - lo) / 2;
            if (mid <= lo || mid >= hi) return hi;
            if (Kl(q, mid) > c) hi = mid; else lo = mid;
        }
    }

    private static void CheckUnit(double v, string name)
    {
        if (!(v >= 0 && v <= 1))
            throw new ArgumentOutOfRangeException(name, v, $"{name} must be a probability in [0, 1].");
    }
}
