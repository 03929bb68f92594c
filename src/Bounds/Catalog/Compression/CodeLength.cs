using System.Numerics;

namespace BoundLab.Bounds.Catalog.Compression;

/// <summary>The entropy coder for the symbols of a quantized vector.</summary>
public enum EntropyCoder
{
    /// <summary>Shannon–Fano–Elias arithmetic code under the empirical level frequencies: ⌈Σ c_k log₂(N/c_k)⌉ + 1 bits.</summary>
    Arithmetic,
    /// <summary>Huffman code built from the level counts (ties broken by level index): Σ c_k·len_k bits.</summary>
    Huffman,
}

/// <summary>
/// The parts of a prefix-free description of a quantized weight vector whose length N is known from the
/// architecture: header (Elias-γ code of the number of levels, 1 bit for the coder), codebook (16 bits per
/// half-precision level), count table (⌈log₂(N + 1)⌉ bits per level) and the entropy-coded symbols.
/// </summary>
/// <param name="HeaderBits">Elias-γ(levels) + 1.</param>
/// <param name="CodebookBits">16 per level.</param>
/// <param name="CountBits">⌈log₂(N + 1)⌉ per level.</param>
/// <param name="SymbolBits">The arithmetic or Huffman code of the N symbols.</param>
public sealed record MessageLength(long HeaderBits, long CodebookBits, long CountBits, long SymbolBits)
{
    /// <summary>The whole description in bits: the code length ℓ of the Occam and compression bounds.</summary>
    public long TotalBits => HeaderBits + CodebookBits + CountBits + SymbolBits;
}

/// <summary>Exact code lengths (integers, never rounded down) for quantized weights.</summary>
public static class CodeLength
{
    /// <summary>
    /// ⌈log₂(1/P)⌉ + 1 with P = Π_k (c_k/N)^{c_k}: the Shannon–Fano–Elias code length of the sequence under its
    /// own empirical frequencies (Cover &amp; Thomas, Elements of Information Theory, §5.9), computed exactly.
    /// </summary>
    public static long Arithmetic(IReadOnlyList<long> counts)
    {
        var c = NonZero(counts);
        long n = c.Sum();
        double v = 0;
        foreach (long k in c) v += k * (Math.Log2(n) - Math.Log2(k));
        // The floating sum is within ~1e-12 (relative) of the truth for any realistic N; only when it lies within 1e-9 (relative) of an
        // integer is the ceiling decided exactly, by comparing N^N with 2^t Π c_k^{c_k}.
        double nearest = Math.Round(v);
        long ceiling = Math.Abs(v - nearest) > 1e-9 * Math.Max(1, v) ? (long)Math.Ceiling(v) : ExactCeiling(c, n, (long)nearest);
        return Math.Max(0, ceiling) + 1;
    }

    /// <summary>The total length Σ c_k·len_k of a Huffman code for these counts (0 when one level is used).</summary>
    public static long Huffman(IReadOnlyList<long> counts)
    {
        var c = NonZero(counts);
        var queue = new PriorityQueue<long, (long, int)>();
        int order = 0;
        foreach (long k in c) queue.Enqueue(k, (k, order++));
        long total = 0;
        while (queue.Count > 1)
        {
            long merged = queue.Dequeue() + queue.Dequeue();
            total += merged;
            queue.Enqueue(merged, (merged, order++));
        }
        return total;
    }

    /// <summary>The Elias-γ code length 2⌊log₂ m⌋ + 1 of an integer m ≥ 1 (a prefix-free code of the integers).</summary>
    public static long EliasGamma(long m)
    {
        if (m < 1)
            throw new ArgumentOutOfRangeException(nameof(m), m, "Elias-γ codes integers m ≥ 1.");
        return 2L * (63 - BitOperations.LeadingZeroCount((ulong)m)) + 1;
    }

    /// <summary>The prefix-free description of a quantized vector with the given coder (see <see cref="MessageLength"/>).</summary>
    public static MessageLength Message(QuantizedVector quantized, EntropyCoder coder)
    {
        ArgumentNullException.ThrowIfNull(quantized);
        var counts = quantized.Counts();
        int levels = quantized.Codebook.Count;
        long n = quantized.Symbols.Count;
        long symbols = coder switch
        {
            EntropyCoder.Arithmetic => Arithmetic(counts),
            EntropyCoder.Huffman => Huffman(counts),
            _ => throw new ArgumentOutOfRangeException(nameof(coder), coder, "coder must be Arithmetic or Huffman."),
        };
        long countWidth = 64 - BitOperations.LeadingZeroCount((ulong)n); // ⌈log₂(N + 1)⌉ bits hold 0 … N
        return new MessageLength(EliasGamma(levels) + 1, 16L * levels, countWidth * levels, symbols);
    }

    private static long[] NonZero(IReadOnlyList<long> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        if (counts.Any(k => k < 0))
            throw new ArgumentException($"counts contains a negative count ({counts.First(k => k < 0)}); counts must be ≥ 0.", nameof(counts));
        var c = counts.Where(k => k > 0).ToArray();
        if (c.Length == 0)
            throw new ArgumentException("counts are all zero; there is no symbol to code.", nameof(counts));
        return c;
    }

    // The smallest t with 2^t · Π c_k^{c_k} ≥ N^N, searched around the floating estimate.
    private static long ExactCeiling(long[] counts, long n, long estimate)
    {
        var numerator = BigInteger.Pow(n, checked((int)n));
        var denominator = counts.Aggregate(BigInteger.One, (acc, k) => acc * BigInteger.Pow(k, checked((int)k)));
        long t = Math.Max(0, estimate);
        while (t > 0 && (denominator << checked((int)(t - 1))) >= numerator) t--;
        while ((denominator << checked((int)t)) < numerator) t++;
        return t;
    }
}
