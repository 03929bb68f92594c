namespace BoundLab.Bounds.Catalog;

/// <summary>Which way a post-hoc value is rounded onto the grid so that the bound stays valid.</summary>
public enum SnapDirection
{
    /// <summary>Round up (norm bounds: the class with the larger bound contains the trained network).</summary>
    Up,
    /// <summary>Round down (margins: the loss at a smaller margin is no larger, the complexity term grows).</summary>
    Down,
}

/// <summary>A grid point chosen for a post-hoc value: ratio^Exponent, its union-bound index and weight.</summary>
/// <param name="Exponent">k in ratio^k (any integer).</param>
/// <param name="Index">The positive index i of k: 2k + 1 for k ≥ 0, −2k for k &lt; 0.</param>
/// <param name="Value">ratio^k, the value the bound is evaluated at.</param>
/// <param name="Weight">The share of δ this grid point receives, 6/(π² i²).</param>
public sealed record GridPoint(int Exponent, int Index, double Value, double Weight);

/// <summary>
/// A two-sided geometric grid {ratio^k : k ∈ ℤ} over (0, ∞) for quantities taken from the trained network
/// (margin γ, norm bounds, prior variance). A bound stated for a fixed value holds simultaneously for every
/// grid point when grid point i gets confidence δ·6/(π² i²), since Σ_{i≥1} 6/(π² i²) = 1; ln(1/δ) thus pays
/// 2 ln i + ln(π²/6). The grid is fixed before seeing data, so it is scale-free (anchored at 1) and has no
/// data-dependent parameter other than the ratio chosen by the catalog entry.
/// </summary>
public sealed record GeometricGrid
{
    /// <summary>The ratio between neighbouring grid points; greater than 1.</summary>
    public double Ratio { get; }

    /// <summary>Creates the grid {ratio^k}; the ratio must be finite and greater than 1.</summary>
    public GeometricGrid(double ratio)
    {
        if (!double.IsFinite(ratio) || ratio <= 1)
            throw new ArgumentOutOfRangeException(nameof(ratio), ratio, "Grid ratio must be a finite number greater than 1.");
        Ratio = ratio;
    }

    /// <summary>The grid point reached by rounding a positive finite value in the given direction.</summary>
    public GridPoint Snap(double value, SnapDirection direction)
    {
        if (!double.IsFinite(value) || value <= 0)
            throw new ArgumentOutOfRangeException(nameof(value), value, "Only positive finite values can be placed on a geometric grid.");
        double logRatio = Math.Log(Ratio);
        int k = (int)(direction == SnapDirection.Up
            ? Math.Ceiling(Math.Log(value) / logRatio)
            : Math.Floor(Math.Log(value) / logRatio));
        // The logarithm can be off by an ulp at a grid point; correct k against the grid values themselves.
        if (direction == SnapDirection.Up)
        {
            while (Math.Pow(Ratio, k) < value) k++;
            while (Math.Pow(Ratio, k - 1) >= value) k--;
        }
        else
        {
            while (Math.Pow(Ratio, k) > value) k--;
            while (Math.Pow(Ratio, k + 1) <= value) k++;
        }
        int index = k >= 0 ? 2 * k + 1 : -2 * k;
        return new GridPoint(k, index, Math.Pow(Ratio, k), Weight(index));
    }

    /// <summary>ln(1/w) = ln(π²/6) + 2 ln i for the weight w of grid index i ≥ 1 (finite where the weights of many grids would underflow).</summary>
    public static double LnInverseWeight(int index)
    {
        if (index < 1)
            throw new ArgumentOutOfRangeException(nameof(index), index, "Grid indices start at 1.");
        return Math.Log(Math.PI * Math.PI / 6) + 2 * Math.Log(index);
    }

    /// <summary>The union-bound weight 6/(π² i²) of grid index i ≥ 1.</summary>
    public static double Weight(int index)
    {
        if (index < 1)
            throw new ArgumentOutOfRangeException(nameof(index), index, "Grid indices start at 1.");
        return 6.0 / (Math.PI * Math.PI * index * (double)index);
    }
}
