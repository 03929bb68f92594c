namespace BoundLab.Numerics.Losses;

/// <summary>Training losses. Multiclass losses take d_L = k outputs and labels in [0, k);
/// the binary margin losses take d_L = 1 output f and labels y ∈ {0, 1}, with margin m = (2y − 1)·f.</summary>
public enum LossKind
{
    /// <summary>Softmax cross-entropy −ln softmax(f)_y (k ≥ 2 outputs).</summary>
    CrossEntropy,

    /// <summary>½‖f − t‖², t = the regression target or the one-hot label (½(f − (2y − 1))² with one output, i.e. targets ±1).</summary>
    Squared,

    /// <summary>Multiclass hinge (Crammer–Singer 2001) max(0, 1 + max_{j≠y} f_j − f_y); max(0, 1 − m) with one output.</summary>
    Hinge,

    /// <summary>Logistic ln(1 + e^{−m}) (one output).</summary>
    Logistic,

    /// <summary>Exponential e^{−m} (one output).</summary>
    Exponential,
}
