namespace BoundLab.Numerics.Measurements;

/// <summary>λ_max of a Gram matrix by Lanczos with full reorthogonalization (Golub &amp; Van Loan 2013, Alg. 10.1.1
/// with complete reorthogonalization, §10.3.1) and Sturm-sequence bisection on the tridiagonal (§8.4.1).</summary>
internal static class Lanczos
{
    /// <summary>(λ_max of the smaller of WᵀW and WWᵀ, Lanczos steps taken). <paramref name="rightStart"/> has
    /// one entry per column of W; when WWᵀ is used the start is W·rightStart.</summary>
    public static (double Value, int Steps) LargestEigenvalue(DenseMatrix w, double[] rightStart)
    {
        bool right = w.Cols <= w.Rows;
        int n = right ? w.Cols : w.Rows;
        var q = new double[n];
        if (right)
        {
            rightStart.CopyTo(q, 0);
        }
        else
        {
            w.Multiply(rightStart, q);
        }

        if (VectorMath.Normalize(q) == 0)
        {
            throw new InvalidOperationException("Lanczos start vector is zero; the caller checks W ≠ 0 and restarts.");
        }

        var basis = new List<double[]>();
        var alpha = new List<double>();
        var beta = new List<double>();
        var tmp = new double[right ? w.Rows : w.Cols];
        var z = new double[n];
        double scale = 0;
        while (true)
        {
            basis.Add(q);
            Apply(w, right, q, tmp, z);
            double a = VectorMath.Dot(q, z);
            alpha.Add(a);
            // Two passes of classical Gram–Schmidt against the whole basis ("twice is enough").
            for (int pass = 0; pass < 2; pass++)
            {
                foreach (double[] b in basis)
                {
                    VectorMath.AddScaled(z, -VectorMath.Dot(b, z), b);
                }
            }

            double bNorm = VectorMath.Norm(z);
            scale = Math.Max(scale, Math.Abs(a) + bNorm + (beta.Count > 0 ? beta[^1] : 0));
            if (basis.Count == n || bNorm <= 1e-13 * scale)
            {
                break;
            }

            beta.Add(bNorm);
            q = new double[n];
            for (int i = 0; i < n; i++)
            {
                q[i] = z[i] / bNorm;
            }
        }

        return (LargestTridiagonalEigenvalue(alpha, beta), basis.Count);
    }

    private static void Apply(DenseMatrix w, bool right, double[] x, double[] tmp, double[] into)
    {
        if (right)
        {
            w.Multiply(x, tmp);
            w.MultiplyTransposed(tmp, into);
        }
        else
        {
            w.MultiplyTransposed(x, tmp);
            w.Multiply(tmp, into);
        }
    }

    /// <summary>λ_max of the symmetric tridiagonal matrix with diagonal α and off-diagonal β, by bisection on
    /// the Sturm count (number of eigenvalues below x = number of negative LDLᵀ pivots of T − xI).</summary>
    internal static double LargestTridiagonalEigenvalue(IReadOnlyList<double> alpha, IReadOnlyList<double> beta)
    {
        int k = alpha.Count;
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        for (int i = 0; i < k; i++)
        {
            double r = (i > 0 ? Math.Abs(beta[i - 1]) : 0) + (i < k - 1 ? Math.Abs(beta[i]) : 0);
            lo = Math.Min(lo, alpha[i] - r);
            hi = Math.Max(hi, alpha[i] + r);
        }

        // Invariant: count(lo) < k (λ_max ≥ lo) and count(hi) = k (λ_max ≤ hi) — Gershgorin.
        for (int it = 0; it < 200 && hi - lo > 2 * double.Epsilon + 4e-16 * Math.Max(Math.Abs(lo), Math.Abs(hi)); it++)
        {
            double mid = 0.5 * (lo + hi);
            if (mid <= lo || mid >= hi)
            {
                break;
            }

            if (CountBelow(alpha, beta, mid) == k)
            {
                hi = mid;
            }
            else
            {
                lo = mid;
            }
        }

        return 0.5 * (lo + hi);
    }

    private static int CountBelow(IReadOnlyList<double> alpha, IReadOnlyList<double> beta, double x)
    {
        int count = 0;
        double d = 1;
        for (int i = 0; i < alpha.Count; i++)
        {
            double b2 = i > 0 ? beta[i - 1] * beta[i - 1] : 0;
            d = alpha[i] - x - (i > 0 ? b2 / d : 0);
            if (d == 0)
            {
                d = -1e-300; // a zero pivot: perturb (the standard choice; it moves the count by at most one ulp of x)
            }

            if (d < 0)
            {
                count++;
            }
        }

        return count;
    }
}
