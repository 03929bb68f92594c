using BoundLab.Numerics.Data;
using BoundLab.Numerics.Models;

namespace BoundLab.Studies.Results;

/// <summary>Measurements and bound outcomes of one network.</summary>
/// <param name="Measures">Measurement name → value (finite only).</param>
/// <param name="Bounds">One row per catalog entry.</param>
public sealed record RunEvaluation(IReadOnlyDictionary<string, double> Measures, IReadOnlyList<BoundRow> Bounds);

/// <summary>Measures a trained network and evaluates the catalog on it; the study runner calls it after every epoch
/// (cheap measurements only) and once on the finished run folder (everything, written to measures.json).</summary>
public interface IRunEvaluator
{
    /// <summary>Cheap measurements (norms, margins) of the in-memory network after an epoch, and the bounds built on them.</summary>
    RunEvaluation Epoch(string runDir, Model<float> net, Model<float> init, Dataset train, int threads);

    /// <summary>Every measurement of the finished run in <paramref name="runDir"/> (run.json, weights and init there), and
    /// every catalog entry's outcome.</summary>
    RunEvaluation Final(string runDir, int threads);
}
