using System.Numerics;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Numerics.Losses;

/// <summary>Loss values and gradients, computed in float64 in a fixed order (so they are deterministic),
/// averaged over the batch. A batch supplies either labels (classification) or targets (regression).</summary>
public static class Loss
{
    /// <summary>The CLI spelling of each loss.</summary>
    public static string Name(LossKind kind) => kind switch
    {
        LossKind.CrossEntropy => "cross-entropy",
        LossKind.Squared => "squared",
        LossKind.Hinge => "hinge",
        LossKind.Logistic => "logistic",
        LossKind.Exponential => "exponential",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a loss"),
    };

    /// <summary>Every loss, for help texts.</summary>
    public static IReadOnlyList<LossKind> All { get; } = Enum.GetValues<LossKind>();

    /// <summary>Checks that a loss fits the network's output width and the task; the message says what would fit.</summary>
    public static void CheckCompatible(LossKind kind, int outputDim, bool regression, int classes)
    {
        string? problem = (kind, regression) switch
        {
            (LossKind.Squared, true) => null,
            (_, true) => $"the {Name(kind)} loss needs class labels; this data is a regression task (use --loss squared)",
            (LossKind.CrossEntropy, false) when outputDim != classes || classes < 2 =>
                $"the network has {outputDim} outputs; cross-entropy on {classes} classes needs {classes}",
            (LossKind.Logistic or LossKind.Exponential, false) when outputDim != 1 || classes != 2 =>
                $"the {Name(kind)} loss needs 2 classes and 1 output; got {classes} classes and {outputDim} outputs",
            (LossKind.Squared or LossKind.Hinge, false) when outputDim != classes && !(outputDim == 1 && classes == 2) =>
                $"the network has {outputDim} outputs; {Name(kind)} on {classes} classes needs {classes}" + (classes == 2 ? " or 1" : ""),
            _ => null,
        };
        if (problem is not null)
        {
            throw new ArgumentException(problem + ".", nameof(outputDim));
        }
    }

    /// <summary>Mean loss over the batch; when <paramref name="grad"/> is given it receives
    /// d(mean loss)/d(outputs). Labels (length = rows) or targets (same shape as outputs) must be given.</summary>
    public static double Compute<T>(LossKind kind, Matrix<T> outputs, int[]? labels, Matrix<T>? targets, Matrix<T>? grad)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(outputs);
        int rows = outputs.Rows, k = outputs.Cols;
        if (labels is null == targets is null)
        {
            throw new ArgumentException("give exactly one of labels (classification) or targets (regression).", nameof(labels));
        }

        if (labels is not null && labels.Length != rows)
        {
            throw new ArgumentException($"labels has length {labels.Length}; outputs has {rows} rows.", nameof(labels));
        }

        if (targets is not null && !targets.SameShape(outputs))
        {
            throw new ArgumentException($"targets is {targets.Shape}; outputs is {outputs.Shape}.", nameof(targets));
        }

        if (grad is not null && !grad.SameShape(outputs))
        {
            throw new ArgumentException($"grad is {grad.Shape}; outputs is {outputs.Shape}.", nameof(grad));
        }

        if (rows == 0)
        {
            return 0;
        }

        double total = 0, scale = 1.0 / rows;
        Span<double> f = k <= 256 ? stackalloc double[k] : new double[k];
        Span<double> g = k <= 256 ? stackalloc double[k] : new double[k];
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < k; j++)
            {
                f[j] = double.CreateChecked(outputs.Data[r * k + j]);
            }

            int y = labels?[r] ?? -1;
            if (labels is not null && (y < 0 || (k > 1 ? y >= k : y > 1)))
            {
                throw new ArgumentOutOfRangeException(nameof(labels), y, $"label of row {r} is outside 0 … {Math.Max(k - 1, 1)}");
            }

            total += kind switch
            {
                LossKind.CrossEntropy => CrossEntropy(f, y, g),
                LossKind.Squared => Squared(f, y, targets, r, g),
                LossKind.Hinge => k == 1 ? BinaryHinge(f[0], y, g) : MulticlassHinge(f, y, g),
                LossKind.Logistic => Logistic(f[0], y, g),
                LossKind.Exponential => Exponential(f[0], y, g),
                _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a loss"),
            };
            if (grad is not null)
            {
                for (int j = 0; j < k; j++)
                {
                    grad.Data[r * k + j] = T.CreateChecked(g[j] * scale);
                }
            }
        }

        return total * scale;
    }

    /// <summary>Number of misclassified rows: argmax (lowest index on ties) for k ≥ 2 outputs, f &gt; 0 ↔ class 1 for one output.</summary>
    public static int Errors<T>(Matrix<T> outputs, int[] labels) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Length != outputs.Rows)
        {
            throw new ArgumentException($"labels has length {labels.Length}; outputs has {outputs.Rows} rows.", nameof(labels));
        }

        int errors = 0, k = outputs.Cols;
        for (int r = 0; r < outputs.Rows; r++)
        {
            if (Predict(outputs.Data.AsSpan(r * k, k)) != labels[r])
            {
                errors++;
            }
        }

        return errors;
    }

    /// <summary>The predicted class of one output row.</summary>
    public static int Predict<T>(ReadOnlySpan<T> row) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (row.Length == 1)
        {
            return row[0] > T.Zero ? 1 : 0;
        }

        int best = 0;
        for (int j = 1; j < row.Length; j++)
        {
            if (row[j] > row[best])
            {
                best = j;
            }
        }

        return best;
    }

    /// <summary>Sum over rows of ‖f − t‖² (not halved): the regression "error" a report shows as MSE × rows.</summary>
    public static double SquaredErrorSum<T>(Matrix<T> outputs, Matrix<T> targets) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(targets);
        if (!outputs.SameShape(targets))
        {
            throw new ArgumentException($"targets is {targets.Shape}; outputs is {outputs.Shape}.", nameof(targets));
        }

        double s = 0;
        for (int i = 0; i < outputs.Length; i++)
        {
            double d = double.CreateChecked(outputs.Data[i]) - double.CreateChecked(targets.Data[i]);
            s += d * d;
        }

        return s;
    }

    private static double CrossEntropy(ReadOnlySpan<double> f, int y, Span<double> g)
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

    private static double Squared<T>(ReadOnlySpan<double> f, int y, Matrix<T>? targets, int row, Span<double> g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double s = 0;
        for (int j = 0; j < f.Length; j++)
        {
            double t = targets is null
                ? (f.Length == 1 ? 2 * y - 1 : (j == y ? 1 : 0))
                : double.CreateChecked(targets.Data[row * f.Length + j]);
            g[j] = f[j] - t;
            s += g[j] * g[j];
        }

        return 0.5 * s;
    }

    private static double MulticlassHinge(ReadOnlySpan<double> f, int y, Span<double> g)
    {
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

    private static double BinaryHinge(double f, int y, Span<double> g)
    {
        double s = 2 * y - 1, m = s * f;
        g[0] = m < 1 ? -s : 0;
        return Math.Max(0, 1 - m);
    }

    private static double Logistic(double f, int y, Span<double> g)
    {
        double s = 2 * y - 1, m = s * f;
        // ln(1 + e^{−m}) without overflow; d/dm = −σ(−m).
        double loss = m > 0 ? Math.Log(1 + Math.Exp(-m)) : -m + Math.Log(1 + Math.Exp(m));
        double sig = m >= 0 ? Math.Exp(-m) / (1 + Math.Exp(-m)) : 1 / (1 + Math.Exp(m));
        g[0] = -s * sig;
        return loss;
    }

    private static double Exponential(double f, int y, Span<double> g)
    {
        double s = 2 * y - 1, e = Math.Exp(-s * f);
        g[0] = -s * e;
        return e;
    }
}
