using System.Numerics;
using System.Runtime.Intrinsics;

namespace BoundLab.Numerics.Optimizers;

/// <summary>Vectorized parameter updates shared by the optimizers. Element-wise, so the result does not
/// depend on the vector width beyond float rounding of the same expression (each lane computes exactly
/// the scalar formula).</summary>
internal static class Update
{
    /// <summary>w ← w − η·(g + wd·w).</summary>
    public static void Descend(float[] w, float[] g, float lr, float wd)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vlr = new Vector<float>(lr);
            var vwd = new Vector<float>(wd);
            for (; i <= w.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var vw = new Vector<float>(w, i);
                var vg = new Vector<float>(g, i);
                (vw - vlr * (vg + vwd * vw)).CopyTo(w, i);
            }
        }

        for (; i < w.Length; i++)
        {
            w[i] -= lr * (g[i] + wd * w[i]);
        }
    }

    /// <summary>v ← μ·v + (g + wd·w); w ← w − η·v.</summary>
    public static void MomentumDescend(float[] w, float[] g, float[] v, float lr, float mu, float wd)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vlr = new Vector<float>(lr);
            var vmu = new Vector<float>(mu);
            var vwd = new Vector<float>(wd);
            for (; i <= w.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var vw = new Vector<float>(w, i);
                var vv = vmu * new Vector<float>(v, i) + (new Vector<float>(g, i) + vwd * vw);
                vv.CopyTo(v, i);
                (vw - vlr * vv).CopyTo(w, i);
            }
        }

        for (; i < w.Length; i++)
        {
            v[i] = mu * v[i] + (g[i] + wd * w[i]);
            w[i] -= lr * v[i];
        }
    }

    /// <summary>Σ (g + wd·w)² in float64: t = fma(wd, w, g), acc[i mod 8] = fma(t, t, acc[i mod 8]), then
    /// ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) — the same association on every path and machine.</summary>
    public static double NormSquared(float[] w, float[] g, double wd)
    {
        Span<double> acc = stackalloc double[8];
        acc.Clear();
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var vwd = Vector256.Create(wd);
            Vector256<double> lo = Vector256<double>.Zero, hi = Vector256<double>.Zero;
            for (; i <= w.Length - 8; i += 8)
            {
                var vw = Vector256.Create(w.AsSpan(i, 8));
                var vg = Vector256.Create(g.AsSpan(i, 8));
                Vector256<double> tl = Vector256.FusedMultiplyAdd(vwd, Vector256.WidenLower(vw), Vector256.WidenLower(vg));
                Vector256<double> th = Vector256.FusedMultiplyAdd(vwd, Vector256.WidenUpper(vw), Vector256.WidenUpper(vg));
                lo = Vector256.FusedMultiplyAdd(tl, tl, lo);
                hi = Vector256.FusedMultiplyAdd(th, th, hi);
            }

            lo.CopyTo(acc);
            hi.CopyTo(acc[4..]);
        }

        for (; i < w.Length; i++)
        {
            double t = Math.FusedMultiplyAdd(wd, w[i], g[i]);
            acc[i & 7] = Math.FusedMultiplyAdd(t, t, acc[i & 7]);
        }

        return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
    }
}
