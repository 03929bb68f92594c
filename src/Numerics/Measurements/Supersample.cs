using System.Globalization;
using System.Text;
using BoundLab.Numerics.Data;
using BoundLab.Numerics.Random;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Numerics.Measurements;

// Steinke, Zakynthinou (COLT 2020), §1.1: a supersample Z̃ ∈ Z^{n×2} of 2n points and selector bits U ∈ {0, 1}^n; the
// algorithm trains on S = (Z̃_{i,U_i})_i. Haghifam et al. (NeurIPS 2020) measure gradients on both points of a pair.
/// <summary>The conditional-mutual-information construction on a loaded set of 2n points: pair i is (row i, row n + i),
/// the selector bit U_i = the low bit of draw i of <c>RngKey.FromSeed(seed).Split("supersample")</c>, the training set
/// is (z_{i,U_i})_i in pair order and the ghost set (z_{i,1−U_i})_i.</summary>
/// <param name="Selectors">U_1 … U_n.</param>
/// <param name="Train">The n points trained on (pair order).</param>
/// <param name="Ghost">The n points held out (pair order): row i pairs with <paramref name="Train"/>'s row i.</param>
public sealed record Supersample(IReadOnlyList<int> Selectors, Dataset Train, Dataset Ghost)
{
    /// <summary>The file a supersample run writes next to run.json.</summary>
    public const string FileName = "supersample.csv";

    /// <summary>Splits <paramref name="superset"/> (2n points) by the selector bits of <paramref name="seed"/>.</summary>
    public static Supersample Split(Dataset superset, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(superset);
        if (superset.Count < 2 || superset.Count % 2 != 0)
        {
            throw new ArgumentException($"the supersample has {superset.Count} points; allowed: an even number 2n ≥ 2.", nameof(superset));
        }

        int n = superset.Count / 2;
        RandomStream bits = RngKey.FromSeed(seed).Split("supersample").Stream();
        var u = new int[n];
        for (int i = 0; i < n; i++)
        {
            u[i] = (int)(bits.NextUInt32() & 1);
        }

        int[] used = Enumerable.Range(0, n).Select(i => i + n * u[i]).ToArray();
        int[] unused = Enumerable.Range(0, n).Select(i => i + n * (1 - u[i])).ToArray();
        // Both halves keep the data set's name: run.json and the fingerprint name the data, the half is in supersample.csv.
        return new Supersample(u, superset.SelectRows(used, superset.Name), superset.SelectRows(unused, superset.Name));
    }

    /// <summary>The training set of a supersample run as measured later: <paramref name="superset"/> split by the selector
    /// bits recorded in <paramref name="path"/>, which must be those <paramref name="seed"/> gives (else the file does not
    /// belong to the run).</summary>
    public static Supersample FromFile(Dataset superset, ulong seed, string path)
    {
        Supersample s = Split(superset, seed);
        string expected = s.Format();
        if (File.ReadAllText(path) != expected)
        {
            throw new InvalidDataException($"{path} does not hold the selector bits of seed {seed} on the {superset.Count} rebuilt points; the run folder does not match its data.");
        }

        return s;
    }

    /// <summary>supersample.csv: one row per pair i (0-based): pair, u, used (row of the 2n-point set trained on), unused.</summary>
    public string Format()
    {
        int n = Selectors.Count;
        var sb = new StringBuilder("pair,u,used,unused\n");
        for (int i = 0; i < n; i++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{i},{Selectors[i]},{i + n * Selectors[i]},{i + n * (1 - Selectors[i])}\n");
        }

        return sb.ToString();
    }
}
