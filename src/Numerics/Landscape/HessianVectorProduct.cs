using System.Numerics;
using BoundLab.Numerics.Data;
using BoundLab.Numerics.Losses;
using BoundLab.Numerics.Models;
using BoundLab.Numerics.Random;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Numerics.Landscape;

/// <summary>Exact products H v of the Hessian of the mean training loss L(θ) = (1/N) Σ_i ℓ(f(x_i; θ), y_i) with respect to
/// every parameter of a model, by Pearlmutter's R-operator (Pearlmutter 1994, "Fast exact multiplication by the
/// Hessian", Neural Computation 6(1)): one forward pass with its R-pass and one backward pass with its R-pass per chunk,
/// about twice the work of a gradient. Float64 on host copies of the parameters (taken when the operator is created,
/// so later changes to the model do not affect it), chunked over the samples in the order given (bounded memory) and
/// deterministic: the same result, bit for bit, whatever the thread count.</summary>
/// <remarks>Vectors are flat in the model's <see cref="Model{T}.Parameters"/> order (W1, b1, W2, …), as
/// <see cref="Model{T}.FlatValues"/>. ReLU's σ″ and the hinge loss's Hessian are taken as 0 (their values almost
/// everywhere).</remarks>
public sealed class HessianVectorProduct : ISymmetricOperator
{
    private readonly CurvatureLayer[] _layers;
    private readonly Dataset _data;
    private readonly int[] _rows;
    private readonly int _chunkRows, _threads;

    private HessianVectorProduct(CurvatureLayer[] layers, int dimension, Dataset data, int[] rows, LossKind loss, int chunkRows, int threads)
    {
        _layers = layers;
        Dimension = dimension;
        _data = data;
        _rows = rows;
        Loss = loss;
        _chunkRows = chunkRows;
        _threads = threads;
    }

    /// <inheritdoc />
    public int Dimension { get; }

    /// <summary>Number of samples N the mean runs over.</summary>
    public int SampleCount => _rows.Length;

    /// <summary>The loss ℓ.</summary>
    public LossKind Loss { get; }

    /// <summary>The Hessian operator of <paramref name="model"/>'s mean <paramref name="loss"/> over
    /// <paramref name="data"/> (or over its samples <paramref name="rows"/>, in that order), at the model's current
    /// parameters, in chunks of <paramref name="chunkRows"/> samples on <paramref name="threads"/> threads (0 = all).</summary>
    public static HessianVectorProduct Create<T>(Model<T> model, Dataset data, LossKind loss, IReadOnlyList<int>? rows = null, int chunkRows = 1000, int threads = 0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        if (chunkRows < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(chunkRows), chunkRows, "allowed: chunk rows ≥ 1");
        }

        if (threads < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(threads), threads, "allowed: threads ≥ 0 (0 = all processors)");
        }

        if (data.InputDim != model.Spec.InputDim)
        {
            throw new ArgumentException($"the model {model.Spec.Name} takes {model.Spec.InputDim} inputs; '{data.Name}' has {data.InputDim} features.", nameof(data));
        }

        if (model.ParameterCount > Array.MaxLength)
        {
            throw new ArgumentException($"the model {model.Spec.Name} has {model.ParameterCount} parameters; allowed: at most {Array.MaxLength}.", nameof(model));
        }

        Losses.Loss.CheckCompatible(loss, model.Spec.OutputDim, data.Task == TaskKind.Regression, data.Classes);
        int[] selected = rows?.ToArray() ?? Enumerable.Range(0, data.Count).ToArray();
        if (selected.Length == 0)
        {
            throw new ArgumentException("rows is empty; allowed: at least one sample.", nameof(rows));
        }

        foreach (int r in selected)
        {
            if ((uint)r >= (uint)data.Count)
            {
                throw new ArgumentOutOfRangeException(nameof(rows), r, $"allowed: sample indices 0 … {data.Count - 1}");
            }
        }

        return new HessianVectorProduct(CurvatureLayers.Of(model), (int)model.ParameterCount, data, selected, loss, chunkRows,
            threads == 0 ? Environment.ProcessorCount : threads);
    }

    /// <summary><paramref name="count"/> distinct sample indices of 0 … n − 1 drawn without replacement from
    /// <paramref name="key"/>'s stream, sorted: the seeded subsample the landscape tools run on.</summary>
    public static int[] SampleRows(int n, int count, RngKey key)
    {
        if (n < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, "allowed: n ≥ 1");
        }

        if (count < 1 || count > n)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"allowed: 1 … {n} (the number of samples)");
        }

        int[] rows = key.Stream().Permutation(n)[..count];
        Array.Sort(rows);
        return rows;
    }

    /// <inheritdoc />
    public void Apply(ReadOnlySpan<double> v, Span<double> result) => Apply(v, result, CancellationToken.None);

    /// <summary>result ← H v; cancellable between chunks.</summary>
    public void Apply(ReadOnlySpan<double> v, Span<double> result, CancellationToken cancel)
    {
        RequireLength(v.Length, nameof(v));
        RequireLength(result.Length, nameof(result));
        var hv = new double[Dimension];
        Pass(v.ToArray(), null, hv, cancel);
        hv.CopyTo(result);
    }

    /// <summary>H v as a new array.</summary>
    public double[] Apply(ReadOnlySpan<double> v)
    {
        var hv = new double[Dimension];
        Apply(v, hv);
        return hv;
    }

    /// <summary>The mean loss L(θ); its gradient ∇L(θ) into <paramref name="gradient"/> (the same passes without R).</summary>
    public double Gradient(Span<double> gradient)
    {
        RequireLength(gradient.Length, nameof(gradient));
        var g = new double[Dimension];
        double loss = Pass(null, g, null, CancellationToken.None);
        g.CopyTo(gradient);
        return loss;
    }

    /// <summary>The whole n × n Hessian, column j = H e_j (n products: for small models and tests).</summary>
    public double[,] Matrix()
    {
        var h = new double[Dimension, Dimension];
        var e = new double[Dimension];
        var col = new double[Dimension];
        for (int j = 0; j < Dimension; j++)
        {
            e[j] = 1;
            Apply(e, col);
            e[j] = 0;
            for (int i = 0; i < Dimension; i++)
            {
                h[i, j] = col[i];
            }
        }

        return h;
    }

    // One pass over every chunk: the loss, and (when asked) ∂L/∂θ into gradient and R{∂L/∂θ} = H v into hv.
    private double Pass(double[]? direction, double[]? gradient, double[]? hv, CancellationToken cancel)
    {
        int n = _rows.Length, d = _data.InputDim, k = _layers[^1].OutputSize;
        double loss = 0;
        for (int start = 0; start < n; start += _chunkRows)
        {
            cancel.ThrowIfCancellationRequested();
            int rows = Math.Min(_chunkRows, n - start);
            ReadOnlySpan<int> chunk = _rows.AsSpan(start, rows);
            var x = new Block(rows, d);
            int[]? labels = _data.Labels is null ? null : new int[rows];
            Matrix<double>? targets = _data.Targets is null ? null : new Matrix<double>(rows, k);
            for (int r = 0; r < rows; r++)
            {
                ReadOnlySpan<float> src = _data.Inputs.Data.AsSpan(chunk[r] * d, d);
                for (int c = 0; c < d; c++)
                {
                    x.Data[r * d + c] = src[c];
                }

                if (labels is not null)
                {
                    labels[r] = _data.Labels![chunk[r]];
                }

                if (targets is not null)
                {
                    for (int c = 0; c < k; c++)
                    {
                        targets.Data[r * k + c] = _data.Targets![chunk[r], c];
                    }
                }
            }

            (Block f, Block? rf) = (x, null);
            foreach (CurvatureLayer layer in _layers)
            {
                (f, rf) = layer.Forward(f, rf, direction, _threads);
            }

            // Loss.Compute gives the chunk mean's gradient; the mean over all N samples weighs it by rows/N.
            var gf = new Matrix<double>(rows, k);
            double weight = (double)rows / n;
            loss += weight * Losses.Loss.Compute(Loss, new Matrix<double>(rows, k, f.Data), labels, targets, gf);
            var g = new Block(rows, k, gf.Data);
            for (int i = 0; i < g.Data.Length; i++)
            {
                g.Data[i] *= weight;
            }

            Block? rg = null;
            if (direction is not null)
            {
                rg = new Block(rows, k);
                for (int r = 0; r < rows; r++)
                {
                    Span<double> hu = rg.Data.AsSpan(r * k, k);
                    Losses.Loss.HessianTimes(Loss, f.Data.AsSpan(r * k, k), labels?[r] ?? -1, rf!.Data.AsSpan(r * k, k), hu);
                    for (int j = 0; j < k; j++)
                    {
                        hu[j] /= n;
                    }
                }
            }

            (Block? gx, Block? rgx) = (g, rg);
            for (int i = _layers.Length - 1; i >= 0; i--)
            {
                (gx, rgx) = _layers[i].Backward(gx!, rgx, gradient, hv, needInput: i > 0, _threads);
            }
        }

        return loss;
    }

    private void RequireLength(int length, string name)
    {
        if (length != Dimension)
        {
            throw new ArgumentException($"{name} has {length} entries; the model has {Dimension} parameters.", name);
        }
    }
}
