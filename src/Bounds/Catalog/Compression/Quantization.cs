namespace BoundLab.Bounds.Catalog.Compression;

/// <summary>How the quantization levels are chosen.</summary>
public enum QuantizerKind
{
    /// <summary>Equal-width bins over [−max|w|, max|w|], each level the mean of its bin (Lotfi et al. 2022, released code).</summary>
    Uniform,
    /// <summary>One-dimensional k-means (Lloyd's algorithm from quantile starting points; deterministic).</summary>
    KMeans,
}

/// <summary>A weight vector replaced by symbols into a codebook of levels stored in half precision.</summary>
/// <param name="Symbols">The level index of each weight, in the order the weights were given.</param>
/// <param name="Codebook">The level values, each exactly representable as an IEEE half (16 bits are charged per level).</param>
public sealed record QuantizedVector(IReadOnlyList<int> Symbols, IReadOnlyList<double> Codebook)
{
    /// <summary>How many weights use each level.</summary>
    public IReadOnlyList<long> Counts()
    {
        var counts = new long[Codebook.Count];
        foreach (int s in Symbols) counts[s]++;
        return counts;
    }

    /// <summary>The quantized weights codebook[symbol], in the original order.</summary>
    public double[] Decode() => Symbols.Select(s => Codebook[s]).ToArray();
}

/// <summary>
/// Quantizes a flat weight vector to a few shared levels, as in Lotfi, Finzi, Kapoor, Potapczynski, Goldblum,
/// Wilson (NeurIPS 2022), released code activatedgeek/tight-pac-bayes, pactl/bounds/quantize_fns.py
/// (get_random_symbols_and_codebook: bins linspace(−m − 1e-6, m + 1e-6, levels + 1), level = bin mean or the
/// bin's left edge when empty; codebook stored as float16). The k-means variant is BoundLab's deterministic
/// Lloyd iteration (their code calls scikit-learn's randomized KMeans).
/// </summary>
public static class Quantization
{
    /// <summary>Most levels allowed (the count table and codebook grow with the number of levels).</summary>
    public const int MaxLevels = 65536;

    /// <summary>Quantizes finite weights to 2 ≤ levels ≤ <see cref="MaxLevels"/> levels.</summary>
    public static QuantizedVector Quantize(IReadOnlyList<double> weights, int levels, QuantizerKind kind)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (weights.Count == 0)
            throw new ArgumentException("weights is empty; there is nothing to quantize.", nameof(weights));
        if (levels < 2 || levels > MaxLevels)
            throw new ArgumentOutOfRangeException(nameof(levels), levels, $"levels must be an integer in [2, {MaxLevels}].");
        for (int i = 0; i < weights.Count; i++)
            if (!double.IsFinite(weights[i]))
                throw new ArgumentException($"weights[{i}] = {weights[i]} is not finite; only finite weights can be quantized.", nameof(weights));
        return kind switch
        {
            QuantizerKind.Uniform => Uniform(weights, levels),
            QuantizerKind.KMeans => KMeans(weights, levels),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "kind must be Uniform or KMeans."),
        };
    }

    /// <summary>x rounded to the nearest IEEE half, as a double (the precision the codebook is charged for).</summary>
    public static double ToHalf(double x)
    {
        double h = (double)(Half)x;
        if (!double.IsFinite(h))
            throw new ArgumentOutOfRangeException(nameof(x), x, "A quantization level must fit in half precision (|x| ≤ 65504).");
        return h;
    }

    private static QuantizedVector Uniform(IReadOnlyList<double> w, int levels)
    {
        double largest = w.Max(Math.Abs);
        double lo = -largest - 1e-6, hi = largest + 1e-6;
        var edges = Enumerable.Range(0, levels + 1).Select(i => lo + (hi - lo) * i / levels).ToArray();
        var symbols = new int[w.Count];
        var sums = new double[levels];
        var counts = new long[levels];
        for (int i = 0; i < w.Count; i++)
        {
            // The bin i with edges[i] ≤ w < edges[i + 1] (numpy.digitize − 1).
            int bin = Array.BinarySearch(edges, w[i]);
            bin = bin >= 0 ? bin : ~bin - 1;
            bin = Math.Clamp(bin, 0, levels - 1);
            symbols[i] = bin;
            sums[bin] += w[i];
            counts[bin]++;
        }
        var codebook = Enumerable.Range(0, levels).Select(k => ToHalf(counts[k] > 0 ? sums[k] / counts[k] : edges[k])).ToArray();
        return new QuantizedVector(symbols, codebook);
    }

    private static QuantizedVector KMeans(IReadOnlyList<double> w, int levels)
    {
        var sorted = w.OrderBy(x => x).ToArray();
        var centroids = Enumerable.Range(0, levels).Select(k => sorted[(int)((k + 0.5) * sorted.Length / levels)]).ToArray();
        var symbols = new int[w.Count];
        for (int iteration = 0; iteration < 300; iteration++)
        {
            Array.Sort(centroids);
            bool changed = Assign(w, centroids, symbols) || iteration == 0;
            var sums = new double[levels];
            var counts = new long[levels];
            for (int i = 0; i < w.Count; i++) { sums[symbols[i]] += w[i]; counts[symbols[i]]++; }
            for (int k = 0; k < levels; k++)
                if (counts[k] > 0) centroids[k] = sums[k] / counts[k];
            if (!changed) break;
        }
        var codebook = centroids.Select(ToHalf).ToArray();
        Array.Sort(codebook);
        Assign(w, codebook, symbols);
        return new QuantizedVector(symbols, codebook);
    }

    // Nearest centroid (ties to the lower one) for sorted centroids; returns whether any symbol changed.
    private static bool Assign(IReadOnlyList<double> w, double[] sortedCentroids, int[] symbols)
    {
        bool changed = false;
        for (int i = 0; i < w.Count; i++)
        {
            int j = Array.BinarySearch(sortedCentroids, w[i]);
            int best;
            if (j >= 0) best = j;
            else
            {
                int above = ~j;
                best = above == 0 ? 0
                    : above == sortedCentroids.Length ? sortedCentroids.Length - 1
                    : w[i] - sortedCentroids[above - 1] <= sortedCentroids[above] - w[i] ? above - 1 : above;
            }
            if (symbols[i] != best) { symbols[i] = best; changed = true; }
        }
        return changed;
    }
}
