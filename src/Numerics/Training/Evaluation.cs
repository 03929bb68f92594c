using BoundLab.Numerics.Backends;
using BoundLab.Numerics.Data;
using BoundLab.Numerics.Losses;
using BoundLab.Numerics.Models;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Numerics.Training;

/// <summary>Loss and error of a network on a whole dataset, in fixed-size chunks (bounded memory,
/// deterministic order).</summary>
public static class Evaluation
{
    /// <summary>Rows per forward pass.</summary>
    public const int ChunkRows = 1000;

    /// <summary>(mean loss, error): error is the misclassification rate or, for regression, the mean of ‖f(x) − y‖².</summary>
    public static (double Loss, double Error) Evaluate(Mlp<float> net, Backend<float> backend, Dataset data, LossKind loss)
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Count == 0)
        {
            throw new ArgumentException($"dataset '{data.Name}' is empty; nothing to evaluate.", nameof(data));
        }

        var batch = new BatchBuffer(data, Math.Min(ChunkRows, data.Count));
        double lossSum = 0, errorSum = 0;
        for (int start = 0; start < data.Count; start += ChunkRows)
        {
            int rows = Math.Min(ChunkRows, data.Count - start);
            batch.GatherRange(start, rows);
            Matrix<float> outputs = net.Forward(backend, batch.Inputs);
            lossSum += rows * Loss.Compute(loss, outputs, batch.Labels, batch.Targets, null);
            errorSum += batch.Labels is not null
                ? Loss.Errors(outputs, batch.Labels)
                : Loss.SquaredErrorSum(outputs, batch.Targets!);
        }

        return (lossSum / data.Count, errorSum / data.Count);
    }
}
