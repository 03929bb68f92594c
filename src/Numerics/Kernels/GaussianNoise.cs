using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using BoundLab.Numerics.Random;

namespace BoundLab.Numerics.Kernels;

/// <summary>Keyed Gaussian noise fused with the update it feeds: ξ_i = <see cref="KeyedNormal.At"/>(key, i) is
/// generated in registers and consumed at once, never stored. Element i's draw depends only on (key, i), so
/// results are bit-identical for any thread count, vector width or split.</summary>
public static class GaussianNoise
{
    // Below this many elements a second thread costs more to start than it saves.
    private const int ParallelThreshold = 1 << 15;

    /// <summary>destination[i] = ξ_i.</summary>
    public static unsafe void Fill(NoiseKey key, float[] destination, int threads)
    {
        ArgumentNullException.ThrowIfNull(destination);
        fixed (float* d = destination)
        {
            Run(key, destination.Length, new FillOp(d), threads);
        }
    }

    /// <summary>values[i] ← values[i] + scale·ξ_i (one FMA).</summary>
    public static unsafe void AddScaled(NoiseKey key, float[] values, float scale, int threads)
    {
        ArgumentNullException.ThrowIfNull(values);
        CheckFinite(scale, nameof(scale));
        fixed (float* v = values)
        {
            Run(key, values.Length, new AddScaledOp(v, scale), threads);
        }
    }

    /// <summary>destination[i] = mean[i] + std[i]·ξ_i (one FMA): a sample of a diagonal Gaussian, e.g. the
    /// weights of a stochastic layer. destination may be mean.</summary>
    public static unsafe void Sample(NoiseKey key, float[] mean, float[] std, float[] destination, int threads)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        ArgumentNullException.ThrowIfNull(destination);
        CheckLength(std.Length, mean.Length, nameof(std));
        CheckLength(destination.Length, mean.Length, nameof(destination));
        fixed (float* m = mean, s = std, d = destination)
        {
            Run(key, mean.Length, new SampleOp(m, s, d), threads);
        }
    }

    /// <summary>Langevin step w ← (w − lr·(g + wd·w)) + scale·ξ, the descent part exactly as plain gradient
    /// descent computes it and the noise added with one FMA.</summary>
    public static unsafe void LangevinStep(NoiseKey key, float[] w, float[] g, float lr, float wd, float scale, int threads)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(g);
        CheckLength(g.Length, w.Length, nameof(g));
        CheckFinite(lr, nameof(lr));
        CheckFinite(wd, nameof(wd));
        CheckFinite(scale, nameof(scale));
        fixed (float* pw = w, pg = g)
        {
            Run(key, w.Length, new LangevinOp(pw, pg, lr, wd, scale), threads);
        }
    }

    /// <summary>Test hook: destination[start … end) = ξ through one chosen path (see <see cref="Range{TOp}"/>).</summary>
    internal static unsafe void FillRange(NoiseKey key, float[] destination, int start, int end, int width)
    {
        fixed (float* d = destination)
        {
            Range(key, new FillOp(d), start, end, width);
        }
    }

    /// <summary>Applies op to elements [0, length) split into 64-aligned ranges, one per thread.</summary>
    private static void Run<TOp>(NoiseKey key, int length, TOp op, int threads)
        where TOp : struct, INoiseOp
    {
        int t = Gemm.ResolveThreads(threads);
        int groups = (length + 63) / 64;
        if (t == 1 || length < ParallelThreshold)
        {
            Range(key, op, 0, length, width: 0);
            return;
        }

        int pieces = Math.Min(t, groups);
        WorkerPool.Run(pieces, i =>
            Range(key, op, (int)Math.Min(length, 64L * (groups * (long)i / pieces)),
                (int)Math.Min(length, 64L * (groups * (long)(i + 1) / pieces)), width: 0));
    }

    /// <summary>Applies op to elements [start, end) with vectors of the given width in bits: 0 = the widest
    /// the hardware accelerates; for tests 512 or 256 (software-emulated where not accelerated), 1 = scalar
    /// groups, or -1 = element by element through <see cref="KeyedNormal.At"/>.</summary>
    internal static void Range<TOp>(NoiseKey key, TOp op, int start, int end, int width)
        where TOp : struct, INoiseOp
    {
        int i = start;
        if (width >= 0)
        {
            for (; i < end && (i & 63) != 0; i++)
            {
                op.Apply(i, KeyedNormal.AtUnchecked(key, i));
            }

            bool use512 = width == 512 || (width == 0 && PhiloxSimd.Is512);
            bool use256 = width == 256 || (width == 0 && !use512 && PhiloxSimd.Is256);
            for (; i + 64 <= end; i += 64)
            {
                ulong group = (ulong)i >> 6;
                if (use512)
                {
                    PhiloxSimd.Group512(key, group, ref op, i);
                }
                else if (use256)
                {
                    PhiloxSimd.Group256(key, group, 0, ref op, i);
                    PhiloxSimd.Group256(key, group, 1, ref op, i);
                }
                else
                {
                    PhiloxSimd.GroupScalar(key, group, ref op, i);
                }
            }
        }

        for (; i < end; i++)
        {
            op.Apply(i, KeyedNormal.AtUnchecked(key, i));
        }
    }

    internal static void CheckLength(int actual, int expected, string name)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"{name} has length {actual}; allowed: {expected} (the length of the first array).", name);
        }
    }

    private static void CheckFinite(float value, string name)
    {
        if (!float.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(name, value, "allowed: a finite number");
        }
    }

    /// <summary>What to do with ξ at element i; every overload computes the same scalar formula lane by lane.</summary>
    internal interface INoiseOp
    {
        void Apply(int i, float xi);

        void Apply(int i, Vector256<float> xi);

        void Apply(int i, Vector512<float> xi);
    }

    /// <summary>d[i] = ξ.</summary>
    internal readonly unsafe struct FillOp(float* d) : INoiseOp
    {
        public void Apply(int i, float xi) => d[i] = xi;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply(int i, Vector256<float> xi) => xi.Store(d + i);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply(int i, Vector512<float> xi) => xi.Store(d + i);
    }

    /// <summary>v[i] = fma(scale, ξ, v[i]).</summary>
    internal readonly unsafe struct AddScaledOp(float* v, float scale) : INoiseOp
    {
        public void Apply(int i, float xi) => v[i] = MathF.FusedMultiplyAdd(scale, xi, v[i]);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply(int i, Vector256<float> xi)
            => Vector256.FusedMultiplyAdd(Vector256.Create(scale), xi, Vector256.Load(v + i)).Store(v + i);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply(int i, Vector512<float> xi)
            => Vector512.FusedMultiplyAdd(Vector512.Create(scale), xi, Vector512.Load(v + i)).Store(v + i);
    }

    /// <summary>d[i] = fma(s[i], ξ, m[i]).</summary>
    internal readonly unsafe struct SampleOp(float* m, float* s, float* d) : INoiseOp
    {
        public void Apply(int i, float xi) => d[i] = MathF.FusedMultiplyAdd(s[i], xi, m[i]);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply(int i, Vector256<float> xi)
            => Vector256.FusedMultiplyAdd(Vector256.Load(s + i), xi, Vector256.Load(m + i)).Store(d + i);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply(int i, Vector512<float> xi)
            => Vector512.FusedMultiplyAdd(Vector512.Load(s + i), xi, Vector512.Load(m + i)).Store(d + i);
    }

    /// <summary>w[i] = fma(scale, ξ, w[i] − lr·(g[i] + wd·w[i])).</summary>
    internal readonly unsafe struct LangevinOp(float* w, float* g, float lr, float wd, float scale) : INoiseOp
    {
        public void Apply(int i, float xi) => w[i] = MathF.FusedMultiplyAdd(scale, xi, w[i] - lr * (g[i] + wd * w[i]));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply(int i, Vector256<float> xi)
        {
            Vector256<float> vw = Vector256.Load(w + i);
            Vector256<float> d = vw - Vector256.Create(lr) * (Vector256.Load(g + i) + Vector256.Create(wd) * vw);
            Vector256.FusedMultiplyAdd(Vector256.Create(scale), xi, d).Store(w + i);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply(int i, Vector512<float> xi)
        {
            Vector512<float> vw = Vector512.Load(w + i);
            Vector512<float> d = vw - Vector512.Create(lr) * (Vector512.Load(g + i) + Vector512.Create(wd) * vw);
            Vector512.FusedMultiplyAdd(Vector512.Create(scale), xi, d).Store(w + i);
        }
    }
}
