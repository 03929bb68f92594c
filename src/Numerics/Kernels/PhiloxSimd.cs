using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using BoundLab.Numerics.Random;
using static BoundLab.Numerics.Random.KeyedNormal;

namespace BoundLab.Numerics.Kernels;

/// <summary>One group of 64 keyed normals (16 Philox4x32-10 blocks) per call, in SIMD lanes: the same
/// operations as <see cref="KeyedNormal"/> lane by lane, so every path gives the same bits.</summary>
/// <remarks>Salmon, Moraes, Dror, Shaw (SC 2011), §4: each 32-bit counter word sits in the low half of a
/// 64-bit lane, so one unsigned 32×32→64 multiply (vpmuludq) gives hi and lo of a Philox round; the
/// upper halves of the lo words carry garbage that only ever reaches a multiply (which ignores it) or the
/// final narrowing (which drops it).</remarks>
internal static class PhiloxSimd
{
    private const uint M0 = 0xD2511F53, M1 = 0xCD9E8D57, W0 = 0x9E3779B9, W1 = 0xBB67AE85;

    /// <summary>Whether the 512-bit path runs on this machine.</summary>
    public static bool Is512 => Avx512F.IsSupported;

    /// <summary>Whether the 256-bit path runs on this machine.</summary>
    public static bool Is256 => Avx2.IsSupported && Fma.IsSupported;

    /// <summary>Applies op to the normals of group g (elements 64g … 64g+63) at i … i+63: vector j holds
    /// elements 64g + 16j + 0…15.</summary>
    public static void Group512<TOp>(NoiseKey key, ulong group, ref TOp op, int i)
        where TOp : struct, GaussianNoise.INoiseOp
    {
        var lane = Vector512.Create(0UL, 1, 2, 3, 4, 5, 6, 7);
        var baseBlock = Vector512.Create(16 * group);
        Vector512<ulong> a0 = baseBlock + lane, b0 = a0 + Vector512.Create(8UL);
        uint k0 = (uint)key.Key.Value, k1 = (uint)(key.Key.Value >> 32);

        // Rounds 0 and 1 with the lane-independent words (tensor, step) folded into scalars.
        ulong q1 = (ulong)M1 * key.StepLow;
        uint c0 = (uint)(q1 >> 32) ^ key.Tensor ^ k0, c1 = (uint)q1;
        var m0 = Vector512.Create((ulong)M0);
        var m1 = Vector512.Create((ulong)M1);
        Vector512<ulong> pa0 = Mul(a0, m0), pb0 = Mul(b0, m0);
        var x = Vector512.Create((ulong)(key.StepHigh ^ k1));
        Vector512<ulong> a2 = (pa0 >> 32) ^ x, b2 = (pb0 >> 32) ^ x;
        Vector512<ulong> a3 = pa0, b3 = pb0;
        k0 += W0;
        k1 += W1;
        ulong q0 = (ulong)M0 * c0;
        Vector512<ulong> pa1 = Mul(a2, m1), pb1 = Mul(b2, m1);
        x = Vector512.Create((ulong)(c1 ^ k0));
        a0 = (pa1 >> 32) ^ x;
        b0 = (pb1 >> 32) ^ x;
        Vector512<ulong> a1 = pa1, b1 = pb1;
        x = Vector512.Create((ulong)((uint)(q0 >> 32) ^ k1));
        a2 = a3 ^ x;
        b2 = b3 ^ x;
        a3 = Vector512.Create((ulong)(uint)q0);
        b3 = a3;
        k0 += W0;
        k1 += W1;
        for (int round = 2; round < 10; round++)
        {
            var vk0 = Vector512.Create((ulong)k0);
            var vk1 = Vector512.Create((ulong)k1);
            pa0 = Mul(a0, m0);
            pa1 = Mul(a2, m1);
            pb0 = Mul(b0, m0);
            pb1 = Mul(b2, m1);
            a0 = (pa1 >> 32) ^ a1 ^ vk0;
            a1 = pa1;
            a2 = (pa0 >> 32) ^ a3 ^ vk1;
            a3 = pa0;
            b0 = (pb1 >> 32) ^ b1 ^ vk0;
            b1 = pb1;
            b2 = (pb0 >> 32) ^ b3 ^ vk1;
            b3 = pb0;
            k0 += W0;
            k1 += W1;
        }

        Pair512(Vector512.Narrow(a0, b0), Vector512.Narrow(a1, b1), out var z0, out var z1);
        op.Apply(i, z0);
        op.Apply(i + 16, z1);
        Pair512(Vector512.Narrow(a2, b2), Vector512.Narrow(a3, b3), out var z2, out var z3);
        op.Apply(i + 32, z2);
        op.Apply(i + 48, z3);
    }

    /// <summary>Half h (0 or 1) of group g with 256-bit lanes: elements 64g + 16j + 8h + 0…7, j = 0…3, applied at i + 16j + 8h.</summary>
    public static void Group256<TOp>(NoiseKey key, ulong group, int half, ref TOp op, int i)
        where TOp : struct, GaussianNoise.INoiseOp
    {
        var baseBlock = Vector256.Create(16 * group + 8 * (ulong)half);
        Vector256<ulong> a0 = baseBlock + Vector256.Create(0UL, 1, 2, 3), b0 = a0 + Vector256.Create(4UL);
        uint k0 = (uint)key.Key.Value, k1 = (uint)(key.Key.Value >> 32);

        // Rounds 0 and 1 with the lane-independent words (tensor, step) folded into scalars.
        ulong q1 = (ulong)M1 * key.StepLow;
        uint c0 = (uint)(q1 >> 32) ^ key.Tensor ^ k0, c1 = (uint)q1;
        var m0 = Vector256.Create((ulong)M0);
        var m1 = Vector256.Create((ulong)M1);
        Vector256<ulong> pa0 = Mul(a0, m0), pb0 = Mul(b0, m0);
        var x = Vector256.Create((ulong)(key.StepHigh ^ k1));
        Vector256<ulong> a2 = (pa0 >> 32) ^ x, b2 = (pb0 >> 32) ^ x;
        Vector256<ulong> a3 = pa0, b3 = pb0;
        k0 += W0;
        k1 += W1;
        ulong q0 = (ulong)M0 * c0;
        Vector256<ulong> pa1 = Mul(a2, m1), pb1 = Mul(b2, m1);
        x = Vector256.Create((ulong)(c1 ^ k0));
        a0 = (pa1 >> 32) ^ x;
        b0 = (pb1 >> 32) ^ x;
        Vector256<ulong> a1 = pa1, b1 = pb1;
        x = Vector256.Create((ulong)((uint)(q0 >> 32) ^ k1));
        a2 = a3 ^ x;
        b2 = b3 ^ x;
        a3 = Vector256.Create((ulong)(uint)q0);
        b3 = a3;
        k0 += W0;
        k1 += W1;
        for (int round = 2; round < 10; round++)
        {
            var vk0 = Vector256.Create((ulong)k0);
            var vk1 = Vector256.Create((ulong)k1);
            pa0 = Mul(a0, m0);
            pa1 = Mul(a2, m1);
            pb0 = Mul(b0, m0);
            pb1 = Mul(b2, m1);
            a0 = (pa1 >> 32) ^ a1 ^ vk0;
            a1 = pa1;
            a2 = (pa0 >> 32) ^ a3 ^ vk1;
            a3 = pa0;
            b0 = (pb1 >> 32) ^ b1 ^ vk0;
            b1 = pb1;
            b2 = (pb0 >> 32) ^ b3 ^ vk1;
            b3 = pb0;
            k0 += W0;
            k1 += W1;
        }

        i += 8 * half;
        Pair256(Vector256.Narrow(a0, b0), Vector256.Narrow(a1, b1), out var z0, out var z1);
        op.Apply(i, z0);
        op.Apply(i + 16, z1);
        Pair256(Vector256.Narrow(a2, b2), Vector256.Narrow(a3, b3), out var z2, out var z3);
        op.Apply(i + 32, z2);
        op.Apply(i + 48, z3);
    }

    /// <summary>Applies op to the normals of group g at i … i+63 on the scalar path.</summary>
    public static void GroupScalar<TOp>(NoiseKey key, ulong group, ref TOp op, int i)
        where TOp : struct, GaussianNoise.INoiseOp
    {
        Span<float> z = stackalloc float[64];
        for (int l = 0; l < 16; l++)
        {
            var (x0, x1, x2, x3) = Philox.Block((uint)(16 * group) + (uint)l, key.Tensor, key.StepLow, key.StepHigh, key.K0, key.K1);
            (z[l], z[16 + l]) = Pair(x0, x1);
            (z[32 + l], z[48 + l]) = Pair(x2, x3);
        }

        for (int j = 0; j < 64; j++)
        {
            op.Apply(i + j, z[j]);
        }
    }

    // low32(a)·m as a full 64-bit product (m < 2³²): vpmuludq where available, else the same value by a
    // portable 64-bit multiply (slow; lets the tests run every path on any machine).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> Mul(Vector512<ulong> a, Vector512<ulong> m)
        => Avx512F.IsSupported ? Avx512F.Multiply(a.AsUInt32(), m.AsUInt32()) : (a & Vector512.Create(0xFFFFFFFFUL)) * m;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> Mul(Vector256<ulong> a, Vector256<ulong> m)
        => Avx2.IsSupported ? Avx2.Multiply(a.AsUInt32(), m.AsUInt32()) : (a & Vector256.Create(0xFFFFFFFFUL)) * m;

    // KeyedNormal.Radius and CosSin, lane by lane.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Pair512(Vector512<uint> a, Vector512<uint> b, out Vector512<float> zc, out Vector512<float> zs)
    {
        Vector512<uint> n = (a >> 1) | Vector512<uint>.One;
        Vector512<float> f = Vector512.ConvertToSingle(n.AsInt32());
        Vector512<int> ix = f.AsInt32() - Vector512.Create(SqrtHalfBits);
        Vector512<float> e = Vector512.ConvertToSingle(Vector512.ShiftRightArithmetic(ix, 23) - Vector512.Create(31));
        Vector512<float> x = ((ix & Vector512.Create(0x7FFFFF)) + Vector512.Create(SqrtHalfBits)).AsSingle() - Vector512<float>.One;
        Vector512<float> nearOne = Vector512.GreaterThanOrEqual(n.AsInt32(), Vector512.Create(NearOne)).AsSingle();
        Vector512<float> xNear = Vector512.ConvertToSingle((Vector512.Create(0x80000000u) - n).AsInt32()) * Vector512.Create(-TwoToMinus31);
        e = Vector512.ConditionalSelect(nearOne, Vector512<float>.Zero, e);
        x = Vector512.ConditionalSelect(nearOne, xNear, x);
        Vector512<float> s = x / (x + Vector512.Create(2f));
        Vector512<float> s2 = s * s;
        Vector512<float> p = Vector512.FusedMultiplyAdd(s2, Vector512.FusedMultiplyAdd(s2, Vector512.FusedMultiplyAdd(s2,
            Vector512.FusedMultiplyAdd(s2, Vector512.Create(Ninth), Vector512.Create(Seventh)), Vector512.Create(Fifth)),
            Vector512.Create(Third)), Vector512<float>.One);
        Vector512<float> ln = Vector512.FusedMultiplyAdd(e, Vector512.Create(Ln2), (s + s) * p);
        Vector512<float> r = Vector512.Sqrt(ln * Vector512.Create(-2f));

        Vector512<uint> t = (b >> 8) + Vector512.Create(1u << 21);
        Vector512<uint> q = (t >> 22) & Vector512.Create(3u);
        Vector512<float> phi = Vector512.ConvertToSingle((t & Vector512.Create(0x3FFFFFu)).AsInt32() - Vector512.Create(1 << 21))
            * Vector512.Create(AngleStep);
        Vector512<float> p2 = phi * phi;
        Vector512<float> sin = Vector512.FusedMultiplyAdd(phi * p2, Vector512.FusedMultiplyAdd(p2, Vector512.FusedMultiplyAdd(p2,
            Vector512.FusedMultiplyAdd(p2, Vector512.Create(S9), Vector512.Create(S7)), Vector512.Create(S5)), Vector512.Create(S3)), phi);
        Vector512<float> cos = Vector512.FusedMultiplyAdd(p2, Vector512.FusedMultiplyAdd(p2, Vector512.FusedMultiplyAdd(p2,
            Vector512.FusedMultiplyAdd(p2, Vector512.FusedMultiplyAdd(p2, Vector512.Create(C10), Vector512.Create(C8)),
            Vector512.Create(C6)), Vector512.Create(C4)), Vector512.Create(C2)), Vector512<float>.One);
        Vector512<float> odd = Vector512.Equals(q & Vector512<uint>.One, Vector512<uint>.One).AsSingle();
        Vector512<float> cx = Vector512.ConditionalSelect(odd, sin, cos), cy = Vector512.ConditionalSelect(odd, cos, sin);
        Vector512<uint> signX = ((q + Vector512<uint>.One) & Vector512.Create(2u)) << 30, signY = (q & Vector512.Create(2u)) << 30;
        zc = r * (cx.AsUInt32() ^ signX).AsSingle();
        zs = r * (cy.AsUInt32() ^ signY).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Pair256(Vector256<uint> a, Vector256<uint> b, out Vector256<float> zc, out Vector256<float> zs)
    {
        Vector256<uint> n = (a >> 1) | Vector256<uint>.One;
        Vector256<float> f = Vector256.ConvertToSingle(n.AsInt32());
        Vector256<int> ix = f.AsInt32() - Vector256.Create(SqrtHalfBits);
        Vector256<float> e = Vector256.ConvertToSingle(Vector256.ShiftRightArithmetic(ix, 23) - Vector256.Create(31));
        Vector256<float> x = ((ix & Vector256.Create(0x7FFFFF)) + Vector256.Create(SqrtHalfBits)).AsSingle() - Vector256<float>.One;
        Vector256<float> nearOne = Vector256.GreaterThanOrEqual(n.AsInt32(), Vector256.Create(NearOne)).AsSingle();
        Vector256<float> xNear = Vector256.ConvertToSingle((Vector256.Create(0x80000000u) - n).AsInt32()) * Vector256.Create(-TwoToMinus31);
        e = Vector256.ConditionalSelect(nearOne, Vector256<float>.Zero, e);
        x = Vector256.ConditionalSelect(nearOne, xNear, x);
        Vector256<float> s = x / (x + Vector256.Create(2f));
        Vector256<float> s2 = s * s;
        Vector256<float> p = Vector256.FusedMultiplyAdd(s2, Vector256.FusedMultiplyAdd(s2, Vector256.FusedMultiplyAdd(s2,
            Vector256.FusedMultiplyAdd(s2, Vector256.Create(Ninth), Vector256.Create(Seventh)), Vector256.Create(Fifth)),
            Vector256.Create(Third)), Vector256<float>.One);
        Vector256<float> ln = Vector256.FusedMultiplyAdd(e, Vector256.Create(Ln2), (s + s) * p);
        Vector256<float> r = Vector256.Sqrt(ln * Vector256.Create(-2f));

        Vector256<uint> t = (b >> 8) + Vector256.Create(1u << 21);
        Vector256<uint> q = (t >> 22) & Vector256.Create(3u);
        Vector256<float> phi = Vector256.ConvertToSingle((t & Vector256.Create(0x3FFFFFu)).AsInt32() - Vector256.Create(1 << 21))
            * Vector256.Create(AngleStep);
        Vector256<float> p2 = phi * phi;
        Vector256<float> sin = Vector256.FusedMultiplyAdd(phi * p2, Vector256.FusedMultiplyAdd(p2, Vector256.FusedMultiplyAdd(p2,
            Vector256.FusedMultiplyAdd(p2, Vector256.Create(S9), Vector256.Create(S7)), Vector256.Create(S5)), Vector256.Create(S3)), phi);
        Vector256<float> cos = Vector256.FusedMultiplyAdd(p2, Vector256.FusedMultiplyAdd(p2, Vector256.FusedMultiplyAdd(p2,
            Vector256.FusedMultiplyAdd(p2, Vector256.FusedMultiplyAdd(p2, Vector256.Create(C10), Vector256.Create(C8)),
            Vector256.Create(C6)), Vector256.Create(C4)), Vector256.Create(C2)), Vector256<float>.One);
        Vector256<float> odd = Vector256.Equals(q & Vector256<uint>.One, Vector256<uint>.One).AsSingle();
        Vector256<float> cx = Vector256.ConditionalSelect(odd, sin, cos), cy = Vector256.ConditionalSelect(odd, cos, sin);
        Vector256<uint> signX = ((q + Vector256<uint>.One) & Vector256.Create(2u)) << 30, signY = (q & Vector256.Create(2u)) << 30;
        zc = r * (cx.AsUInt32() ^ signX).AsSingle();
        zs = r * (cy.AsUInt32() ^ signY).AsSingle();
    }
}
