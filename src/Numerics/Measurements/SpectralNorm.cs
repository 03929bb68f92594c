using System.Numerics;
using BoundLab.Numerics.Random;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Numerics.Measurements;

/// <summary>How <see cref="SpectralNorm.Compute"/> iterates.</summary>
/// <param name="Tolerance">Power iteration stops once ‖WᵀWv − λv‖ ≤ Tolerance·λ (λ = ‖Wv‖², ‖v‖ = 1);
/// by the symmetric Bauer–Fike bound λ is then within Tolerance·λ of an eigenvalue of WᵀW.</param>
/// <param name="MaxPowerIterations">Power iterations before falling back to Lanczos.</param>
/// <param name="WarmStart">A start vector with one entry per column of W (e.g. the previous epoch's
/// <see cref="SpectralNormResult.WarmStart"/>); null starts from a fixed pseudo-random vector.</param>
public sealed record SpectralNormOptions(double Tolerance = 1e-10, int MaxPowerIterations = 50, IReadOnlyList<double>? WarmStart = null);

/// <summary>σ_max(W) and how it was obtained.</summary>
/// <param name="Value">The largest singular value.</param>
/// <param name="Method">"power" (converged power iteration), "lanczos" (the fallback) or "zero" (W = 0).</param>
/// <param name="Iterations">Power iterations plus Lanczos steps taken.</param>
/// <param name="WarmStart">The final estimate of the top right singular vector (unit length, one entry per
/// column of W): the last power iterate, or Lanczos's top Ritz vector. A start vector for the next call on a
/// nearby matrix (e.g. the next epoch's weights).</param>
public sealed record SpectralNormResult(double Value, string Method, int Iterations, IReadOnlyList<double> WarmStart);

/// <summary>The spectral norm σ_max(W) = sqrt(λ_max(WᵀW)) of a dense matrix, in float64.</summary>
/// <remarks>Power iteration on WᵀW with a residual stop. When it has not converged after
/// <see cref="SpectralNormOptions.MaxPowerIterations"/> (σ₁ ≈ σ₂ makes it slow), Lanczos with full
/// reorthogonalization (Golub &amp; Van Loan 2013, §10.1) runs on the smaller Gram matrix (WᵀW or WWᵀ,
/// same non-zero spectrum) from the last power iterate. λ_max of the tridiagonal T is found by
/// Sturm-sequence bisection; Lanczos stops when the top Ritz pair's residual β_j·|s_j| is ≤ Tolerance·θ
/// (checked every 10 steps), when the Krylov space is exhausted (β below 1e-13·‖T‖; it then holds every
/// eigen-direction the start vector touches, so the top Ritz value is λ_max itself) or spans the space.</remarks>
public static class SpectralNorm
{
    /// <summary>σ_max(W); W must have finite entries and at least one row and column.</summary>
    public static SpectralNormResult Compute<T>(Matrix<T> w, SpectralNormOptions? options = null)
        where T : unmanaged, INumber<T>
    {
        ArgumentNullException.ThrowIfNull(w);
        if (w.Rows == 0 || w.Cols == 0)
        {
            throw new ArgumentException($"w is {w.Shape}; allowed: at least one row and one column.", nameof(w));
        }

        options ??= new SpectralNormOptions();
        CheckOptions(options, w.Cols);
        return ComputeInternal(Dense64.From(w).CheckFinite(nameof(w)), options);
    }

    /// <summary>σ_max(W − M), e.g. the spectral distance from initialization.</summary>
    public static SpectralNormResult Distance<T>(Matrix<T> w, Matrix<T> m, SpectralNormOptions? options = null)
        where T : unmanaged, INumber<T>
    {
        Norms.CheckSameShape(w, m);
        options ??= new SpectralNormOptions();
        CheckOptions(options, w.Cols);
        return ComputeInternal(Dense64.Difference(w, m).CheckFinite("w − m"), options);
    }

    internal static SpectralNormResult ComputeInternal(Dense64 w, SpectralNormOptions options)
    {
        double[] v = StartVector(w.Cols, options.WarmStart);
        if (w.IsZero())
        {
            return new SpectralNormResult(0, "zero", 0, v);
        }

        var u = new double[w.Rows];
        var z = new double[w.Cols];
        for (int it = 1; it <= options.MaxPowerIterations; it++)
        {
            w.Multiply(v, u);
            w.MultiplyTransposed(u, z);
            double lambda = VectorMath.Dot(u, u);
            double residual = 0;
            for (int i = 0; i < z.Length; i++)
            {
                double d = z[i] - lambda * v[i];
                residual += d * d;
            }

            if (lambda > 0 && Math.Sqrt(residual) <= options.Tolerance * lambda)
            {
                return new SpectralNormResult(Math.Sqrt(lambda), "power", it, v);
            }

            if (VectorMath.Normalize(z) == 0)
            {
                // v lies in the null space (a warm start can): restart from the fixed pseudo-random vector.
                z = StartVector(w.Cols, null);
            }

            (v, z) = (z, v);
        }

        (double top, int steps, double[] ritz) = Lanczos.LargestEigenvalue(w, v, options.Tolerance);
        return new SpectralNormResult(Math.Sqrt(Math.Max(top, 0)), "lanczos", options.MaxPowerIterations + steps, ritz);
    }

    private static void CheckOptions(SpectralNormOptions o, int cols)
    {
        if (!(o.Tolerance > 0 && o.Tolerance < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(o.Tolerance), o.Tolerance, "allowed: 0 < Tolerance < 1");
        }

        if (o.MaxPowerIterations < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(o.MaxPowerIterations), o.MaxPowerIterations, "allowed: ≥ 1");
        }

        if (o.WarmStart is { } s)
        {
            if (s.Count != cols)
            {
                throw new ArgumentException(
                    $"WarmStart has {s.Count} entries; W has {cols} columns and it needs one per column.", nameof(o.WarmStart));
            }

            if (s.Any(x => !double.IsFinite(x)) || s.All(x => x == 0))
            {
                throw new ArgumentException("WarmStart must be finite and not all zero.", nameof(o.WarmStart));
            }
        }
    }

    private static double[] StartVector(int n, IReadOnlyList<double>? warm)
    {
        double[] v;
        if (warm is not null)
        {
            v = warm.ToArray();
        }
        else
        {
            // Fixed seed: a Gaussian vector has a non-zero component on every eigenvector almost surely.
            RandomStream s = RngKey.FromSeed(0x5EC7A1).Stream();
            v = new double[n];
            for (int i = 0; i < n; i++)
            {
                v[i] = s.NextGaussian();
            }
        }

        VectorMath.Normalize(v);
        return v;
    }
}
