using MathNet.Numerics.LinearAlgebra;

namespace BoundLab.Numerics.Optimizers.Admm;

/// <summary>
/// One ADMM iteration for sigmoid networks with squared loss (Zeng, Lin, Yao, Zhou, JMLR 2021, Algorithm 1; the updates
/// of the authors' ADMM_DNN.m as written in references/ADMM.md): weights backward (exact for W_N, prox-linear for hidden
/// layers), activations forward (prox-linear for V_i, i ≤ N−2, exact for V_{N−1} and V_N), then the multipliers.
/// Every linear system is symmetric positive definite and solved by Cholesky.
/// </summary>
public static class AdmmUpdates
{
    /// <summary>Runs one full iteration in place.</summary>
    public static void Iterate(AdmmState s, AdmmOptions o)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(o);
        if (o.Beta.Count != s.Layers)
            throw new ArgumentException($"got {o.Beta.Count} penalties β; the network has {s.Layers} layers.", nameof(o));
        int n = s.Layers;
        UpdateOutputWeights(s, o);
        for (int i = n - 2; i >= 0; i--) UpdateHiddenWeights(s, o, i);
        for (int i = 0; i <= n - 3; i++) UpdateHiddenActivations(s, o, i);
        UpdateLastHidden(s, o);
        UpdateOutput(s, o);
        UpdateMultipliers(s, o);
    }

    /// <summary>W_N = (β_N V_N − U_N) Ṽ_{N−1}ᵀ (λI + β_N Ṽ_{N−1} Ṽ_{N−1}ᵀ)⁻¹: the exact minimizer of ℒ in W_N.</summary>
    public static void UpdateOutputWeights(AdmmState s, AdmmOptions o)
    {
        int last = s.Layers - 1;
        double beta = o.Beta[last];
        var a = AdmmMath.Tilde(s.V[last - 1], s.Bias);
        var m = beta * (a * a.Transpose()) + o.Lambda * Matrix<double>.Build.DenseIdentity(a.RowCount);
        s.W[last] = AdmmMath.SolveRight((beta * s.V[last] - s.U[last]) * a.Transpose(), m);
    }

    /// <summary>The prox-linear step for hidden W_i (0-based layer index): minimizes (λ/2)‖W‖² + β⟨G, WA − Z⟩ + (βh/4)‖WA − Z‖².</summary>
    public static void UpdateHiddenWeights(AdmmState s, AdmmOptions o, int layer)
    {
        if (layer < 0 || layer > s.Layers - 2)
            throw new ArgumentOutOfRangeException(nameof(layer), layer, $"allowed: hidden layers 0 … {s.Layers - 2}");
        double beta = o.Beta[layer];
        var a = AdmmMath.Tilde(AdmmLagrangian.Previous(s, layer), s.Bias);
        var b = s.V[layer] - s.U[layer] / beta;
        var z = s.W[layer] * a;
        var g = (AdmmMath.Sigmoid(z) - b).PointwiseMultiply(AdmmMath.SigmoidDerivative(z));
        double h = AdmmMath.MaxAbs(b);
        var m = (beta * h / 2) * (a * a.Transpose()) + o.Lambda * Matrix<double>.Build.DenseIdentity(a.RowCount);
        s.W[layer] = AdmmMath.SolveRight(beta * ((h / 2) * z - g) * a.Transpose(), m);
    }

    /// <summary>The prox-linear step for V_i, i ≤ N−2 (0-based layer ≤ N−3).</summary>
    public static void UpdateHiddenActivations(AdmmState s, AdmmOptions o, int layer)
    {
        if (layer < 0 || layer > s.Layers - 3)
            throw new ArgumentOutOfRangeException(nameof(layer), layer, $"allowed: 0 … {s.Layers - 3}");
        double bi = o.Beta[layer], bn = o.Beta[layer + 1];
        var c = AdmmMath.Sigmoid(s.W[layer] * AdmmMath.Tilde(AdmmLagrangian.Previous(s, layer), s.Bias)) + s.U[layer] / bi;
        var b = s.V[layer + 1] - s.U[layer + 1] / bn;
        double mu = AdmmMath.MaxAbs(b);
        var z = s.W[layer + 1] * AdmmMath.Tilde(s.V[layer], s.Bias);
        var g = (AdmmMath.Sigmoid(z) - b).PointwiseMultiply(AdmmMath.SigmoidDerivative(z));
        var w = AdmmMath.Linear(s.W[layer + 1], s.Bias);
        var m = bi * Matrix<double>.Build.DenseIdentity(w.ColumnCount) + (bn * mu / 2) * (w.Transpose() * w);
        var rhs = bi * c + bn * (w.Transpose() * ((mu / 2) * (w * s.V[layer]) - g));
        s.V[layer] = AdmmMath.SolveLeft(m, rhs);
    }

    /// <summary>V_{N−1} from (β_{N−1}I + β_N W′ᵀW′)V = U_{N−1} + β_{N−1}σ(W_{N−1}Ṽ_{N−2}) − W′ᵀ(U_N − β_N(V_N − b1ᵀ)): the exact minimizer of ℒ in V_{N−1} (W′ = W_N without bias column b).</summary>
    public static void UpdateLastHidden(AdmmState s, AdmmOptions o)
    {
        int h = s.Layers - 2, last = s.Layers - 1;
        double bh = o.Beta[h], bn = o.Beta[last];
        var w = AdmmMath.Linear(s.W[last], s.Bias);
        var target = s.V[last] - AdmmMath.BiasTimesOnes(s.W[last], s.Bias, s.V[last].ColumnCount);
        var m = bh * Matrix<double>.Build.DenseIdentity(w.ColumnCount) + bn * (w.Transpose() * w);
        var rhs = s.U[h] + bh * AdmmMath.Sigmoid(s.W[h] * AdmmMath.Tilde(AdmmLagrangian.Previous(s, h), s.Bias))
                  - w.Transpose() * (s.U[last] - bn * target);
        s.V[h] = AdmmMath.SolveLeft(m, rhs);
    }

    /// <summary>V_N = (Y + U_N + β_N W_N Ṽ_{N−1}) / (1 + β_N): the exact minimizer of ℒ in V_N.</summary>
    public static void UpdateOutput(AdmmState s, AdmmOptions o)
    {
        int last = s.Layers - 1;
        double bn = o.Beta[last];
        s.V[last] = (s.Y + s.U[last] + bn * (s.W[last] * AdmmMath.Tilde(s.V[last - 1], s.Bias))) / (1 + bn);
    }

    /// <summary>U_i += β_i r_i for every layer.</summary>
    public static void UpdateMultipliers(AdmmState s, AdmmOptions o)
    {
        var r = AdmmLagrangian.Residuals(s);
        for (int i = 0; i < s.Layers; i++) s.U[i] = s.U[i] + o.Beta[i] * r[i];
    }
}
