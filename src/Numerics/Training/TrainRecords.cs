namespace BoundLab.Numerics.Training;

/// <summary>Measurements after one epoch. Errors are misclassification rates (classification) or mean
/// squared errors ‖f(x) − y‖² averaged over samples (regression).</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="LearningRate">η used during the epoch.</param>
/// <param name="TrainLoss">Mean loss over the whole training set at the end of the epoch (as TrainError; the running mean of
/// the minibatch losses is what the progress bar shows during the epoch).</param>
/// <param name="TrainError">Error on the whole training set at the end of the epoch.</param>
/// <param name="TestLoss">Mean loss on the test set at the end of the epoch.</param>
/// <param name="TestError">Error on the test set at the end of the epoch.</param>
/// <param name="Seconds">Wall time of the epoch's training steps (evaluation excluded).</param>
public sealed record EpochRecord(int Epoch, double LearningRate, double TrainLoss, double TrainError,
    double TestLoss, double TestError, double Seconds);

/// <summary>One optimizer step of the trajectory (what the SGLD stability bounds need).</summary>
/// <param name="Step">0-based global step.</param>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="LearningRate">η_k.</param>
/// <param name="Loss">Minibatch (or full-batch) loss before the step.</param>
/// <param name="GradNormSquared">‖g_k‖² of the gradient the step used.</param>
/// <param name="GradStat">g_e: the mean over the fixed gradient-statistics subsample of the squared per-example loss
/// gradient norm ‖∇ℓ(w, z_i)‖² (the loss alone, no weight-decay term) at the parameters the step started from; null at
/// steps that did not record it.</param>
/// <param name="Incoherence">The mean over the recorded supersample pairs of ‖∇ℓ(w, z_J1) − ∇ℓ(w, z_J2)‖²; null when not recorded.</param>
public sealed record StepRecord(long Step, int Epoch, double LearningRate, double Loss, double GradNormSquared,
    double? GradStat = null, double? Incoherence = null);

/// <summary>Live progress for progress bars.</summary>
public sealed record TrainProgress(int Epoch, int Epochs, int Step, int StepsPerEpoch, double RunningLoss);
