using System.Numerics;
using BoundLab.Numerics.Backends;
using BoundLab.Numerics.Losses;
using BoundLab.Numerics.Models;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Numerics.Stochastic;

/// <summary>The minibatch surrogate loss L̂ of posterior training, evaluated at the model's current (sampled) weights.</summary>
internal abstract class Surrogate<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private Tensor<T>? _gradOut;

    /// <summary>Forward pass on <paramref name="batch"/>: L̂ and the number of misclassified rows; with
    /// <paramref name="backward"/> the model's gradients become ∂L̂/∂w.</summary>
    public (double Loss, double Errors) Run(Model<T> model, Batch<T> batch, bool backward)
    {
        Tensor<T> outputs = model.Forward(batch.Inputs);
        (double loss, double errors, Tensor<T>? grad) = OnOutputs(model.Backend, outputs, batch, backward);
        if (grad is not null)
        {
            model.Backward(grad);
        }

        return (loss, errors);
    }

    /// <summary>The surrogate and the misclassified rows of given outputs; with <paramref name="backward"/> also ∂L̂/∂outputs
    /// (a buffer owned by this surrogate, valid until its next call).</summary>
    public (double Loss, double Errors, Tensor<T>? Grad) OnOutputs(Backend<T> b, Tensor<T> outputs, Batch<T> batch, bool backward)
    {
        double errors = b.ErrorSum(outputs, batch.Truth);
        if (_gradOut is null || !_gradOut.SameShape(outputs) || !ReferenceEquals(_gradOut.Owner, b))
        {
            _gradOut = b.Allocate(outputs.Rows, outputs.Cols);
        }

        double loss = Loss(b, outputs, batch, backward ? _gradOut : null);
        return (loss, errors, backward ? _gradOut : null);
    }

    protected abstract double Loss(Backend<T> backend, Tensor<T> outputs, Batch<T> batch, Tensor<T>? grad);
}

/// <summary>Dziugaite and Roy (2017), snn/core/network.py logistic_loss: the mean logistic loss divided by ln 2 (a
/// [0,1]-bounded-at-zero-margin surrogate of the 0-1 loss) on one output, labels {0,1} read as y = ±1.</summary>
internal sealed class LogisticSurrogate<T> : Surrogate<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private static readonly double InvLn2 = 1 / Math.Log(2);

    protected override double Loss(Backend<T> backend, Tensor<T> outputs, Batch<T> batch, Tensor<T>? grad)
    {
        double loss = backend.Loss(LossKind.Logistic, outputs, batch.Truth, grad);
        if (grad is not null)
        {
            backend.Scale(T.CreateTruncating(InvLn2), grad);
        }

        return loss * InvLn2;
    }
}

/// <summary>Pérez-Ortiz et al. (2021), pbb/models.py output_transform + pbb/bounds.py compute_empirical_risk: the bounded
/// cross-entropy mean_rows(−max(log softmax(f)_y, ln p_min))/ln(1/p_min) ∈ [0, 1]; as torch.clamp, the gradient is zero
/// for a row whose log-probability lies below ln p_min (and passes at equality).</summary>
internal sealed class BoundedCrossEntropy<T>(double pMin) : Surrogate<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly double _logPMin = Math.Log(pMin), _scale = 1 / Math.Log(1 / pMin);
    private T[] _out = [], _grad = [];
    private int[] _labels = [];

    protected override double Loss(Backend<T> backend, Tensor<T> outputs, Batch<T> batch, Tensor<T>? grad)
    {
        int rows = outputs.Rows, k = outputs.Cols;
        if (_out.Length != rows * k)
        {
            (_out, _grad, _labels) = (new T[rows * k], new T[rows * k], new int[rows]);
        }

        backend.Download(outputs, _out);
        backend.DownloadIndices(batch.Labels!, _labels);
        double total = Evaluate(_out, _labels, rows, k, grad is null ? null : _grad);
        if (grad is not null)
        {
            backend.Upload(_grad, grad);
        }

        return total;
    }

    /// <summary>The loss over host outputs (rows × k, row-major) and labels; ∂/∂f into <paramref name="grad"/> when given.
    /// float64 arithmetic throughout.</summary>
    internal double Evaluate(ReadOnlySpan<T> f, ReadOnlySpan<int> labels, int rows, int k, Span<T> grad)
    {
        double total = 0, invRows = 1.0 / rows;
        bool wantGrad = !grad.IsEmpty;
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<T> row = f.Slice(r * k, k);
            double max = double.NegativeInfinity;
            for (int j = 0; j < k; j++)
            {
                max = Math.Max(max, double.CreateTruncating(row[j]));
            }

            double sum = 0;
            for (int j = 0; j < k; j++)
            {
                sum += Math.Exp(double.CreateTruncating(row[j]) - max);
            }

            double logSum = Math.Log(sum);
            int y = labels[r];
            double logP = double.CreateTruncating(row[y]) - max - logSum;
            bool clamped = logP < _logPMin;
            total += -(clamped ? _logPMin : logP);
            if (wantGrad)
            {
                Span<T> g = grad.Slice(r * k, k);
                for (int j = 0; j < k; j++)
                {
                    // ∂(−log softmax_y)/∂f_j = softmax_j − [j = y].
                    double p = Math.Exp(double.CreateTruncating(row[j]) - max - logSum);
                    g[j] = clamped ? T.Zero : T.CreateTruncating((p - (j == y ? 1 : 0)) * _scale * invRows);
                }
            }
        }

        return total * invRows * _scale;
    }
}
