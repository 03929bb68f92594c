using System.Numerics;
using BoundLab.Numerics.Training;

namespace BoundLab.Numerics.Landscape;

/// <summary>One point of a loss curve: the mean loss at θ(t).</summary>
/// <param name="T">The line parameter t.</param>
/// <param name="Loss">L(θ(t)).</param>
public sealed record InterpolationPoint(double T, double Loss);

/// <summary>The mean training loss along the straight line θ(t) = (1 − t)θ_a + tθ_b (Goodfellow, Vinyals &amp; Saxe 2015,
/// "Qualitatively characterizing neural network optimization problems"): between the initialization and the end of one
/// run, or between two runs of the same architecture.</summary>
public static class LossInterpolation
{
    /// <summary><paramref name="points"/> ≥ 2 equally spaced t from <paramref name="from"/> to <paramref name="to"/> (both
    /// included), each t = from + i·(to − from)/(points − 1), so the default 0 … 1 with 11 points is 0, 0.1, …, 1.</summary>
    public static double[] Grid(int points, double from = 0, double to = 1)
    {
        if (points < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(points), points, "allowed: points ≥ 2");
        }

        if (!(double.IsFinite(from) && double.IsFinite(to) && from < to))
        {
            throw new ArgumentOutOfRangeException(nameof(to), to, $"allowed: finite from < to (from = {from})");
        }

        var t = new double[points];
        for (int i = 0; i < points; i++)
        {
            t[i] = i == points - 1 ? to : from + i * (to - from) / (points - 1);
        }

        return t;
    }

    /// <summary>L(θ(t)) for each t, from <paramref name="objective"/>'s full data set in chunks of
    /// <paramref name="chunkRows"/> (<see cref="Objective{T}.Full"/> without gradient). θ(t) is formed in float64 and
    /// rounded to the model's element type once; the model's parameters are restored afterwards.</summary>
    public static IReadOnlyList<InterpolationPoint> Line<T>(Objective<T> objective, ReadOnlySpan<double> thetaA, ReadOnlySpan<double> thetaB,
        IReadOnlyList<double> ts, int chunkRows = 1000, IProgress<int>? progress = null, CancellationToken cancel = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(ts);
        long n = objective.Model.ParameterCount;
        if (thetaA.Length != n)
        {
            throw new ArgumentException($"thetaA has {thetaA.Length} entries; the model {objective.Model.Spec.Name} has {n} parameters.", nameof(thetaA));
        }

        if (thetaB.Length != n)
        {
            throw new ArgumentException($"thetaB has {thetaB.Length} entries; the model {objective.Model.Spec.Name} has {n} parameters.", nameof(thetaB));
        }

        double[] saved = objective.Model.FlatValues();
        var theta = new double[n];
        var result = new List<InterpolationPoint>(ts.Count);
        try
        {
            for (int p = 0; p < ts.Count; p++)
            {
                cancel.ThrowIfCancellationRequested();
                double t = ts[p];
                if (!double.IsFinite(t))
                {
                    throw new ArgumentOutOfRangeException(nameof(ts), t, "allowed: finite t");
                }

                for (int i = 0; i < n; i++)
                {
                    theta[i] = (1 - t) * thetaA[i] + t * thetaB[i];
                }

                objective.Model.SetFlatValues(theta);
                result.Add(new InterpolationPoint(t, objective.Full(chunkRows, gradient: false, cancel)));
                progress?.Report(p + 1);
            }
        }
        finally
        {
            objective.Model.SetFlatValues(saved);
        }

        return result;
    }
}
