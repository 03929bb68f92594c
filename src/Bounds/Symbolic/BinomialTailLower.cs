namespace BoundLab.Bounds.Symbolic;

/// <summary>A certified lower value of Langford's bin⁻¹ (the lower end of the bisection of <see cref="BinomialTail.Inverse"/>).</summary>
internal static class BinomialTailLower
{
    /// <summary>
    /// A double never above bin⁻¹(q, n, δ): the lower end of the bracket moves up only to p where ln P(X ≤ qn | n, p)
    /// minus its error bound exceeds an upper bound on ln δ (Math.Log padded by 4 ulps), so F(p) &gt; δ there. Arguments as for Inverse.
    /// </summary>
    public static double Inverse(double q, double n, double delta)
    {
        double upper = BinomialTail.Inverse(q, n, delta); // validates; NaN when qn is not an integer
        if (double.IsNaN(upper)) return upper;
        long count = (long)n, k = (long)Math.Round(q * n);
        if (k >= count) return 1;
        double lnDeltaHi = DirectedRounding.StepUp(Math.Log(delta), 4);
        double lo = 0, hi = upper;
        while (true)
        {
            double mid = lo + (hi - lo) / 2;
            if (mid <= lo || mid >= hi) return lo;
            var (logCdf, error) = BinomialTail.LogCdf(k, count, mid);
            if (logCdf - error > lnDeltaHi) lo = mid; else hi = mid;
        }
    }
}
