using System.Numerics;
using BoundLab.Numerics.Backends;
using BoundLab.Numerics.Losses;
using BoundLab.Numerics.Models;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Numerics.Training;

/// <summary>The training objective of a model on a resident data set: the mean loss and its gradient on a minibatch or
/// on the whole set, in the model's element type (float32 for training, float64 for the checks and the Hessian tools).
/// Algorithms call it (through a closure); it knows nothing about updates. Gradients land in the model's
/// <see cref="Parameter{T}.Grad"/> tensors.</summary>
public sealed class Objective<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Dictionary<int, Batch<T>> _batches = [];
    private Tensor<T>? _gradOut;
    private Tensor<T>[]? _accumulators;
    private int[] _rangeIndices = [];

    /// <summary>The objective of <paramref name="model"/> under <paramref name="loss"/> on <paramref name="data"/>
    /// (on the model's backend).</summary>
    public Objective(Model<T> model, ResidentDataset<T> data, LossKind loss)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        if (!ReferenceEquals(data.Inputs.Owner, model.Backend))
        {
            throw new ArgumentException($"the data lives on backend '{data.Inputs.Owner.Name}', the model on '{model.Backend.Name}'.", nameof(data));
        }

        if (data.InputDim != model.Spec.InputDim)
        {
            throw new ArgumentException($"the model {model.Spec.Name} takes {model.Spec.InputDim} inputs; '{data.Source.Name}' has {data.InputDim} features.", nameof(data));
        }

        Model = model;
        Data = data;
        Loss = loss;
    }

    /// <summary>The model whose parameters the objective is evaluated at.</summary>
    public Model<T> Model { get; }

    /// <summary>The data set.</summary>
    public ResidentDataset<T> Data { get; }

    /// <summary>The loss.</summary>
    public LossKind Loss { get; }

    /// <summary>Backend of the model and the data.</summary>
    public Backend<T> Backend => Model.Backend;

    /// <summary>Mean loss over samples rows[0 … n); with <paramref name="gradient"/> the model's gradients become its gradient.</summary>
    public double OnRows(ReadOnlySpan<int> rows, bool gradient = true)
    {
        Batch<T> batch = BatchOf(rows.Length);
        Backend.Gather(Data, rows, batch);
        return OnBatch(batch, gradient);
    }

    /// <summary>Mean loss over a gathered batch; with <paramref name="gradient"/> the model's gradients become its gradient.</summary>
    public double OnBatch(Batch<T> batch, bool gradient = true)
    {
        ArgumentNullException.ThrowIfNull(batch);
        Tensor<T> outputs = Model.Forward(batch.Inputs);
        if (!gradient)
        {
            return Backend.Loss(Loss, outputs, batch.Truth, null);
        }

        if (_gradOut is null || !_gradOut.SameShape(outputs))
        {
            _gradOut = Backend.Allocate(outputs.Rows, outputs.Cols);
        }

        double loss = Backend.Loss(Loss, outputs, batch.Truth, _gradOut);
        Model.Backward(_gradOut);
        return loss;
    }

    /// <summary>The mean loss over the whole data set and (with <paramref name="gradient"/>) its gradient, accumulated
    /// chunk by chunk of <paramref name="chunkRows"/> samples in index order: Σ_chunks (rows/N)·∇(chunk mean).</summary>
    public double Full(int chunkRows, bool gradient = true, CancellationToken cancel = default)
    {
        if (chunkRows < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(chunkRows), chunkRows, "allowed: chunk rows ≥ 1");
        }

        int n = Data.Count, chunk = Math.Min(chunkRows, n);
        IReadOnlyList<Parameter<T>> ps = Model.Parameters;
        if (gradient)
        {
            _accumulators ??= ps.Select(p => Backend.Allocate(p.Value.Rows, p.Value.Cols)).ToArray();
            foreach (Tensor<T> a in _accumulators)
            {
                Backend.Fill(a, T.Zero);
            }
        }

        double loss = 0;
        for (int start = 0; start < n; start += chunk)
        {
            cancel.ThrowIfCancellationRequested();
            int rows = Math.Min(chunk, n - start);
            double weight = (double)rows / n;
            loss += weight * OnRows(Range(start, rows), gradient);
            if (gradient)
            {
                for (int k = 0; k < ps.Count; k++)
                {
                    Backend.Axpy(T.CreateChecked(weight), ps[k].Grad, _accumulators![k]);
                }
            }
        }

        if (gradient)
        {
            for (int k = 0; k < ps.Count; k++)
            {
                Backend.Copy(_accumulators![k], ps[k].Grad);
            }
        }

        return loss;
    }

    /// <summary>(mean loss, error) over the data set in chunks of <see cref="Evaluation.ChunkRows"/>: error is the
    /// misclassification rate or, for regression, the mean of ‖f(x) − y‖².</summary>
    public (double Loss, double Error) Evaluate()
    {
        int n = Data.Count, chunk = Math.Min(Evaluation.ChunkRows, n);
        double lossSum = 0, errorSum = 0;
        for (int start = 0; start < n; start += chunk)
        {
            int rows = Math.Min(chunk, n - start);
            Batch<T> batch = BatchOf(rows);
            Backend.Gather(Data, Range(start, rows), batch);
            Tensor<T> outputs = Model.Forward(batch.Inputs);
            lossSum += rows * Backend.Loss(Loss, outputs, batch.Truth, null);
            errorSum += Backend.ErrorSum(outputs, batch.Truth);
        }

        return (lossSum / n, errorSum / n);
    }

    private ReadOnlySpan<int> Range(int start, int count)
    {
        if (_rangeIndices.Length < count)
        {
            _rangeIndices = new int[count];
        }

        for (int i = 0; i < count; i++)
        {
            _rangeIndices[i] = start + i;
        }

        return _rangeIndices.AsSpan(0, count);
    }

    private Batch<T> BatchOf(int rows)
    {
        if (!_batches.TryGetValue(rows, out Batch<T>? b))
        {
            if (_batches.Count >= 4)
            {
                _batches.Clear();
            }

            b = Backend.AllocateBatch(Data, rows);
            _batches[rows] = b;
        }

        return b;
    }
}
