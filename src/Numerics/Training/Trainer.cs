using System.Diagnostics;
using System.Globalization;
using BoundLab.Numerics.Backends;
using BoundLab.Numerics.Data;
using BoundLab.Numerics.Losses;
using BoundLab.Numerics.Models;
using BoundLab.Numerics.Optimizers;
using BoundLab.Numerics.Random;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Numerics.Training;

/// <summary>The outcome of a run.</summary>
/// <param name="Model">The trained network.</param>
/// <param name="Initial">The network at initialization (for distance-from-init measures and bounds).</param>
/// <param name="History">One record per epoch.</param>
/// <param name="Steps">Per-step trajectory (when recorded).</param>
/// <param name="TrainSeconds">Time spent in training steps (evaluation excluded).</param>
/// <param name="SamplesSeen">Training samples processed.</param>
/// <param name="StoppedEarly">Perturbed GD reached its stopping test.</param>
public sealed record TrainResult(Mlp<float> Model, Mlp<float> Initial, IReadOnlyList<EpochRecord> History,
    IReadOnlyList<StepRecord> Steps, double TrainSeconds, long SamplesSeen, bool StoppedEarly)
{
    /// <summary>Training samples per second of training time.</summary>
    public double SamplesPerSecond => TrainSeconds > 0 ? SamplesSeen / TrainSeconds : 0;
}

/// <summary>Trains an MLP on a dataset split. Every random choice derives from the config's seed:
/// init ← Split("init"), epoch e's shuffle ← Split("shuffle").Split(e), step t's noise ← Split("noise").Split(t);
/// so a run resumed from a checkpoint is bit-identical to an uninterrupted one.</summary>
public sealed class Trainer
{
    private readonly TrainConfig _config;
    private readonly DataSplit _data;
    private readonly Backend<float> _backend;
    private readonly RngKey _root;
    private readonly DataOptions? _dataOptions;
    private RunFingerprint? _fingerprint;

    /// <summary>Checks that config and data fit together (input/output widths, loss vs task).
    /// <paramref name="dataOptions"/>, when the data came from <see cref="Datasets.Load"/>, becomes part of
    /// the <see cref="Fingerprint"/>, so a resume with other data options is refused by name.</summary>
    public Trainer(TrainConfig config, DataSplit data, Backend<float>? backend = null, DataOptions? dataOptions = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(data);
        config.Validate();
        Dataset train = data.Train;
        if (config.Spec.InputDim != train.InputDim)
        {
            throw new ArgumentException(
                $"--arch {config.Spec.Arch} takes {config.Spec.InputDim} inputs; '{train.Name}' has {train.InputDim} features (start the architecture with {train.InputDim}).",
                nameof(config));
        }

        bool regression = train.Task == TaskKind.Regression;
        int classes = train.Classes;
        if (regression && config.Spec.OutputDim != train.OutputDim)
        {
            throw new ArgumentException(
                $"--arch {config.Spec.Arch} has {config.Spec.OutputDim} outputs; '{train.Name}' has {train.OutputDim} targets.", nameof(config));
        }

        try
        {
            Loss.CheckCompatible(config.Loss, config.Spec.OutputDim, regression, classes);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"--arch {config.Spec.Arch} with --loss {Loss.Name(config.Loss)}: {e.Message.Split(" (Parameter")[0]}", nameof(config));
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
    }

    /// <summary>Identity of the run for checkpoints: everything that changes results (not epochs or threads).</summary>
    public RunFingerprint Fingerprint => _fingerprint ??= RunFingerprint.Of(_config, _data, _dataOptions);

    /// <summary>Runs the configured epochs. With a checkpoint folder, saves after every epoch and, when
    /// <paramref name="resume"/> is set and a checkpoint exists, continues from it. Cancellation stops
    /// between steps (OperationCanceledException); the last epoch's checkpoint stays valid.</summary>
    public TrainResult Run(IProgress<TrainProgress>? progress = null, CancellationToken cancel = default,
        Checkpoint? checkpoint = null, bool resume = false, Action<EpochRecord>? onEpoch = null)
    {
        Mlp<float> initial = Mlp<float>.Create(_config.Spec, _root.Split("init"), _config.Init, _config.InitStd);
        Mlp<float> net = initial.Clone();
        Optimizer optimizer = CreateOptimizer(net);
        var history = new List<EpochRecord>();
        var steps = new List<StepRecord>();
        int firstEpoch = 0;
        long step = 0, samples = 0;
        double seconds = 0;

        if (resume && checkpoint is { Exists: true })
        {
            if (optimizer is PerturbedGd)
            {
                throw new ArgumentException("--optimizer pgd runs cannot be resumed (the perturbation anchor is not checkpointed); start the run over with --force instead of --resume.", nameof(resume));
            }

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

            (CheckpointState state, Mlp<float> saved) = checkpoint.Load(optimizer.State);

            for (int i = 0; i < net.Parameters.Count; i++)
            {
                Array.Copy(saved.Parameters[i].Value, net.Parameters[i].Value, saved.Parameters[i].Value.Length);
            }

            history.AddRange(state.History);
            steps.AddRange(state.Steps);
            (firstEpoch, step, seconds, samples) = (state.CompletedEpochs, state.GlobalStep, state.TrainSeconds, state.SamplesSeen);
        }

        bool stopped = false;
        for (int epoch = firstEpoch; epoch < _config.Epochs && !stopped; epoch++)
        {
            var clock = Stopwatch.StartNew();
            double lr = _config.Schedule.At(epoch);
            double lossSum;
            int lossCount;
            if (optimizer.FullBatch)
            {
                (lossSum, lossCount, stopped) = FullBatchStep(net, optimizer, lr, epoch, ref step, steps, progress, cancel);
                samples += _data.Train.Count;
            }
            else
            {
                (lossSum, lossCount) = MinibatchEpoch(net, optimizer, lr, epoch, ref step, steps, progress, cancel);
                samples += _data.Train.Count;
            }

            clock.Stop();
            seconds += clock.Elapsed.TotalSeconds;
            var (trainLoss, trainError) = Evaluation.Evaluate(net, _backend, _data.Train, _config.Loss);
            var (testLoss, testError) = Evaluation.Evaluate(net, _backend, _data.Test, _config.Loss);
            // The last step can overflow the weights although the loss before it was finite: this is
            // the first non-finite loss, and nothing non-finite may reach the history or a checkpoint.
            CheckFiniteAfter("training-set", trainLoss, trainError, epoch, step - 1);
            CheckFiniteAfter("test-set", testLoss, testError, epoch, step - 1);
            history.Add(new EpochRecord(epoch + 1, lr, lossSum / lossCount, trainError, testLoss, testError, clock.Elapsed.TotalSeconds));
            onEpoch?.Invoke(history[^1]);
            checkpoint?.Save(new CheckpointState(Fingerprint, epoch + 1, step, seconds, samples, history, steps), net, optimizer.State);
        }

        return new TrainResult(net, initial, history, steps, seconds, samples, stopped);
    }

    private Optimizer CreateOptimizer(Mlp<float> net)
    {
        OptimizerConfig o = _config.Optimizer;
        return o.Kind switch
        {
            "sgd" => new Sgd(net.Parameters, o.Momentum, o.WeightDecay),
            "gd" => new Sgd(net.Parameters, o.Momentum, o.WeightDecay, fullBatch: true),
            "sgld" => new Sgld(o.Beta, o.WeightDecay, _root.Split("noise"), _config.Threads == 0 ? Environment.ProcessorCount : _config.Threads),
            "pgd" => new PerturbedGd(o.PgdRadius, o.PgdGradThreshold, o.PgdStepThreshold, o.PgdLossThreshold, _root.Split("noise")),
            _ => throw new ArgumentException($"optimizer '{o.Kind}' is unknown; allowed: {string.Join(", ", OptimizerKinds.All)}."),
        };
    }

    private (double LossSum, int Count) MinibatchEpoch(Mlp<float> net, Optimizer optimizer, double lr, int epoch,
        ref long step, List<StepRecord> steps, IProgress<TrainProgress>? progress, CancellationToken cancel)
    {
        Dataset train = _data.Train;
        int batchSize = Math.Min(_config.BatchSize, train.Count);
        int[] order = _root.Split("shuffle").Split((ulong)epoch).Stream().Permutation(train.Count);
        var batch = new BatchBuffer(train, batchSize);
        int stepsPerEpoch = (train.Count + batchSize - 1) / batchSize;
        double lossSum = 0;
        for (int b = 0; b < stepsPerEpoch; b++)
        {
            cancel.ThrowIfCancellationRequested();
            int start = b * batchSize, rows = Math.Min(batchSize, train.Count - start);
            batch.Gather(order.AsSpan(start, rows));
            double loss = ForwardBackward(net, batch);
            CheckFinite(loss, epoch, step);
            if (_config.RecordSteps)
            {
                steps.Add(new StepRecord(step, epoch + 1, lr, loss, optimizer.GradientNormSquared(net.Parameters)));
            }

            optimizer.Step(net.Parameters, lr, step);
            step++;
            lossSum += loss;
            progress?.Report(new TrainProgress(epoch + 1, _config.Epochs, b + 1, stepsPerEpoch, lossSum / (b + 1)));
        }

        return (lossSum, stepsPerEpoch);
    }

    // One step of (perturbed) GD: the gradient of the mean loss over the whole training set, accumulated
    // chunk by chunk in a fixed order.
    private (double LossSum, int Count, bool Stopped) FullBatchStep(Mlp<float> net, Optimizer optimizer, double lr, int epoch,
        ref long step, List<StepRecord> steps, IProgress<TrainProgress>? progress, CancellationToken cancel)
    {
        double loss = FullGradient(net, cancel);
        CheckFinite(loss, epoch, step);
        if (optimizer is PerturbedGd pgd)
        {
            if (pgd.ShouldStop(net.Parameters, step, loss))
            {
                return (loss, 1, true);
            }

            double gradNorm = Math.Sqrt(net.Parameters.Sum(p => p.Grad.Sum(g => (double)g * g)));
            if (pgd.ShouldPerturb(step, gradNorm))
            {
                pgd.Perturb(net.Parameters, step, loss);
                loss = FullGradient(net, cancel);
                CheckFinite(loss, epoch, step);
            }
        }

        if (_config.RecordSteps)
        {
            steps.Add(new StepRecord(step, epoch + 1, lr, loss, optimizer.GradientNormSquared(net.Parameters)));
        }

        optimizer.Step(net.Parameters, lr, step);
        step++;
        progress?.Report(new TrainProgress(epoch + 1, _config.Epochs, 1, 1, loss));
        return (loss, 1, false);
    }

    private double FullGradient(Mlp<float> net, CancellationToken cancel)
    {
        Dataset train = _data.Train;
        int chunk = Math.Min(_config.BatchSize, train.Count);
        var batch = new BatchBuffer(train, chunk);
        float[][] sums = net.Parameters.Select(p => new float[p.Grad.Length]).ToArray();
        double loss = 0;
        for (int start = 0; start < train.Count; start += chunk)
        {
            cancel.ThrowIfCancellationRequested();
            int rows = Math.Min(chunk, train.Count - start);
            batch.GatherRange(start, rows);
            double weight = (double)rows / train.Count;
            loss += weight * ForwardBackward(net, batch);
            for (int k = 0; k < sums.Length; k++)
            {
                float[] g = net.Parameters[k].Grad, s = sums[k];
                for (int i = 0; i < s.Length; i++)
                {
                    s[i] += (float)weight * g[i];
                }
            }
        }

        for (int k = 0; k < sums.Length; k++)
        {
            Array.Copy(sums[k], net.Parameters[k].Grad, sums[k].Length);
        }

        return loss;
    }

    private Matrix<float>? _gradOut;

    private double ForwardBackward(Mlp<float> net, BatchBuffer batch)
    {
        Matrix<float> outputs = net.Forward(_backend, batch.Inputs);
        if (_gradOut is null || !_gradOut.SameShape(outputs))
        {
            _gradOut = new Matrix<float>(outputs.Rows, outputs.Cols);
        }

        double loss = Loss.Compute(_config.Loss, outputs, batch.Labels, batch.Targets, _gradOut);
        net.Backward(_backend, _gradOut);
        return loss;
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
