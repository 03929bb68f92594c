namespace BoundLab.Bounds.Symbolic;

/// <summary>
/// Elementary functions that .NET lacks or rounds badly: double.ExpM1 is computed as Math.Exp(x) − 1, which
/// loses every digit of e^x − 1 for |x| below 1e-8. These use the rounding-error corrections of Kahan and
/// Goldberg (Goldberg 1991, "What every computer scientist should know about floating-point arithmetic", Theorem 4).
/// </summary>
public static class Elementary
{
    /// <summary>e^x − 1, accurate to a few ulps for every x (Kahan's correction of the rounded e^x).</summary>
    public static double ExpM1(double x)
    {
        double u = Math.Exp(x);
        if (u == 1 || double.IsNaN(x)) return x;
        if (double.IsPositiveInfinity(u)) return u;
        double um1 = u - 1;
        return um1 == -1 ? -1 : um1 * x / Math.Log(u);
    }

    /// <summary>ln(1 + x) for x ≥ −1, accurate to a few ulps for small x (Goldberg's correction of the rounded 1 + x).</summary>
    public static double Log1P(double x)
    {
        double u = 1 + x;
        if (u == 1 || double.IsNaN(x)) return x;
        if (double.IsPositiveInfinity(u)) return u;
        return Math.Log(u) * x / (u - 1);
    }
}
