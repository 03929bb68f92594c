namespace BoundLab.Bounds.Catalog.Compression;

/// <summary>Both compression bounds for one coded classifier, with the Catoni constant the union bound allows choosing.</summary>
/// <param name="Occam">occam-kl at the code length.</param>
/// <param name="Lotfi">lotfi22-compression at the best C found.</param>
/// <param name="BestC">The C used for <paramref name="Lotfi"/> (any C ≥ 1/n is paid for by that entry's grid union bound).</param>
public sealed record CompressionBounds(BoundResult Occam, BoundResult Lotfi, double BestC);

/// <summary>Evaluates occam-kl and lotfi22-compression for a quantized classifier.</summary>
public static class CompressionEvaluation
{
    /// <summary>Points scanned in g = ln(nC) ∈ [0, 4 + ln n] (the range Lotfi et al.'s code searches).</summary>
    public const int ScanPoints = 2001;

    /// <summary>
    /// The two bounds at training error <paramref name="trainError"/> of the coded classifier, code length
    /// <paramref name="codeBits"/> (prefix-free), <paramref name="n"/> training examples and confidence δ. The
    /// Catoni constant is chosen by scanning g = ln(nC); every choice is covered by the entry's union bound.
    /// </summary>
    public static CompressionBounds Evaluate(double trainError, long codeBits, int n, double delta)
    {
        if (codeBits < 1)
            throw new ArgumentOutOfRangeException(nameof(codeBits), codeBits, "codeBits must be ≥ 1.");
        if (n < 1)
            throw new ArgumentOutOfRangeException(nameof(n), n, "n must be ≥ 1.");
        var occam = BoundEvaluator.Evaluate("occam-kl", new Dictionary<string, double>
        {
            ["train_error"] = trainError, ["code_length_bits"] = codeBits, ["n"] = n, ["delta"] = delta,
        });
        double top = 4 + Math.Log(n);
        BoundResult? best = null;
        double bestC = 0;
        for (int i = 0; i < ScanPoints; i++)
        {
            double c = Math.Exp(top * i / (ScanPoints - 1)) / n;
            while (n * c < 1) c = Math.BitIncrement(c); // the j = 0 end: 1/n·n may round below 1
            var r = BoundEvaluator.Evaluate("lotfi22-compression", new Dictionary<string, double>
            {
                ["train_error"] = trainError, ["code_length_bits"] = codeBits, ["n"] = n, ["catoni_c"] = c, ["delta"] = delta,
            });
            if (best is null || r.Value < best.Value) { best = r; bestC = c; }
        }
        return new CompressionBounds(occam, best!, bestC);
    }
}
