using BoundLab.Numerics.Random;

namespace BoundLab.Numerics.Landscape;

/// <summary>A Monte-Carlo estimate of tr(A).</summary>
/// <param name="Mean">(1/M) Σ_j z_jᵀ A z_j.</param>
/// <param name="StandardError">The sample standard deviation of z_jᵀ A z_j over √M.</param>
/// <param name="Probes">M.</param>
public sealed record TraceEstimate(double Mean, double StandardError, int Probes);

/// <summary>Hutchinson's trace estimator with Rademacher probes (Hutchinson 1990, "A stochastic estimator of the trace
/// of the influence matrix for Laplacian smoothing splines"): E[zᵀAz] = tr(A) for z with independent ±1 entries, with
/// variance 2 Σ_{i≠j} A_ij².</summary>
public static class HutchinsonTrace
{
    /// <summary>M = <paramref name="probes"/> ≥ 2 probes, probe j drawn from key.Split(j) (the same probes whatever else
    /// runs); <paramref name="progress"/> receives the number of probes done.</summary>
    public static TraceEstimate Estimate(ISymmetricOperator op, int probes, RngKey key, IProgress<int>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(op);
        if (probes < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(probes), probes, "allowed: probes ≥ 2 (a standard error needs two)");
        }

        int n = op.Dimension;
        var z = new double[n];
        var az = new double[n];
        var samples = new double[probes];
        for (int j = 0; j < probes; j++)
        {
            cancel.ThrowIfCancellationRequested();
            Rademacher(key.Split((ulong)j), z);
            op.Apply(z, az);
            double s = 0;
            for (int i = 0; i < n; i++)
            {
                s += z[i] * az[i];
            }

            samples[j] = s;
            progress?.Report(j + 1);
        }

        double mean = samples.Average();
        double ss = samples.Sum(x => (x - mean) * (x - mean));
        return new TraceEstimate(mean, Math.Sqrt(ss / (probes - 1) / probes), probes);
    }

    /// <summary>z_i = ±1, one bit of the stream each (32 per draw).</summary>
    internal static void Rademacher(RngKey key, Span<double> z)
    {
        RandomStream s = key.Stream();
        uint bits = 0;
        for (int i = 0; i < z.Length; i++)
        {
            if (i % 32 == 0)
            {
                bits = s.NextUInt32();
            }

            z[i] = (bits & 1) == 0 ? 1.0 : -1.0;
            bits >>= 1;
        }
    }
}
