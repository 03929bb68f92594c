using BoundLab.Numerics.Losses;

namespace BoundLab.Numerics.Landscape;

/// <summary>Hessian-vector products of each per-sample loss ℓ(f) with respect to the network outputs f (the top of the
/// R-pass: R{∂ℓ/∂f} = ∇²_f ℓ · R{f}), in float64 (the laws of <see cref="LossKind"/>).</summary>
internal static class LossCurvature
{
    /// <summary>hu ← ∇²_f ℓ(f; y, t) u for one row: softmax cross-entropy diag(p) − ppᵀ (p = softmax f); squared I;
    /// logistic σ(m)σ(−m) and exponential e^{−m} with m = (2y − 1)f (one output); hinge 0 (piecewise linear: 0 almost
    /// everywhere).</summary>
    public static void HessianTimes(LossKind kind, ReadOnlySpan<double> f, int label, ReadOnlySpan<double> u, Span<double> hu)
    {
        switch (kind)
        {
            case LossKind.CrossEntropy:
                double max = double.NegativeInfinity;
                foreach (double v in f)
                {
                    max = Math.Max(max, v);
                }

                double z = 0;
                for (int j = 0; j < f.Length; j++)
                {
                    hu[j] = Math.Exp(f[j] - max);
                    z += hu[j];
                }

                double pu = 0;
                for (int j = 0; j < f.Length; j++)
                {
                    hu[j] /= z;
                    pu += hu[j] * u[j];
                }

                for (int j = 0; j < f.Length; j++)
                {
                    hu[j] *= u[j] - pu;
                }

                break;
            case LossKind.Squared:
                u.CopyTo(hu);
                break;
            case LossKind.Hinge:
                hu.Clear();
                break;
            case LossKind.Logistic:
                double m = (2 * label - 1) * f[0];
                double s = m >= 0 ? Math.Exp(-m) / (1 + Math.Exp(-m)) : 1 / (1 + Math.Exp(m)); // σ(−m)
                hu[0] = s * (1 - s) * u[0];
                break;
            case LossKind.Exponential:
                hu[0] = Math.Exp(-(2 * label - 1) * f[0]) * u[0];
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a loss");
        }
    }
}
