using BoundLab.Numerics.Random;

namespace BoundLab.Numerics.Optimizers;

/// <summary>Adds N(0, std²) noise to a buffer in parallel. Element i's draw depends only on (key, i):
/// chunk c uses the sub-key key.Split(c), so the result is the same for any thread count.</summary>
public static class GaussianNoise
{
    private const int Chunk = 4096;

    /// <summary>values[i] += std · ξ_i.</summary>
    public static void Add(float[] values, double std, RngKey key, int threads)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (!(std >= 0 && double.IsFinite(std)))
        {
            throw new ArgumentOutOfRangeException(nameof(std), std, "allowed: a finite std ≥ 0");
        }

        int chunks = (values.Length + Chunk - 1) / Chunk;
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) };
        Parallel.For(0, chunks, options, c =>
        {
            RandomStream s = key.Split((ulong)c).Stream();
            int end = Math.Min(values.Length, (c + 1) * Chunk);
            for (int i = c * Chunk; i < end; i++)
            {
                values[i] += (float)(std * s.NextGaussian());
            }
        });
    }
}
