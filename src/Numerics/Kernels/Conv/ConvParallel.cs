namespace BoundLab.Numerics.Kernels;

/// <summary>Splitting of the convolution and pooling kernels into contiguous ranges, one per thread.</summary>
/// <remarks>Every range is computed by the same loop in the same order, and the ranges write disjoint
/// outputs, so a result never depends on the thread count.</remarks>
internal static class ConvParallel
{
    // Below this many output values a second thread costs more to wake than it saves.
    internal const long Threshold = 1 << 13;

    /// <summary>Runs body(i0, i1) over [0, count) in at most <paramref name="threads"/> pieces (0 = all processors).</summary>
    internal static void For(int count, long work, int threads, Action<int, int> body)
    {
        int t = Gemm.ResolveThreads(threads);
        if (t == 1 || count < 2 || work < Threshold)
        {
            body(0, count);
            return;
        }

        int pieces = Math.Min(t, count);
        WorkerPool.Run(pieces, i => body((int)((long)count * i / pieces), (int)((long)count * (i + 1) / pieces)));
    }

    /// <summary>Throws unless a buffer of <paramref name="length"/> values holds exactly <paramref name="expected"/>.</summary>
    internal static void CheckLength(int length, long expected, string name, string what)
    {
        if (length != expected)
        {
            throw new ArgumentException($"{name} has length {length}; allowed: exactly {expected} ({what}).", name);
        }
    }

    internal static void CheckBatch(int batch)
    {
        if (batch < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(batch), batch, "allowed: batch ≥ 0.");
        }
    }

    internal static long Product(int batch, int perImage, string what)
    {
        long n = (long)batch * perImage;
        if (n > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(batch), batch,
                $"batch·{what} = {n} exceeds {int.MaxValue}; allowed: a batch whose buffers fit in a span.");
        }

        return n;
    }

    internal static void CheckDisjoint<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, string aName, string bName)
    {
        if (a.Overlaps(b))
        {
            throw new ArgumentException($"{bName} overlaps {aName}; allowed: separate buffers.", bName);
        }
    }
}
