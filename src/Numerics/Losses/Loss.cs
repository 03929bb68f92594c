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
        Span<double> tRow = k <= 256 ? stackalloc double[k] : new double[k];
        if (targets is null)
        {
            tRow = [];
        }

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

            if (targets is not null)
            {
                for (int j = 0; j < k; j++)
                {
                    tRow[j] = double.CreateChecked(targets.Data[r * k + j]);
                }
            }

            total += Row(kind, f, y, tRow, g);
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

    /// <summary>One row's loss ℓ(f, y) and its gradient g = ∂ℓ/∂f by the law of <paramref name="kind"/>
    /// (<see cref="LossLaws"/>); <paramref name="target"/> is empty for classification (y is then the label).</summary>
    public static double Row(LossKind kind, ReadOnlySpan<double> f, int y, ReadOnlySpan<double> target, Span<double> g) => kind switch
    {
        LossKind.CrossEntropy => LossLaws.CrossEntropy.Row(f, y, target, g),
        LossKind.Squared => LossLaws.Squared.Row(f, y, target, g),
        LossKind.Hinge => LossLaws.Hinge.Row(f, y, target, g),
        LossKind.Logistic => LossLaws.Logistic.Row(f, y, target, g),
        LossKind.Exponential => LossLaws.Exponential.Row(f, y, target, g),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a loss"),
    };

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
}
