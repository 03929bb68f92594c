using BoundLab.Numerics.Random;

namespace BoundLab.Numerics.Data;

/// <summary>Labels after corruption, and which positions were replaced (sorted ascending).</summary>
public sealed record NoisyLabels(int[] Labels, int[] Replaced);

/// <summary>Partially corrupted labels (Zhang, Bengio, Hardt, Recht, Vinyals, ICLR 2017, §2: "with
/// probability p, the label of each image is corrupted as a uniform random class").</summary>
/// <remarks>Here the count is exact rather than binomial: exactly round(p·n) positions (midpoint away
/// from zero), chosen uniformly without replacement, get a label drawn uniformly from all classes — so,
/// as in Zhang et al., a replaced label equals the true one with probability 1/classes.</remarks>
public static class LabelNoise
{
    /// <summary>Returns a corrupted copy of <paramref name="labels"/>; the input is not modified.</summary>
    /// <param name="labels">Labels in [0, classes).</param>
    /// <param name="classes">Number of classes (≥ 2).</param>
    /// <param name="p">Fraction of positions replaced, 0 ≤ p ≤ 1.</param>
    /// <param name="key">All randomness (positions and new labels) comes from this key.</param>
    public static NoisyLabels Corrupt(int[] labels, int classes, double p, RngKey key)
    {
        ArgumentNullException.ThrowIfNull(labels);
        CheckFraction(p);
        if (classes < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(classes), classes, "allowed: classes ≥ 2");
        }

        int n = labels.Length;
        int m = ReplacedCount(n, p);
        var stream = key.Stream();
        int[] replaced = stream.Permutation(n)[..m];
        int[] result = (int[])labels.Clone();
        foreach (int i in replaced)
        {
            result[i] = stream.NextInt(classes);
        }

        Array.Sort(replaced);
        return new NoisyLabels(result, replaced);
    }

    /// <summary>The number of positions replaced: round(p·n), midpoint away from zero.</summary>
    public static int ReplacedCount(int n, double p)
    {
        CheckFraction(p);
        return (int)Math.Round(p * n, MidpointRounding.AwayFromZero);
    }

    /// <summary>Throws unless 0 ≤ p ≤ 1 (NaN rejected), naming <c>LabelNoise</c>.</summary>
    public static void CheckFraction(double p)
    {
        if (!(p >= 0 && p <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(DataOptions.LabelNoise), p, "allowed: 0 ≤ p ≤ 1");
        }
    }
}
