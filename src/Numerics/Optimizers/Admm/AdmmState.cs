using MathNet.Numerics.LinearAlgebra;

namespace BoundLab.Numerics.Optimizers.Admm;

/// <summary>
/// The ADMM iterate for f(x) = W_N σ(W_{N−1} σ(… σ(W_1 x))): samples are COLUMNS (X is d₀ × n, Y is d_N × n), as in
/// Zeng, Lin, Yao, Zhou (JMLR 2021). W[i] is layer i+1 (d_{i+1} × (d_i + 1) with a bias column, else d_{i+1} × d_i),
/// V[i] = V_{i+1} (d_{i+1} × n, V[N−1] the output), U[i] the multiplier of constraint i+1.
/// </summary>
public sealed class AdmmState
{
    internal AdmmState(Matrix<double> x, Matrix<double> y, Matrix<double>[] w, Matrix<double>[] v, Matrix<double>[] u, bool bias)
    {
        X = x;
        Y = y;
        W = w;
        V = v;
        U = u;
        Bias = bias;
    }

    /// <summary>Inputs, d₀ × n.</summary>
    public Matrix<double> X { get; }

    /// <summary>Targets, d_N × n.</summary>
    public Matrix<double> Y { get; }

    /// <summary>Weights W_1 … W_N (bias as the last column when <see cref="Bias"/>).</summary>
    public Matrix<double>[] W { get; }

    /// <summary>Auxiliary activations V_1 … V_N.</summary>
    public Matrix<double>[] V { get; }

    /// <summary>Multipliers U_1 … U_N.</summary>
    public Matrix<double>[] U { get; }

    /// <summary>Whether the layers have biases.</summary>
    public bool Bias { get; }

    /// <summary>Number of weight layers N.</summary>
    public int Layers => W.Length;

    /// <summary>The initial iterate: the given weights, V⁰ from a forward pass, U⁰ = 0 (references/ADMM.md).</summary>
    public static AdmmState Create(Matrix<double> x, Matrix<double> y, IReadOnlyList<Matrix<double>> weights, bool bias)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(weights);
        if (weights.Count < 2) throw new ArgumentException($"got {weights.Count} weight matrices; ADMM needs at least 2 layers.", nameof(weights));
        if (x.ColumnCount != y.ColumnCount)
            throw new ArgumentException($"X has {x.ColumnCount} samples (columns) and Y has {y.ColumnCount}.", nameof(y));
        int rows = x.RowCount;
        for (int i = 0; i < weights.Count; i++)
        {
            int expected = rows + (bias ? 1 : 0);
            if (weights[i].ColumnCount != expected)
                throw new ArgumentException($"W{i + 1} has {weights[i].ColumnCount} columns; layer input needs {expected}.", nameof(weights));
            rows = weights[i].RowCount;
        }
        if (rows != y.RowCount) throw new ArgumentException($"the last layer outputs {rows} rows; Y has {y.RowCount}.", nameof(weights));
        var w = weights.Select(m => m.Clone()).ToArray();
        var v = new Matrix<double>[w.Length];
        var a = x;
        for (int i = 0; i < w.Length; i++)
        {
            var z = w[i] * AdmmMath.Tilde(a, bias);
            v[i] = i < w.Length - 1 ? AdmmMath.Sigmoid(z) : z;
            a = v[i];
        }
        var u = v.Select(m => Matrix<double>.Build.Dense(m.RowCount, m.ColumnCount)).ToArray();
        return new AdmmState(x, y, w, v, u, bias);
    }

    /// <summary>The network's outputs W_N σ(… σ(W_1 X)) for inputs given as columns.</summary>
    public Matrix<double> Predict(Matrix<double> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var a = inputs;
        for (int i = 0; i < W.Length; i++)
        {
            var z = W[i] * AdmmMath.Tilde(a, Bias);
            a = i < W.Length - 1 ? AdmmMath.Sigmoid(z) : z;
        }
        return a;
    }
}
