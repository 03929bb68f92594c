namespace BoundLab.Bounds.Symbolic;

/// <summary>
/// The binomial lower tail and Langford's binomial-tail inversion (Langford 2005, "Tutorial on practical prediction
/// theory for classification", the test-set bound): Bin⁻¹(q, n, δ) = sup{p ∈ [0, 1] : P(X ≤ qn | X ~ Bin(n, p)) ≥ δ},
/// the exact test-set bound (no Chernoff relaxation).
/// </summary>
public static class BinomialTail
{
    // Absolute rounding error of ln F, per unit of the magnitudes it is built from: ≈ 18 ulp. Counting roundings in
    // LogCdf (compensated sum of the ln C steps ≤ 2 ulp·Σ|step| plus 1 ulp a division; j ln p ≤ 2 ulp; (n − j) ln(1 − p)
    // ≤ 5 ulp with Log1P's few ulps; the log-sum-exp ≤ (k + 3) ulp) gives coefficients ≤ 7 ulp, so this is a safe bound.
    // An undecided comparison "F(p) ≥ δ" moves the bracket up, never down.
    private const double Slack = 4e-15;

    /// <summary>ln P(X ≤ k) for X ~ Bin(n, p), with a bound on its absolute rounding error (see the class remarks).</summary>
    public static (double LogCdf, double ErrorBound) LogCdf(long k, long n, double p)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, "n must be an integer ≥ 1.");
        if (k < 0 || k > n) throw new ArgumentOutOfRangeException(nameof(k), k, $"k must be an integer in [0, n = {n}].");
        if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "p must be a probability in [0, 1].");
        if (k == n || p == 0) return (0, 0);
        if (p == 1) return (double.NegativeInfinity, 0);
        double lnP = Math.Log(p), lnQ = Elementary.Log1P(-p);
        // ln t_j = ln C(n, j) + j ln p + (n − j) ln(1 − p), j = 0 … k, with ln C(n, j) accumulated term by term.
        var logs = new double[k + 1];
        double lnC = 0, compensation = 0, magnitude = 0, max = double.NegativeInfinity;
        for (long j = 0; j <= k; j++)
        {
            if (j > 0)
            {
                // Neumaier's compensated summation keeps the error of ln C(n, j) at ~2 ulp of Σ|step|, not j ulp of it.
                double step = Math.Log((double)(n - j + 1) / j);
                double sumNext = lnC + step;
                compensation += Math.Abs(lnC) >= Math.Abs(step) ? (lnC - sumNext) + step : (step - sumNext) + lnC;
                lnC = sumNext;
                magnitude += Math.Abs(step);
            }
            double t = (lnC + compensation) + j * lnP + (n - j) * lnQ;
            logs[j] = t;
            if (t > max) max = t;
        }
        double sum = 0;
        foreach (double t in logs) sum += Math.Exp(t - max);
        double value = max + Math.Log(sum);
        double error = Slack * (magnitude + k * Math.Abs(lnP) + n * Math.Abs(lnQ) + Math.Abs(value) + k + 1);
        return (value, error);
    }

    /// <summary>
    /// Bin⁻¹(q, n, δ) for an error rate q with qn an integer (within 1e-9), computed by bisection over doubles that
    /// returns the upper end of the final bracket: the result is never below the true inverse, because the bracket
    /// moves down only where ln P(X ≤ qn) is certainly below ln δ. NaN when qn is not an integer.
    /// </summary>
    public static double Inverse(double q, double n, double delta)
    {
        if (!(q >= 0 && q <= 1)) throw new ArgumentOutOfRangeException(nameof(q), q, "q must be an error rate in [0, 1].");
        if (!(n >= 1) || Math.Floor(n) != n || n > 1e12) throw new ArgumentOutOfRangeException(nameof(n), n, "n must be an integer in [1, 10¹²].");
        if (!(delta > 0 && delta < 1)) throw new ArgumentOutOfRangeException(nameof(delta), delta, "δ must be in the open interval (0, 1).");
        double kReal = q * n;
        double kRound = Math.Round(kReal);
        if (Math.Abs(kReal - kRound) > 1e-9 * Math.Max(1, kReal)) return double.NaN;
        long k = (long)kRound, count = (long)n;
        if (k >= count) return 1;
        double lnDelta = Math.Log(delta);
        double lo = 0, hi = 1;
        while (true)
        {
            double mid = lo + (hi - lo) / 2;
            if (mid <= lo || mid >= hi) return hi;
            var (logCdf, error) = LogCdf(k, count, mid);
            if (logCdf >= lnDelta - error - Slack * Math.Abs(lnDelta)) lo = mid; else hi = mid;
        }
    }
}
