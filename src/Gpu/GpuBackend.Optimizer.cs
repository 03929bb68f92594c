using BoundLab.Gpu.Kernels;
using BoundLab.Numerics.Random;
using BoundLab.Numerics.Tensors;
using ILGPU;
using ILGPU.Runtime;

namespace BoundLab.Gpu;

public sealed partial class GpuBackend
{
    // One partial per reduction group, reused by every reduction of this backend (under Device.Sync).
    private MemoryBuffer1D<double, Stride1D.Dense>? _partials;
    private readonly double[] _hostPartials = new double[ReductionKernels.MaxGroups];

    /// <inheritdoc />
    /// <remarks>Deterministic: float64 partials over a grid fixed by the length, summed on the host in group order.
    /// Not the CPU's summation order, so equal to it within float64 rounding (not bit for bit).</remarks>
    protected override double DotCore(Tensor<float> x, Tensor<float> y)
    {
        if (x.Length == 0)
        {
            return 0;
        }

        var kernel = Device.Kernel("optimizer.Dot", acc => acc.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<double>, int>(ReductionKernels.Dot));
        return Reduce(x.Length, (config, partials) => kernel(config, G(x).View, G(y).View, partials, x.Length));
    }

    /// <inheritdoc />
    /// <remarks>One thread per column, float64 over rows in order: the CPU backend's bits.</remarks>
    protected override void ColumnSumsCore(Tensor<float> m, Tensor<float> sums, bool accumulate)
    {
        if (m.Cols == 0)
        {
            return;
        }

        var kernel = Device.Kernel("optimizer.ColumnSums", acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int, int>(ReductionKernels.ColumnSums));
        lock (Device.Sync)
        {
            kernel(m.Cols, G(m).View, G(sums).View, m.Rows, m.Cols, accumulate ? 1 : 0);
            Launched();
        }
    }

    /// <inheritdoc />
    /// <remarks>In float32 with the CPU backend's association and roundings (no contraction): its bits.</remarks>
    protected override void SgdStepCore(Tensor<float> w, Tensor<float> g, Tensor<float>? velocity, double learningRate, double momentum, double weightDecay)
    {
        if (w.Length == 0)
        {
            return;
        }

        lock (Device.Sync)
        {
            if (velocity is null)
            {
                var kernel = Device.Kernel("optimizer.Descend", acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, float, float>(OptimizerKernels.Descend));
                kernel(w.Length, G(w).View, G(g).View, (float)learningRate, (float)weightDecay);
            }
            else
            {
                var kernel = Device.Kernel("optimizer.MomentumDescend", acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, float, float, float>(OptimizerKernels.MomentumDescend));
                kernel(w.Length, G(w).View, G(g).View, G(velocity).View, (float)learningRate, (float)momentum, (float)weightDecay);
            }

            Launched();
        }
    }

    /// <inheritdoc />
    /// <remarks>Each term as the CPU forms it (two float64 FMAs); summed in the deterministic order of
    /// <see cref="DotCore"/>.</remarks>
    protected override double EffectiveGradientNormSquaredCore(Tensor<float> w, Tensor<float> g, double weightDecay)
    {
        if (w.Length == 0)
        {
            return 0;
        }

        var kernel = Device.Kernel("optimizer.NormSquared", acc => acc.LoadStreamKernel<ArrayView<float>, ArrayView<float>, double, ArrayView<double>, int>(ReductionKernels.NormSquared));
        return Reduce(w.Length, (config, partials) => kernel(config, G(w).View, G(g).View, weightDecay, partials, w.Length));
    }

    /// <inheritdoc />
    /// <remarks>Fused: ξ is drawn in registers and consumed by the update, never stored. The CPU backend's bits.</remarks>
    protected override void LangevinStepCore(Tensor<float> w, Tensor<float> g, double learningRate, double weightDecay, double noiseScale, NoiseKey key)
        => LaunchNoise("optimizer.Langevin", w.Length, new LangevinOp(G(w).View, G(g).View, (float)learningRate, (float)weightDecay, (float)noiseScale), key);

    /// <inheritdoc />
    protected override void AddNoiseCore(Tensor<float> t, NoiseKey key, double scale)
        => LaunchNoise("optimizer.AddNoise", t.Length, new AddNoiseOp(G(t).View, (float)scale), key);

    /// <inheritdoc />
    protected override void FillNoiseCore(Tensor<float> t, NoiseKey key)
        => LaunchNoise("optimizer.FillNoise", t.Length, new FillNoiseOp(G(t).View), key);

    private void LaunchNoise<TOp>(string name, int length, TOp op, NoiseKey key)
        where TOp : struct, INoiseOp
    {
        if (length == 0)
        {
            return;
        }

        var kernel = Device.Kernel(name, acc => acc.LoadAutoGroupedStreamKernel<Index1D, TOp, DeviceNoiseKey, int>(OptimizerKernels.Noise));
        lock (Device.Sync)
        {
            kernel(OptimizerKernels.NoiseThreads(length), op, new DeviceNoiseKey(key), length);
            Launched();
        }
    }

    /// <summary>Runs a reduction kernel over its fixed grid for <paramref name="length"/> elements and sums the
    /// downloaded partials in group order.</summary>
    private double Reduce(int length, Action<KernelConfig, ArrayView<double>> launch)
    {
        int groups = ReductionKernels.Groups(length);
        lock (Device.Sync)
        {
            _partials ??= Accelerator.Allocate1D<double>(ReductionKernels.MaxGroups);
            ArrayView<double> partials = _partials.View.SubView(0, groups);
            launch(new KernelConfig(groups, ReductionKernels.GroupThreads(Math.Min(Accelerator.MaxNumThreadsPerGroup, Accelerator.MaxGroupSize.X))), partials);
            Launched();
            Span<double> host = _hostPartials.AsSpan(0, groups);
            partials.CopyToCPU(Accelerator.DefaultStream, host);
            return SumInOrder(host);
        }
    }

    // ───────────────────────────── test hooks ─────────────────────────────

    /// <summary>Test hook: Philox4x32-10 on the device of counters (four words each) under keys (two words each).</summary>
    internal uint[] PhiloxOnDevice(uint[] counters, uint[] keys)
    {
        var kernel = Device.Kernel("optimizer.test.Philox", acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<uint>, ArrayView<uint>, ArrayView<uint>>(OptimizerKernels.PhiloxBlocks));
        var output = new uint[counters.Length];
        lock (Device.Sync)
        {
            using var c = Accelerator.Allocate1D(counters);
            using var k = Accelerator.Allocate1D(keys);
            using var o = Accelerator.Allocate1D<uint>(counters.Length);
            kernel(counters.Length / 4, c.View, k.View, o.View);
            o.View.CopyToCPU(Accelerator.DefaultStream, output.AsSpan());
        }

        return output;
    }

    /// <summary>Test hook: the device's Box–Muller pairs of words (a[j], b[j]), as (cos, sin) interleaved.</summary>
    internal float[] PairsOnDevice(uint[] a, uint[] b)
    {
        var kernel = Device.Kernel("optimizer.test.Pairs", acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<uint>, ArrayView<uint>, ArrayView<float>>(OptimizerKernels.Pairs));
        var output = new float[2 * a.Length];
        lock (Device.Sync)
        {
            using var da = Accelerator.Allocate1D(a);
            using var db = Accelerator.Allocate1D(b);
            using var o = Accelerator.Allocate1D<float>(output.Length);
            kernel(a.Length, da.View, db.View, o.View);
            o.View.CopyToCPU(Accelerator.DefaultStream, output.AsSpan());
        }

        return output;
    }

    /// <summary>Test hook: the device's draws at arbitrary element indices (up to NoiseKey.MaxElements − 1).</summary>
    internal float[] NoiseAtOnDevice(NoiseKey key, long[] indices)
    {
        var kernel = Device.Kernel("optimizer.test.NoiseAt", acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<long>, DeviceNoiseKey, ArrayView<float>>(OptimizerKernels.NoiseAt));
        var output = new float[indices.Length];
        lock (Device.Sync)
        {
            using var i = Accelerator.Allocate1D(indices);
            using var o = Accelerator.Allocate1D<float>(indices.Length);
            kernel(indices.Length, i.View, new DeviceNoiseKey(key), o.View);
            o.View.CopyToCPU(Accelerator.DefaultStream, output.AsSpan());
        }

        return output;
    }
}
