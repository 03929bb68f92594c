using BoundLab.Numerics.Measurements;
using BoundLab.Numerics.Random;

namespace BoundLab.Numerics.Landscape;

/// <summary>The top eigenvalues of a symmetric operator found by Lanczos.</summary>
/// <param name="Values">λ_1 ≥ λ_2 ≥ … ≥ λ_k (Ritz values).</param>
/// <param name="Residuals">‖A y_i − θ_i y_i‖ of each Ritz pair (unit y_i); an eigenvalue of A lies within it of θ_i.</param>
/// <param name="Steps">Lanczos steps taken (operator applications).</param>
/// <param name="Converged">Whether every residual met the tolerance (or the Krylov space became invariant).</param>
public sealed record EigenvalueEstimate(IReadOnlyList<double> Values, IReadOnlyList<double> Residuals, int Steps, bool Converged);

/// <summary>The k largest (algebraic) eigenvalues of a symmetric operator — the Hessian's sharpness λ_max and the next
/// ones — by Lanczos with full reorthogonalization (Golub &amp; Van Loan 2013, Alg. 10.1.1 with complete
/// reorthogonalization, §10.3.1), sharing its iteration and tridiagonal solvers with the spectral norms.</summary>
/// <remarks>A single start vector spans one copy of each eigenspace: an eigenvalue of multiplicity m &gt; 1 appears once
/// among the top k (the next values are the next distinct eigenvalues).</remarks>
public static class HessianEigenvalues
{
    /// <summary>Lanczos from a Gaussian start vector drawn from <paramref name="key"/>; stops when every top-k Ritz pair
    /// has residual β_m|s_m| ≤ <paramref name="tolerance"/>·‖T‖ (‖T‖ = the largest |Ritz value|), when the Krylov space is
    /// invariant, or after <paramref name="maxSteps"/> steps (then <see cref="EigenvalueEstimate.Converged"/> is false).
    /// <paramref name="progress"/> receives the step count and the current top Ritz value.</summary>
    public static EigenvalueEstimate Top(ISymmetricOperator op, int k, RngKey key, double tolerance = 1e-6, int maxSteps = 100,
        IProgress<(int Step, double Top)>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(op);
        int n = op.Dimension;
        if (k < 1 || k > n)
        {
            throw new ArgumentOutOfRangeException(nameof(k), k, $"allowed: 1 … {n} (the operator's dimension)");
        }

        if (!(tolerance > 0 && tolerance < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "allowed: 0 < tolerance < 1");
        }

        if (maxSteps < k)
        {
            throw new ArgumentOutOfRangeException(nameof(maxSteps), maxSteps, $"allowed: at least k = {k} steps");
        }

        var q = new double[n];
        RandomStream s = key.Stream();
        for (int i = 0; i < n; i++)
        {
            q[i] = s.NextGaussian();
        }

        VectorMath.Normalize(q);
        Lanczos.LanczosRun run = Lanczos.Iterate(n, (x, into) =>
        {
            cancel.ThrowIfCancellationRequested();
            op.Apply(x, into);
        }, q, maxSteps, 1, (alpha, beta, bNorm) =>
        {
            (double[] values, double[] residuals) = RitzPairs(alpha, beta, bNorm, k);
            progress?.Report((alpha.Count, values[0]));
            return alpha.Count >= k && residuals.All(r => r <= tolerance * Norm(alpha, beta));
        });
        (double[] theta, double[] res) = RitzPairs(run.Alpha, run.Beta, run.LastResidual, k);
        // An invariant Krylov space (tiny β, or all n steps) makes the Ritz values exact eigenvalues of A.
        double norm = Norm(run.Alpha, run.Beta);
        bool invariant = run.Basis.Count == n || run.LastResidual <= 1e-13 * Math.Max(norm, double.Epsilon);
        bool converged = theta.Length == k && res.All(r => r <= tolerance * norm);
        return new EigenvalueEstimate(theta, res, run.Basis.Count, converged || invariant);
    }

    // The top min(k, m) Ritz values of T (m × m) and their residuals β_m|s_m|; fewer than k when m < k.
    private static (double[] Values, double[] Residuals) RitzPairs(List<double> alpha, List<double> beta, double bNorm, int k)
    {
        int count = Math.Min(k, alpha.Count);
        var values = new double[count];
        var residuals = new double[count];
        for (int j = 0; j < count; j++)
        {
            values[j] = Lanczos.KthLargestTridiagonalEigenvalue(alpha, beta, j + 1);
            residuals[j] = bNorm * Math.Abs(Lanczos.TridiagonalEigenvector(alpha, beta, values[j])[^1]);
        }

        return (values, residuals);
    }

    // ‖T‖₂ = max(|λ_max|, |λ_min|) of the tridiagonal.
    private static double Norm(List<double> alpha, List<double> beta)
        => Math.Max(Math.Abs(Lanczos.LargestTridiagonalEigenvalue(alpha, beta)),
            Math.Abs(Lanczos.KthLargestTridiagonalEigenvalue(alpha, beta, alpha.Count)));
}
