namespace BoundLab.Numerics.Measurements;

/// <summary>λ_max of a Gram matrix by Lanczos with full reorthogonalization (Golub &amp; Van Loan 2013, Alg. 10.1.1
/// with complete reorthogonalization, §10.3.1) and Sturm-sequence bisection on the tridiagonal (§8.4.1).</summary>
internal static class Lanczos
{
    /// <summary>(λ_max of the smaller of WᵀW and WWᵀ, Lanczos steps taken). <paramref name="rightStart"/> has
    /// one entry per column of W; when WWᵀ is used the start is W·rightStart. Every 10 steps the top Ritz pair
    /// (θ, Q s) is checked: its residual in A is exactly β_j·|s_j| (full reorthogonalization keeps Q
    /// orthonormal), and Lanczos stops once that is ≤ tolerance·θ — the power iteration's own criterion.
    /// RightVector is the top Ritz vector as a unit right singular vector estimate (one entry per column of W).</summary>
    public static (double Value, int Steps, double[] RightVector) LargestEigenvalue(Dense64 w, double[] rightStart, double tolerance)
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

        var tmp = new double[right ? w.Rows : w.Cols];
        LanczosRun run = Iterate(n, (x, into) => Apply(w, right, x, tmp, into), q, n, 10, (alpha, beta, bNorm) =>
        {
            double theta = LargestTridiagonalEigenvalue(alpha, beta);
            double[] s = TridiagonalEigenvector(alpha, beta, theta);
            return theta > 0 && bNorm * Math.Abs(s[^1]) <= tolerance * theta;
        });
        double top = LargestTridiagonalEigenvalue(run.Alpha, run.Beta);
        return (top, run.Basis.Count, RitzVector(w, right, run.Basis, TridiagonalEigenvector(run.Alpha, run.Beta, top)));
    }

    /// <summary>The Krylov basis Q (orthonormal columns), the tridiagonal T = QᵀAQ (diagonal α, off-diagonal β, one
    /// shorter) and the norm of the last residual β_m, after Lanczos on the symmetric map <paramref name="apply"/>.</summary>
    internal sealed record LanczosRun(List<double[]> Basis, List<double> Alpha, List<double> Beta, double LastResidual);

    /// <summary>Lanczos with full reorthogonalization from the unit vector <paramref name="q"/> on the symmetric map
    /// apply(x, into): stops at an invariant subspace (β below 1e-13 of the scale), after <paramref name="maxSteps"/>
    /// steps, or when <paramref name="converged"/>(α, β, β_m) — asked every <paramref name="checkEvery"/> steps — is true.
    /// The residual of a Ritz pair (θ, Q s) of T in A is exactly β_m·|s_m| (Q stays orthonormal).</summary>
    internal static LanczosRun Iterate(int n, Action<double[], double[]> apply, double[] q, int maxSteps, int checkEvery,
        Func<List<double>, List<double>, double, bool> converged)
    {
        var basis = new List<double[]>();
        var alpha = new List<double>();
        var beta = new List<double>();
        var z = new double[n];
        double scale = 0, bNorm;
        while (true)
        {
            basis.Add(q);
            apply(q, z);
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

            bNorm = VectorMath.Norm(z);
            scale = Math.Max(scale, Math.Abs(a) + bNorm + (beta.Count > 0 ? beta[^1] : 0));
            if (basis.Count == n || basis.Count >= maxSteps || bNorm <= 1e-13 * scale)
            {
                break;
            }

            if (basis.Count % checkEvery == 0 && converged(alpha, beta, bNorm))
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

        return new LanczosRun(basis, alpha, beta, bNorm);
    }

    private static void Apply(Dense64 w, bool right, double[] x, double[] tmp, double[] into)
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
        => KthLargestTridiagonalEigenvalue(alpha, beta, 1);

    /// <summary>The <paramref name="j"/>-th largest eigenvalue (1-based) of the symmetric tridiagonal matrix, by the same
    /// Sturm-count bisection: count(x) ≥ k − j + 1 ⇔ λ_j ≤ x.</summary>
    internal static double KthLargestTridiagonalEigenvalue(IReadOnlyList<double> alpha, IReadOnlyList<double> beta, int j)
    {
        int k = alpha.Count;
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        for (int i = 0; i < k; i++)
        {
            double r = (i > 0 ? Math.Abs(beta[i - 1]) : 0) + (i < k - 1 ? Math.Abs(beta[i]) : 0);
            lo = Math.Min(lo, alpha[i] - r);
            hi = Math.Max(hi, alpha[i] + r);
        }

        // Invariant: count(lo) < k − j + 1 (λ_j ≥ lo) and count(hi) ≥ k − j + 1 (λ_j ≤ hi) — Gershgorin.
        for (int it = 0; it < 200 && hi - lo > 2 * double.Epsilon + 4e-16 * Math.Max(Math.Abs(lo), Math.Abs(hi)); it++)
        {
            double mid = 0.5 * (lo + hi);
            if (mid <= lo || mid >= hi)
            {
                break;
            }

            if (CountBelow(alpha, beta, mid) >= k - j + 1)
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

    /// <summary>Q s as a unit right singular vector: on the WWᵀ side, Wᵀ(Q s) normalized.</summary>
    private static double[] RitzVector(Dense64 w, bool right, List<double[]> basis, double[] s)
    {
        var y = new double[basis[0].Length];
        for (int j = 0; j < basis.Count; j++)
        {
            VectorMath.AddScaled(y, s[j], basis[j]);
        }

        if (!right)
        {
            var v = new double[w.Cols];
            w.MultiplyTransposed(y, v);
            y = v;
        }

        VectorMath.Normalize(y);
        return y;
    }

    /// <summary>The unit eigenvector of the tridiagonal T for its eigenvalue θ, by two steps of
    /// inverse iteration with a dense LU with partial pivoting (Golub &amp; Van Loan 2013, §8.2.2); T is small.</summary>
    internal static double[] TridiagonalEigenvector(IReadOnlyList<double> alpha, IReadOnlyList<double> beta, double theta)
    {
        int k = alpha.Count;
        var a = new double[k, k];
        double norm = 0;
        for (int i = 0; i < k; i++)
        {
            a[i, i] = alpha[i] - theta;
            norm = Math.Max(norm, Math.Abs(alpha[i]));
            if (i + 1 < k)
            {
                a[i, i + 1] = a[i + 1, i] = beta[i];
                norm = Math.Max(norm, Math.Abs(beta[i]));
            }
        }

        var perm = new int[k];
        double tiny = 1e-15 * Math.Max(norm, double.Epsilon);
        for (int c = 0; c < k; c++)
        {
            int p = c;
            for (int r = c + 1; r < k; r++)
            {
                if (Math.Abs(a[r, c]) > Math.Abs(a[p, c]))
                {
                    p = r;
                }
            }

            perm[c] = p;
            if (p != c)
            {
                for (int j = 0; j < k; j++)
                {
                    (a[c, j], a[p, j]) = (a[p, j], a[c, j]);
                }
            }

            if (Math.Abs(a[c, c]) < tiny)
            {
                a[c, c] = tiny; // T − θI is singular by construction: a tiny pivot is what inverse iteration wants
            }

            for (int r = c + 1; r < k; r++)
            {
                double f = a[r, c] / a[c, c];
                a[r, c] = f;
                if (f != 0)
                {
                    for (int j = c + 1; j < k; j++)
                    {
                        a[r, j] -= f * a[c, j];
                    }
                }
            }
        }

        var x = new double[k];
        Array.Fill(x, 1.0);
        for (int step = 0; step < 2; step++)
        {
            for (int c = 0; c < k; c++)
            {
                (x[c], x[perm[c]]) = (x[perm[c]], x[c]);
                for (int r = c + 1; r < k; r++)
                {
                    x[r] -= a[r, c] * x[c];
                }
            }

            for (int r = k - 1; r >= 0; r--)
            {
                double sum = x[r];
                for (int j = r + 1; j < k; j++)
                {
                    sum -= a[r, j] * x[j];
                }

                x[r] = sum / a[r, r];
            }

            double max = x.Max(Math.Abs);
            for (int i = 0; i < k; i++)
            {
                x[i] /= max; // keep the iterate in range before the next solve
            }
        }

        VectorMath.Normalize(x);
        return x;
    }
}
