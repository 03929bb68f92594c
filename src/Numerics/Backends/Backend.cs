using System.Numerics;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Numerics.Backends;

/// <summary>The operations a model needs from a compute device. Public methods validate shapes and
/// then call the backend's <c>…Core</c> implementation (the ILGPU accelerator pattern), so every
/// backend gets the same checks and error messages.</summary>
public abstract class Backend<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>A short name for reports ("cpu", "reference", "cuda").</summary>
    public abstract string Name { get; }

    /// <summary>c = alpha·op(a)·op(b) + beta·c, where op transposes when asked; beta = 0 overwrites c (NaN in c
    /// does not leak) and alpha = 0 gives beta·c without reading a or b (the BLAS convention).</summary>
    public void MatMul(Matrix<T> a, bool transA, Matrix<T> b, bool transB, Matrix<T> c, T alpha, T beta)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(c);
        int m = transA ? a.Cols : a.Rows, k = transA ? a.Rows : a.Cols;
        int kb = transB ? b.Cols : b.Rows, n = transB ? b.Rows : b.Cols;
        if (k != kb)
        {
            throw new ArgumentException(
                $"inner dimensions differ: op(a) is {m}×{k}, op(b) is {kb}×{n}.", nameof(b));
        }

        if (c.Rows != m || c.Cols != n)
        {
            throw new ArgumentException($"c is {c.Shape}; op(a)·op(b) is {m}×{n}.", nameof(c));
        }

        MatMulCore(a, transA, b, transB, c, alpha, beta);
    }

    /// <summary>output = act(z + bias) with bias broadcast over rows (empty bias = none), and z ← z + bias: afterwards
    /// z holds the pre-activation that <see cref="ActivationBackward"/> differentiates at. z may be output (then
    /// it holds act(z + bias)). Every backend keeps this contract.</summary>
    public void BiasActivation(Matrix<T> z, ReadOnlySpan<T> bias, Activation activation, Matrix<T> output)
    {
        ArgumentNullException.ThrowIfNull(z);
        ArgumentNullException.ThrowIfNull(output);
        RequireSameShape(z, output, nameof(output));
        if (!bias.IsEmpty && bias.Length != z.Cols)
        {
            throw new ArgumentException($"bias has length {bias.Length}; z has {z.Cols} columns.", nameof(bias));
        }

        BiasActivationCore(z, bias, activation, output);
    }

    /// <summary>gradPre = gradOutput ⊙ act′(pre), where pre is the pre-activation z + bias (what
    /// <see cref="BiasActivation"/> leaves in z) and output = act(pre). Both must be passed and agree: a backend
    /// may evaluate act′ from either (relu′ = [pre &gt; 0] = [output &gt; 0], sigmoid′ = output·(1 − output),
    /// tanh′ = 1 − output², identity′ = 1). gradPre may be gradOutput.</summary>
    public void ActivationBackward(Activation activation, Matrix<T> pre, Matrix<T> output, Matrix<T> gradOutput, Matrix<T> gradPre)
    {
        ArgumentNullException.ThrowIfNull(pre);
        RequireSameShape(pre, output, nameof(output));
        RequireSameShape(pre, gradOutput, nameof(gradOutput));
        RequireSameShape(pre, gradPre, nameof(gradPre));
        ActivationBackwardCore(activation, pre, output, gradOutput, gradPre);
    }

    /// <summary>sums[j] = Σ_i m[i, j], in an order that does not depend on the thread count.</summary>
    public void ColumnSums(Matrix<T> m, Span<T> sums)
    {
        ArgumentNullException.ThrowIfNull(m);
        if (sums.Length != m.Cols)
        {
            throw new ArgumentException($"sums has length {sums.Length}; m has {m.Cols} columns.", nameof(sums));
        }

        ColumnSumsCore(m, sums);
    }

    /// <summary>Backend implementation of <see cref="MatMul"/>; arguments already checked.</summary>
    protected abstract void MatMulCore(Matrix<T> a, bool transA, Matrix<T> b, bool transB, Matrix<T> c, T alpha, T beta);

    /// <summary>Backend implementation of <see cref="BiasActivation"/>; arguments already checked.</summary>
    protected abstract void BiasActivationCore(Matrix<T> z, ReadOnlySpan<T> bias, Activation activation, Matrix<T> output);

    /// <summary>Backend implementation of <see cref="ActivationBackward"/>; arguments already checked.</summary>
    protected abstract void ActivationBackwardCore(Activation activation, Matrix<T> pre, Matrix<T> output, Matrix<T> gradOutput, Matrix<T> gradPre);

    /// <summary>Backend implementation of <see cref="ColumnSums"/>; arguments already checked.</summary>
    protected abstract void ColumnSumsCore(Matrix<T> m, Span<T> sums);

    private static void RequireSameShape(Matrix<T> expected, Matrix<T> actual, string name)
    {
        ArgumentNullException.ThrowIfNull(actual, name);
        if (!expected.SameShape(actual))
        {
            throw new ArgumentException($"{name} is {actual.Shape}; expected {expected.Shape}.", name);
        }
    }
}
