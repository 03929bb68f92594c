using ILGPU;

namespace BoundLab.Gpu.Kernels;

/// <summary>Parameter updates and keyed noise, with the CPU backend's float32 arithmetic operation for operation
/// (Update.Descend, Update.MomentumDescend, GaussianNoise's ops), so the device gives the CPU's bits.</summary>
/// <remarks>The CPU rounds every float32 product and sum separately (the .NET JIT never contracts). A GPU compiler
/// may contract a float32 multiply feeding an add into an FMA, which rounds once and so changes bits; every
/// product that feeds an addition is therefore formed by <see cref="Mul"/>, whose result comes from a conversion,
/// which no compiler contracts. Where the CPU fuses, the kernels call <see cref="MathF.FusedMultiplyAdd(float, float, float)"/>.</remarks>
public static class OptimizerKernels
{
    /// <summary>The float32 product a·b, correctly rounded: the float64 product of two floats is exact, so
    /// rounding it once to float32 is IEEE float multiplication — but it reaches an add as a cvt, not a mul.f32.</summary>
    public static float Mul(float a, float b) => (float)((double)a * b);

    /// <summary>w ← w − lr·(g + wd·w) (Update.Descend).</summary>
    public static void Descend(Index1D i, ArrayView<float> w, ArrayView<float> g, float lr, float wd)
    {
        float wi = w[i];
        w[i] = wi - Mul(lr, g[i] + Mul(wd, wi));
    }

    /// <summary>v ← μ·v + (g + wd·w); w ← w − lr·v (Update.MomentumDescend).</summary>
    public static void MomentumDescend(Index1D i, ArrayView<float> w, ArrayView<float> g, ArrayView<float> v, float lr, float mu, float wd)
    {
        float wi = w[i];
        float vi = Mul(mu, v[i]) + (g[i] + Mul(wd, wi));
        v[i] = vi;
        w[i] = wi - Mul(lr, vi);
    }

    /// <summary>Threads for <paramref name="length"/> noise elements: one per Philox block that holds any of them
    /// (16 per full group of 64 elements).</summary>
    public static int NoiseThreads(int length)
        => 16 * (length / DeviceNoise.GroupElements) + Math.Min(length % DeviceNoise.GroupElements, 16);

    /// <summary>Thread t computes Philox block t (counter c0 = t): group ⌊t/16⌋, lane t mod 16, whose word w is
    /// element 64·⌊t/16⌋ + 16·w + t mod 16 (the layout of KeyedNormal); words (0, 1) and (2, 3) are Box–Muller
    /// pairs, so one block's two pairs give the thread's four elements with nothing computed twice. Consecutive
    /// threads touch consecutive elements (coalesced).</summary>
    public static void Noise<TOp>(Index1D thread, TOp op, DeviceNoiseKey key, int length)
        where TOp : struct, INoiseOp
    {
        int t = thread;
        int first = DeviceNoise.GroupElements * (t >> 4) + (t & 15);
        PhiloxWords x = DeviceNoise.Block((uint)t, key.Tensor, key.StepLow, key.StepHigh, key.K0, key.K1);
        NormalPair a = DeviceNoise.Pair(x.X0, x.X1);
        op.Apply(first, a.Cos);
        if (first + 16 < length)
        {
            op.Apply(first + 16, a.Sin);
        }

        if (first + 32 < length)
        {
            NormalPair b = DeviceNoise.Pair(x.X2, x.X3);
            op.Apply(first + 32, b.Cos);
            if (first + 48 < length)
            {
                op.Apply(first + 48, b.Sin);
            }
        }
    }

    /// <summary>Philox4x32-10 of counters given as four words each (known-answer tests): out[4j … 4j+3] =
    /// Block(ctr[4j … 4j+3], key[2j], key[2j+1]).</summary>
    public static void PhiloxBlocks(Index1D j, ArrayView<uint> counters, ArrayView<uint> keys, ArrayView<uint> output)
    {
        int c = 4 * j;
        PhiloxWords x = DeviceNoise.Block(counters[c], counters[c + 1], counters[c + 2], counters[c + 3], keys[2 * j], keys[2 * j + 1]);
        output[c] = x.X0;
        output[c + 1] = x.X1;
        output[c + 2] = x.X2;
        output[c + 3] = x.X3;
    }

    /// <summary>output[2j], output[2j + 1] = <see cref="DeviceNoise.Pair"/>(a[j], b[j]) (tests of extreme words).</summary>
    public static void Pairs(Index1D j, ArrayView<uint> a, ArrayView<uint> b, ArrayView<float> output)
    {
        NormalPair p = DeviceNoise.Pair(a[j], b[j]);
        output[2 * j] = p.Cos;
        output[2 * j + 1] = p.Sin;
    }

    /// <summary>output[j] = <see cref="DeviceNoise.At"/>(key, indices[j]) element by element (the scalar path, for
    /// indices beyond a tensor's length, up to <see cref="BoundLab.Numerics.Random.NoiseKey.MaxElements"/>).</summary>
    public static void NoiseAt(Index1D j, ArrayView<long> indices, DeviceNoiseKey key, ArrayView<float> output)
        => output[j] = DeviceNoise.At(key, indices[j]);
}

/// <summary>What a noise thread does with ξ at element i. Law: Apply(i, ξ) touches element i only, so the
/// threads' elements are disjoint and the order of application is irrelevant.</summary>
public interface INoiseOp
{
    /// <summary>Consumes ξ_i.</summary>
    void Apply(int i, float xi);
}

/// <summary>d[i] = ξ.</summary>
public readonly struct FillNoiseOp(ArrayView<float> d) : INoiseOp
{
    /// <inheritdoc />
    public void Apply(int i, float xi) => d[i] = xi;
}

/// <summary>v[i] = fma(scale, ξ, v[i]) (GaussianNoise.AddScaledOp).</summary>
public readonly struct AddNoiseOp(ArrayView<float> v, float scale) : INoiseOp
{
    /// <inheritdoc />
    public void Apply(int i, float xi) => v[i] = MathF.FusedMultiplyAdd(scale, xi, v[i]);
}

/// <summary>w[i] = fma(scale, ξ, w[i] − lr·(g[i] + wd·w[i])) (GaussianNoise.LangevinOp): ξ stays in a register.</summary>
public readonly struct LangevinOp(ArrayView<float> w, ArrayView<float> g, float lr, float wd, float scale) : INoiseOp
{
    /// <inheritdoc />
    public void Apply(int i, float xi)
    {
        float wi = w[i];
        w[i] = MathF.FusedMultiplyAdd(scale, xi, wi - OptimizerKernels.Mul(lr, g[i] + OptimizerKernels.Mul(wd, wi)));
    }
}
