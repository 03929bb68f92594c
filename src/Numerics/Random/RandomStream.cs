namespace BoundLab.Numerics.Random;

/// <summary>Sequential draws from a Philox key. Element i of any fill is a pure function of
/// (key, i), which is what makes parallel fills reproducible.</summary>
public sealed class RandomStream
{
    private readonly uint _k0, _k1;
    private ulong _counter;
    private uint _b1, _b2, _b3;
    private int _buffered;
    private double _spareGaussian;
    private bool _hasSpare;

    /// <summary>A stream starting at counter 0.</summary>
    public RandomStream(RngKey key)
    {
        _k0 = (uint)key.Value;
        _k1 = (uint)(key.Value >> 32);
    }

    /// <summary>A uniformly random 32-bit value.</summary>
    public uint NextUInt32()
    {
        switch (_buffered)
        {
            case 3: _buffered = 2; return _b1;
            case 2: _buffered = 1; return _b2;
            case 1: _buffered = 0; return _b3;
        }

        var (x0, x1, x2, x3) = Philox.Block((uint)_counter, (uint)(_counter >> 32), 0, 0, _k0, _k1);
        _counter++;
        (_b1, _b2, _b3, _buffered) = (x1, x2, x3, 3);
        return x0;
    }

    /// <summary>A uniformly random 64-bit value.</summary>
    public ulong NextUInt64() => ((ulong)NextUInt32() << 32) | NextUInt32();

    /// <summary>Uniform on [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform on (0, 1]: safe to take the logarithm of.</summary>
    public double NextDoubleOpenZero() => ((NextUInt64() >> 11) + 1) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, bound) without modulo bias (Lemire 2019, "Fast random integer
    /// generation in an interval", Algorithm 5).</summary>
    public int NextInt(int bound)
    {
        if (bound <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(bound), bound, "allowed: bound ≥ 1");
        }

        ulong m = (ulong)NextUInt32() * (uint)bound;
        uint low = (uint)m;
        if (low < (uint)bound)
        {
            uint threshold = (uint)-bound % (uint)bound;
            while (low < threshold)
            {
                m = (ulong)NextUInt32() * (uint)bound;
                low = (uint)m;
            }
        }

        return (int)(m >> 32);
    }

    /// <summary>Standard normal draw (Box–Muller on two uniforms; the second value is kept).</summary>
    public double NextGaussian()
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return _spareGaussian;
        }

        double u1 = NextDoubleOpenZero();
        double u2 = NextDouble();
        double r = Math.Sqrt(-2.0 * Math.Log(u1));
        double theta = 2.0 * Math.PI * u2;
        _spareGaussian = r * Math.Sin(theta);
        _hasSpare = true;
        return r * Math.Cos(theta);
    }

    /// <summary>Fills <paramref name="destination"/> with N(mean, std²) draws.</summary>
    public void FillGaussian(Span<float> destination, double mean, double std)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = (float)(mean + std * NextGaussian());
        }
    }

    /// <summary>Fisher–Yates shuffle in place.</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>A random permutation of 0 … n−1.</summary>
    public int[] Permutation(int n)
    {
        if (n < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, "allowed: n ≥ 0");
        }

        int[] p = new int[n];
        for (int i = 0; i < n; i++)
        {
            p[i] = i;
        }

        Shuffle<int>(p);
        return p;
    }
}
