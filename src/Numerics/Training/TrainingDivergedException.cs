namespace BoundLab.Numerics.Training;

/// <summary>The loss became NaN or infinite: training stops and says where.</summary>
public sealed class TrainingDivergedException(int epoch, long step, double loss)
    : Exception($"training diverged at epoch {epoch}, step {step}: the loss is {loss}; try a smaller learning rate.")
{
    /// <summary>1-based epoch.</summary>
    public int Epoch { get; } = epoch;

    /// <summary>0-based global step.</summary>
    public long Step { get; } = step;
}
