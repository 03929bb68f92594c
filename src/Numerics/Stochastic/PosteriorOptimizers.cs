using System.Numerics;

namespace BoundLab.Numerics.Stochastic;

/// <summary>An update rule over the posterior's arrays (μ and ρ per tensor) and its float64 scalars, with its state
/// (one slot per element) for checkpoints.</summary>
internal abstract class PosteriorOptimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    protected PosteriorOptimizer(IReadOnlyList<T[]> arrays, int scalars)
    {
        Slots = arrays.Select(a => new T[a.Length]).ToArray();
        ScalarSlots = new double[scalars];
    }

    /// <summary>Per-element state, one array per parameter array (same order).</summary>
    public T[][] Slots { get; }

    /// <summary>Per-scalar state.</summary>
    public double[] ScalarSlots { get; }

    /// <summary>One update of every array and scalar with learning rate <paramref name="lr"/>.</summary>
    public void Step(IReadOnlyList<T[]> values, IReadOnlyList<T[]> grads, double[] scalars, ReadOnlySpan<double> scalarGrads, double lr)
    {
        T lrT = T.CreateTruncating(lr);
        for (int k = 0; k < values.Count; k++)
        {
            Update(values[k], grads[k], Slots[k], lrT);
        }

        for (int j = 0; j < scalars.Length; j++)
        {
            scalars[j] = UpdateScalar(scalars[j], scalarGrads[j], ref ScalarSlots[j], lr);
        }
    }

    protected abstract void Update(T[] w, T[] g, T[] slot, T lr);

    protected abstract double UpdateScalar(double w, double g, ref double slot, double lr);
}

/// <summary>TensorFlow 1's RMSPropOptimizer with its defaults (decay ρ = 0.9, momentum 0, ε = 1e-10, the mean square
/// initialized to 1), as Dziugaite and Roy (2017) use it (snn/core/network.py optimize_PACB, line 292):
/// ms ← ms + (g² − ms)(1 − ρ); w ← w − lr·g/sqrt(ms + ε) (ApplyRMSProp in tensorflow/core/kernels/training_ops.cc).</summary>
internal sealed class TfRmsProp<T> : PosteriorOptimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private const double Decay = 0.9, Epsilon = 1e-10;
    private static readonly T OneMinusDecay = T.CreateTruncating(1 - Decay), Eps = T.CreateTruncating(Epsilon);

    public TfRmsProp(IReadOnlyList<T[]> arrays, int scalars) : base(arrays, scalars) => Reset();

    /// <summary>Sets every mean square to 1, as a freshly created TF optimizer (the code builds a second optimizer,
    /// with fresh slots, for the dropped learning rate: line 293).</summary>
    public void Reset()
    {
        foreach (T[] s in Slots)
        {
            Array.Fill(s, T.One);
        }

        Array.Fill(ScalarSlots, 1.0);
    }

    protected override void Update(T[] w, T[] g, T[] ms, T lr)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var decay = new Vector<T>(OneMinusDecay);
            var eps = new Vector<T>(Eps);
            var lrV = new Vector<T>(lr);
            for (; i <= w.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var gv = new Vector<T>(g, i);
                var mv = new Vector<T>(ms, i);
                mv += (gv * gv - mv) * decay;
                mv.CopyTo(ms, i);
                (new Vector<T>(w, i) - lrV * gv / Vector.SquareRoot(mv + eps)).CopyTo(w, i);
            }
        }

        for (; i < w.Length; i++)
        {
            T m = ms[i] + (g[i] * g[i] - ms[i]) * OneMinusDecay;
            ms[i] = m;
            w[i] -= lr * g[i] / T.Sqrt(m + Eps);
        }
    }

    protected override double UpdateScalar(double w, double g, ref double ms, double lr)
    {
        ms += (g * g - ms) * (1 - Decay);
        return w - lr * g / Math.Sqrt(ms + Epsilon);
    }
}

/// <summary>torch.optim.SGD with momentum μ (no dampening, no Nesterov, no weight decay), as PBB uses it
/// (pbb/utils.py runexp line 212): v ← μ·v + g (v starts at 0, so the first v is g); w ← w − lr·v.</summary>
internal sealed class TorchSgdMomentum<T>(IReadOnlyList<T[]> arrays, int scalars, double momentum) : PosteriorOptimizer<T>(arrays, scalars)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T _momentum = T.CreateTruncating(momentum);

    protected override void Update(T[] w, T[] g, T[] v, T lr)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var mu = new Vector<T>(_momentum);
            var lrV = new Vector<T>(lr);
            for (; i <= w.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                Vector<T> vv = mu * new Vector<T>(v, i) + new Vector<T>(g, i);
                vv.CopyTo(v, i);
                (new Vector<T>(w, i) - lrV * vv).CopyTo(w, i);
            }
        }

        for (; i < w.Length; i++)
        {
            v[i] = _momentum * v[i] + g[i];
            w[i] -= lr * v[i];
        }
    }

    protected override double UpdateScalar(double w, double g, ref double v, double lr)
    {
        v = momentum * v + g;
        return w - lr * v;
    }
}
