using System.Diagnostics;
using System.Globalization;
using BoundLab.Numerics.Backends;
using BoundLab.Numerics.Data;
using BoundLab.Numerics.Losses;
using BoundLab.Numerics.Models;
using BoundLab.Numerics.Optimizers;
using BoundLab.Numerics.Random;

namespace BoundLab.Numerics.Training;

/// <summary>What an after-epoch callback sees: the epoch's record and the in-memory networks (read them, do not change them).</summary>
/// <param name="Record">The finished epoch.</param>
/// <param name="Model">The network after the epoch.</param>
/// <param name="Initial">The network at initialization.</param>
public sealed record EpochEnd(EpochRecord Record, Model<float> Model, Model<float> Initial);

/// <summary>The outcome of a run.</summary>
/// <param name="Model">The trained network.</param>
/// <param name="Initial">The network at initialization (for distance-from-init measures and bounds).</param>
/// <param name="History">One record per epoch.</param>
/// <param name="Steps">Per-step trajectory (when recorded).</param>
/// <param name="TrainSeconds">Time spent in training steps (evaluation excluded).</param>
/// <param name="SamplesSeen">Training samples processed.</param>
/// <param name="StoppedEarly">Perturbed GD reached its stopping test, or the caller's after-epoch test asked to stop.</param>
public sealed record TrainResult(Model<float> Model, Model<float> Initial, IReadOnlyList<EpochRecord> History,
    IReadOnlyList<StepRecord> Steps, double TrainSeconds, long SamplesSeen, bool StoppedEarly)
{
    /// <summary>Training samples per second of training time.</summary>
    public double SamplesPerSecond => TrainSeconds > 0 ? SamplesSeen / TrainSeconds : 0;
}

/// <summary>Trains an MLP on a dataset split. Every random choice derives from the config's seed:
/// init ← Split("init"), epoch e's shuffle ← Split("shuffle").Split(e), the algorithm's noise ← Split("noise")
/// (SGLD: step t, parameter k ← NoiseKey(Split("noise"), t, k));
/// so a run resumed from a checkpoint is bit-identical to an uninterrupted one.</summary>
public sealed class Trainer
{
    private readonly TrainConfig _config;
    private readonly DataSplit _data;
    private readonly Backend<float> _backend;
    private readonly RngKey _root;
    private readonly DataOptions? _dataOptions;
    private readonly Dataset? _ghost;
    private RunFingerprint? _fingerprint;

    /// <summary>Checks that config and data fit together (input/output widths, loss vs task).
    /// <paramref name="dataOptions"/>, when the data came from <see cref="Datasets.Load"/>, becomes part of
    /// the <see cref="Fingerprint"/>, so a resume with other data options is refused by name.
    /// <paramref name="ghost"/>, with a supersample, is its unused half (row i pairs with the training set's row i) for
    /// the statistics an algorithm records on the pairs.</summary>
    public Trainer(TrainConfig config, DataSplit data, Backend<float>? backend = null, DataOptions? dataOptions = null, Dataset? ghost = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(data);
        config.Validate();
        Dataset train = data.Train;
        if (config.Model.InputDim != train.InputDim)
        {
            throw new ArgumentException(
                $"{ArchOption(config.Model)} takes {config.Model.InputDim} inputs; '{train.Name}' has {train.InputDim} features" + (config.Model.Mlp is null ? "." : $" (start the architecture with {train.InputDim})."),
                nameof(config));
        }

        bool regression = train.Task == TaskKind.Regression;
        int classes = train.Classes;
        if (regression && config.Model.OutputDim != train.OutputDim)
        {
            throw new ArgumentException(
                $"{ArchOption(config.Model)} has {config.Model.OutputDim} outputs; '{train.Name}' has {train.OutputDim} targets.", nameof(config));
        }

        try
        {
            Loss.CheckCompatible(config.Loss, config.Model.OutputDim, regression, classes);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{ArchOption(config.Model)} with --loss {Loss.Name(config.Loss)}: {e.Message.Split(" (Parameter")[0]}", nameof(config));
        }

        if (train.Count == 0)
        {
            throw new ArgumentException($"training set '{train.Name}' is empty.", nameof(data));
        }

        _config = config;
        _data = data;
        _backend = backend ?? new CpuBackend(config.Threads);
        _root = RngKey.FromSeed(config.Seed);
        _dataOptions = dataOptions;
        if (ghost is not null && (ghost.Count != train.Count || ghost.InputDim != train.InputDim))
        {
            throw new ArgumentException($"the supersample's unused half has {ghost.Count} points of {ghost.InputDim} features; the training set {train.Count} of {train.InputDim}: they must pair row by row.", nameof(ghost));
        }

        _ghost = ghost;
    }

    private static string ArchOption(ModelSpec m) => m.Mlp is null ? $"--model {m.Name}" : $"--arch {m.Name}";

    /// <summary>Identity of the run for checkpoints: everything that changes results (not epochs or threads).</summary>
    public RunFingerprint Fingerprint => _fingerprint ??= RunFingerprint.Of(_config, _data, _dataOptions);

    /// <summary>Runs the configured epochs. With a checkpoint folder, saves after every epoch and, when
    /// <paramref name="resume"/> is set and a checkpoint exists, continues from it (every algorithm, perturbed GD
    /// included: its typed state is checkpointed). Cancellation stops between steps (OperationCanceledException);
    /// the last epoch's checkpoint stays valid. <paramref name="afterEpoch"/> sees each finished epoch with the in-memory
    /// networks and returns true to stop training after it (the epoch's checkpoint is saved first).</summary>
    public TrainResult Run(IProgress<TrainProgress>? progress = null, CancellationToken cancel = default,
        Checkpoint? checkpoint = null, bool resume = false, Action<EpochRecord>? onEpoch = null, Func<EpochEnd, bool>? afterEpoch = null)
    {
        Model<float> initial = Model<float>.Create(_config.Model, _backend, _root.Split("init"), _config.Init, _config.InitStd);
        Model<float> net = initial.Clone();
        Algorithm algorithm = _config.Algorithm.Create(new AlgorithmContext(net, _root.Split("noise"), _data.Train, _config.Loss, _ghost));
        var train = new Objective<float>(net, _backend.Upload(_data.Train), _config.Loss);
        var test = new Objective<float>(net, _backend.Upload(_data.Test), _config.Loss);
        var history = new List<EpochRecord>();
        var steps = new List<StepRecord>();
        int firstEpoch = 0;
        long step = 0, samples = 0;
        double seconds = 0;

        if (resume && checkpoint is { Exists: true })
        {
            CheckpointState saved0 = checkpoint.ReadState();
            IReadOnlyList<FingerprintDifference> differences = Fingerprint.Compare(saved0.Fingerprint);
            if (differences.Count > 0)
            {
                throw new CheckpointMismatchException(checkpoint.Directory, differences);
            }

            if (saved0.CompletedEpochs > _config.Epochs)
            {
                throw new ArgumentException(
                    $"--epochs {_config.Epochs} is fewer than the {saved0.CompletedEpochs} epochs the checkpoint in {checkpoint.Directory} " +
                    $"already holds; resume with --epochs {saved0.CompletedEpochs} or more.", nameof(resume));
            }

            (CheckpointState state, Model<float> saved, AlgorithmState algorithmState) = checkpoint.Load(_backend);
            net.CopyFrom(saved);
            algorithm.RestoreState(algorithmState);
            history.AddRange(state.History);
            steps.AddRange(state.Steps);
            (firstEpoch, step, seconds, samples) = (state.CompletedEpochs, state.GlobalStep, state.TrainSeconds, state.SamplesSeen);
        }

        bool stopped = false;
        for (int epoch = firstEpoch; epoch < _config.Epochs && !stopped; epoch++)
        {
            var clock = Stopwatch.StartNew();
            double lr = _config.Schedule.At(epoch);
            if (algorithm.FullBatch)
            {
                stopped = FullBatchStep(train, algorithm, lr, epoch, ref step, steps, progress, cancel);
            }
            else
            {
                MinibatchEpoch(train, algorithm, lr, epoch, ref step, steps, progress, cancel);
            }

            samples += _data.Train.Count;
            clock.Stop();
            seconds += clock.Elapsed.TotalSeconds;
            var (trainLoss, trainError) = train.Evaluate();
            var (testLoss, testError) = test.Evaluate();
            // The last step can overflow the weights although the loss before it was finite: this is
            // the first non-finite loss, and nothing non-finite may reach the history or a checkpoint.
            CheckFiniteAfter("training-set", trainLoss, trainError, epoch, step - 1);
            CheckFiniteAfter("test-set", testLoss, testError, epoch, step - 1);
            // TrainLoss is the full training set's mean loss at the end of the epoch, like TrainError (not the running
            // mean of the minibatch losses during the epoch, which the progress bar shows).
            history.Add(new EpochRecord(epoch + 1, lr, trainLoss, trainError, testLoss, testError, clock.Elapsed.TotalSeconds));
            onEpoch?.Invoke(history[^1]);
            stopped |= afterEpoch?.Invoke(new EpochEnd(history[^1], net, initial)) ?? false;
            checkpoint?.Save(new CheckpointState(Fingerprint, epoch + 1, step, seconds, samples, history, steps), net, algorithm.SaveState());
        }

        return new TrainResult(net, initial, history, steps, seconds, samples, stopped);
    }

    private void MinibatchEpoch(Objective<float> train, Algorithm algorithm, double lr, int epoch,
        ref long step, List<StepRecord> steps, IProgress<TrainProgress>? progress, CancellationToken cancel)
    {
        int n = _data.Train.Count;
        int batchSize = Math.Min(_config.BatchSize, n);
        int[] order = _root.Split("shuffle").Split((ulong)epoch).Stream().Permutation(n);
        int stepsPerEpoch = (n + batchSize - 1) / batchSize;
        double lossSum = 0;
        for (int b = 0; b < stepsPerEpoch; b++)
        {
            cancel.ThrowIfCancellationRequested();
            int start = b * batchSize, rows = Math.Min(batchSize, n - start);
            StepResult r = algorithm.Step(new StepContext(() => train.OnRows(order.AsSpan(start, rows)), lr, step, _config.RecordSteps));
            CheckFinite(r.Loss, epoch, step);
            if (_config.RecordSteps)
            {
                steps.Add(new StepRecord(step, epoch + 1, lr, r.Loss, r.GradientNormSquared, r.GradStat, r.Incoherence));
            }

            step++;
            lossSum += r.Loss;
            progress?.Report(new TrainProgress(epoch + 1, _config.Epochs, b + 1, stepsPerEpoch, lossSum / (b + 1)));
        }

    }

    // One step of a full-batch algorithm: the gradient of the mean loss over the whole training set, accumulated
    // chunk by chunk in a fixed order.
    private bool FullBatchStep(Objective<float> train, Algorithm algorithm, double lr, int epoch,
        ref long step, List<StepRecord> steps, IProgress<TrainProgress>? progress, CancellationToken cancel)
    {
        int chunk = _config.BatchSize;
        long t = step;
        StepResult r = algorithm.Step(new StepContext(() =>
        {
            double loss = train.Full(chunk, true, cancel);
            CheckFinite(loss, epoch, t);
            return loss;
        }, lr, step, _config.RecordSteps));
        if (r.Stopped)
        {
            return true;
        }

        if (_config.RecordSteps)
        {
            steps.Add(new StepRecord(step, epoch + 1, lr, r.Loss, r.GradientNormSquared, r.GradStat, r.Incoherence));
        }

        step++;
        progress?.Report(new TrainProgress(epoch + 1, _config.Epochs, 1, 1, r.Loss));
        return false;
    }

    private static void CheckFiniteAfter(string what, double loss, double error, int epoch, long lastStep)
    {
        if (!double.IsFinite(loss) || !double.IsFinite(error))
        {
            throw new TrainingDivergedException(epoch + 1, lastStep,
                string.Create(CultureInfo.InvariantCulture, $"after step {lastStep} the {what} loss is {loss} and its error {error}"));
        }
    }

    private static void CheckFinite(double loss, int epoch, long step)
    {
        if (!double.IsFinite(loss))
        {
            throw new TrainingDivergedException(epoch + 1, step, loss);
        }
    }
}
