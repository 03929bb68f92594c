using MathNet.Numerics.LinearAlgebra;

namespace BoundLab.Numerics.Optimizers.Admm;

/// <summary>Small dense helpers of the ADMM updates (float64, MathNet).</summary>
public static class AdmmMath
{
    /// <summary>σ(z) = 1/(1 + e^(−z)) elementwise.</summary>
    public static Matrix<double> Sigmoid(Matrix<double> z) => z.Map(Sigma);

    /// <summary>σ′(z) = σ(z)(1 − σ(z)) elementwise.</summary>
    public static Matrix<double> SigmoidDerivative(Matrix<double> z) => z.Map(t => { double s = Sigma(t); return s * (1 - s); });

    /// <summary>[V; 1ᵀ] when bias, else V.</summary>
    public static Matrix<double> Tilde(Matrix<double> v, bool bias)
    {
        ArgumentNullException.ThrowIfNull(v);
        if (!bias) return v;
        var t = Matrix<double>.Build.Dense(v.RowCount + 1, v.ColumnCount, 1.0);
        t.SetSubMatrix(0, 0, v);
        return t;
    }

    /// <summary>W without its bias column (the part that multiplies V).</summary>
    public static Matrix<double> Linear(Matrix<double> w, bool bias) => bias ? w.SubMatrix(0, w.RowCount, 0, w.ColumnCount - 1) : w;

    /// <summary>The bias column b broadcast to b·1ᵀ over n columns (zero without bias).</summary>
    public static Matrix<double> BiasTimesOnes(Matrix<double> w, bool bias, int n)
    {
        var m = Matrix<double>.Build.Dense(w.RowCount, n);
        if (bias)
            for (int c = 0; c < n; c++) m.SetColumn(c, w.Column(w.ColumnCount - 1));
        return m;
    }

    /// <summary>Solves X·M = R for X with M symmetric positive definite (X = R M⁻¹), by Cholesky of M.</summary>
    public static Matrix<double> SolveRight(Matrix<double> r, Matrix<double> m) => m.Cholesky().Solve(r.Transpose()).Transpose();

    /// <summary>Solves M·X = R with M symmetric positive definite, by Cholesky.</summary>
    public static Matrix<double> SolveLeft(Matrix<double> m, Matrix<double> r) => m.Cholesky().Solve(r);

    /// <summary>max |b_ij|.</summary>
    public static double MaxAbs(Matrix<double> b) => b.Enumerate().Aggregate(0.0, (acc, x) => Math.Max(acc, Math.Abs(x)));

    private static double Sigma(double t) => t >= 0 ? 1 / (1 + Math.Exp(-t)) : Math.Exp(t) / (1 + Math.Exp(t));
}
