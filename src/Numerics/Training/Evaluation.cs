using BoundLab.Numerics.Backends;
using BoundLab.Numerics.Data;
using BoundLab.Numerics.Losses;
using BoundLab.Numerics.Models;

namespace BoundLab.Numerics.Training;

/// <summary>Loss and error of a model on a whole dataset, in fixed-size chunks (bounded memory, deterministic order).</summary>
public static class Evaluation
{
    /// <summary>Rows per forward pass.</summary>
    public const int ChunkRows = 1000;

    /// <summary>(mean loss, error): error is the misclassification rate or, for regression, the mean of ‖f(x) − y‖².</summary>
    public static (double Loss, double Error) Evaluate(Model<float> model, Dataset data, LossKind loss)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Count == 0)
        {
            throw new ArgumentException($"dataset '{data.Name}' is empty; nothing to evaluate.", nameof(data));
        }

        return new Objective<float>(model, model.Backend.Upload(data), loss).Evaluate();
    }
}
