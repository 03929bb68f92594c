using BoundLab.Numerics.Data;
using BoundLab.Numerics.Models;
using BoundLab.Studies.Results;

namespace BoundLab.Studies.Evaluation;

/// <summary>An evaluator that first measures a finished run folder (norms, margins, sharpness, trajectory sums: what
/// <c>boundlab measure</c> writes to measures.json) and then evaluates the catalog on it; per-epoch records are the inner
/// evaluator's cheap ones.</summary>
public sealed class MeasuringEvaluator : IRunEvaluator
{
    private readonly Action<string, int> measure;
    private readonly IRunEvaluator inner;

    /// <summary>Creates the evaluator: <paramref name="measure"/>(runDir, threads) writes runDir/measures.json (and throws on
    /// failure), <paramref name="inner"/> evaluates the measured folder.</summary>
    public MeasuringEvaluator(Action<string, int> measure, IRunEvaluator inner)
    {
        this.measure = measure ?? throw new ArgumentNullException(nameof(measure));
        this.inner = inner ?? throw new ArgumentNullException(nameof(inner));
    }

    /// <inheritdoc/>
    public RunEvaluation Epoch(string runDir, Model<float> net, Model<float> init, Dataset train, int threads) =>
        inner.Epoch(runDir, net, init, train, threads);

    /// <inheritdoc/>
    public RunEvaluation Final(string runDir, int threads)
    {
        measure(runDir, threads);
        return inner.Final(runDir, threads);
    }
}
