using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Numerics.Kernels;

/// <summary>SIMD element-wise kernels of an MLP layer; <see cref="ElementwiseReference"/> is their float64 specification.</summary>
/// <remarks>Rows are independent, so splitting them across threads never changes a result.</remarks>
public static partial class Elementwise
{
    // Below this many elements a second thread costs more to start than it saves.
    private const int ParallelThreshold = 1 << 15;

    /// <summary>output = act(z + bias), bias broadcast over rows (empty bias = none), and z ← z + bias, so z holds
    /// the pre-activation <see cref="ActivationBackward"/> needs (the Backend contract). z and output may be the
    /// same matrix (then z holds act(z + bias)).</summary>
    /// <remarks>Sigmoid is 1/(1 + e^(−x)): e^(−x) overflows to +∞ for very negative x and the result is 0,
    /// never NaN. Sigmoid and tanh are within 2·10⁻⁶ of the float64 reference (absolute), checked by tests.</remarks>
    public static unsafe void BiasActivation(Matrix<float> z, ReadOnlySpan<float> bias, Activation act,
        Matrix<float> output, int threads)
    {
        ArgumentNullException.ThrowIfNull(z);
        CheckSameShape(z, output, nameof(output), nameof(z));
        CheckActivation(act);
        if (bias.Length != 0 && bias.Length != z.Cols)
        {
            throw new ArgumentException(
                $"bias has length {bias.Length}; allowed: {z.Cols} (z.Cols) or 0 (no bias).", nameof(bias));
        }

        fixed (float* pb = bias)
        {
            nint biasAddress = (nint)pb;
            int biasLength = bias.Length;
            ForRowRanges(z.Rows, z.Cols, threads, (r0, r1) =>
            {
                var b = new ReadOnlySpan<float>((float*)biasAddress, biasLength);
                for (int r = r0; r < r1; r++)
                {
                    ForwardRow(z.Data.AsSpan(r * z.Cols, z.Cols), b, act, output.Data.AsSpan(r * z.Cols, z.Cols));
                }
            });
        }
    }

    /// <summary>gradPre = gradOutput ⊙ act′(preActivation), where preActivation = z + bias and output = act(z + bias)
    /// as <see cref="BiasActivation"/> left them. act′ comes from the output: sigmoid′ = s(1 − s), tanh′ = 1 − t²,
    /// relu′ = [y &gt; 0] (= [z + bias &gt; 0], also for −0 and NaN). gradPre may alias gradOutput.</summary>
    public static void ActivationBackward(Activation act, Matrix<float> preActivation, Matrix<float> output,
        Matrix<float> gradOutput, Matrix<float> gradPre, int threads)
    {
        ArgumentNullException.ThrowIfNull(preActivation);
        CheckActivation(act);
        CheckSameShape(preActivation, output, nameof(output), nameof(preActivation));
        CheckSameShape(preActivation, gradOutput, nameof(gradOutput), nameof(preActivation));
        CheckSameShape(preActivation, gradPre, nameof(gradPre), nameof(preActivation));
        int cols = preActivation.Cols;
        ForRowRanges(preActivation.Rows, cols, threads, (r0, r1) =>
        {
            int start = r0 * cols, length = (r1 - r0) * cols;
            BackwardRange(act, output.Data.AsSpan(start, length),
                gradOutput.Data.AsSpan(start, length), gradPre.Data.AsSpan(start, length));
        });
    }

    // z ← z + bias and o ← act(z + bias). ReLU (the common hidden layer) does both in one SIMD pass; identity in
    // place (the output layer) is one add; sigmoid and tanh add in place, then apply TensorPrimitives' vectorized
    // exp to the L1-resident row — the same two sweeps per row as before z kept the bias.
    private static void ForwardRow(Span<float> z, ReadOnlySpan<float> bias, Activation act, Span<float> o)
    {
        if (act == Activation.Relu)
        {
            BiasReluRow(z, bias, o);
            return;
        }

        if (bias.Length > 0)
        {
            TensorPrimitives.Add(z, bias, z);
        }

        switch (act)
        {
            case Activation.Sigmoid:
                TensorPrimitives.Sigmoid(z, o);
                break;
            case Activation.Tanh:
                TensorPrimitives.Tanh(z, o);
                break;
            default:
                if (!z.Overlaps(o))
                {
                    z.CopyTo(o);
                }

                break;
        }
    }

    // One pass: v = z + b goes back into z and max(v, 0) into o (NaN stays NaN, as TensorPrimitives.Max does,
    // so a diverged run is not masked). o may be z: each lane stores v first, then the activation over it.
    private static void BiasReluRow(Span<float> z, ReadOnlySpan<float> bias, Span<float> o)
    {
        bool hasBias = bias.Length > 0;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            const int W = 8;
            for (; i + W <= z.Length; i += W)
            {
                Vector256<float> v = Vector256.Create(z.Slice(i, W));
                if (hasBias)
                {
                    v += Vector256.Create(bias.Slice(i, W));
                    v.CopyTo(z.Slice(i, W));
                }

                Vector256<float> keep = Vector256.GreaterThan(v, Vector256<float>.Zero) | ~Vector256.Equals(v, v);
                Vector256.ConditionalSelect(keep, v, Vector256<float>.Zero).CopyTo(o.Slice(i, W));
            }
        }

        for (; i < z.Length; i++)
        {
            float v = hasBias ? z[i] + bias[i] : z[i];
            z[i] = v;
            o[i] = v > 0f || float.IsNaN(v) ? v : 0f;
        }
    }

    private static void BackwardRange(Activation act, ReadOnlySpan<float> y,
        ReadOnlySpan<float> g, Span<float> d)
    {
        if (act == Activation.Identity)
        {
            if (!g.Overlaps(d))
            {
                g.CopyTo(d);
            }

            return;
        }

        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var one = Vector256<float>.One;
            for (; i + Vector256<float>.Count <= d.Length; i += Vector256<float>.Count)
            {
                Vector256<float> gi = Vector256.Create(g.Slice(i, Vector256<float>.Count));
                Vector256<float> r = act switch
                {
                    Activation.Relu => Vector256.ConditionalSelect(
                        Vector256.GreaterThan(Vector256.Create(y.Slice(i, Vector256<float>.Count)), Vector256<float>.Zero),
                        gi, Vector256<float>.Zero),
                    Activation.Sigmoid => SigmoidGrad(Vector256.Create(y.Slice(i, Vector256<float>.Count)), gi, one),
                    _ => TanhGrad(Vector256.Create(y.Slice(i, Vector256<float>.Count)), gi, one),
                };
                r.CopyTo(d.Slice(i, Vector256<float>.Count));
            }
        }

        for (; i < d.Length; i++)
        {
            d[i] = act switch
            {
                Activation.Relu => y[i] > 0f ? g[i] : 0f,
                Activation.Sigmoid => g[i] * (y[i] * (1f - y[i])),
                _ => g[i] * (1f - y[i] * y[i]),
            };
        }
    }

    // The same expressions as the scalar tail, lane by lane, so the vector and scalar paths agree exactly.
    private static Vector256<float> SigmoidGrad(Vector256<float> s, Vector256<float> g, Vector256<float> one)
        => g * (s * (one - s));

    private static Vector256<float> TanhGrad(Vector256<float> t, Vector256<float> g, Vector256<float> one)
        => g * (one - t * t);

    /// <summary>Runs body over contiguous row ranges, one per thread (or all rows at once when small).</summary>
    private static void ForRowRanges(int rows, int cols, int threads, Action<int, int> body)
    {
        int t = Gemm.ResolveThreads(threads);
        if (t == 1 || rows < 2 || (long)rows * cols < ParallelThreshold)
        {
            body(0, rows);
            return;
        }

        int pieces = Math.Min(t, rows);
        WorkerPool.Run(pieces, i => body((int)((long)rows * i / pieces), (int)((long)rows * (i + 1) / pieces)));
    }

    private static void CheckSameShape(Matrix<float> reference, Matrix<float> other, string otherName, string referenceName)
    {
        ArgumentNullException.ThrowIfNull(other, otherName);
        if (!reference.SameShape(other))
        {
            throw new ArgumentException(
                $"{otherName} is {other.Shape}; allowed: the shape of {referenceName}, {reference.Shape}.", otherName);
        }
    }

    private static void CheckActivation(Activation act)
    {
        if (!Enum.IsDefined(act))
        {
            throw new ArgumentOutOfRangeException(nameof(act), act, "allowed: Identity, Relu, Sigmoid, Tanh.");
        }
    }
}
