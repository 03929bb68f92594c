namespace BoundLab.Bounds.Symbolic;

/// <summary>
/// +, ×, ÷ and √ rounded down or up, for .NET, which has no directed rounding modes. Each op is computed
/// round-to-nearest, and the sign of its exact rounding error is read off an error-free transformation
/// (TwoSum for +; the FMA residuals a·b − p, a − q·b and x − s² for ×, ÷, √: Boldo and Muller 2011,
/// "Exact and approximated error of the FMA"), so the result moves by one ulp only when it is inexact in the
/// wrong direction. Where a residual may itself underflow (results below 2^-960 in magnitude) the result
/// steps one ulp unconditionally, which is sound because a correctly rounded result is within half an ulp.
/// </summary>
internal static class DirectedRounding
{
    // Below this magnitude the residual of ×, ÷, √ may fall into the subnormal range and be inexact.
    private const double Tiny = 1e-289;

    public static double AddDown(double a, double b) => Add(a, b, down: true);

    public static double AddUp(double a, double b) => Add(a, b, down: false);

    public static double MulDown(double a, double b) => Mul(a, b, down: true);

    public static double MulUp(double a, double b) => Mul(a, b, down: false);

    public static double DivDown(double a, double b) => Div(a, b, down: true);

    public static double DivUp(double a, double b) => Div(a, b, down: false);

    public static double SqrtDown(double x) => Sqrt(x, down: true);

    public static double SqrtUp(double x) => Sqrt(x, down: false);

    /// <summary>v stepped down k ulps (for libm results with a documented error of fewer than k ulps).</summary>
    public static double StepDown(double v, int k)
    {
        for (int i = 0; i < k; i++) v = Math.BitDecrement(v);
        return v;
    }

    /// <summary>v stepped up k ulps.</summary>
    public static double StepUp(double v, int k)
    {
        for (int i = 0; i < k; i++) v = Math.BitIncrement(v);
        return v;
    }

    private static double Add(double a, double b, bool down)
    {
        double s = a + b;
        if (!double.IsFinite(s)) return double.IsFinite(a) && double.IsFinite(b) ? Overflow(s, down) : s;
        double bb = s - a;
        double error = (a - (s - bb)) + (b - bb); // exact: a + b = s + error (Knuth's TwoSum)
        return Direct(s, error, down);
    }

    private static double Mul(double a, double b, bool down)
    {
        if (a == 0 || b == 0) return 0; // also 0 × ∞ = 0, the interval convention
        double p = a * b;
        if (!double.IsFinite(p)) return double.IsFinite(a) && double.IsFinite(b) ? Overflow(p, down) : p;
        if (Math.Abs(p) < Tiny) return down ? Math.BitDecrement(p) : Math.BitIncrement(p);
        return Direct(p, Math.FusedMultiplyAdd(a, b, -p), down);
    }

    // b ≠ 0 (the caller handles divisors whose enclosure contains 0).
    private static double Div(double a, double b, bool down)
    {
        if (a == 0) return 0;
        double q = a / b;
        if (double.IsInfinity(b) && double.IsFinite(a)) return 0;
        if (!double.IsFinite(q)) return double.IsFinite(a) && double.IsFinite(b) ? Overflow(q, down) : q;
        if (Math.Abs(q) < Tiny || Math.Abs(a) < Tiny) return down ? Math.BitDecrement(q) : Math.BitIncrement(q);
        double r = Math.FusedMultiplyAdd(-q, b, a); // exact: a − q·b, so a/b − q has the sign of r/b
        return Direct(q, r == 0 ? 0 : (r > 0) == (b > 0) ? 1 : -1, down);
    }

    private static double Sqrt(double x, bool down)
    {
        double s = Math.Sqrt(x);
        if (x == 0 || double.IsPositiveInfinity(x)) return s;
        if (x < Tiny) return down ? Math.BitDecrement(s) : Math.BitIncrement(s);
        return Direct(s, Math.FusedMultiplyAdd(-s, s, x), down); // exact: x − s², the sign of √x − s
    }

    // The rounded value r of an exact value r + error, rounded in the asked direction.
    private static double Direct(double r, double error, bool down) =>
        down ? (error < 0 ? Math.BitDecrement(r) : r) : (error > 0 ? Math.BitIncrement(r) : r);

    // A finite operation that overflowed to ±∞: the exact value lies beyond ±MaxValue.
    private static double Overflow(double r, bool down) =>
        r > 0 ? (down ? double.MaxValue : r) : (down ? r : -double.MaxValue);
}
