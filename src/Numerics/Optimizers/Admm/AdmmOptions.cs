namespace BoundLab.Numerics.Optimizers.Admm;

/// <summary>The ADMM penalties and regularization for a network of N = Beta.Count weight layers.</summary>
/// <param name="Beta">β₁ … β_N &gt; 0, one per constraint (layer).</param>
/// <param name="Lambda">λ &gt; 0, the weight of (λ/2) Σ‖W_i‖_F² (biases included when used).</param>
/// <param name="Bias">Whether each layer has a bias (an extra column of W acting on a row of ones).</param>
public sealed record AdmmOptions(IReadOnlyList<double> Beta, double Lambda, bool Bias)
{
    /// <summary>The authors' code defaults: β_i = 1, λ = 1e−6 (references/ADMM.md).</summary>
    public static AdmmOptions AuthorsDefaults(int layers, bool bias) => new(Enumerable.Repeat(1.0, layers).ToArray(), 1e-6, bias);

    /// <summary>Checks the values; throws ArgumentOutOfRangeException naming the bad one.</summary>
    public AdmmOptions Validated()
    {
        ArgumentNullException.ThrowIfNull(Beta);
        if (Beta.Count < 2) throw new ArgumentOutOfRangeException(nameof(Beta), Beta.Count, "ADMM needs at least 2 layers (one hidden).");
        for (int i = 0; i < Beta.Count; i++)
            if (!(Beta[i] > 0 && double.IsFinite(Beta[i])))
                throw new ArgumentOutOfRangeException(nameof(Beta), Beta[i], $"β{i + 1} must be finite and > 0.");
        if (!(Lambda > 0 && double.IsFinite(Lambda))) throw new ArgumentOutOfRangeException(nameof(Lambda), Lambda, "λ must be finite and > 0.");
        return this;
    }
}
