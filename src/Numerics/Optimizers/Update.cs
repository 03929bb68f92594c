using System.Numerics;

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
}
