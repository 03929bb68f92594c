using System.Numerics;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Numerics.Measurements;

/// <summary>Entrywise and mixed norms of weight and data matrices, accumulated in float64.</summary>
/// <remarks>W_i is d_i × d_{i−1} (one row per unit, the papers' shape), as <c>Mlp</c> stores it.</remarks>
public static class Norms
{
    /// <summary>‖W‖_F.</summary>
    public static double Frobenius<T>(Matrix<T> w) where T : unmanaged, INumber<T>
    {
        CheckMatrix(w, nameof(w));
        return FrobeniusInternal(Dense64.From(w).CheckFinite(nameof(w)));
    }

    /// <summary>‖W − M‖_F, e.g. the distance from initialization.</summary>
    public static double FrobeniusDistance<T>(Matrix<T> w, Matrix<T> m) where T : unmanaged, INumber<T>
    {
        CheckSameShape(w, m);
        return FrobeniusInternal(Dense64.Difference(w, m).CheckFinite("w − m"));
    }

    // Bartlett, Foster & Telgarsky 2017, §1.1: ‖A‖_{p,q} = ‖(‖A_{:,1}‖_p, …, ‖A_{:,m}‖_p)‖_q (column norms first),
    // and the spectral complexity uses ‖A_iᵀ − M_iᵀ‖_{2,1}: the columns of Aᵀ are the rows of A (the units).
    /// <summary>BFT's ‖Wᵀ‖_{2,1} = Σ_units ‖W_{u,:}‖₂: the sum over rows of W (units) of the ℓ2 norm of the
    /// unit's incoming weights (Bartlett, Foster &amp; Telgarsky 2017, column convention applied to Wᵀ).</summary>
    public static double L21<T>(Matrix<T> w) where T : unmanaged, INumber<T>
    {
        CheckMatrix(w, nameof(w));
        return L21Internal(Dense64.From(w).CheckFinite(nameof(w)));
    }

    /// <summary>BFT's ‖Wᵀ − Mᵀ‖_{2,1} = Σ_units ‖W_{u,:} − M_{u,:}‖₂ (M = W⁰ for the distance from initialization).</summary>
    public static double L21Distance<T>(Matrix<T> w, Matrix<T> m) where T : unmanaged, INumber<T>
    {
        CheckSameShape(w, m);
        return L21Internal(Dense64.Difference(w, m).CheckFinite("w − m"));
    }

    /// <summary>max_i ‖x_i‖₂ over the rows (samples) of a data matrix X (n × d).</summary>
    public static double MaxRowNorm<T>(Matrix<T> x) where T : unmanaged, INumber<T>
    {
        CheckMatrix(x, nameof(x));
        Dense64 d = Dense64.From(x).CheckFinite(nameof(x));
        double best = 0;
        for (int r = 0; r < d.Rows; r++)
        {
            best = Math.Max(best, VectorMath.Norm(d.Data.AsSpan(r * d.Cols, d.Cols)));
        }

        return best;
    }

    /// <summary>ln Π_i x_i = Σ_i ln x_i, so a product of 100 norms neither overflows nor underflows.
    /// Every factor must be finite and &gt; 0 (a zero factor has no logarithm; the error names its index).</summary>
    public static double LogProduct(IReadOnlyList<double> factors)
    {
        ArgumentNullException.ThrowIfNull(factors);
        double s = 0;
        for (int i = 0; i < factors.Count; i++)
        {
            double f = factors[i];
            if (!(f > 0 && double.IsFinite(f)))
            {
                throw new ArgumentOutOfRangeException(nameof(factors), f, $"factor {i} is {f}; allowed: finite and > 0.");
            }

            s += Math.Log(f);
        }

        return s;
    }

    internal static void CheckSameShape<T>(Matrix<T> w, Matrix<T> m) where T : unmanaged, INumber<T>
    {
        CheckMatrix(w, nameof(w));
        ArgumentNullException.ThrowIfNull(m);
        if (!w.SameShape(m))
        {
            throw new ArgumentException($"m is {m.Shape}; it must have w's shape {w.Shape}.", nameof(m));
        }
    }

    private static void CheckMatrix<T>(Matrix<T> w, string name) where T : unmanaged, INumber<T>
    {
        ArgumentNullException.ThrowIfNull(w, name);
        if (w.Rows == 0 || w.Cols == 0)
        {
            throw new ArgumentException($"{name} is {w.Shape}; allowed: at least one row and one column.", name);
        }
    }

    private static double FrobeniusInternal(Dense64 d) => VectorMath.Norm(d.Data);

    private static double L21Internal(Dense64 d)
    {
        double s = 0;
        for (int r = 0; r < d.Rows; r++)
        {
            s += VectorMath.Norm(d.Data.AsSpan(r * d.Cols, d.Cols));
        }

        return s;
    }
}
