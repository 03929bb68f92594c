namespace BoundLab.Numerics.Measurements.Ranking;

/// <summary>One trained run as the ranking sees it.</summary>
/// <param name="Hyperparameters">The run's value on each hyperparameter axis, in the axes' order (as text:
/// "0.5", "sgd", …; two runs share a value when the texts are equal).</param>
/// <param name="Measure">The measure's or bound's value on the run.</param>
/// <param name="Gap">The run's generalization gap (test − train error).</param>
public sealed record RankedRun(IReadOnlyList<string> Hyperparameters, double Measure, double Gap)
{
    /// <summary>The run's values on every axis except <paramref name="axis"/>, joined into a group key.</summary>
    internal string KeyWithout(int axis)
        => string.Join('\u001f', Hyperparameters.Where((_, i) => i != axis));

    /// <summary>Checks that every run has one value per axis and finite numbers.</summary>
    internal static void Check(IReadOnlyList<string> axes, IReadOnlyList<RankedRun> runs)
    {
        ArgumentNullException.ThrowIfNull(axes);
        ArgumentNullException.ThrowIfNull(runs);
        if (axes.Count == 0)
        {
            throw new ArgumentException("axes is empty; allowed: at least one hyperparameter axis.", nameof(axes));
        }

        for (int i = 0; i < runs.Count; i++)
        {
            RankedRun r = runs[i] ?? throw new ArgumentNullException(nameof(runs), $"run {i} is null.");
            if (r.Hyperparameters.Count != axes.Count)
            {
                throw new ArgumentException(
                    $"run {i} has {r.Hyperparameters.Count} hyperparameter values; allowed: one per axis ({axes.Count}: {string.Join(", ", axes)}).", nameof(runs));
            }

            if (!double.IsFinite(r.Measure) || !double.IsFinite(r.Gap))
            {
                throw new ArgumentException($"run {i} has measure {r.Measure}, gap {r.Gap}; allowed: finite values only.", nameof(runs));
            }
        }
    }
}
