namespace BoundLab.Numerics.Runs;

/// <summary>run.json's <c>data</c>: the data the run was trained on, as loaded.</summary>
/// <param name="Name"><c>name</c>.</param>
/// <param name="Task"><c>task</c>: classification or regression.</param>
/// <param name="Classes"><c>classes</c> (absent from ADMM runs).</param>
/// <param name="NTrain"><c>n_train</c>.</param>
/// <param name="NTest"><c>n_test</c>.</param>
/// <param name="InputDim"><c>input_dim</c>.</param>
public sealed record RunData(string Name, string Task, int? Classes, int NTrain, int NTest, int InputDim)
{
    /// <summary>The <see cref="Task"/> of a classification run.</summary>
    public const string Classification = "classification";

    /// <summary>The <see cref="Task"/> of a regression run.</summary>
    public const string Regression = "regression";

    /// <summary>Whether the task is classification.</summary>
    public bool IsClassification => Task == Classification;
}

/// <summary>One epoch of run.json's <c>epochs</c> (gd/pgd: one iteration).</summary>
/// <param name="Epoch"><c>epoch</c>, 1-based.</param>
/// <param name="Lr"><c>lr</c> used in the epoch.</param>
/// <param name="TrainLoss"><c>train_loss</c>.</param>
/// <param name="TrainError"><c>train_error</c>.</param>
/// <param name="TestLoss"><c>test_loss</c>.</param>
/// <param name="TestError"><c>test_error</c>.</param>
/// <param name="Seconds"><c>seconds</c> of training in the epoch.</param>
public sealed record EpochEntry(int Epoch, double Lr, double TrainLoss, double TrainError, double TestLoss, double TestError, double Seconds);

/// <summary>run.json's final measurements (top-level keys).</summary>
/// <param name="ErrorKind"><c>error_kind</c>: "0-1 error" or "mean squared error".</param>
/// <param name="ParameterCount"><c>parameter_count</c>.</param>
/// <param name="TrainError"><c>train_error</c>.</param>
/// <param name="TestError"><c>test_error</c>.</param>
/// <param name="Gap"><c>gap</c> = test_error − train_error.</param>
/// <param name="TrainLoss"><c>train_loss</c>.</param>
/// <param name="TestLoss"><c>test_loss</c>.</param>
/// <param name="StoppedEarly"><c>stopped_early</c> (gradient methods).</param>
/// <param name="Seconds"><c>seconds</c> of training (gradient methods).</param>
/// <param name="SecondsPerIteration"><c>seconds_per_iteration</c> (ADMM).</param>
/// <param name="WallSeconds"><c>wall_seconds</c>, loading included.</param>
/// <param name="SamplesPerSec"><c>samples_per_sec</c> (gradient methods).</param>
public sealed record RunResults(string ErrorKind, long ParameterCount, double TrainError, double TestError, double Gap,
    double TrainLoss, double TestLoss, bool? StoppedEarly, double? Seconds, double? SecondsPerIteration, double WallSeconds,
    double? SamplesPerSec);

/// <summary>What identifies the run's output: the files it wrote, the weights' hash, the machine and the time.</summary>
/// <param name="Weights"><c>weights</c>: the final weights' file name.</param>
/// <param name="WeightsInit"><c>weights_init</c>: the initial weights' file name.</param>
/// <param name="WeightsSha256"><c>weights_sha256</c>: SHA-256 of the final weights.</param>
/// <param name="Trajectory"><c>trajectory</c>: the trajectory's file name, null when none was recorded.</param>
/// <param name="Machine"><c>machine</c> (gradient methods).</param>
/// <param name="FinishedUtc"><c>finished_utc</c>, ISO 8601.</param>
/// <param name="Device"><c>device</c>: what trained the run when it was not the CPU backend (e.g. "cuda — NVIDIA H200
/// (sm_90, 139 GiB)", or each device with its epochs for a run resumed on another one); null, and the key absent, for
/// CPU runs, whose run.json is what it was before GPU backends.</param>
public sealed record RunProvenance(string Weights, string WeightsInit, string WeightsSha256, string? Trajectory,
    MachineInfo? Machine, string FinishedUtc, string? Device = null);

/// <summary>run.json's <c>machine</c>.</summary>
/// <param name="Processors"><c>processors</c>.</param>
/// <param name="Vector512"><c>vector512</c>: whether 512-bit vectors are hardware accelerated.</param>
/// <param name="Runtime"><c>runtime</c>: the .NET version.</param>
/// <param name="Os"><c>os</c>.</param>
public sealed record MachineInfo(int Processors, bool Vector512, string Runtime, string Os)
{
    /// <summary>This machine.</summary>
    public static MachineInfo Current() => new(Environment.ProcessorCount, System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated,
        Environment.Version.ToString(), System.Runtime.InteropServices.RuntimeInformation.OSDescription);
}

/// <summary>The ADMM part of run.json: the convergence conditions and the per-iteration record.</summary>
/// <param name="ConditionsVerdict"><c>conditions_verdict</c>: proved, violated or unknown.</param>
/// <param name="Unverified"><c>unverified</c>: whether the run went ahead without proved conditions.</param>
/// <param name="Conditions"><c>conditions</c>: the verification report (owned by BoundLab.Bounds) as compact JSON text
/// with non-ASCII characters unescaped; <see cref="RunDocument.CompactJson"/> normalizes a JSON object to that form.</param>
/// <param name="AuthorsDefaults"><c>authors_defaults</c>.</param>
/// <param name="Iterations"><c>iterations</c>.</param>
/// <param name="Lagrangian"><c>lagrangian</c> after the last iteration.</param>
/// <param name="PrimalResidual"><c>primal_residual</c> after the last iteration.</param>
/// <param name="KktResidual"><c>kkt_residual</c> after the last iteration.</param>
public sealed record AdmmOutcome(string ConditionsVerdict, bool Unverified, string Conditions, AdmmAuthorsDefaults AuthorsDefaults,
    ValueList<AdmmIterationEntry> Iterations, double Lagrangian, double PrimalResidual, double KktResidual);

/// <summary>run.json's <c>authors_defaults</c>: the parameters Zeng et al. (2021) use, beside ours.</summary>
/// <param name="Beta"><c>beta</c>.</param>
/// <param name="Lambda"><c>lambda</c>.</param>
/// <param name="LambdaRatio"><c>lambda_ratio</c>: our λ over theirs.</param>
public sealed record AdmmAuthorsDefaults(double Beta, double Lambda, double LambdaRatio);

/// <summary>One ADMM iteration of run.json's <c>iterations</c>.</summary>
/// <param name="Iteration"><c>iteration</c>.</param>
/// <param name="Lagrangian"><c>lagrangian</c>.</param>
/// <param name="PrimalResidual"><c>primal_residual</c>.</param>
/// <param name="PrimalResiduals"><c>primal_residuals</c>, one per layer.</param>
/// <param name="KktResidual"><c>kkt_residual</c>.</param>
/// <param name="TrainLoss"><c>train_loss</c>.</param>
/// <param name="Seconds"><c>seconds</c>.</param>
public sealed record AdmmIterationEntry(int Iteration, double Lagrangian, double PrimalResidual, ValueList<double> PrimalResiduals,
    double KktResidual, double TrainLoss, double Seconds);

/// <summary>A run.json that cannot be read (missing, not a run, too new, a key missing or of the wrong type) or
/// written (a non-finite number); the message names the file and the key.</summary>
public sealed class RunFileException : Exception
{
    /// <summary>An error about <paramref name="path"/>.</summary>
    public RunFileException(string path, string message, Exception? inner = null)
        : base(message, inner) => Path = path;

    /// <summary>The file.</summary>
    public string Path { get; }
}
