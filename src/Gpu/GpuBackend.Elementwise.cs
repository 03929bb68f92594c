using BoundLab.Numerics;
using BoundLab.Numerics.Backends;
using BoundLab.Numerics.Losses;
using BoundLab.Numerics.Tensors;
using ILGPU;
using ILGPU.Runtime;
using EK = BoundLab.Gpu.Kernels.Elementwise;
using LK = BoundLab.Gpu.Kernels.Losses;
using LossLaw = BoundLab.Numerics.Losses.Loss;

namespace BoundLab.Gpu;

public sealed partial class GpuBackend
{
    // Per-row float64 values of the loss and error kernels (rows losses, then rows bad-label flags), and their host
    // copy: cached and grown, never allocated per call. Guarded by Device.Sync (launch, then download).
    private MemoryBuffer1D<double, Stride1D.Dense>? _rowValues;
    private double[] _rowValuesHost = [];

    // One-element stand-ins for the views a kernel takes but a call does not have (no bias, no labels, …).
    private MemoryBuffer1D<float, Stride1D.Dense>? _noFloats;
    private MemoryBuffer1D<int, Stride1D.Dense>? _noInts;

    /// <inheritdoc />
    protected override void FillCore(Tensor<float> tensor, float value)
    {
        if (tensor.Length == 0)
        {
            return;
        }

        var fill = Device.Kernel("Elementwise.Fill", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView1D<float, Stride1D.Dense>, float>(EK.Fill));
        lock (Device.Sync)
        {
            fill(tensor.Length, G(tensor).View, value);
        }

        Launched();
    }

    /// <inheritdoc />
    /// <remarks>fl(fl(α·x) + y) per element, bit-identical to the CPU backend's unfused multiply-add.</remarks>
    protected override void AxpyCore(float alpha, Tensor<float> x, Tensor<float> y)
    {
        if (y.Length == 0)
        {
            return;
        }

        var axpy = Device.Kernel("Elementwise.Axpy", a => a.LoadAutoGroupedStreamKernel<Index1D, float, ArrayView1D<float, Stride1D.Dense>, ArrayView1D<float, Stride1D.Dense>>(EK.Axpy));
        lock (Device.Sync)
        {
            axpy(y.Length, alpha, G(x).View, G(y).View);
        }

        Launched();
    }

    /// <inheritdoc />
    protected override void ScaleCore(float alpha, Tensor<float> x)
    {
        if (x.Length == 0)
        {
            return;
        }

        var scale = Device.Kernel("Elementwise.Scale", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView1D<float, Stride1D.Dense>, float>(EK.Scale));
        lock (Device.Sync)
        {
            scale(x.Length, G(x).View, alpha);
        }

        Launched();
    }

    /// <inheritdoc />
    /// <remarks>z + bias and ReLU/identity bit-identical to the CPU backend; sigmoid and tanh are the float64 laws
    /// rounded once (within an ulp of float32 of the reference).</remarks>
    protected override void BiasActivationCore(Tensor<float> z, Tensor<float>? bias, Activation activation, Tensor<float> output)
    {
        if (z.Length == 0 || (bias is null && activation == Activation.Identity && ReferenceEquals(G(z).Buffer, G(output).Buffer)))
        {
            return;
        }

        var kernel = Device.Kernel("Elementwise.BiasActivation", a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView1D<float, Stride1D.Dense>,
            ArrayView1D<float, Stride1D.Dense>, int, int, int, ArrayView1D<float, Stride1D.Dense>>(EK.BiasActivation));
        lock (Device.Sync)
        {
            ArrayView1D<float, Stride1D.Dense> b = bias is null ? NoFloats() : G(bias).View;
            kernel(z.Length, G(z).View, b, bias is null ? 0 : 1, z.Cols, (int)activation, G(output).View);
        }

        Launched();
    }

    /// <inheritdoc />
    /// <remarks>act′ from the output, in the CPU backend's float32 expressions (bit-identical to it).</remarks>
    protected override void ActivationBackwardCore(Activation activation, Tensor<float> pre, Tensor<float> output, Tensor<float> gradOutput, Tensor<float> gradPre)
    {
        if (pre.Length == 0 || (activation == Activation.Identity && ReferenceEquals(G(gradOutput).Buffer, G(gradPre).Buffer)))
        {
            return;
        }

        var kernel = Device.Kernel("Elementwise.ActivationBackward", a => a.LoadAutoGroupedStreamKernel<Index1D, int, ArrayView1D<float, Stride1D.Dense>,
            ArrayView1D<float, Stride1D.Dense>, ArrayView1D<float, Stride1D.Dense>>(EK.ActivationBackward));
        lock (Device.Sync)
        {
            kernel(pre.Length, (int)activation, G(output).View, G(gradOutput).View, G(gradPre).View);
        }

        Launched();
    }

    /// <inheritdoc />
    /// <remarks>One thread per row computes the row's loss and gradient in float64 (<see cref="LK.LossRows"/>); the
    /// host sums the rows' losses in row order, as <see cref="LossLaw.Compute"/> does, and checks the labels the kernel
    /// flagged.</remarks>
    protected override double LossCore(LossKind loss, Tensor<float> outputs, BatchTargets<float> targets, Tensor<float>? grad)
    {
        if (!Enum.IsDefined(loss))
        {
            throw new ArgumentOutOfRangeException(nameof(loss), loss, $"allowed: {string.Join(", ", Enum.GetNames<LossKind>())}");
        }

        int rows = outputs.Rows, cols = outputs.Cols;
        if (rows == 0)
        {
            return 0;
        }

        if (cols == 0 && loss is LossKind.Hinge or LossKind.Logistic or LossKind.Exponential)
        {
            throw new ArgumentException($"outputs is {outputs.Shape}; the {LossLaw.Name(loss)} loss needs at least one output column.", nameof(outputs));
        }

        bool regression = targets.Targets is not null;
        int mode = (regression ? LK.WithTargets : 0) | (grad is null ? 0 : LK.WithGradient);
        var kernel = Device.Kernel("Losses.LossRows", a => a.LoadAutoGroupedStreamKernel<Index1D, int, int, int, ArrayView1D<float, Stride1D.Dense>,
            ArrayView1D<int, Stride1D.Dense>, ArrayView1D<float, Stride1D.Dense>, int, ArrayView1D<float, Stride1D.Dense>, double,
            ArrayView1D<double, Stride1D.Dense>>(LK.LossRows));
        int count = regression ? rows : 2 * rows;
        double total;
        lock (Device.Sync)
        {
            ArrayView1D<double, Stride1D.Dense> values = RowValues(2 * rows);
            kernel(rows, (int)loss, rows, cols, G(outputs).View,
                regression ? NoInts() : G(targets.Labels!).View,
                regression ? G(targets.Targets!).View : NoFloats(),
                mode, grad is null ? NoFloats() : G(grad).View, 1.0 / rows, values);
            Launched();
            Span<double> host = DownloadRowValues(values, count);
            if (!regression)
            {
                CheckLabels(loss, host.Slice(rows, rows), targets.Labels!, cols);
            }

            total = SumInOrder(host[..rows]);
        }

        return total * (1.0 / rows);
    }

    /// <inheritdoc />
    /// <remarks>One thread per row (<see cref="LK.ErrorRows"/>); the host sums the rows in row order. A regression's
    /// Σ‖f − y‖² is summed per row first, so it can differ from the CPU's single running sum by rows·2⁻⁵³ relative.</remarks>
    protected override double ErrorSumCore(Tensor<float> outputs, BatchTargets<float> targets)
    {
        int rows = outputs.Rows;
        if (rows == 0)
        {
            return 0;
        }

        bool regression = targets.Targets is not null;
        var kernel = Device.Kernel("Losses.ErrorRows", a => a.LoadAutoGroupedStreamKernel<Index1D, int, ArrayView1D<float, Stride1D.Dense>,
            ArrayView1D<int, Stride1D.Dense>, ArrayView1D<float, Stride1D.Dense>, int, ArrayView1D<double, Stride1D.Dense>>(LK.ErrorRows));
        lock (Device.Sync)
        {
            ArrayView1D<double, Stride1D.Dense> values = RowValues(rows);
            kernel(rows, outputs.Cols, G(outputs).View,
                regression ? NoInts() : G(targets.Labels!).View,
                regression ? G(targets.Targets!).View : NoFloats(),
                regression ? LK.WithTargets : 0, values);
            Launched();
            return SumInOrder(DownloadRowValues(values, rows));
        }
    }

    // The first row whose label the kernel flagged, reported as the host backend reports it.
    private void CheckLabels(LossKind loss, ReadOnlySpan<double> flags, IndexTensor labels, int cols)
    {
        int bad = flags.IndexOf(1.0);
        if (bad < 0)
        {
            return;
        }

        var host = new int[labels.Length];
        G(labels).View.CopyToCPU(Accelerator.DefaultStream, host);
        int highest = cols > 1 || loss == LossKind.CrossEntropy ? cols - 1 : 1;
        throw new ArgumentOutOfRangeException("targets", host[bad],
            $"label of row {bad} is outside 0 … {highest} (the {LossLaw.Name(loss)} loss on {cols} output{(cols == 1 ? "" : "s")})");
    }

    // At least n cached per-row values on the device (call under Device.Sync).
    private ArrayView1D<double, Stride1D.Dense> RowValues(int n)
    {
        if (_rowValues is null || _rowValues.Length < n)
        {
            _rowValues?.Dispose();
            _rowValues = Accelerator.Allocate1D<double>(Math.Max(n, 256));
        }

        return _rowValues.View.SubView(0, n);
    }

    // The first n per-row values, downloaded into the cached host array (call under Device.Sync).
    private Span<double> DownloadRowValues(ArrayView1D<double, Stride1D.Dense> values, int n)
    {
        if (_rowValuesHost.Length < values.Length)
        {
            _rowValuesHost = new double[values.Length];
        }

        Span<double> host = _rowValuesHost.AsSpan(0, n);
        values.SubView(0, n).CopyToCPU(Accelerator.DefaultStream, host);
        return host;
    }

    private ArrayView1D<float, Stride1D.Dense> NoFloats() => (_noFloats ??= Accelerator.Allocate1D<float>(1)).View;

    private ArrayView1D<int, Stride1D.Dense> NoInts() => (_noInts ??= Accelerator.Allocate1D<int>(1)).View;
}
