using System.Text;

namespace BoundLab.Numerics.Random;

/// <summary>A splittable random key: one run seed derives independent keys for init, shuffling,
/// label corruption and noise, so each consumer's numbers do not depend on the others' use.</summary>
public readonly record struct RngKey(ulong Value)
{
    /// <summary>The root key of a run.</summary>
    public static RngKey FromSeed(ulong seed) => new(Mix(seed ^ 0x243F6A8885A308D3UL));

    /// <summary>A child key for a numbered sub-stream (e.g. layer index, epoch, step).</summary>
    public RngKey Split(ulong stream)
    {
        var (x0, x1, _, _) = Philox.Block((uint)stream, (uint)(stream >> 32), 0x5EED5EEDu, 0x5711u,
            (uint)Value, (uint)(Value >> 32));
        return new RngKey(((ulong)x1 << 32) | x0);
    }

    /// <summary>A child key for a named purpose ("init", "shuffle", "label-noise", …).</summary>
    public RngKey Split(string purpose)
    {
        ArgumentNullException.ThrowIfNull(purpose);
        ulong h = 0xCBF29CE484222325UL;
        foreach (byte b in Encoding.UTF8.GetBytes(purpose))
        {
            h = (h ^ b) * 0x100000001B3UL;
        }

        return Split(h);
    }

    /// <summary>A sequential stream of numbers under this key.</summary>
    public RandomStream Stream() => new(this);

    // SplitMix64 finaliser: spreads nearby seeds (0, 1, 2, …) over the key space.
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
