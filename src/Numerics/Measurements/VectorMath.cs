namespace BoundLab.Numerics.Measurements;

/// <summary>Small float64 vector helpers for the iterative solvers.</summary>
internal static class VectorMath
{
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++)
        {
            s += a[i] * b[i];
        }

        return s;
    }

    public static double Norm(ReadOnlySpan<double> a) => Math.Sqrt(Dot(a, a));

    /// <summary>a ← a / ‖a‖; returns ‖a‖ (a unchanged when it is zero).</summary>
    public static double Normalize(Span<double> a)
    {
        double n = Norm(a);
        if (n > 0)
        {
            for (int i = 0; i < a.Length; i++)
            {
                a[i] /= n;
            }
        }

        return n;
    }

    /// <summary>a ← a + s·b.</summary>
    public static void AddScaled(Span<double> a, double s, ReadOnlySpan<double> b)
    {
        for (int i = 0; i < a.Length; i++)
        {
            a[i] += s * b[i];
        }
    }
}
