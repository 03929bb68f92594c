namespace BoundLab.Bounds.Symbolic;

/// <summary>The binary KL divergence and its upper inverse, the numeric core of kl⁻¹ (Langford 2005; Seeger 2002).</summary>
public static class KlDivergence
{
    // u = 2^-53, the unit roundoff. Each term of Kl carries a bound on its rounding error: 16u relative for the
    // series branches (the error analysis gives about 12u; the largest total error seen against mpmath at
    // 60 digits on 20 000 random points was 5.2u), and for the direct branches twice the first-order bound
    // of their operations. Inverse certifies "above the root" only where Kl minus that bound exceeds c.
    private const double U = 1 / 9007199254740992.0;
    private const double SeriesError = 16 * U;
    // |s| up to which h and g are summed as series in s; beyond it the direct forms cancel by at most ~4×.
    private const double SeriesLimit = 0.5;

    /// <summary>
    /// kl(q‖p) = q ln(q/p) + (1−q) ln((1−q)/(1−p)) for q, p ∈ [0, 1], with 0·ln 0 = 0; +∞ where p ∈ {0, 1} ≠ q.
    /// Relative error below 16·2^-53 (see KlWithError): it is computed as q·h(a) + (1−p)·g(b), a = (p−q)/q, b = (p−q)/(1−p),
    /// h(a) = a − ln(1+a) ≥ 0, g(b) = (1+b) ln(1+b) − b ≥ 0, a sum of two non-negative terms, so the
    /// cancellation between the two logarithms of the textbook form never happens.
    /// </summary>
    public static double Kl(double q, double p)
    {
        CheckUnit(q, nameof(q));
        CheckUnit(p, nameof(p));
        return KlWithError(q, p).Value;
    }

    /// <summary>kl(q‖p) and a bound on its absolute rounding error (arguments already checked).</summary>
    private static (double Value, double Error) KlWithError(double q, double p)
    {
        if (p == q) return (0, 0);
        if (p == 0 || p == 1) return (double.PositiveInfinity, 0);
        double d = p - q;
        var (a, ea) = First(q, p, d);
        var (b, eb) = Second(q, p, d);
        return (a + b, ea + eb + U * (a + b));
    }

    /// <summary>
    /// kl⁻¹(q, c) = sup{p ∈ [q, 1] : kl(q‖p) ≤ c}, by bisection to adjacent doubles, never below the true root:
    /// the upper end moves only to points where Kl(q, p) minus a bound on its rounding error exceeds c, so
    /// kl(q‖p) &gt; c there. The result is at most 8 ulps above the root on tests/Bounds/Symbolic/klinv_roots.csv.
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
            var (kl, error) = KlWithError(q, mid);
            if (kl - error > c) hi = mid; else lo = mid;
        }
    }

    /// <summary>
    /// A double never above kl⁻¹(q, c): the lower end of the same bisection as <see cref="Inverse"/>, which moves up
    /// only to points where Kl(q, p) plus its rounding-error bound is below c, so kl(q‖p) &lt; c there (arguments as for Inverse).
    /// </summary>
    public static double InverseLower(double q, double c)
    {
        CheckUnit(q, nameof(q));
        if (double.IsNaN(c) || c < 0)
            throw new ArgumentOutOfRangeException(nameof(c), c, "The KL budget c must be in [0, ∞].");
        if (c == 0 || q == 1) return q;
        if (double.IsPositiveInfinity(c)) return 1;
        double lo = q, hi = 1;
        while (true)
        {
            double mid = lo + (hi - lo) / 2;
            if (mid <= lo || mid >= hi) return lo;
            var (kl, error) = KlWithError(q, mid);
            if (kl + error < c) lo = mid; else hi = mid;
        }
    }

    // q·h(d/q) = d + q ln(q/p). With s = a/(2 + a) = d/(p + q): h = 2 Σ_{k≥2} c_k s^k, c_k = 1 (k even), 1 − 1/k (k odd).
    private static (double Value, double Error) First(double q, double p, double d)
    {
        if (q == 0) return (p, 0);
        double s = d / (p + q);
        if (Math.Abs(s) <= SeriesLimit)
        {
            double v = 2 * q * HSeries(s);
            return (v, SeriesError * v);
        }
        double ratio = q / p;
        // q/p underflows only for subnormal q; the logarithm of the quotient is then taken as a difference.
        double log = ratio > 0 ? Math.Log(ratio) : Math.Log(q) - Math.Log(p);
        double value = d + q * log;
        // d: u|d|; the rounded q/p: u absolute in the log; the log: u|log|; the product: u|q log|; the sum: u|value|.
        return (value, 2 * U * (Math.Abs(d) + q * (1 + Math.Abs(log)) + Math.Abs(q * log) + Math.Abs(value)));
    }

    // (1−p)·g(d/(1−p)) = (1−q) ln((1−q)/(1−p)) − d. With s = b/(2 + b) = d/((1−p) + (1−q)) = d/D:
    // (1−p)·g = D Σ_{k≥2} s^k / (2⌊(k−1)/2⌋ + 1).
    private static (double Value, double Error) Second(double q, double p, double d)
    {
        if (q == 1) return (-d, 0);
        double oneMinusP = 1 - p, oneMinusQ = 1 - q, denominator = oneMinusP + oneMinusQ;
        double s = d / denominator;
        if (Math.Abs(s) <= SeriesLimit)
        {
            double v = denominator * GSeries(s);
            return (v, SeriesError * v);
        }
        double log = Math.Log(oneMinusQ / oneMinusP);
        double product = oneMinusQ * log, value = product - d;
        // 1 − q, 1 − p and their ratio: 3u absolute in the log; the log: u|log|; 1 − q and the product: 2u|product|; d and the sum.
        return (value, 2 * U * (oneMinusQ * (3 + Math.Abs(log)) + 2 * Math.Abs(product) + Math.Abs(d) + Math.Abs(value)));
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
