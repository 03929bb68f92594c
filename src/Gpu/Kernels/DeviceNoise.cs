using BoundLab.Numerics.Random;
using ILGPU;

namespace BoundLab.Gpu.Kernels;

/// <summary>The coordinates of a <see cref="NoiseKey"/> as kernel arguments: the Philox key words and the
/// lane-independent counter words (c1 = tensor, c2 = step mod 2³², c3 = ⌊step/2³²⌋).</summary>
public readonly struct DeviceNoiseKey
{
    /// <summary>The key's words and counter words of <paramref name="key"/>.</summary>
    public DeviceNoiseKey(NoiseKey key)
    {
        K0 = (uint)key.Key.Value;
        K1 = (uint)(key.Key.Value >> 32);
        Tensor = key.Tensor;
        StepLow = (uint)key.Step;
        StepHigh = (uint)(key.Step >> 32);
    }

    /// <summary>Key word 0 (low half of the run key).</summary>
    public readonly uint K0;

    /// <summary>Key word 1 (high half of the run key).</summary>
    public readonly uint K1;

    /// <summary>Counter word 1: the tensor index.</summary>
    public readonly uint Tensor;

    /// <summary>Counter word 2: the step mod 2³².</summary>
    public readonly uint StepLow;

    /// <summary>Counter word 3: ⌊step / 2³²⌋.</summary>
    public readonly uint StepHigh;
}

/// <summary>The four output words of one Philox4x32-10 block.</summary>
public struct PhiloxWords
{
    /// <summary>Output words 0 … 3.</summary>
    public uint X0, X1, X2, X3;
}

/// <summary>A Box–Muller pair (r·cos θ, r·sin θ).</summary>
public struct NormalPair
{
    /// <summary>r·cos θ (words 0 and 2 of a block).</summary>
    public float Cos;

    /// <summary>r·sin θ (words 1 and 3 of a block).</summary>
    public float Sin;
}

/// <summary>Keyed standard normals on the device: the same function of (key, element) as
/// <see cref="KeyedNormal.At"/>, operation for operation, so a device draw equals the CPU's bit for bit.</summary>
/// <remarks>Every step of <see cref="KeyedNormal"/> is reproduced with the same float32 operations: explicit FMAs
/// (MathF.FusedMultiplyAdd, fma.rn.f32 on CUDA: <see cref="DeviceFma"/>), correctly rounded division and square root (div.rn.f32, sqrt.rn.f32), ILGPU's bit casts for
/// BitConverter, and 32×32→64-bit multiplies for Philox's mulhi. The only float32 products that feed a plain
/// addition are exact (multiplications by a power of two), so a compiler contracting them into an FMA changes no
/// bit; the PTX test (GpuOptimizerTests) checks this on the compiled code.</remarks>
public static class DeviceNoise
{
    private const uint M0 = 0xD2511F53, M1 = 0xCD9E8D57, W0 = 0x9E3779B9, W1 = 0xBB67AE85;

    // The constants of KeyedNormal, written with the same expressions (so the same float32 values).
    private const float Third = 1f / 3, Fifth = 1f / 5, Seventh = 1f / 7, Ninth = 1f / 9;
    private const float S3 = -1f / 6, S5 = 1f / 120, S7 = -1f / 5040, S9 = 1f / 362880;
    private const float C2 = -1f / 2, C4 = 1f / 24, C6 = -1f / 720, C8 = 1f / 40320, C10 = -1f / 3628800;
    private const float Ln2 = 0.6931471805599453f;
    private const float AngleStep = (float)(2 * Math.PI) / (1 << 24);
    private const int SqrtHalfBits = 0x3F3504F3;
    private const int NearOne = 0x5A82799A;
    private const float TwoToMinus31 = 1f / 2147483648f;

    /// <summary>Elements per Philox group: 16 blocks of 4 words (the counter layout of <see cref="KeyedNormal"/>).</summary>
    public const int GroupElements = 64;

    // Salmon, Moraes, Dror, Shaw, "Parallel random numbers: as easy as 1, 2, 3" (SC 2011), §4: Philox4x32-10.
    /// <summary>Philox4x32-10 of counter (c0 … c3) under key (k0, k1), as <see cref="Philox.Block"/>.</summary>
    public static PhiloxWords Block(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1)
    {
        for (int round = 0; round < 10; round++)
        {
            ulong p0 = (ulong)M0 * c0;
            ulong p1 = (ulong)M1 * c2;
            uint hi0 = (uint)(p0 >> 32), lo0 = (uint)p0;
            uint hi1 = (uint)(p1 >> 32), lo1 = (uint)p1;
            c0 = hi1 ^ c1 ^ k0;
            c1 = lo1;
            c2 = hi0 ^ c3 ^ k1;
            c3 = lo0;
            k0 += W0;
            k1 += W1;
        }

        return new PhiloxWords { X0 = c0, X1 = c1, X2 = c2, X3 = c3 };
    }

    // Box, Muller, "A note on the generation of random normal deviates", Ann. Math. Statist. 29 (1958), 610–611.
    /// <summary>Box–Muller of two words, as <see cref="KeyedNormal.Pair"/>.</summary>
    public static NormalPair Pair(uint a, uint b)
    {
        float r = Radius(a);
        NormalPair cs = CosSin(b);
        return new NormalPair { Cos = r * cs.Cos, Sin = r * cs.Sin };
    }

    /// <summary>The draw of element <paramref name="index"/> (&lt; <see cref="NoiseKey.MaxElements"/>), as
    /// <see cref="KeyedNormal.At"/>.</summary>
    public static float At(DeviceNoiseKey key, long index)
    {
        uint block = (uint)(16 * (index >> 6) + (index & 15));
        int word = (int)(index >> 4) & 3;
        PhiloxWords x = Block(block, key.Tensor, key.StepLow, key.StepHigh, key.K0, key.K1);
        NormalPair p = word < 2 ? Pair(x.X0, x.X1) : Pair(x.X2, x.X3);
        return (word & 1) == 0 ? p.Cos : p.Sin;
    }

    /// <summary>r = √(−2 ln u), u = ((a ≫ 1) | 1)/2³¹, as KeyedNormal.Radius.</summary>
    public static float Radius(uint a)
    {
        int n = (int)((a >> 1) | 1);
        float f = n;
        int ix = (int)Interop.FloatAsInt(f) - SqrtHalfBits;
        float e = (ix >> 23) - 31;
        float x = Interop.IntAsFloat((uint)((ix & 0x7FFFFF) + SqrtHalfBits)) - 1f;
        if (n >= NearOne)
        {
            e = 0f;
            // Exact: a product with a power of two (no underflow), so a contraction with the x + 2 below is harmless.
            x = (int)(0x80000000u - (uint)n) * -TwoToMinus31;
        }

        float s = x / (x + 2f);
        float s2 = s * s;
        float p = MathF.FusedMultiplyAdd(s2, MathF.FusedMultiplyAdd(s2, MathF.FusedMultiplyAdd(s2,
            MathF.FusedMultiplyAdd(s2, Ninth, Seventh), Fifth), Third), 1f);
        float ln = MathF.FusedMultiplyAdd(e, Ln2, (s + s) * p);
        return MathF.Sqrt(ln * -2f);
    }

    /// <summary>(cos θ, sin θ) for θ = 2π·(b ≫ 8)/2²⁴, as KeyedNormal.CosSin.</summary>
    public static NormalPair CosSin(uint b)
    {
        uint t = (b >> 8) + (1u << 21);
        uint q = (t >> 22) & 3;
        float phi = ((int)(t & 0x3FFFFF) - (1 << 21)) * AngleStep;
        float p2 = phi * phi;
        float sin = MathF.FusedMultiplyAdd(phi * p2,
            MathF.FusedMultiplyAdd(p2, MathF.FusedMultiplyAdd(p2, MathF.FusedMultiplyAdd(p2, S9, S7), S5), S3), phi);
        float cos = MathF.FusedMultiplyAdd(p2, MathF.FusedMultiplyAdd(p2, MathF.FusedMultiplyAdd(p2,
            MathF.FusedMultiplyAdd(p2, MathF.FusedMultiplyAdd(p2, C10, C8), C6), C4), C2), 1f);
        bool swap = (q & 1) != 0;
        float x = swap ? sin : cos;
        float y = swap ? cos : sin;
        uint signX = ((q + 1) & 2) << 30, signY = (q & 2) << 30;
        return new NormalPair
        {
            Cos = Interop.IntAsFloat(Interop.FloatAsInt(x) ^ signX),
            Sin = Interop.IntAsFloat(Interop.FloatAsInt(y) ^ signY),
        };
    }
}
