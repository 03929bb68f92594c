namespace BoundLab.Numerics.Losses;

/// <summary>The law of a loss on one row of outputs f (k values) in float64: ℓ(f, y) and its gradient ∂ℓ/∂f.
/// Every backend's loss kernel must match it (the float64 specification, as <see cref="Backends.IActivationLaw"/>
/// is for activations).</summary>
public interface ILossLaw
{
    /// <summary>ℓ for label <paramref name="y"/> (classification; <paramref name="target"/> empty) or for
    /// <paramref name="target"/> (regression, k values); writes ∂ℓ/∂f into <paramref name="g"/> (k values).</summary>
    static abstract double Row(ReadOnlySpan<double> f, int y, ReadOnlySpan<double> target, Span<double> g);
}

/// <summary>Every loss's law as a struct type; <see cref="Loss.Row"/> maps <see cref="LossKind"/> onto them.</summary>
public static class LossLaws
{
    /// <summary>Softmax cross-entropy ℓ = ln Σ_j e^{f_j} − f_y (max-shifted, so no overflow); ∂ℓ/∂f = softmax(f) − e_y.</summary>
    public readonly struct CrossEntropy : ILossLaw
    {
        /// <inheritdoc />
        public static double Row(ReadOnlySpan<double> f, int y, ReadOnlySpan<double> target, Span<double> g)
        {
            double max = double.NegativeInfinity;
            foreach (double v in f)
            {
                max = Math.Max(max, v);
            }

            double z = 0;
            for (int j = 0; j < f.Length; j++)
            {
                g[j] = Math.Exp(f[j] - max);
                z += g[j];
            }

            for (int j = 0; j < f.Length; j++)
            {
                g[j] /= z;
            }

            g[y] -= 1;
            return Math.Log(z) + max - f[y];
        }
    }

    /// <summary>ℓ = ½‖f − t‖² with t the regression target, the one-hot label, or (one output) t = 2y − 1 ∈ {±1};
    /// ∂ℓ/∂f = f − t.</summary>
    public readonly struct Squared : ILossLaw
    {
        /// <inheritdoc />
        public static double Row(ReadOnlySpan<double> f, int y, ReadOnlySpan<double> target, Span<double> g)
        {
            double s = 0;
            for (int j = 0; j < f.Length; j++)
            {
                double t = !target.IsEmpty ? target[j] : f.Length == 1 ? 2 * y - 1 : (j == y ? 1 : 0);
                g[j] = f[j] - t;
                s += g[j] * g[j];
            }

            return 0.5 * s;
        }
    }

    /// <summary>Multiclass hinge (Crammer–Singer 2001) ℓ = max(0, 1 + max_{j≠y} f_j − f_y) (the first maximizing j);
    /// with one output the binary max(0, 1 − m), m = (2y − 1)·f. Gradient 0 where ℓ = 0 (the subgradient taken at the kink).</summary>
    public readonly struct Hinge : ILossLaw
    {
        /// <inheritdoc />
        public static double Row(ReadOnlySpan<double> f, int y, ReadOnlySpan<double> target, Span<double> g)
        {
            if (f.Length == 1)
            {
                double s = 2 * y - 1, m = s * f[0];
                g[0] = m < 1 ? -s : 0;
                return Math.Max(0, 1 - m);
            }

            g.Clear();
            int worst = -1;
            for (int j = 0; j < f.Length; j++)
            {
                if (j != y && (worst < 0 || f[j] > f[worst]))
                {
                    worst = j;
                }
            }

            double loss = 1 + f[worst] - f[y];
            if (loss <= 0)
            {
                return 0;
            }

            g[worst] = 1;
            g[y] = -1;
            return loss;
        }
    }

    /// <summary>Logistic ℓ = ln(1 + e^{−m}), m = (2y − 1)·f (one output), evaluated without overflow; ∂ℓ/∂f = −(2y − 1)·σ(−m).</summary>
    public readonly struct Logistic : ILossLaw
    {
        /// <inheritdoc />
        public static double Row(ReadOnlySpan<double> f, int y, ReadOnlySpan<double> target, Span<double> g)
        {
            double s = 2 * y - 1, m = s * f[0];
            double loss = m > 0 ? Math.Log(1 + Math.Exp(-m)) : -m + Math.Log(1 + Math.Exp(m));
            double sig = m >= 0 ? Math.Exp(-m) / (1 + Math.Exp(-m)) : 1 / (1 + Math.Exp(m));
            g[0] = -s * sig;
            return loss;
        }
    }

    /// <summary>Exponential ℓ = e^{−m}, m = (2y − 1)·f (one output); ∂ℓ/∂f = −(2y − 1)·e^{−m}.</summary>
    public readonly struct Exponential : ILossLaw
    {
        /// <inheritdoc />
        public static double Row(ReadOnlySpan<double> f, int y, ReadOnlySpan<double> target, Span<double> g)
        {
            double s = 2 * y - 1, e = Math.Exp(-s * f[0]);
            g[0] = -s * e;
            return e;
        }
    }
}
