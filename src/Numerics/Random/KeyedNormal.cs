namespace BoundLab.Numerics.Random;

/// <summary>Keyed standard normals in float32: the scalar specification that the SIMD kernel
/// (<c>Kernels.GaussianNoise</c>) and any other backend reproduce bit for bit.</summary>
/// <remarks>
/// <para>Counter layout. Element i of <see cref="NoiseKey"/> (k, t, j) reads word w = (i ≫ 4) mod 4 of the
/// Philox4x32-10 block with counter (c0, c1, c2, c3) = (16·⌊i/64⌋ + i mod 16, j, t mod 2³², ⌊t/2³²⌋) under key k:
/// in each group of 64 elements, 16 consecutive elements read the same word of 16 consecutive blocks, so a
/// 16-lane vector of blocks fills 16 contiguous elements without a transpose. Words (0, 1) and (2, 3) of a
/// block are one Box–Muller pair each: words 0 and 2 give r·cos θ, words 1 and 3 give r·sin θ.</para>
/// <para>Transform (Box–Muller 1958, in float32 with explicit FMA, the same operations on every path):
/// u = ((a ≫ 1) | 1) / 2³¹ ∈ (0, 1) — never 0 or 1, so 2⁻¹⁵ ≤ r ≤ √(62 ln 2) ≈ 6.56; r = √(−2 ln u) with
/// ln u = e·ln 2 + 2 atanh(s), s = x/(x + 2), x = m − 1, m ∈ [√½, √2) (for u ≥ √½: e = 0 and x = u − 1 from
/// the integer, so ln u keeps its relative accuracy as u → 1), atanh by its Taylor series to s⁹
/// (truncation below 2·10⁻⁹ relative); θ = 2π·(b ≫ 8)/2²⁴, reduced exactly in integers to a quadrant
/// and φ ∈ [−π/4, π/4), sin φ and cos φ by Taylor series to φ⁹ and φ¹⁰ (truncation below 3·10⁻⁹).
/// Accuracy against <see cref="ReferencePair"/> (float64 of the same bits) is measured by the tests and
/// stated on <see cref="Pair"/>.</para>
/// </remarks>
public static class KeyedNormal
{
    // Taylor coefficients, rounded to float once here and shared by every path.
    internal const float Third = 1f / 3, Fifth = 1f / 5, Seventh = 1f / 7, Ninth = 1f / 9;
    internal const float S3 = -1f / 6, S5 = 1f / 120, S7 = -1f / 5040, S9 = 1f / 362880;
    internal const float C2 = -1f / 2, C4 = 1f / 24, C6 = -1f / 720, C8 = 1f / 40320, C10 = -1f / 3628800;
    internal const float Ln2 = 0.6931471805599453f;
    internal const float AngleStep = (float)(2 * Math.PI) / (1 << 24);
    internal const int SqrtHalfBits = 0x3F3504F3;

    // n ≥ NearOne ⇔ u ≥ √½ (approximately): there x = u − 1 = −(2³¹ − n)/2³¹ is formed from the integer,
    // exactly or to 2⁻²⁴ relative, instead of from float(n), whose rounding would swamp ln u as u → 1.
    internal const int NearOne = 0x5A82799A;
    internal const float TwoToMinus31 = 1f / 2147483648f;

    /// <summary>The standard normal draw of element <paramref name="index"/> under <paramref name="key"/>.</summary>
    public static float At(NoiseKey key, long index)
    {
        if ((ulong)index >= NoiseKey.MaxElements)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"allowed: 0 ≤ index < {NoiseKey.MaxElements}");
        }

        return AtUnchecked(key, index);
    }

    /// <summary>Box–Muller of two 32-bit words: (r·cos θ, r·sin θ). Within 4.5 float ulps of
    /// <see cref="ReferencePair"/> (where |z| ≥ 2⁻²⁰) and within 7·10⁻⁷ absolute: measured max 4.40 ulp and
    /// 6.4·10⁻⁷ over 2²² random pairs, 2²⁰ pairs with u near 1 and the extreme words; the tests check it.</summary>
    public static (float Cos, float Sin) Pair(uint a, uint b)
    {
        float r = Radius(a);
        (float c, float s) = CosSin(b);
        return (r * c, r * s);
    }

    /// <summary>The exact Box–Muller of the same two words in float64 (Math.Log, Math.Cos, Math.Sin): the
    /// accuracy reference of <see cref="Pair"/>.</summary>
    public static (double Cos, double Sin) ReferencePair(uint a, uint b)
    {
        double u = ((a >> 1) | 1) / 2147483648.0;
        double theta = 2 * Math.PI * (b >> 8) / 16777216.0;
        double r = Math.Sqrt(-2 * Math.Log(u));
        return (r * Math.Cos(theta), r * Math.Sin(theta));
    }

    internal static float AtUnchecked(NoiseKey key, long index)
    {
        uint block = (uint)(16 * (index >> 6) + (index & 15));
        int word = (int)(index >> 4) & 3;
        var (x0, x1, x2, x3) = Philox.Block(block, key.Tensor, key.StepLow, key.StepHigh, key.K0, key.K1);
        (float c, float s) = word < 2 ? Pair(x0, x1) : Pair(x2, x3);
        return (word & 1) == 0 ? c : s;
    }

    /// <summary>r = √(−2 ln u), u = ((a ≫ 1) | 1)/2³¹.</summary>
    internal static float Radius(uint a)
    {
        int n = (int)((a >> 1) | 1);
        float f = n;
        int ix = BitConverter.SingleToInt32Bits(f) - SqrtHalfBits;
        float e = (ix >> 23) - 31;
        float x = BitConverter.Int32BitsToSingle((ix & 0x7FFFFF) + SqrtHalfBits) - 1f;
        if (n >= NearOne)
        {
            e = 0f;
            x = (int)(0x80000000u - (uint)n) * -TwoToMinus31;
        }

        float s = x / (x + 2f);
        float s2 = s * s;
        float p = MathF.FusedMultiplyAdd(s2, MathF.FusedMultiplyAdd(s2, MathF.FusedMultiplyAdd(s2,
            MathF.FusedMultiplyAdd(s2, Ninth, Seventh), Fifth), Third), 1f);
        float ln = MathF.FusedMultiplyAdd(e, Ln2, (s + s) * p);
        return MathF.Sqrt(ln * -2f);
    }

    /// <summary>(cos θ, sin θ) for θ = 2π·(b ≫ 8)/2²⁴, reduced exactly to φ + qπ/2 with |φ| ≤ π/4.</summary>
    internal static (float Cos, float Sin) CosSin(uint b)
    {
        uint t = (b >> 8) + (1u << 21);
        uint q = (t >> 22) & 3;
        float phi = ((int)(t & 0x3FFFFF) - (1 << 21)) * AngleStep;
        float p2 = phi * phi;
        float sin = MathF.FusedMultiplyAdd(phi * p2,
            MathF.FusedMultiplyAdd(p2, MathF.FusedMultiplyAdd(p2, MathF.FusedMultiplyAdd(p2, S9, S7), S5), S3), phi);
        float cos = MathF.FusedMultiplyAdd(p2, MathF.FusedMultiplyAdd(p2, MathF.FusedMultiplyAdd(p2,
            MathF.FusedMultiplyAdd(p2, MathF.FusedMultiplyAdd(p2, C10, C8), C6), C4), C2), 1f);
        (float x, float y) = (q & 1) == 0 ? (cos, sin) : (sin, cos);
        uint signX = ((q + 1) & 2) << 30, signY = (q & 2) << 30;
        return (BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(x) ^ signX),
            BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(y) ^ signY));
    }
}
