namespace BoundLab.Numerics.Training;

/// <summary>The loss became NaN or infinite: training stops and says where.</summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>The minibatch (or full-batch) loss computed before step <paramref name="step"/> is not finite.</summary>
    public TrainingDivergedException(int epoch, long step, double loss)
        : this(epoch, step, $"the loss before step {step} is {loss}")
    {
    }

    /// <summary>Divergence seen by <paramref name="what"/> (e.g. "the training-set loss after step 7 is NaN").</summary>
    public TrainingDivergedException(int epoch, long step, string what)
        : base($"training diverged at epoch {epoch}, step {step}: {what}; try a smaller learning rate.")
    {
        Epoch = epoch;
        Step = step;
    }

    /// <summary>1-based epoch.</summary>
    public int Epoch { get; }

    /// <summary>0-based global step.</summary>
    public long Step { get; }
}
