using System.Collections.Concurrent;
using System.Globalization;
using BoundLab.Bounds.Catalog.Entries;

namespace BoundLab.Bounds.Catalog;

/// <summary>Every entry of the bound catalog (references/BOUNDS.md), looked up by id.</summary>
public static class BoundCatalog
{
    private static readonly Lazy<IReadOnlyList<BoundEntry>> entries = new(() => new[]
    {
        Baselines.TestSetHoeffding(), Baselines.TestSetBinomial(), Baselines.TestSetBinomialExact(),
        Vc.Mohri(), Vc.Vapnik(), Vc.ReluBhlm19(),
        Margin.Mohri(), Margin.MohriUniform(), Margin.MohriMulticlass(), Margin.Golowich(),
        WithBftRequirements(Spectral.Generic()),
        PacBayes.Maurer(), PacBayes.McAllester(), PacBayes.Catoni(), PacBayes.Dr17(), PacBayes.Pbb21Kl(),
        Stability.Hrs16Convex(), Stability.Hrs16NonConvex(), Stability.Llq20Gld(), Stability.Llq20Sgld(),
        Measures.Neyshabur2015(), Measures.BftNormalizedMargin(), Measures.Nbs18(), Measures.Mou18Stability(), Measures.Mou18PacBayes(),
        CatoniGrid.Entry(), MarginGrid.Mohri(), MarginGrid.MohriMulticlass(),
        CompressionBounds.OccamKl(), CompressionBounds.Lotfi22(),
        Nbs18.PacBayesSpectral(), TwoLayer.Nlbls19(), Information.Sz20(), Information.Haghifam20(), Conv.Graf22(), Conv.Ledent21(), ConvGrid.Graf22(), ConvGrid.Ledent21(),
    }.Concat(Jiang20.All()).ToArray());

    // Bartlett, Foster, Telgarsky (2017), Theorem 3.3: 1-Lipschitz activations with σ(0) = 0, on the layers of an MLP.
    // Declared here rather than in Spectral.cs, which is being rewritten as the depth-generic entry.
    private static BoundEntry WithBftRequirements(BoundEntry e) => e with
    {
        Requirements = [.. e.Requirements, Sweep.RunRequirement.Mlp(), Sweep.RunRequirement.Activation("1-Lipschitz with σ(0) = 0", "relu", "tanh", "identity")],
    };

    /// <summary>All entries, in catalog order.</summary>
    public static IReadOnlyList<BoundEntry> All => entries.Value;

    private static readonly ConcurrentDictionary<int, BoundEntry> spectralByDepth = new();

    /// <summary>
    /// The entry with this id; "bft-spectral-L" (an alias of bft-spectral at depth L with scalar inputs s_i, b_i) is built for
    /// any depth 1 ≤ L ≤ 64. Throws an
    /// <see cref="ArgumentException"/> listing the known ids otherwise.
    /// </summary>
    public static BoundEntry Get(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (All.FirstOrDefault(e => e.Id == id) is { } entry)
            return entry;
        if (id.StartsWith(Spectral.IdPrefix, StringComparison.Ordinal)
            && int.TryParse(id.AsSpan(Spectral.IdPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int layers)
            && layers >= 1 && layers <= Spectral.MaxLayers)
            return spectralByDepth.GetOrAdd(layers, l => WithBftRequirements(Spectral.Bft(l)));
        throw new ArgumentException(
            $"Unknown bound id '{id}'. Known ids: {string.Join(", ", All.Select(e => e.Id))} (and bft-spectral-L, bft-spectral at a fixed depth with scalar inputs, for 1 ≤ L ≤ {Spectral.MaxLayers}).", nameof(id));
    }
}
