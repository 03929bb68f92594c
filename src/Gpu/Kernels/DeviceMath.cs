using ILGPU;
using ILGPU.Runtime.Cuda;

namespace BoundLab.Gpu.Kernels;

/// <summary>float64 exp, expm1, log and tanh, and a float32 multiply that is never fused, written with +, −, ×, ÷,
/// comparisons and bit casts only, so a kernel computes the same numbers on the simulator and on a GPU.</summary>
/// <remarks>Why not Math.Exp / MathF.Exp: ILGPU 1.5.3 maps MathF.Exp to <c>ex2.approx.f32</c>, MathF.Tanh to
/// <c>tanh.approx.f32</c> (relative error ≈ 2⁻¹¹) and Math.Exp/Log/Tanh (float64) to ILGPU.Algorithms' hyperbolic
/// CORDIC routines, while the CPU accelerator runs .NET's Math: a simulator test of such a kernel says nothing about
/// the GPU. Math.Max/Min are avoided too (PTX <c>max.f64</c> drops a NaN; .NET's propagates it), and so is
/// MathF.FusedMultiplyAdd (it compiles to an unresolved <c>.extern</c> function). Accuracy, checked against .NET's
/// Math and mpmath by the tests: Exp, Log and Tanh within 4 ulp on their whole range (2 ulp typical). ptxas may
/// contract a float64 multiply and add into one FMA, which changes a result by at most an ulp of float64.</remarks>
internal static class DeviceMath
{
    // ln 2 split for Cody–Waite reduction (fdlibm's constants): k·Ln2Hi is exact for |k| < 2²⁰.
    private const double Ln2Hi = 6.93147180369123816490e-01;
    private const double Ln2Lo = 1.90821492927058770002e-10;
    private const double InvLn2 = 1.44269504088896338700e+00;

    // Beyond these exp overflows to +∞ / underflows to 0 (in float64).
    private const double ExpOverflow = 709.782712893383973096;
    private const double ExpUnderflow = -745.13321910194110842;

    /// <summary>a·b rounded once to float32, never contracted with a following add into an FMA (PTX
    /// <c>mul.rn.f32</c>; a plain <c>mul.f32</c> may be fused by ptxas): what the CPU's separate multiply gives.</summary>
    public static float MulRn(float a, float b)
    {
        if (CudaAsm.IsSupported)
        {
            CudaAsm.Emit("mul.rn.f32 %0, %1, %2;", out float r, a, b);
            return r;
        }

        return a * b;
    }

    /// <summary>e^x in float64 (NaN → NaN, +∞ → +∞, −∞ → 0).</summary>
    public static double Exp(double x)
    {
        if (double.IsNaN(x))
        {
            return x;
        }

        if (x > ExpOverflow)
        {
            return double.PositiveInfinity;
        }

        if (x < ExpUnderflow)
        {
            return 0;
        }

        int k = Nearest(x * InvLn2);
        double r = Reduce(x, k);
        return ScaleByPowerOfTwo(1 + Expm1Reduced(r), k);
    }

    /// <summary>e^x − 1 in float64 with relative accuracy near 0, for |x| ≤ 2 (tanh's small-argument branch).</summary>
    public static double Expm1Small(double x)
    {
        int k = Nearest(x * InvLn2);
        double p = Expm1Reduced(Reduce(x, k));
        if (k == 0)
        {
            return p;
        }

        double s = ScaleByPowerOfTwo(1, k);
        return s * p + (s - 1);
    }

    /// <summary>ln x in float64 (x &lt; 0 or NaN → NaN, 0 → −∞, +∞ → +∞; subnormals handled).</summary>
    public static double Log(double x)
    {
        if (double.IsNaN(x) || x < 0)
        {
            return double.NaN;
        }

        if (x == 0)
        {
            return double.NegativeInfinity;
        }

        if (x == double.PositiveInfinity)
        {
            return x;
        }

        int shift = 0;
        if (x < 2.2250738585072014e-308)
        {
            x *= 18014398509481984.0; // 2⁵⁴: a subnormal becomes normal
            shift = 54;
        }

        ulong bits = Interop.FloatAsInt(x);
        int e = (int)((bits >> 52) & 0x7FF) - 1023 - shift;
        double m = Interop.IntAsFloat((bits & 0x000F_FFFF_FFFF_FFFFUL) | 0x3FF0_0000_0000_0000UL);
        if (m > 1.4142135623730951)
        {
            m *= 0.5;
            e++;
        }

        // ln m = 2·atanh(f), f = (m − 1)/(m + 1), |f| ≤ 0.1716: 2f + 2f·s·(1/3 + s/5 + …), s = f².
        double f = (m - 1) / (m + 1);
        double s = f * f;
        double series = 1.0 / 23;
        series = series * s + 1.0 / 21;
        series = series * s + 1.0 / 19;
        series = series * s + 1.0 / 17;
        series = series * s + 1.0 / 15;
        series = series * s + 1.0 / 13;
        series = series * s + 1.0 / 11;
        series = series * s + 1.0 / 9;
        series = series * s + 1.0 / 7;
        series = series * s + 1.0 / 5;
        series = series * s + 1.0 / 3;
        double twoF = 2 * f;
        double lnM = twoF + twoF * s * series;
        return e * Ln2Hi + (lnM + e * Ln2Lo);
    }

    /// <summary>tanh x in float64 (±0 keeps its sign, NaN → NaN).</summary>
    public static double Tanh(double x)
    {
        if (double.IsNaN(x))
        {
            return x;
        }

        bool negative = (Interop.FloatAsInt(x) >> 63) != 0;
        double a = negative ? -x : x;
        double t;
        if (a > 22)
        {
            t = 1; // 1 − tanh 22 < 2⁻⁶²
        }
        else if (a >= 0.5493061443340549)
        {
            // tanh a = 1 − 2/(e^{2a} + 1), no cancellation for tanh a ≥ ½.
            t = 1 - 2 / (Exp(2 * a) + 1);
        }
        else
        {
            double e = Expm1Small(2 * a);
            t = e / (e + 2);
        }

        return negative ? -t : t;
    }

    /// <summary>σ(z) = 1/(1 + e^(−z)) for z ≥ 0, e^z/(1 + e^z) below: <see cref="BoundLab.Numerics.Backends.ActivationLaws.Sigmoid"/>'s two branches.</summary>
    public static double Sigmoid(double z)
    {
        if (z >= 0)
        {
            return 1 / (1 + Exp(-z));
        }

        double e = Exp(z);
        return e / (1 + e);
    }

    // k = round(v) (half away from zero), |v| < 2³¹.
    private static int Nearest(double v) => (int)(v < 0 ? v - 0.5 : v + 0.5);

    // r = x − k·ln 2 in two steps, |r| ≤ ½ ln 2 (+ rounding).
    private static double Reduce(double x, int k) => (x - k * Ln2Hi) - k * Ln2Lo;

    // e^r − 1 for |r| ≤ 0.35: Taylor to r¹⁴/14! (the next term is below 2⁻⁵⁶·|r|), in Horner form r·(1 + r·(1/2 + …)).
    private static double Expm1Reduced(double r)
    {
        double q = 1.0 / 87178291200;
        q = q * r + 1.0 / 6227020800;
        q = q * r + 1.0 / 479001600;
        q = q * r + 1.0 / 39916800;
        q = q * r + 1.0 / 3628800;
        q = q * r + 1.0 / 362880;
        q = q * r + 1.0 / 40320;
        q = q * r + 1.0 / 5040;
        q = q * r + 1.0 / 720;
        q = q * r + 1.0 / 120;
        q = q * r + 1.0 / 24;
        q = q * r + 1.0 / 6;
        q = q * r + 0.5;
        q = q * r + 1;
        return q * r;
    }

    // y·2^k for y ∈ [½, 2], −1080 ≤ k ≤ 1025: in two exact power-of-two factors, so a subnormal result is
    // rounded once and an overflowing one becomes +∞.
    private static double ScaleByPowerOfTwo(double y, int k)
    {
        if (k > 1023)
        {
            return y * PowerOfTwo(1023) * PowerOfTwo(k - 1023);
        }

        if (k < -1022)
        {
            return y * PowerOfTwo(k + 60) * PowerOfTwo(-60);
        }

        return y * PowerOfTwo(k);
    }

    // 2^k for −1022 ≤ k ≤ 1023, from its bits.
    private static double PowerOfTwo(int k) => Interop.IntAsFloat((ulong)(k + 1023) << 52);
}
