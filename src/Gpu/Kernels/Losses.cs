using ILGPU;
using ILGPU.Runtime;

namespace BoundLab.Gpu.Kernels;

/// <summary>Loss and error kernels, one thread per row: each row's loss ℓ(f, y) and gradient follow
/// <see cref="BoundLab.Numerics.Losses.LossLaws"/> in float64 (the same operations in the same order as
/// <see cref="BoundLab.Numerics.Losses.Loss.Compute"/>), and the row's float64 value goes to a device buffer the host
/// sums in row order, so a batch's loss does not depend on how the device schedules its threads.</summary>
internal static class Losses
{
    /// <summary>The loss codes the kernels take (the <see cref="BoundLab.Numerics.Losses.LossKind"/> values).</summary>
    public const int CrossEntropy = 0, Squared = 1, Hinge = 2, Logistic = 3, Exponential = 4;

    /// <summary>Mode bits: targets (regression) instead of labels; write the gradient.</summary>
    public const int WithTargets = 1, WithGradient = 2;

    /// <summary>Row r of a rows × cols batch: rowValues[r] ← ℓ(f_r, y_r) in float64 and, with
    /// <see cref="WithGradient"/>, grad[r, ·] ← float32(∂ℓ/∂f · scale). For labels, rowValues[rows + r] ← 1 when the
    /// label is outside what the loss allows (0 … cols − 1; 0 … 1 with one output, 0 with cross-entropy on one
    /// output), else 0; such a row's loss is NaN and its gradient is not written.</summary>
    public static void LossRows(Index1D r, int kind, int rows, int cols, ArrayView1D<float, Stride1D.Dense> outputs,
        ArrayView1D<int, Stride1D.Dense> labels, ArrayView1D<float, Stride1D.Dense> targets, int mode,
        ArrayView1D<float, Stride1D.Dense> grad, double scale, ArrayView1D<double, Stride1D.Dense> rowValues)
    {
        bool withTargets = (mode & WithTargets) != 0, withGradient = (mode & WithGradient) != 0;
        int y = -1;
        if (!withTargets)
        {
            y = labels[r];
            int limit = cols > 1 || kind == CrossEntropy ? cols : 2;
            bool bad = y < 0 || y >= limit;
            rowValues[rows + r] = bad ? 1 : 0;
            if (bad)
            {
                rowValues[r] = double.NaN;
                return;
            }
        }

        int o = r * cols;
        double loss;
        if (kind == CrossEntropy)
        {
            loss = CrossEntropyRow(outputs, o, cols, y, grad, withGradient, scale);
        }
        else if (kind == Squared)
        {
            loss = SquaredRow(outputs, o, cols, y, targets, withTargets, grad, withGradient, scale);
        }
        else if (kind == Hinge)
        {
            loss = HingeRow(outputs, o, cols, y, grad, withGradient, scale);
        }
        else
        {
            loss = MarginRow(kind, outputs, o, cols, y, grad, withGradient, scale);
        }

        rowValues[r] = loss;
    }

    /// <summary>Row r's error: with labels 1 when the prediction (arg-max, first maximum on ties, NaN never the
    /// maximum unless first; f &gt; 0 with one output) differs from the label, else 0; with targets Σ_j (f − t)²
    /// accumulated in float64 in column order.</summary>
    public static void ErrorRows(Index1D r, int cols, ArrayView1D<float, Stride1D.Dense> outputs,
        ArrayView1D<int, Stride1D.Dense> labels, ArrayView1D<float, Stride1D.Dense> targets, int mode,
        ArrayView1D<double, Stride1D.Dense> rowValues)
    {
        int o = r * cols;
        if ((mode & WithTargets) != 0)
        {
            double s = 0;
            for (int j = 0; j < cols; j++)
            {
                double d = (double)outputs[o + j] - targets[o + j];
                s += d * d;
            }

            rowValues[r] = s;
            return;
        }

        int predicted;
        if (cols == 1)
        {
            predicted = outputs[o] > 0f ? 1 : 0;
        }
        else
        {
            predicted = 0;
            for (int j = 1; j < cols; j++)
            {
                if (outputs[o + j] > outputs[o + predicted])
                {
                    predicted = j;
                }
            }
        }

        rowValues[r] = predicted != labels[r] ? 1 : 0;
    }

    // ℓ = ln Σ_j e^{f_j − max} + max − f_y; ∂ℓ/∂f_j = e^{f_j − max}/Σ − [j = y]. The max propagates NaN (Math.Max).
    private static double CrossEntropyRow(ArrayView1D<float, Stride1D.Dense> f, int o, int k, int y,
        ArrayView1D<float, Stride1D.Dense> grad, bool withGradient, double scale)
    {
        double max = double.NegativeInfinity;
        for (int j = 0; j < k; j++)
        {
            double v = f[o + j];
            if (!double.IsNaN(max) && (double.IsNaN(v) || v > max))
            {
                max = v;
            }
        }

        double z = 0;
        for (int j = 0; j < k; j++)
        {
            z += DeviceMath.Exp(f[o + j] - max);
        }

        if (withGradient)
        {
            for (int j = 0; j < k; j++)
            {
                double p = DeviceMath.Exp(f[o + j] - max) / z;
                if (j == y)
                {
                    p -= 1;
                }

                grad[o + j] = (float)(p * scale);
            }
        }

        return DeviceMath.Log(z) + max - f[o + y];
    }

    // ℓ = ½ Σ_j (f_j − t_j)², t the target, the one-hot label, or 2y − 1 with one output; ∂ℓ/∂f = f − t.
    private static double SquaredRow(ArrayView1D<float, Stride1D.Dense> f, int o, int k, int y,
        ArrayView1D<float, Stride1D.Dense> targets, bool withTargets, ArrayView1D<float, Stride1D.Dense> grad,
        bool withGradient, double scale)
    {
        double s = 0;
        for (int j = 0; j < k; j++)
        {
            double t = withTargets ? targets[o + j] : k == 1 ? 2 * y - 1 : (j == y ? 1 : 0);
            double g = f[o + j] - t;
            s += g * g;
            if (withGradient)
            {
                grad[o + j] = (float)(g * scale);
            }
        }

        return 0.5 * s;
    }

    // Crammer–Singer: ℓ = max(0, 1 + f_w − f_y), w the first maximizing j ≠ y; ∂ℓ/∂f = e_w − e_y where ℓ > 0, else 0.
    // One output: max(0, 1 − m), m = (2y − 1)·f, gradient −(2y − 1) where m < 1.
    private static double HingeRow(ArrayView1D<float, Stride1D.Dense> f, int o, int k, int y,
        ArrayView1D<float, Stride1D.Dense> grad, bool withGradient, double scale)
    {
        if (k == 1)
        {
            double s = 2 * y - 1, m = s * f[o];
            if (withGradient)
            {
                grad[o] = (float)((m < 1 ? -s : 0) * scale);
            }

            double hinge = 1 - m;
            return double.IsNaN(hinge) || hinge > 0 ? hinge : 0;
        }

        int worst = -1;
        for (int j = 0; j < k; j++)
        {
            if (j != y && (worst < 0 || (double)f[o + j] > f[o + worst]))
            {
                worst = j;
            }
        }

        double loss = 1 + (double)f[o + worst] - f[o + y];
        bool active = !(loss <= 0);
        if (withGradient)
        {
            for (int j = 0; j < k; j++)
            {
                double g = active && j == worst ? 1 : active && j == y ? -1 : 0;
                grad[o + j] = (float)(g * scale);
            }
        }

        return active ? loss : 0;
    }

    // One output, m = (2y − 1)·f: logistic ℓ = ln(1 + e^{−m}) (the branch without overflow), ∂ℓ/∂f = −(2y − 1)·σ(−m);
    // exponential ℓ = e^{−m}, ∂ℓ/∂f = −(2y − 1)·e^{−m}. Columns past the first get gradient 0.
    private static double MarginRow(int kind, ArrayView1D<float, Stride1D.Dense> f, int o, int k, int y,
        ArrayView1D<float, Stride1D.Dense> grad, bool withGradient, double scale)
    {
        double s = 2 * y - 1, loss, g;
        if (kind == Logistic)
        {
            double m = s * f[o];
            loss = m > 0 ? DeviceMath.Log(1 + DeviceMath.Exp(-m)) : -m + DeviceMath.Log(1 + DeviceMath.Exp(m));
            double sig = m >= 0 ? DeviceMath.Exp(-m) / (1 + DeviceMath.Exp(-m)) : 1 / (1 + DeviceMath.Exp(m));
            g = -s * sig;
        }
        else
        {
            double e = DeviceMath.Exp(-s * f[o]);
            g = -s * e;
            loss = e;
        }

        if (withGradient)
        {
            grad[o] = (float)(g * scale);
            for (int j = 1; j < k; j++)
            {
                grad[o + j] = 0;
            }
        }

        return loss;
    }
}
