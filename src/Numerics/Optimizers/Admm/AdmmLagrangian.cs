using MathNet.Numerics.LinearAlgebra;

namespace BoundLab.Numerics.Optimizers.Admm;

/// <summary>The gradient of the augmented Lagrangian in every primal block at one iterate.</summary>
/// <param name="W">∂ℒ/∂W_i, i = 1 … N.</param>
/// <param name="V">∂ℒ/∂V_i, i = 1 … N.</param>
public sealed record AdmmGradient(Matrix<double>[] W, Matrix<double>[] V)
{
    /// <summary>sqrt(Σ‖∂ℒ/∂W_i‖_F² + Σ‖∂ℒ/∂V_i‖_F²): zero at a KKT point (together with zero primal residuals).</summary>
    public double Norm => Math.Sqrt(W.Concat(V).Sum(m => { double f = m.FrobeniusNorm(); return f * f; }));
}

/// <summary>
/// The augmented Lagrangian of Zeng, Lin, Yao, Zhou (JMLR 2021, eq. (2.3); references/ADMM.md):
/// ℒ = ½‖V_N − Y‖² + (λ/2) Σ‖W_i‖² + Σ_i ⟨U_i, r_i⟩ + (β_i/2)‖r_i‖², r_i = σ(W_i Ṽ_{i−1}) − V_i (i &lt; N), r_N = W_N Ṽ_{N−1} − V_N.
/// </summary>
public static class AdmmLagrangian
{
    /// <summary>The value of ℒ at the iterate.</summary>
    public static double Value(AdmmState s, AdmmOptions o)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(o);
        double fit = (s.V[^1] - s.Y).FrobeniusNorm();
        double value = 0.5 * fit * fit;
        var residuals = Residuals(s);
        for (int i = 0; i < s.Layers; i++)
        {
            double w = s.W[i].FrobeniusNorm(), r = residuals[i].FrobeniusNorm();
            value += 0.5 * o.Lambda * w * w + s.U[i].PointwiseMultiply(residuals[i]).Enumerate().Sum() + 0.5 * o.Beta[i] * r * r;
        }
        return value;
    }

    /// <summary>The constraint residuals r_1 … r_N.</summary>
    public static Matrix<double>[] Residuals(AdmmState s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var r = new Matrix<double>[s.Layers];
        for (int i = 0; i < s.Layers; i++)
        {
            var z = s.W[i] * AdmmMath.Tilde(Previous(s, i), s.Bias);
            r[i] = (i < s.Layers - 1 ? AdmmMath.Sigmoid(z) : z) - s.V[i];
        }
        return r;
    }

    /// <summary>‖r_i‖_F for i = 1 … N (the primal residuals).</summary>
    public static double[] PrimalResiduals(AdmmState s) => Residuals(s).Select(r => r.FrobeniusNorm()).ToArray();

    /// <summary>∂ℒ/∂W_i and ∂ℒ/∂V_i in closed form (tested against finite differences).</summary>
    public static AdmmGradient Gradient(AdmmState s, AdmmOptions o)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(o);
        int n = s.Layers;
        var residuals = Residuals(s);
        // D_i = ∂ℒ/∂(W_i Ṽ_{i−1}) = (U_i + β_i r_i) ⊙ σ′(W_i Ṽ_{i−1}) for hidden layers, U_N + β_N r_N for the output layer.
        var p = new Matrix<double>[n];
        var d = new Matrix<double>[n];
        for (int i = 0; i < n; i++)
        {
            p[i] = s.U[i] + o.Beta[i] * residuals[i];
            d[i] = i < n - 1 ? p[i].PointwiseMultiply(AdmmMath.SigmoidDerivative(s.W[i] * AdmmMath.Tilde(Previous(s, i), s.Bias))) : p[i];
        }
        var gw = new Matrix<double>[n];
        var gv = new Matrix<double>[n];
        for (int i = 0; i < n; i++)
        {
            gw[i] = o.Lambda * s.W[i] + d[i] * AdmmMath.Tilde(Previous(s, i), s.Bias).Transpose();
            gv[i] = i < n - 1
                ? -p[i] + AdmmMath.Linear(s.W[i + 1], s.Bias).Transpose() * d[i + 1]
                : (s.V[i] - s.Y) - p[i];
        }
        return new AdmmGradient(gw, gv);
    }

    internal static Matrix<double> Previous(AdmmState s, int layer) => layer == 0 ? s.X : s.V[layer - 1];
}
