namespace BoundLab.Numerics.Landscape;

/// <summary>A symmetric linear map v ↦ A v on ℝⁿ, given only by its action (the Hessian of an objective; a dense
/// matrix in tests): what Lanczos and the Hutchinson estimator take.</summary>
public interface ISymmetricOperator
{
    /// <summary>n, the length of the vectors it acts on.</summary>
    int Dimension { get; }

    /// <summary>result ← A v (both of length <see cref="Dimension"/>).</summary>
    void Apply(ReadOnlySpan<double> v, Span<double> result);
}
