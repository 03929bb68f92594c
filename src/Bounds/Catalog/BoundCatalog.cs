using BoundLab.Bounds.Catalog.Entries;

namespace BoundLab.Bounds.Catalog;

/// <summary>Every entry of the bound catalog (references/BOUNDS.md), looked up by id.</summary>
public static class BoundCatalog
{
    private static readonly Lazy<IReadOnlyList<BoundEntry>> entries = new(() => new[]
    {
        Baselines.TestSetHoeffding(), Baselines.TestSetBinomial(),
        Vc.Mohri(), Vc.Vapnik(),
        Margin.Mohri(), Margin.MohriUniform(), Margin.Golowich(),
        PacBayes.Maurer(), PacBayes.McAllester(), PacBayes.Catoni(), PacBayes.Dr17(),
        Stability.Hrs16Convex(), Stability.Hrs16NonConvex(), Stability.Llq20Gld(), Stability.Llq20Sgld(),
        Measures.Neyshabur2015(), Measures.BftNormalizedMargin(), Measures.Nbs18(), Measures.Mou18Stability(), Measures.Mou18PacBayes(),
    });

    /// <summary>All entries, in catalog order.</summary>
    public static IReadOnlyList<BoundEntry> All => entries.Value;

    /// <summary>The entry with this id; throws an <see cref="ArgumentException"/> listing the known ids otherwise.</summary>
    public static BoundEntry Get(string id) =>
        All.FirstOrDefault(e => e.Id == id)
        ?? throw new ArgumentException($"Unknown bound id '{id}'. Known ids: {string.Join(", ", All.Select(e => e.Id))}.", nameof(id));
}
