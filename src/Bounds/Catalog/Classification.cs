namespace BoundLab.Bounds.Catalog;

/// <summary>The family a catalog entry belongs to (its wire name is <see cref="Classification.Name(BoundFamily)"/>).</summary>
public enum BoundFamily
{
    /// <summary>Held-out test-set bounds (`baseline`).</summary>
    Baseline,
    /// <summary>VC-dimension bounds for binary classifiers (`vc`).</summary>
    Vc,
    /// <summary>Rademacher-complexity and margin bounds (`rademacher`).</summary>
    Rademacher,
    /// <summary>Spectrally-normalized margin bounds and measures (`spectral`).</summary>
    Spectral,
    /// <summary>PAC-Bayes bounds (`pac-bayes`).</summary>
    PacBayes,
    /// <summary>Algorithmic-stability bounds (`stability`).</summary>
    Stability,
    /// <summary>Occam and compression bounds on a coded hypothesis (`compression`).</summary>
    Compression,
    /// <summary>Information-theoretic (mutual-information) bounds (`information`).</summary>
    Information,
}

/// <summary>What an entry's value bounds.</summary>
public enum BoundTarget
{
    /// <summary>The test (population) error, holding with probability at least 1 − δ over the sample.</summary>
    TestError,
    /// <summary>The expected generalization gap E[R − R̂], in expectation over sample and algorithm.</summary>
    ExpectedGap,
    /// <summary>Nothing: an order-level complexity measure, ranked against gaps but never a bound.</summary>
    Measure,
}

/// <summary>How far the formula and its constants were checked against the source (see SOURCES.md).</summary>
public enum Provenance
{
    /// <summary>Checked against the source text or the authors' reference code (or derived in the code comment).</summary>
    Verified,
    /// <summary>Taken from a restatement; every result carries a warning.</summary>
    Unverified,
    /// <summary>Order-level measure with constants dropped.</summary>
    Measure,
}

/// <summary>Wire names of the classification enums, as used by the CLI and JSON output.</summary>
public static class Classification
{
    /// <summary>`baseline`, `vc`, `rademacher`, `spectral`, `pac-bayes`, `stability`, `compression` or `information`.</summary>
    public static string Name(this BoundFamily family) => family switch
    {
        BoundFamily.Baseline => "baseline",
        BoundFamily.Vc => "vc",
        BoundFamily.Rademacher => "rademacher",
        BoundFamily.Spectral => "spectral",
        BoundFamily.PacBayes => "pac-bayes",
        BoundFamily.Stability => "stability",
        BoundFamily.Compression => "compression",
        BoundFamily.Information => "information",
        _ => throw new ArgumentOutOfRangeException(nameof(family), family, "Unknown bound family."),
    };

    /// <summary>`test-error`, `expected-gap` or `measure`.</summary>
    public static string Name(this BoundTarget target) => target switch
    {
        BoundTarget.TestError => "test-error",
        BoundTarget.ExpectedGap => "expected-gap",
        BoundTarget.Measure => "measure",
        _ => throw new ArgumentOutOfRangeException(nameof(target), target, "Unknown bound target."),
    };

    /// <summary>`verified`, `unverified` or `measure`.</summary>
    public static string Name(this Provenance provenance) => provenance switch
    {
        Provenance.Verified => "verified",
        Provenance.Unverified => "unverified",
        Provenance.Measure => "measure",
        _ => throw new ArgumentOutOfRangeException(nameof(provenance), provenance, "Unknown provenance."),
    };
}
