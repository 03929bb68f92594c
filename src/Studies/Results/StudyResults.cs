namespace BoundLab.Studies.Results;

/// <summary>One catalog entry's outcome on one run (or one epoch of a run), as the results store holds it.</summary>
/// <param name="Id">Entry id, e.g. "bft-spectral".</param>
/// <param name="Family">Family wire name (vc, rademacher, spectral, pac-bayes, stability, …).</param>
/// <param name="Provenance">verified, unverified or measure.</param>
/// <param name="Target">What the value bounds: test-error, expected-gap or measure.</param>
/// <param name="Status">"value", "not_applicable" or "input_error".</param>
/// <param name="Value">The value when Status is "value"; null otherwise (never NaN).</param>
/// <param name="Vacuous">Whether the value is at or above the trivial level; null for measures and non-values.</param>
/// <param name="Reason">Why the entry does not apply, or the input error; null when it has a value.</param>
/// <param name="Delta">The total failure probability spent (null for expectation bounds and measures).</param>
public sealed record BoundRow(string Id, string Family, string Provenance, string Target, string Status,
    double? Value, bool? Vacuous, string? Reason, double? Delta);

/// <summary>The cheap measurements and bounds recorded after one epoch.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="TrainLoss">Full-set training loss at the end of the epoch.</param>
/// <param name="TrainError">Training error.</param>
/// <param name="TestError">Test error.</param>
/// <param name="Measures">Measurement name → value (vocabulary names; finite values only).</param>
/// <param name="Bounds">The bounds built on those measurements.</param>
public sealed record EpochRow(int Epoch, double TrainLoss, double TrainError, double TestError,
    IReadOnlyDictionary<string, double> Measures, IReadOnlyList<BoundRow> Bounds);

/// <summary>One run of a study.</summary>
/// <param name="Id">Content-derived id (config, data checksums, code version).</param>
/// <param name="Axes">The study's grid axes and this run's value on each (e.g. width → "256", label_noise → "0.5").</param>
/// <param name="ConfigJson">The run's full configuration as canonical JSON.</param>
/// <param name="Status">"finished" or "failed" (a run being trained is not in a loaded result).</param>
/// <param name="Error">The failure, one line; null when finished.</param>
/// <param name="TrainError">Final training error (null if failed).</param>
/// <param name="TestError">Final test error (null if failed).</param>
/// <param name="Measures">Final measurements, name → value.</param>
/// <param name="Bounds">Every catalog entry's outcome on the final network.</param>
/// <param name="Epochs">Per-epoch records in order.</param>
public sealed record StudyRun(string Id, IReadOnlyDictionary<string, string> Axes, string ConfigJson, string Status,
    string? Error, double? TrainError, double? TestError, IReadOnlyDictionary<string, double> Measures,
    IReadOnlyList<BoundRow> Bounds, IReadOnlyList<EpochRow> Epochs)
{
    /// <summary>test error − train error; null if failed.</summary>
    public double? Gap => TestError - TrainError;
}

/// <summary>Everything a study's store holds: what the report and results.json are rendered from.</summary>
/// <param name="Name">The study's name (from its spec).</param>
/// <param name="SpecJson">The study file as run.</param>
/// <param name="Axes">The grid axes in spec order (the hyperparameters ranking groups over).</param>
/// <param name="Runs">Runs in id order.</param>
public sealed record StudyResults(string Name, string SpecJson, IReadOnlyList<string> Axes, IReadOnlyList<StudyRun> Runs);
