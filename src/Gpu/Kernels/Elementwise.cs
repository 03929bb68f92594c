using ILGPU;
using ILGPU.Runtime;

namespace BoundLab.Gpu.Kernels;

/// <summary>Element-wise kernels (one thread per element) with the CPU backend's arithmetic: the same float32
/// operations in the same order where the CPU works in float32 (bit-identical results), and the float64 laws of
/// <see cref="BoundLab.Numerics.Backends.ActivationLaws"/> for sigmoid and tanh (within an ulp of float32 of the
/// reference, closer than the CPU's vectorized float32 exp).</summary>
internal static class Elementwise
{
    /// <summary>The activation codes the kernels take (the <see cref="BoundLab.Numerics.Activation"/> values).</summary>
    public const int Identity = 0, Relu = 1, Sigmoid = 2, Tanh = 3;

    /// <summary>x[i] ← value.</summary>
    public static void Fill(Index1D i, ArrayView1D<float, Stride1D.Dense> x, float value) => x[i] = value;

    /// <summary>y[i] ← fl(fl(α·x[i]) + y[i]): TensorPrimitives.MultiplyAdd's unfused multiply then add (y may be x).</summary>
    public static void Axpy(Index1D i, float alpha, ArrayView1D<float, Stride1D.Dense> x, ArrayView1D<float, Stride1D.Dense> y)
        => y[i] = DeviceMath.MulRn(x[i], alpha) + y[i];

    /// <summary>x[i] ← x[i]·α (one rounding).</summary>
    public static void Scale(Index1D i, ArrayView1D<float, Stride1D.Dense> x, float alpha) => x[i] = x[i] * alpha;

    /// <summary>v = z[i] + bias[i mod cols] (one float32 add; no bias when hasBias = 0), z[i] ← v, output[i] ← act(v).
    /// ReLU keeps NaN (as the CPU does) and maps −0 to +0; sigmoid and tanh are their float64 laws rounded once.
    /// z may be output: the thread reads z[i] before it writes either.</summary>
    public static void BiasActivation(Index1D i, ArrayView1D<float, Stride1D.Dense> z, ArrayView1D<float, Stride1D.Dense> bias,
        int hasBias, int cols, int activation, ArrayView1D<float, Stride1D.Dense> output)
    {
        float v = z[i];
        if (hasBias != 0)
        {
            v += bias[i % cols];
            z[i] = v;
        }

        output[i] = Apply(activation, v);
    }

    /// <summary>gradPre[i] ← gradOutput[i]·act′ with act′ from the output y (the CPU's float32 expressions):
    /// ReLU g if y &gt; 0 else 0, sigmoid g·(y·(1 − y)), tanh g·(1 − y·y) (y·y never fused into the subtraction);
    /// identity g. gradPre may be gradOutput.</summary>
    public static void ActivationBackward(Index1D i, int activation, ArrayView1D<float, Stride1D.Dense> output,
        ArrayView1D<float, Stride1D.Dense> gradOutput, ArrayView1D<float, Stride1D.Dense> gradPre)
    {
        float g = gradOutput[i], y = output[i];
        float d;
        if (activation == Relu)
        {
            d = y > 0f ? g : 0f;
        }
        else if (activation == Sigmoid)
        {
            d = g * (y * (1f - y));
        }
        else if (activation == Tanh)
        {
            d = g * (1f - DeviceMath.MulRn(y, y));
        }
        else
        {
            d = g;
        }

        gradPre[i] = d;
    }

    // act(v) for one float32 pre-activation.
    private static float Apply(int activation, float v)
    {
        if (activation == Relu)
        {
            return v > 0f || float.IsNaN(v) ? v : 0f;
        }

        if (activation == Sigmoid)
        {
            return (float)DeviceMath.Sigmoid(v);
        }

        if (activation == Tanh)
        {
            return (float)DeviceMath.Tanh(v);
        }

        return v;
    }
}
