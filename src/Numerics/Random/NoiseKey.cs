namespace BoundLab.Numerics.Random;

/// <summary>The coordinates (run key, step, tensor) of a keyed Gaussian draw: element i of the tensor draws
/// <see cref="KeyedNormal.At"/>(this, i), a pure function of (key, step, tensor, i).</summary>
/// <param name="Key">The run's key for this purpose (e.g. root.Split("noise")).</param>
/// <param name="Step">The global step (or sample) index.</param>
/// <param name="Tensor">The tensor (parameter) index.</param>
public readonly record struct NoiseKey(RngKey Key, ulong Step, uint Tensor)
{
    /// <summary>Largest element index plus one: the Philox block index 16⌊i/64⌋ + i mod 16 must fit 32 bits.</summary>
    public const long MaxElements = 1L << 34;

    internal uint K0 => (uint)Key.Value;

    internal uint K1 => (uint)(Key.Value >> 32);

    internal uint StepLow => (uint)Step;

    internal uint StepHigh => (uint)(Step >> 32);
}
