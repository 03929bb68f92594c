using System.Diagnostics;
using System.Globalization;
using BoundLab.Numerics.Backends;
using BoundLab.Numerics.Data;
using BoundLab.Numerics.Kernels;
using BoundLab.Numerics.Models;
using BoundLab.Numerics.Random;
using BoundLab.Numerics.Training;

namespace BoundLab.Numerics.Stochastic;

/// <summary>One posterior-training run (arguments already validated): the float32 step on a CPU backend, the optimizer,
/// the epoch loop, progress and checkpoints.</summary>
internal sealed class PosteriorRun
{
    private readonly GaussianPosterior _initial;
    private readonly GaussianPrior _prior;
    private readonly Dataset _train;
    private readonly int _n, _threads;
    private readonly PosteriorTrainingOptions _options;
    private readonly RngKey _key;

    public PosteriorRun(GaussianPosterior initial, GaussianPrior prior, Dataset train, int n, PosteriorTrainingOptions options, RngKey key, int threads)
    {
        (_initial, _prior, _train, _n, _options, _key, _threads) = (initial, prior, train, n, options, key, threads);
    }

    /// <summary>The trainer's state, as a checkpoint holds it.</summary>
    internal sealed class State
    {
        public required PosteriorStep<float> Step { get; init; }

        public required PosteriorOptimizer<float> Optimizer { get; init; }

        /// <summary>f_lambda's optimizer of θ (null otherwise).</summary>
        public PosteriorOptimizer<float>? LambdaOptimizer { get; init; }

        public List<PosteriorEpoch> History { get; } = [];

        public int CompletedEpochs { get; set; }

        public long GlobalStep { get; set; }

        /// <summary>Whether the RMSprop slots were reset for the dropped learning rate.</summary>
        public bool Dropped { get; set; }
    }

    /// <summary>Builds the state at the initial posterior.</summary>
    internal State Create(Backend<float> backend)
    {
        ModelSpec spec = _initial.Spec;
        Model<float> model = Model<float>.Zeros(spec, backend);
        float[][] mu = _initial.MeanArrays.Select(a => (float[])a.Clone()).ToArray();
        float[][] rho = _initial.RhoArrays.Select(a => (float[])a.Clone()).ToArray();
        float[][] center = _prior.Center.Select(a => (float[])a.Clone()).ToArray();
        PacBayesObjective objective = PacBayesObjective.For(_options, _n);
        double[] scalars = _options.Method switch
        {
            // DR17's log prior std s, λ = e^{2s}.
            PacBayesMethod.Dr17 => [0.5 * Math.Log(_options.PriorVariance)],
            PacBayesMethod.PbbLambda => [_options.InitialLambda],
            _ => [],
        };
        Surrogate<float> surrogate = _options.Method == PacBayesMethod.Dr17 ? new LogisticSurrogate<float>() : new BoundedCrossEntropy<float>(_options.PMin);
        var step = new PosteriorStep<float>(model, _initial.Parameterization, mu, rho, center, objective, surrogate, scalars)
        {
            Local = _options.Sampling == PosteriorSampling.Local ? new LocalReparameterization<float>(spec, backend) : null,
        };
        float[][] arrays = [.. mu, .. rho];
        if (_options.Method == PacBayesMethod.Dr17)
        {
            return new State { Step = step, Optimizer = new TfRmsProp<float>(arrays, scalars.Length) };
        }

        // f_lambda: θ has its own SGD (pbb/utils.py runexp line 207, same lr and momentum) and its own step.
        return new State
        {
            Step = step,
            Optimizer = new TorchSgdMomentum<float>(arrays, 0, _options.Momentum),
            LambdaOptimizer = _options.Method == PacBayesMethod.PbbLambda ? new TorchSgdMomentum<float>([], 1, _options.Momentum) : null,
        };
    }

    public PosteriorResult Execute(string? checkpointFolder, IProgress<PosteriorEpoch>? progress, CancellationToken cancel)
    {
        var backend = new CpuBackend(_threads);
        State state = Create(backend);
        int resumedFrom = 0;
        PosteriorCheckpoint? checkpoint = checkpointFolder is null ? null : new PosteriorCheckpoint(checkpointFolder, Fingerprint());
        if (checkpoint is not null && checkpoint.TryLoad(state, _options.Epochs))
        {
            resumedFrom = state.CompletedEpochs;
        }

        ResidentDataset<float> data = backend.Upload(_train);
        int count = _train.Count, batchSize = Math.Min(_options.BatchSize, count);
        Batch<float> full = backend.AllocateBatch(data, batchSize);
        Batch<float>? last = count % batchSize == 0 ? null : backend.AllocateBatch(data, count % batchSize);
        RngKey noise = _key.Split("posterior-noise"), localNoise = _key.Split("posterior-local"), lambdaNoise = _key.Split("lambda-noise"), shuffle = _key.Split("shuffle");
        int stepsPerEpoch = (count + batchSize - 1) / batchSize;
        PosteriorStep<float> step = state.Step;
        double[] noScalars = [];
        float[][] values = [.. step.Mu, .. step.Rho], grads = [.. step.GradMu, .. step.GradRho];

        for (int epoch = state.CompletedEpochs; epoch < _options.Epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            bool dropped = _options.DropEpoch is int d && epoch > d;
            double lr = _options.LearningRate * (dropped ? _options.DropFactor : 1);
            if (dropped && !state.Dropped)
            {
                // DR17 switch to a second RMSPropOptimizer, whose mean squares start again at 1.
                (state.Optimizer as TfRmsProp<float>)?.Reset();
                state.Dropped = true;
            }

            int[] order = shuffle.Split((ulong)epoch).Stream().Permutation(count);
            double objective = 0, surrogate = 0, kl = 0, lambda = 0, errors = 0;
            for (int b = 0; b < stepsPerEpoch; b++)
            {
                cancel.ThrowIfCancellationRequested();
                int start = b * batchSize, rows = Math.Min(batchSize, count - start);
                Batch<float> batch = rows == batchSize ? full : last!;
                backend.Gather(data, order.AsSpan(start, rows), batch);
                ulong t = (ulong)state.GlobalStep;
                if (step.Local is null)
                {
                    FillNoise(step.Xi, noise, t);
                }

                step.LocalDraw = (localNoise, t);
                StepEvaluation e = step.Evaluate(batch);
                CheckFinite(e.Objective, epoch, state.GlobalStep);
                state.Optimizer.Step(values, grads,
                    state.LambdaOptimizer is null ? step.Scalars : noScalars, step.ScalarGradient, lr);
                if (_options.Method == PacBayesMethod.Dr17)
                {
                    step.Scalars[0] = Math.Min(step.Scalars[0], Dr17Objective.MaxLogStd);
                }
                if (state.LambdaOptimizer is not null)
                {
                    // PBB trainPNNet: after the network's step, a fresh sample at the new μ, ρ and a step of λ alone.
                    if (step.Local is null)
                    {
                        FillNoise(step.Xi, lambdaNoise, t);
                    }

                    step.LocalDraw = (lambdaNoise.Split("local"), t);
                    StepEvaluation le = step.Evaluate(batch, gradient: false);
                    CheckFinite(le.Objective, epoch, state.GlobalStep);
                    state.LambdaOptimizer.Step([], [], step.Scalars, step.ScalarGradient, lr);
                }

                state.GlobalStep++;
                objective += e.Objective.Value;
                surrogate += e.Objective.Surrogate;
                kl += e.Objective.Kl;
                lambda += e.Objective.PriorVariance;
                errors += e.Errors / e.Rows;
            }

            clock.Stop();
            CheckState(step, epoch, state.GlobalStep - 1);
            var record = new PosteriorEpoch(epoch + 1, objective / stepsPerEpoch, surrogate / stepsPerEpoch, kl / stepsPerEpoch,
                lambda / stepsPerEpoch, errors / stepsPerEpoch, clock.Elapsed.TotalSeconds);
            state.History.Add(record);
            state.CompletedEpochs = epoch + 1;
            checkpoint?.Save(state);
            progress?.Report(record);
        }

        var posterior = GaussianPosterior.Own(_initial.Spec, step.Mu.Select(a => (float[])a.Clone()).ToArray(),
            step.Rho.Select(a => (float[])a.Clone()).ToArray(), _initial.Parameterization);
        double? objectiveLambda = _options.Method == PacBayesMethod.PbbLambda
            ? ((PbbObjective)step.Objective).Lambda(step.Scalars[0]) : null;
        return new PosteriorResult(posterior, step.Objective.PriorVariance(step.Scalars), objectiveLambda, state.History.ToArray(), resumedFrom);
    }

    /// <summary>Everything that changes the result (not the epoch count or threads): options but epochs, n, the data's
    /// content, the initial posterior, the prior and the key.</summary>
    internal IReadOnlyList<(string Field, string Value)> Fingerprint()
    {
        var f = new List<(string, string)>();
        foreach ((string option, string value) in _options.Describe())
        {
            if (option != "--epochs")
            {
                f.Add((option, value));
            }
        }

        f.Add(("n", _n.ToString(CultureInfo.InvariantCulture)));
        f.Add(("data", _train.ContentSha256()));
        f.Add(("initial posterior", PosteriorCheckpoint.Hash(_initial.MeanArrays.Concat(_initial.RhoArrays)) + " " + _initial.Parameterization + " " + _initial.Spec.Name));
        f.Add(("prior", PosteriorCheckpoint.Hash(_prior.Center) + " " + _prior.Variance.ToString("R", CultureInfo.InvariantCulture)));
        f.Add(("key", _key.Value.ToString(CultureInfo.InvariantCulture)));
        return f;
    }

    private void FillNoise(float[][] xi, RngKey key, ulong t)
    {
        for (int k = 0; k < xi.Length; k++)
        {
            GaussianNoise.Fill(new NoiseKey(key, t, (uint)k), xi[k], _threads);
        }
    }

    // The last step can overflow μ, ρ or θ although the objective before it was finite: nothing non-finite (nor a σ
    // that underflowed to 0) may reach a checkpoint or the result.
    private static void CheckState(PosteriorStep<float> step, int epoch, long lastStep)
    {
        foreach (double v in step.Scalars)
        {
            if (!double.IsFinite(v))
            {
                throw new TrainingDivergedException(epoch + 1, lastStep, string.Create(CultureInfo.InvariantCulture, $"after step {lastStep} a trained scalar is {v}"));
            }
        }

        for (int k = 0; k < step.Mu.Length; k++)
        {
            SigmaMap.Sigma<float>(step.Parameterization, step.Rho[k], step.Sigma[k]);
            for (int i = 0; i < step.Mu[k].Length; i++)
            {
                if (!float.IsFinite(step.Mu[k][i]) || !float.IsFinite(step.Rho[k][i]) || !(step.Sigma[k][i] > 0) || !float.IsFinite(step.Sigma[k][i]))
                {
                    throw new TrainingDivergedException(epoch + 1, lastStep, string.Create(CultureInfo.InvariantCulture,
                        $"after step {lastStep} parameter tensor {k} element {i} has μ = {step.Mu[k][i]}, ρ = {step.Rho[k][i]}, σ = {step.Sigma[k][i]}"));
                }
            }
        }
    }

    private static void CheckFinite(ObjectiveValue v, int epoch, long step)
    {
        if (!double.IsFinite(v.Value))
        {
            throw new TrainingDivergedException(epoch + 1, step, string.Create(CultureInfo.InvariantCulture,
                $"the posterior objective is {v.Value} (surrogate {v.Surrogate}, KL {v.Kl}, prior variance {v.PriorVariance})"));
        }
    }
}
