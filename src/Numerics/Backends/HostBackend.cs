using System.Numerics;
using BoundLab.Numerics.Data;
using BoundLab.Numerics.Losses;
using BoundLab.Numerics.Random;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Numerics.Backends;

/// <summary>A backend whose tensors live in host memory. It implements memory, data movement, losses and
/// batch gathering once, and gives every other operation its float64 specification (plain loops, the
/// semantics <see cref="ReferenceBackend{T}"/> exposes); a fast host backend overrides what it accelerates.</summary>
public abstract partial class HostBackend<T> : Backend<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The host storage of a tensor this backend owns.</summary>
    protected static T[] D(Tensor<T> t) => ((HostTensor<T>)t).Data;

    /// <summary>The host matrix of a tensor this backend owns.</summary>
    protected static Matrix<T> M(Tensor<T> t) => ((HostTensor<T>)t).Matrix;

    /// <summary>The host storage of an index vector this backend owns.</summary>
    protected static int[] I(IndexTensor t) => ((HostIndexTensor)t).Data;

    /// <summary>Wraps a host matrix (not copied) as a tensor of this backend.</summary>
    public Tensor<T> Wrap(Matrix<T> matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        return new HostTensor<T>(this, matrix);
    }

    /// <inheritdoc />
    protected override Tensor<T> AllocateCore(int rows, int cols) => new HostTensor<T>(this, new Matrix<T>(rows, cols));

    /// <inheritdoc />
    protected override Tensor<T> ViewCore(Tensor<T> tensor, int rows, int cols) => new HostTensor<T>(this, new Matrix<T>(rows, cols, D(tensor)));

    /// <inheritdoc />
    protected override void UploadCore(ReadOnlySpan<T> source, Tensor<T> destination) => source.CopyTo(D(destination));

    /// <inheritdoc />
    protected override void DownloadCore(Tensor<T> source, Span<T> destination) => D(source).CopyTo(destination);

    /// <inheritdoc />
    protected override IndexTensor AllocateIndicesCore(int length) => new HostIndexTensor(this, new int[length]);

    /// <inheritdoc />
    protected override void UploadIndicesCore(ReadOnlySpan<int> source, IndexTensor destination) => source.CopyTo(I(destination));

    /// <inheritdoc />
    protected override void DownloadIndicesCore(IndexTensor source, Span<int> destination) => I(source).CopyTo(destination);

    /// <inheritdoc />
    protected override void CopyCore(Tensor<T> source, Tensor<T> destination) => D(source).CopyTo(D(destination), 0);

    /// <inheritdoc />
    protected override void FillCore(Tensor<T> tensor, T value) => Array.Fill(D(tensor), value);

    /// <inheritdoc />
    /// <remarks>Each element: T(α·x + y) evaluated in float64.</remarks>
    protected override void AxpyCore(T alpha, Tensor<T> x, Tensor<T> y)
    {
        T[] xs = D(x), ys = D(y);
        double a = double.CreateChecked(alpha);
        for (int i = 0; i < ys.Length; i++)
        {
            ys[i] = T.CreateChecked(a * double.CreateChecked(xs[i]) + double.CreateChecked(ys[i]));
        }
    }

    /// <inheritdoc />
    protected override void ScaleCore(T alpha, Tensor<T> x)
    {
        T[] xs = D(x);
        for (int i = 0; i < xs.Length; i++)
        {
            xs[i] *= alpha;
        }
    }

    /// <inheritdoc />
    protected override double DotCore(Tensor<T> x, Tensor<T> y)
    {
        T[] xs = D(x), ys = D(y);
        double s = 0;
        for (int i = 0; i < xs.Length; i++)
        {
            s += double.CreateChecked(xs[i]) * double.CreateChecked(ys[i]);
        }

        return s;
    }

    /// <inheritdoc />
    protected override double LossCore(LossKind loss, Tensor<T> outputs, BatchTargets<T> targets, Tensor<T>? grad)
        => Losses.Loss.Compute(loss, M(outputs), targets.Labels is null ? null : I(targets.Labels),
            targets.Targets is null ? null : M(targets.Targets), grad is null ? null : M(grad));

    /// <inheritdoc />
    protected override double ErrorSumCore(Tensor<T> outputs, BatchTargets<T> targets)
        => targets.Labels is not null
            ? Losses.Loss.Errors(M(outputs), I(targets.Labels))
            : Losses.Loss.SquaredErrorSum(M(outputs), M(targets.Targets!));

    /// <inheritdoc />
    /// <remarks>Each element in float64, rounded to T once per stored value.</remarks>
    protected override void SgdStepCore(Tensor<T> w, Tensor<T> g, Tensor<T>? velocity, double learningRate, double momentum, double weightDecay)
    {
        T[] ws = D(w), gs = D(g);
        T[]? vs = velocity is null ? null : D(velocity);
        for (int i = 0; i < ws.Length; i++)
        {
            double wi = double.CreateChecked(ws[i]);
            double step = double.CreateChecked(gs[i]) + weightDecay * wi;
            if (vs is not null)
            {
                T v = T.CreateChecked(momentum * double.CreateChecked(vs[i]) + step);
                vs[i] = v;
                step = double.CreateChecked(v);
            }

            ws[i] = T.CreateChecked(wi - learningRate * step);
        }
    }

    /// <inheritdoc />
    protected override double EffectiveGradientNormSquaredCore(Tensor<T> w, Tensor<T> g, double weightDecay)
    {
        T[] ws = D(w), gs = D(g);
        double s = 0;
        for (int i = 0; i < ws.Length; i++)
        {
            double t = double.CreateChecked(gs[i]) + weightDecay * double.CreateChecked(ws[i]);
            s += t * t;
        }

        return s;
    }

    /// <inheritdoc />
    protected override void LangevinStepCore(Tensor<T> w, Tensor<T> g, double learningRate, double weightDecay, double noiseScale, NoiseKey key)
    {
        T[] ws = D(w), gs = D(g);
        for (int i = 0; i < ws.Length; i++)
        {
            double wi = double.CreateChecked(ws[i]);
            double xi = KeyedNormal.At(key, i);
            ws[i] = T.CreateChecked(wi - learningRate * (double.CreateChecked(gs[i]) + weightDecay * wi) + noiseScale * xi);
        }
    }

    /// <inheritdoc />
    protected override void AddNoiseCore(Tensor<T> t, NoiseKey key, double scale)
    {
        T[] ts = D(t);
        for (int i = 0; i < ts.Length; i++)
        {
            ts[i] = T.CreateChecked(double.CreateChecked(ts[i]) + scale * KeyedNormal.At(key, i));
        }
    }

    /// <inheritdoc />
    protected override void FillNoiseCore(Tensor<T> t, NoiseKey key)
    {
        T[] ts = D(t);
        for (int i = 0; i < ts.Length; i++)
        {
            ts[i] = T.CreateChecked(KeyedNormal.At(key, i));
        }
    }

    /// <inheritdoc />
    /// <remarks>float32 data on a float32 host backend is wrapped, not copied (MNIST stays one copy in memory).</remarks>
    protected override ResidentDataset<T> UploadDatasetCore(Dataset data)
    {
        Tensor<T> inputs = data.Inputs is Matrix<T> same ? Wrap(same) : FromMatrix(data.Inputs.Convert<T>());
        IndexTensor? labels = data.Labels is null ? null : new HostIndexTensor(this, data.Labels);
        Tensor<T>? targets = data.Targets switch
        {
            null => null,
            Matrix<T> t => Wrap(t),
            var t => FromMatrix(t.Convert<T>()),
        };
        return new ResidentDataset<T>(data, inputs, labels, targets);
    }

    /// <inheritdoc />
    protected override void GatherCore(ResidentDataset<T> data, ReadOnlySpan<int> rows, Batch<T> batch)
    {
        Matrix<T> x = M(data.Inputs), bx = M(batch.Inputs);
        for (int r = 0; r < rows.Length; r++)
        {
            x.Row(rows[r]).CopyTo(bx.Row(r));
        }

        if (data.Labels is not null)
        {
            int[] y = I(data.Labels), by = I(batch.Labels!);
            for (int r = 0; r < rows.Length; r++)
            {
                by[r] = y[rows[r]];
            }
        }

        if (data.Targets is not null)
        {
            Matrix<T> t = M(data.Targets), bt = M(batch.Targets!);
            for (int r = 0; r < rows.Length; r++)
            {
                t.Row(rows[r]).CopyTo(bt.Row(r));
            }
        }
    }
}
