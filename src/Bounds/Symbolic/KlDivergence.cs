namespace BoundLab.Bounds.Symbolic;

/// <summary>The binary KL divergence and its upper inverse, the numeric core of kl⁻¹ (Langford 2005; Seeger 2002).</summary>
public static class KlDivergence
{
    // Bound on the relative rounding error of Kl, in units of 2^-53: the error analysis of the series and
    // direct branches below gives about 12; the largest seen against mpmath (60 digits, 20 000 random
    // points) was 5.2. Inverse certifies "above the root" only when Kl exceeds c by this margin.
    private const double RelativeError = 16 / 9007199254740992.0;  // 16·2^-53
    // |s| up to which h and g are summed as series in s; beyond it the direct forms cancel by at most ~4×.
    private const double SeriesLimit = 0.5;

    /// <summary>
    /// kl(q‖p) = q ln(q/p) + (1−q) ln((1−q)/(1−p)) for q, p ∈ [0, 1], with 0·ln 0 = 0; +∞ where p ∈ {0, 1} ≠ q.
    /// Relative error below 16·2^-53: it is computed as q·h(a) + (1−p)·g(b), a = (p−q)/q, b = (p−q)/(1−p),
    /// h(a) = a − ln(1+a) ≥ 0, g(b) = (1+b) ln(1+b) − b ≥ 0, a sum of two non-negative terms, so the
    /// cancellation between the two logarithms of the textbook form never happens.
    /// </summary>
    public static double Kl(double q, double p)
    {
        CheckUnit(q, nameof(q));
        CheckUnit(p, nameof(p));
        if (p == q) return 0;
        if (p == 0 || p == 1) return double.PositiveInfinity;
        double d = p - q;
        return First(q, p, d) + Second(q, p, d);
    }

    /// <summary>
    /// kl⁻¹(q, c) = sup{p ∈ [q, 1] : kl(q‖p) ≤ c}, by bisection to adjacent doubles, never below the true root:
    /// the upper end moves only to points where Kl(q, p)·(1 − 16·2^-53) &gt; c, so kl(q‖p) &gt; c there even after
    /// the rounding error of Kl. The result is at most a few ulps above the root (tests/Bounds/Symbolic/klinv_roots.csv).
    /// Closed forms: c = 0 → q; q = 1 or c = ∞ → 1.
    /// </summary>
    public static double Inverse(double q, double c)
    {
        CheckUnit(q, nameof(q));
        if (double.IsNaN(c) || c < 0)
            throw new ArgumentOutOfRangeException(nameof(c), c, "The KL budget c must be in [0, ∞].");
        if (c == 0) return q;
        if (q == 1 || double.IsPositiveInfinity(c)) return 1;
        double lo = q, hi = 1;
        while (true)
        {
            double mid = lo + (hi - lo) / 2;
            if (mid <= lo || mid >= hi) return hi;
            if (Kl(q, mid) * (1 - RelativeError) > c) hi = mid; else lo = mid;
        }
    }

    // q·h(d/q) = d + q ln(q/p). With s = a/(2 + a) = d/(p + q): h = 2 Σ_{k≥2} c_k s^k, c_k = 1 (k even), 1 − 1/k (k odd).
    private static double First(double q, double p, double d)
    {
        if (q == 0) return p;
        double s = d / (p + q);
        if (Math.Abs(s) <= SeriesLimit) return 2 * q * HSeries(s);
        double ratio = q / p;
        // q/p underflows only for subnormal q; the logarithm of the quotient is then taken as a difference.
        double log = ratio > 0 ? Math.Log(ratio) : Math.Log(q) - Math.Log(p);
        return d + q * log;
    }

    // (1−p)·g(d/(1−p)) = (1−q) ln((1−q)/(1−p)) − d. With s = b/(2 + b) = d/((1−p) + (1−q)) = d/D:
    // (1−p)·g = D Σ_{k≥2} s^k / (2⌊(k−1)/2⌋ + 1).
    private static double Second(double q, double p, double d)
    {
        if (q == 1) return -d;
        double oneMinusP = 1 - p, oneMinusQ = 1 - q, denominator = oneMinusP + oneMinusQ;
        double s = d / denominator;
        if (Math.Abs(s) <= SeriesLimit) return denominator * GSeries(s);
        return oneMinusQ * Math.Log(oneMinusQ / oneMinusP) - d;
    }

    /// <summary>Σ_{k≥2} c_k s^k, c_k = 1 (k even), 1 − 1/k (k odd), for |s| ≤ 1/2 (Horner's rule from the last term that matters).</summary>
    private static double HSeries(double s)
    {
        double acc = 0;
        for (int k = LastTerm(s); k >= 2; k--) acc = acc * s + ((k & 1) == 0 ? 1 : 1 - 1.0 / k);
        return acc * s * s;
    }

    /// <summary>Σ_{k≥2} s^k / (2⌊(k−1)/2⌋ + 1) for |s| ≤ 1/2.</summary>
    private static double GSeries(double s)
    {
        double acc = 0;
        for (int k = LastTerm(s); k >= 2; k--) acc = acc * s + 1.0 / (2 * ((k - 1) / 2) + 1);
        return acc * s * s;
    }

    /// <summary>The last k with |s|^(k−2) ≥ 2^-56 (coefficients are at most 1, so later terms are below rounding).</summary>
    private static int LastTerm(double s) => s == 0 ? 2 : 2 + (int)Math.Ceiling(56 * Math.Log(2) / -Math.Log(Math.Abs(s)));

    private static void CheckUnit(double v, string name)
    {
        if (!(v >= 0 && v <= 1))
            throw new ArgumentOutOfRangeException(name, v, $"{name} must be a probability in [0, 1].");
    }
}
