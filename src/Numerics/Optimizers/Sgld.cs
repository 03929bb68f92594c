using BoundLab.Numerics.Data;
using BoundLab.Numerics.Losses;
using BoundLab.Numerics.Measurements;
using BoundLab.Numerics.Models;
using BoundLab.Numerics.Random;
using BoundLab.Numerics.Tensors;
using BoundLab.Numerics.Training;

namespace BoundLab.Numerics.Optimizers;

/// <summary>SGLD (<see cref="SgldOptions"/>): ξ of parameter k at step t is <see cref="KeyedNormal"/> under
/// (key, t, k), generated inside the backend's fused <see cref="Backends.Backend{T}.LangevinStep"/>, so the weights are
/// bit-identical for any thread count and every backend draws the same numbers. Stateless between steps: the
/// per-step statistics are functions of the weights, so a resumed run records the same ones.</summary>
public sealed class Sgld : Algorithm
{
    private readonly SgldOptions _options;
    private readonly Objective<float>? _stats, _pairsFirst, _pairsSecond;
    private readonly int[] _statRows = [];

    internal Sgld(SgldOptions options, AlgorithmContext context)
        : base(context)
    {
        options.Validate();
        _options = options;
        int m = options.GradStatSubsample;
        if (m == 0)
        {
            return;
        }

        Dataset train = context.TrainingData
            ?? throw new ArgumentException("--grad-subsample needs the training set in the algorithm context.", nameof(context));
        LossKind loss = context.Loss
            ?? throw new ArgumentException("--grad-subsample needs the training loss in the algorithm context.", nameof(context));
        if (m > train.Count)
        {
            throw new ArgumentOutOfRangeException("--grad-subsample", m, $"allowed: 1 … {train.Count} (the training set's size)");
        }

        // The fixed subsample: the first m of a permutation keyed by the run's noise key, in index order.
        int[] rows = context.NoiseKey.Split("grad-stat-subsample").Stream().Permutation(train.Count)[..m];
        Array.Sort(rows);
        _statRows = Enumerable.Range(0, m).ToArray();
        _stats = new Objective<float>(context.Model, Context.Backend.Upload(Rows(train, rows)), loss);
        if (!options.Supersample)
        {
            return;
        }

        Dataset ghost = context.Ghost
            ?? throw new ArgumentException("--supersample needs the supersample's unused half in the algorithm context.", nameof(context));
        if (ghost.Count != train.Count)
        {
            throw new ArgumentException($"the supersample's unused half has {ghost.Count} points, the training set {train.Count}; they pair row by row.", nameof(context));
        }

        // Pairs j = the same rows of the used and the unused half: the first m pairs of the keyed subsample.
        _pairsFirst = _stats;
        _pairsSecond = new Objective<float>(context.Model, Context.Backend.Upload(Rows(ghost, rows)), loss);
    }

    /// <inheritdoc />
    public override AlgorithmOptions Options => _options;

    /// <inheritdoc />
    public override StepResult Step(StepContext step)
    {
        ArgumentNullException.ThrowIfNull(step);
        // Statistics first, at the parameters the step starts from; the closure below overwrites the gradients they left.
        double? gradStat = null, incoherence = null;
        if (_stats is not null && step.Step % _options.GradStatEvery == 0)
        {
            gradStat = PerExampleGradients.MeanSquaredNorm(_stats, _statRows);
            incoherence = _pairsFirst is null ? null : PerExampleGradients.MeanPairDifference(_pairsFirst, _pairsSecond!);
        }

        double loss = step.Evaluate();
        double norm = step.RecordGradientNorm ? GradientNormSquared(_options.WeightDecay) : double.NaN;
        double std = Math.Sqrt(2 * step.LearningRate / _options.Beta);
        IReadOnlyList<Parameter<float>> ps = Context.Model.Parameters;
        for (int k = 0; k < ps.Count; k++)
        {
            Context.Backend.LangevinStep(ps[k].Value, ps[k].Grad, (float)step.LearningRate, (float)_options.WeightDecay, (float)std,
                new NoiseKey(Context.NoiseKey, (ulong)step.Step, (uint)k));
        }

        return new StepResult(loss, norm, false, gradStat, incoherence);
    }

    /// <inheritdoc />
    public override AlgorithmState SaveState() => new(Name, [], new Dictionary<string, double>());

    /// <inheritdoc />
    public override void RestoreState(AlgorithmState state) => RequireOwn(state);

    private static Dataset Rows(Dataset d, int[] rows) => d.SelectRows(rows, d.Name + $" (gradient-statistics subsample of {rows.Length})");
}
