using System.Numerics;
using BoundLab.Numerics.Losses;
using BoundLab.Numerics.Random;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Numerics.Backends;

/// <summary>A compute device: it allocates the tensors it computes on and performs every operation of a
/// training step on them. Public methods validate (ownership, shapes, arguments) and then call the
/// backend's <c>…Core</c> implementation (ILGPU's <c>Allocate</c> → <c>AllocateInternal</c> pattern), so every
/// backend gets the same checks and error messages. <see cref="ReferenceBackend{T}"/> (float64 loops) is the
/// specification; the conformance suite runs every operation of every backend against it.</summary>
public abstract partial class Backend<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>A short name for reports ("cpu", "reference", "cuda").</summary>
    public abstract string Name { get; }

    // ───────────────────────────── memory ─────────────────────────────

    /// <summary>A new zero rows × cols tensor on this backend.</summary>
    public Tensor<T> Allocate(int rows, int cols)
    {
        CheckSize(rows, cols);
        return AllocateCore(rows, cols);
    }

    /// <summary>A rows × cols tensor sharing the storage of <paramref name="tensor"/> (same element count):
    /// e.g. a B × (H·W·C) activation seen as (B·H·W) × C for a per-channel bias.</summary>
    public Tensor<T> View(Tensor<T> tensor, int rows, int cols)
    {
        Own(tensor, nameof(tensor));
        CheckSize(rows, cols);
        if ((long)rows * cols != tensor.Length)
        {
            throw new ArgumentException($"a {rows}×{cols} view needs {(long)rows * cols} elements; the tensor is {tensor.Shape}.", nameof(rows));
        }

        return ViewCore(tensor, rows, cols);
    }

    /// <summary>Copies host values (row-major, exactly Length of them) into the tensor.</summary>
    public void Upload(ReadOnlySpan<T> source, Tensor<T> destination)
    {
        Own(destination, nameof(destination));
        RequireLength(source.Length, destination.Length, nameof(source));
        UploadCore(source, destination);
    }

    /// <summary>Copies the tensor's values (row-major) to host memory.</summary>
    public void Download(Tensor<T> source, Span<T> destination)
    {
        Own(source, nameof(source));
        RequireLength(destination.Length, source.Length, nameof(destination));
        DownloadCore(source, destination);
    }

    /// <summary>The tensor's values as a new host array.</summary>
    public T[] ToArray(Tensor<T> tensor)
    {
        Own(tensor, nameof(tensor));
        var result = new T[tensor.Length];
        DownloadCore(tensor, result);
        return result;
    }

    /// <summary>The tensor's values as a new host matrix.</summary>
    public Matrix<T> ToMatrix(Tensor<T> tensor) => new(tensor.Rows, tensor.Cols, ToArray(tensor));

    /// <summary>A new tensor holding a copy of the host matrix.</summary>
    public Tensor<T> FromMatrix(Matrix<T> matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        Tensor<T> t = Allocate(matrix.Rows, matrix.Cols);
        UploadCore(matrix.Data, t);
        return t;
    }

    /// <summary>A new 1 × n tensor holding a copy of the host values.</summary>
    public Tensor<T> FromArray(ReadOnlySpan<T> values)
    {
        Tensor<T> t = Allocate(1, values.Length);
        UploadCore(values, t);
        return t;
    }

    /// <summary>A new zero index vector on this backend.</summary>
    public IndexTensor AllocateIndices(int length)
    {
        if (length < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "allowed: length ≥ 0");
        }

        return AllocateIndicesCore(length);
    }

    /// <summary>Copies host integers into the index vector.</summary>
    public void UploadIndices(ReadOnlySpan<int> source, IndexTensor destination)
    {
        Own(destination, nameof(destination));
        RequireLength(source.Length, destination.Length, nameof(source));
        UploadIndicesCore(source, destination);
    }

    /// <summary>Copies the index vector to host memory.</summary>
    public void DownloadIndices(IndexTensor source, Span<int> destination)
    {
        Own(source, nameof(source));
        RequireLength(destination.Length, source.Length, nameof(destination));
        DownloadIndicesCore(source, destination);
    }

    /// <summary>destination ← source (same element count; shapes may differ).</summary>
    public void Copy(Tensor<T> source, Tensor<T> destination)
    {
        Own(source, nameof(source));
        Own(destination, nameof(destination));
        RequireLength(destination.Length, source.Length, nameof(destination));
        CopyCore(source, destination);
    }

    /// <summary>Every element of the tensor ← value.</summary>
    public void Fill(Tensor<T> tensor, T value)
    {
        Own(tensor, nameof(tensor));
        FillCore(tensor, value);
    }

    // ───────────────────────────── linear algebra ─────────────────────────────

    /// <summary>c = alpha·op(a)·op(b) + beta·c, where op transposes when asked; beta = 0 overwrites c (NaN in c
    /// does not leak) and alpha = 0 gives beta·c without reading a or b (the BLAS convention).</summary>
    public void MatMul(Tensor<T> a, bool transA, Tensor<T> b, bool transB, Tensor<T> c, T alpha, T beta)
    {
        Own(a, nameof(a));
        Own(b, nameof(b));
        Own(c, nameof(c));
        int m = transA ? a.Cols : a.Rows, k = transA ? a.Rows : a.Cols;
        int kb = transB ? b.Cols : b.Rows, n = transB ? b.Rows : b.Cols;
        if (k != kb)
        {
            throw new ArgumentException($"inner dimensions differ: op(a) is {m}×{k}, op(b) is {kb}×{n}.", nameof(b));
        }

        if (c.Rows != m || c.Cols != n)
        {
            throw new ArgumentException($"c is {c.Shape}; op(a)·op(b) is {m}×{n}.", nameof(c));
        }

        MatMulCore(a, transA, b, transB, c, alpha, beta);
    }

    /// <summary>y ← alpha·x + y, element-wise (same element count). y may be x.</summary>
    public void Axpy(T alpha, Tensor<T> x, Tensor<T> y)
    {
        Own(x, nameof(x));
        Own(y, nameof(y));
        RequireLength(y.Length, x.Length, nameof(y));
        AxpyCore(alpha, x, y);
    }

    /// <summary>x ← alpha·x.</summary>
    public void Scale(T alpha, Tensor<T> x)
    {
        Own(x, nameof(x));
        ScaleCore(alpha, x);
    }

    /// <summary>Σ x_i·y_i accumulated in float64 in an order that depends only on the length.</summary>
    public double Dot(Tensor<T> x, Tensor<T> y)
    {
        Own(x, nameof(x));
        Own(y, nameof(y));
        RequireLength(y.Length, x.Length, nameof(y));
        return DotCore(x, y);
    }

    /// <summary>sums[j] = Σ_i m[i, j] (sums is 1 × m.Cols), in an order that does not depend on the thread count;
    /// with <paramref name="accumulate"/> the column sums are added to sums instead.</summary>
    public void ColumnSums(Tensor<T> m, Tensor<T> sums, bool accumulate = false)
    {
        Own(m, nameof(m));
        Own(sums, nameof(sums));
        if (sums.Length != m.Cols)
        {
            throw new ArgumentException($"sums has {sums.Length} elements; m has {m.Cols} columns.", nameof(sums));
        }

        ColumnSumsCore(m, sums, accumulate);
    }

    // ───────────────────────────── activations ─────────────────────────────

    /// <summary>output = act(z + bias) with bias (1 × z.Cols, or null for none) broadcast over rows, and z ← z + bias:
    /// afterwards z holds the pre-activation that <see cref="ActivationBackward"/> differentiates at. z may be
    /// output (then it holds act(z + bias)). The laws of the activations are <see cref="ActivationLaws"/>.</summary>
    public void BiasActivation(Tensor<T> z, Tensor<T>? bias, Activation activation, Tensor<T> output)
    {
        Own(z, nameof(z));
        Own(output, nameof(output));
        RequireSameShape(z, output, nameof(output));
        if (bias is not null)
        {
            Own(bias, nameof(bias));
            if (bias.Length != z.Cols)
            {
                throw new ArgumentException($"bias has {bias.Length} elements; z has {z.Cols} columns.", nameof(bias));
            }
        }

        CheckActivation(activation);
        BiasActivationCore(z, bias, activation, output);
    }

    /// <summary>gradPre = gradOutput ⊙ act′(pre), where pre is the pre-activation z + bias (what
    /// <see cref="BiasActivation"/> leaves in z) and output = act(pre). Both must be passed and agree: a backend
    /// may evaluate act′ from either (relu′ = [pre &gt; 0] = [output &gt; 0], sigmoid′ = output·(1 − output),
    /// tanh′ = 1 − output², identity′ = 1). gradPre may be gradOutput.</summary>
    public void ActivationBackward(Activation activation, Tensor<T> pre, Tensor<T> output, Tensor<T> gradOutput, Tensor<T> gradPre)
    {
        Own(pre, nameof(pre));
        Own(output, nameof(output));
        Own(gradOutput, nameof(gradOutput));
        Own(gradPre, nameof(gradPre));
        RequireSameShape(pre, output, nameof(output));
        RequireSameShape(pre, gradOutput, nameof(gradOutput));
        RequireSameShape(pre, gradPre, nameof(gradPre));
        CheckActivation(activation);
        ActivationBackwardCore(activation, pre, output, gradOutput, gradPre);
    }

    // ───────────────────────────── losses ─────────────────────────────

    /// <summary>The mean loss over the batch (<see cref="LossKind"/> states each law), accumulated in float64 in
    /// row order; when <paramref name="grad"/> is given it receives d(mean loss)/d(outputs).</summary>
    public double Loss(LossKind loss, Tensor<T> outputs, BatchTargets<T> targets, Tensor<T>? grad)
    {
        Own(outputs, nameof(outputs));
        CheckTargets(outputs, targets);
        if (grad is not null)
        {
            Own(grad, nameof(grad));
            RequireSameShape(outputs, grad, nameof(grad));
        }

        return LossCore(loss, outputs, targets, grad);
    }

    /// <summary>Classification: the number of rows whose prediction (arg-max, first maximum on ties; the sign with
    /// one output) differs from the label. Regression: Σ_rows ‖f(x) − y‖².</summary>
    public double ErrorSum(Tensor<T> outputs, BatchTargets<T> targets)
    {
        Own(outputs, nameof(outputs));
        CheckTargets(outputs, targets);
        return ErrorSumCore(outputs, targets);
    }

    // ───────────────────────────── updates ─────────────────────────────

    /// <summary>Heavy-ball SGD with L2 weight decay in PyTorch's convention: with a velocity v,
    /// v ← μ·v + (g + wd·w) then w ← w − η·v; without (μ = 0), w ← w − η·(g + wd·w).</summary>
    public void SgdStep(Tensor<T> w, Tensor<T> g, Tensor<T>? velocity, double learningRate, double momentum, double weightDecay)
    {
        Own(w, nameof(w));
        Own(g, nameof(g));
        RequireLength(g.Length, w.Length, nameof(g));
        if (velocity is not null)
        {
            Own(velocity, nameof(velocity));
            RequireLength(velocity.Length, w.Length, nameof(velocity));
        }

        CheckFinite(nameof(learningRate), learningRate);
        CheckFinite(nameof(momentum), momentum);
        CheckFinite(nameof(weightDecay), weightDecay);
        SgdStepCore(w, g, velocity, learningRate, momentum, weightDecay);
    }

    /// <summary>Σ (g + wd·w)² accumulated in float64: the squared norm of the gradient an update with weight decay
    /// wd uses (the ‖g_k‖² of the SGLD bounds).</summary>
    public double EffectiveGradientNormSquared(Tensor<T> w, Tensor<T> g, double weightDecay)
    {
        Own(w, nameof(w));
        Own(g, nameof(g));
        RequireLength(g.Length, w.Length, nameof(g));
        return EffectiveGradientNormSquaredCore(w, g, weightDecay);
    }

    /// <summary>Langevin step w ← w − η·(g + wd·w) + s·ξ with ξ_i = <see cref="KeyedNormal.At"/>(key, i): the
    /// noise is a pure function of (key, element), so every backend draws the same numbers.</summary>
    public void LangevinStep(Tensor<T> w, Tensor<T> g, double learningRate, double weightDecay, double noiseScale, NoiseKey key)
    {
        Own(w, nameof(w));
        Own(g, nameof(g));
        RequireLength(g.Length, w.Length, nameof(g));
        CheckFinite(nameof(learningRate), learningRate);
        CheckFinite(nameof(noiseScale), noiseScale);
        LangevinStepCore(w, g, learningRate, weightDecay, noiseScale, key);
    }

    /// <summary>t ← t + s·ξ with ξ_i = <see cref="KeyedNormal.At"/>(key, i).</summary>
    public void AddNoise(Tensor<T> t, NoiseKey key, double scale)
    {
        Own(t, nameof(t));
        CheckFinite(nameof(scale), scale);
        AddNoiseCore(t, key, scale);
    }

    /// <summary>t_i ← ξ_i = <see cref="KeyedNormal.At"/>(key, i).</summary>
    public void FillNoise(Tensor<T> t, NoiseKey key)
    {
        Own(t, nameof(t));
        FillNoiseCore(t, key);
    }

    // ───────────────────────────── data ─────────────────────────────

    /// <summary>Makes a data set resident on this backend (once per run): minibatches are then gathered
    /// on the backend, with no per-step transfer of samples.</summary>
    public ResidentDataset<T> Upload(Data.Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return UploadDatasetCore(data);
    }

    /// <summary>A batch buffer of <paramref name="rows"/> samples shaped for <paramref name="data"/>.</summary>
    public Batch<T> AllocateBatch(ResidentDataset<T> data, int rows)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (rows < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(rows), rows, "allowed: rows ≥ 1");
        }

        return new Batch<T>(Allocate(rows, data.InputDim),
            data.Labels is null ? null : AllocateIndices(rows),
            data.Targets is null ? null : Allocate(rows, data.Targets.Cols));
    }

    /// <summary>Copies samples rows[0 … n) of the resident data set into the batch (n = batch rows).</summary>
    public void Gather(ResidentDataset<T> data, ReadOnlySpan<int> rows, Batch<T> batch)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(batch);
        Own(data.Inputs, nameof(data));
        Own(batch.Inputs, nameof(batch));
        RequireLength(rows.Length, batch.Rows, nameof(rows));
        if (batch.Inputs.Cols != data.InputDim || (batch.Labels is null) != (data.Labels is null) || (batch.Targets is null) != (data.Targets is null))
        {
            throw new ArgumentException("the batch was not allocated for this data set (AllocateBatch).", nameof(batch));
        }

        foreach (int r in rows)
        {
            if ((uint)r >= (uint)data.Count)
            {
                throw new ArgumentOutOfRangeException(nameof(rows), r, $"allowed: sample indices 0 … {data.Count - 1}");
            }
        }

        GatherCore(data, rows, batch);
    }

    // ───────────────────────────── implementation hooks ─────────────────────────────

    /// <summary>Allocates zeroed storage.</summary>
    protected abstract Tensor<T> AllocateCore(int rows, int cols);

    /// <summary>A view sharing storage; sizes checked.</summary>
    protected abstract Tensor<T> ViewCore(Tensor<T> tensor, int rows, int cols);

    /// <summary>Host → tensor; length checked.</summary>
    protected abstract void UploadCore(ReadOnlySpan<T> source, Tensor<T> destination);

    /// <summary>Tensor → host; length checked.</summary>
    protected abstract void DownloadCore(Tensor<T> source, Span<T> destination);

    /// <summary>Allocates a zeroed index vector.</summary>
    protected abstract IndexTensor AllocateIndicesCore(int length);

    /// <summary>Host → index vector.</summary>
    protected abstract void UploadIndicesCore(ReadOnlySpan<int> source, IndexTensor destination);

    /// <summary>Index vector → host.</summary>
    protected abstract void DownloadIndicesCore(IndexTensor source, Span<int> destination);

    /// <summary>Implementation of <see cref="Copy"/>.</summary>
    protected abstract void CopyCore(Tensor<T> source, Tensor<T> destination);

    /// <summary>Implementation of <see cref="Fill"/>.</summary>
    protected abstract void FillCore(Tensor<T> tensor, T value);

    /// <summary>Implementation of <see cref="MatMul"/>; arguments already checked.</summary>
    protected abstract void MatMulCore(Tensor<T> a, bool transA, Tensor<T> b, bool transB, Tensor<T> c, T alpha, T beta);

    /// <summary>Implementation of <see cref="Axpy"/>.</summary>
    protected abstract void AxpyCore(T alpha, Tensor<T> x, Tensor<T> y);

    /// <summary>Implementation of <see cref="Scale"/>.</summary>
    protected abstract void ScaleCore(T alpha, Tensor<T> x);

    /// <summary>Implementation of <see cref="Dot"/>.</summary>
    protected abstract double DotCore(Tensor<T> x, Tensor<T> y);

    /// <summary>Implementation of <see cref="ColumnSums"/>.</summary>
    protected abstract void ColumnSumsCore(Tensor<T> m, Tensor<T> sums, bool accumulate);

    /// <summary>Implementation of <see cref="BiasActivation"/>.</summary>
    protected abstract void BiasActivationCore(Tensor<T> z, Tensor<T>? bias, Activation activation, Tensor<T> output);

    /// <summary>Implementation of <see cref="ActivationBackward"/>.</summary>
    protected abstract void ActivationBackwardCore(Activation activation, Tensor<T> pre, Tensor<T> output, Tensor<T> gradOutput, Tensor<T> gradPre);

    /// <summary>Implementation of <see cref="Loss"/>.</summary>
    protected abstract double LossCore(LossKind loss, Tensor<T> outputs, BatchTargets<T> targets, Tensor<T>? grad);

    /// <summary>Implementation of <see cref="ErrorSum"/>.</summary>
    protected abstract double ErrorSumCore(Tensor<T> outputs, BatchTargets<T> targets);

    /// <summary>Implementation of <see cref="SgdStep"/>.</summary>
    protected abstract void SgdStepCore(Tensor<T> w, Tensor<T> g, Tensor<T>? velocity, double learningRate, double momentum, double weightDecay);

    /// <summary>Implementation of <see cref="EffectiveGradientNormSquared"/>.</summary>
    protected abstract double EffectiveGradientNormSquaredCore(Tensor<T> w, Tensor<T> g, double weightDecay);

    /// <summary>Implementation of <see cref="LangevinStep"/>.</summary>
    protected abstract void LangevinStepCore(Tensor<T> w, Tensor<T> g, double learningRate, double weightDecay, double noiseScale, NoiseKey key);

    /// <summary>Implementation of <see cref="AddNoise"/>.</summary>
    protected abstract void AddNoiseCore(Tensor<T> t, NoiseKey key, double scale);

    /// <summary>Implementation of <see cref="FillNoise"/>.</summary>
    protected abstract void FillNoiseCore(Tensor<T> t, NoiseKey key);

    /// <summary>Implementation of <see cref="Upload(Data.Dataset)"/>.</summary>
    protected abstract ResidentDataset<T> UploadDatasetCore(Data.Dataset data);

    /// <summary>Implementation of <see cref="Gather"/>; indices and shapes checked.</summary>
    protected abstract void GatherCore(ResidentDataset<T> data, ReadOnlySpan<int> rows, Batch<T> batch);

    // ───────────────────────────── checks ─────────────────────────────

    /// <summary>Throws unless the tensor was allocated by this backend.</summary>
    protected void Own(Tensor<T> tensor, string name)
    {
        ArgumentNullException.ThrowIfNull(tensor, name);
        if (!ReferenceEquals(tensor.Owner, this))
        {
            throw new ArgumentException($"{name} lives on backend '{tensor.Owner.Name}', not on this '{Name}' backend; move it with Download/Upload.", name);
        }
    }

    /// <summary>Throws unless the index vector was allocated by this backend.</summary>
    protected void Own(IndexTensor tensor, string name)
    {
        ArgumentNullException.ThrowIfNull(tensor, name);
        if (!ReferenceEquals(tensor.Owner, this))
        {
            throw new ArgumentException($"{name} lives on another backend, not on this '{Name}' backend.", name);
        }
    }

    private void CheckTargets(Tensor<T> outputs, BatchTargets<T> targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.Labels is null == targets.Targets is null)
        {
            throw new ArgumentException("give exactly one of labels (classification) or targets (regression).", nameof(targets));
        }

        if (targets.Labels is { } labels)
        {
            Own(labels, nameof(targets));
            if (labels.Length != outputs.Rows)
            {
                throw new ArgumentException($"labels has length {labels.Length}; outputs has {outputs.Rows} rows.", nameof(targets));
            }
        }

        if (targets.Targets is { } t)
        {
            Own(t, nameof(targets));
            RequireSameShape(outputs, t, nameof(targets));
        }
    }

    private static void CheckActivation(Activation activation)
    {
        if (!Enum.IsDefined(activation))
        {
            throw new ArgumentOutOfRangeException(nameof(activation), activation, $"allowed: {string.Join(", ", Enum.GetNames<Activation>())}");
        }
    }

    private static void CheckFinite(string name, double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"allowed: a finite {name}");
        }
    }

    private static void CheckSize(int rows, int cols)
    {
        if (rows < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(rows), rows, "allowed: rows ≥ 0");
        }

        if (cols < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(cols), cols, "allowed: cols ≥ 0");
        }

        if ((long)rows * cols > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(rows), $"{rows}×{cols} exceeds the largest tensor a backend allocates ({Array.MaxLength} elements).");
        }
    }

    private static void RequireLength(int actual, int expected, string name)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"{name} has {actual} elements; expected {expected}.", name);
        }
    }

    private static void RequireSameShape(Tensor<T> expected, Tensor<T> actual, string name)
    {
        if (!expected.SameShape(actual))
        {
            throw new ArgumentException($"{name} is {actual.Shape}; expected {expected.Shape}.", name);
        }
    }
}
