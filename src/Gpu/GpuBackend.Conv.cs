using BoundLab.Numerics.Backends;
using BoundLab.Numerics.Data;
using BoundLab.Numerics.Kernels;
using BoundLab.Numerics.Tensors;
using ILGPU;
using ILGPU.Runtime;
using BoundLab.Gpu.Kernels;
using FloatView = ILGPU.Runtime.ArrayView1D<float, ILGPU.Stride1D.Dense>;
using IntView = ILGPU.Runtime.ArrayView1D<int, ILGPU.Stride1D.Dense>;

namespace BoundLab.Gpu;

// Resident data, batch gathering, convolution and pooling (kernels in Kernels/Conv.cs and Kernels/Gather.cs). Every
// kernel is the CPU kernel's arithmetic in the CPU kernel's order, so the results are the CPU backend's bits.
public sealed partial class GpuBackend
{
    /// <summary>Row-index slots of the gather ring: one stream synchronization per this many gathers.</summary>
    private const int GatherSlots = 32;

    private MemoryBuffer1D<int, Stride1D.Dense>? _gatherRows;
    private PageLockedArray1D<int>[]? _gatherStaging;
    private int _gatherSlotLength, _gatherNextSlot;
    private MemoryBuffer1D<int, Stride1D.Dense>? _poolFlags;

    /// <summary>Index buffers whose content MaxPool2dForward wrote, with its geometry: their arg-max indices are valid by
    /// construction, so MaxPool2dBackward skips the device check and its host round trip. Every operation that writes an
    /// index tensor by other means (UploadIndices, Gather) removes it (<see cref="ForgetArgmax"/>).</summary>
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<MemoryBuffer1D<int, Stride1D.Dense>, Conv2dGeometry> _argmaxFrom = [];

    /// <summary>Marks <paramref name="t"/> as no longer holding MaxPool2dForward's arg-max (it is being written otherwise).</summary>
    internal void ForgetArgmax(IndexTensor t) => _argmaxFrom.Remove(G(t).Buffer);

    /// <inheritdoc />
    /// <remarks>The inputs (already float32), the labels (a device index vector) and the regression targets go through
    /// page-locked staging buffers, all copies queued, then one synchronization: the data set is uploaded once per run.</remarks>
    protected override ResidentDataset<float> UploadDatasetCore(Dataset data)
    {
        Tensor<float> inputs = Allocate(data.Inputs.Rows, data.Inputs.Cols);
        IndexTensor? labels = data.Labels is null ? null : AllocateIndices(data.Labels.Length);
        Tensor<float>? targets = data.Targets is null ? null : Allocate(data.Targets.Rows, data.Targets.Cols);
        lock (Device.Sync)
        {
            AcceleratorStream stream = Accelerator.DefaultStream;
            var staged = new List<IDisposable>();
            try
            {
                Stage(stream, data.Inputs.Data, G(inputs).View, staged);
                if (labels is not null)
                {
                    Stage(stream, data.Labels!, G(labels).View, staged);
                }

                if (targets is not null)
                {
                    Stage(stream, data.Targets!.Data, G(targets).View, staged);
                }
            }
            finally
            {
                // Also on failure: no queued copy may outlive its page-locked source.
                stream.Synchronize();
                foreach (IDisposable d in staged)
                {
                    d.Dispose();
                }
            }
        }

        return new ResidentDataset<float>(data, inputs, labels, targets);
    }

    /// <summary>Copies source into a page-locked array and queues its copy to destination (kept in staged until the stream is synchronized).</summary>
    private void Stage<T>(AcceleratorStream stream, T[] source, ArrayView1D<T, Stride1D.Dense> destination, List<IDisposable> staged)
        where T : unmanaged
    {
        if (source.Length == 0)
        {
            return;
        }

        PageLockedArray1D<T> pinned = Accelerator.AllocatePageLocked1D<T>(source.Length);
        staged.Add(pinned);
        source.AsSpan().CopyTo(pinned.Span);
        destination.CopyFromPageLockedAsync(stream, pinned);
    }

    /// <inheritdoc />
    /// <remarks>The row indices go through a page-locked slot of a ring into a cached device buffer (an asynchronous copy:
    /// the stream is synchronized only once per <see cref="GatherSlots"/> gathers, before slots are reused, or when a
    /// larger batch grows the ring), then one kernel copies the inputs, labels and targets of those rows: no per-sample
    /// transfer and no per-step wait.</remarks>
    protected override void GatherCore(ResidentDataset<float> data, ReadOnlySpan<int> rows, Batch<float> batch)
    {
        if (rows.Length == 0)
        {
            return;
        }

        int d = data.InputDim, k = data.Targets?.Cols ?? 0;
        int width = Math.Max(1, Math.Max(d, k));
        var kernel = Device.Kernel("gather.rows", acc => acc.LoadAutoGroupedStreamKernel<Index1D, int, IntView, int, FloatView, FloatView,
            int, IntView, IntView, int, FloatView, FloatView>(ConvKernels.GatherRows));
        if (batch.Labels is not null)
        {
            ForgetArgmax(batch.Labels);
        }

        lock (Device.Sync)
        {
            IntView rowView = StageRows(rows);
            IntView labels = data.Labels is null ? rowView : G(data.Labels).View;
            IntView batchLabels = batch.Labels is null ? rowView : G(batch.Labels).View;
            FloatView targets = data.Targets is null ? G(data.Inputs).View : G(data.Targets).View;
            FloatView batchTargets = batch.Targets is null ? G(batch.Inputs).View : G(batch.Targets).View;
            kernel(rows.Length * width, width, rowView, d, G(data.Inputs).View, G(batch.Inputs).View,
                data.Labels is null ? 0 : 1, labels, batchLabels, k, targets, batchTargets);
            Launched();
        }
    }

    /// <summary>Queues the copy of <paramref name="rows"/> into the next slot of the device ring and returns that slot's
    /// view (call under Device.Sync). A slot's page-locked source is rewritten only after a synchronization that follows
    /// its last copy.</summary>
    private IntView StageRows(ReadOnlySpan<int> rows)
    {
        AcceleratorStream stream = Accelerator.DefaultStream;
        if (_gatherStaging is null || rows.Length > _gatherSlotLength)
        {
            stream.Synchronize();
            FreeGatherRing();
            _gatherSlotLength = Math.Max(256, (int)Math.Min(int.MaxValue / GatherSlots, 2L * rows.Length));
            _gatherRows = Accelerator.Allocate1D<int>((long)GatherSlots * _gatherSlotLength);
            _gatherStaging = new PageLockedArray1D<int>[GatherSlots];
            for (int s = 0; s < GatherSlots; s++)
            {
                _gatherStaging[s] = Accelerator.AllocatePageLocked1D<int>(_gatherSlotLength);
            }

            _gatherNextSlot = 0;
        }
        else if (_gatherNextSlot == GatherSlots)
        {
            stream.Synchronize();
            _gatherNextSlot = 0;
        }

        int slot = _gatherNextSlot++;
        PageLockedArray1D<int> staging = _gatherStaging[slot];
        rows.CopyTo(staging.Span);
        IntView device = _gatherRows!.View.SubView((long)slot * _gatherSlotLength, _gatherSlotLength);
        device.CopyFromPageLockedAsync(stream, staging);
        return device.SubView(0, rows.Length);
    }

    private void FreeGatherRing()
    {
        _gatherRows?.Dispose();
        _gatherRows = null;
        foreach (PageLockedArray1D<int> staging in _gatherStaging ?? [])
        {
            staging.Dispose();
        }

        _gatherStaging = null;
    }

    /// <inheritdoc />
    /// <remarks>Exact copies: bit-identical to the specification. One thread per entry of cols.</remarks>
    protected override void Im2ColCore(Conv2dGeometry geometry, Tensor<float> input, Tensor<float> cols)
    {
        RequireSeparate(input, cols, nameof(cols));
        Launch("conv.im2col", ConvKernels.Im2Col, cols.Length, geometry, G(input).View, G(cols).View);
    }

    /// <inheritdoc />
    /// <remarks>A gather (one thread per input value) adding in the CPU's (oy, ox) order: the CPU backend's bits, no atomics.</remarks>
    protected override void Col2ImCore(Conv2dGeometry geometry, Tensor<float> cols, Tensor<float> input)
    {
        RequireSeparate(cols, input, nameof(input));
        Launch("conv.col2im", ConvKernels.Col2Im, input.Length, geometry, G(cols).View, G(input).View);
    }

    /// <inheritdoc />
    /// <remarks>Comparisons only: bit-identical to the specification, arg-max included.</remarks>
    protected override void MaxPool2dForwardCore(Conv2dGeometry geometry, Tensor<float> input, Tensor<float> output, IndexTensor argmax)
    {
        RequireSeparate(input, output, nameof(output));
        if (output.Length == 0)
        {
            return;
        }

        var kernel = Device.Kernel("pool.max.forward",
            acc => acc.LoadAutoGroupedStreamKernel<Index1D, ConvShape, FloatView, FloatView, IntView>(ConvKernels.MaxPoolForward));
        lock (Device.Sync)
        {
            kernel(output.Length, new ConvShape(geometry), G(input).View, G(output).View, G(argmax).View);
            Launched();
        }

        _argmaxFrom.AddOrUpdate(G(argmax).Buffer, geometry);
    }

    /// <inheritdoc />
    /// <remarks>When argmax is what MaxPool2dForward wrote with this geometry (the training path) one gather kernel adds,
    /// for each input value, the terms of the covering windows in output order. Otherwise a check kernel validates argmax
    /// on the device and its two flags come back (one 8-byte download): an index outside its image is refused by name;
    /// when every index lies in its own window and channel the same gather runs, else one thread per image runs the CPU's
    /// loop. Either way the CPU backend's bits, without atomics.</remarks>
    protected override void MaxPool2dBackwardCore(Conv2dGeometry geometry, Tensor<float> gradOutput, IndexTensor argmax, Tensor<float> gradInput)
    {
        RequireSeparate(gradOutput, gradInput, nameof(gradInput));
        if (gradInput.Length == 0)
        {
            return;
        }

        var check = Device.Kernel("pool.max.check",
            acc => acc.LoadAutoGroupedStreamKernel<Index1D, ConvShape, IntView, IntView>(ConvKernels.MaxPoolCheck));
        var gather = Device.Kernel("pool.max.backward",
            acc => acc.LoadAutoGroupedStreamKernel<Index1D, ConvShape, FloatView, IntView, FloatView>(ConvKernels.MaxPoolBackward));
        var perImage = Device.Kernel("pool.max.backward.per-image",
            acc => acc.LoadAutoGroupedStreamKernel<Index1D, ConvShape, FloatView, IntView, FloatView>(ConvKernels.MaxPoolBackwardPerImage));
        var shape = new ConvShape(geometry);
        Span<int> flags = [int.MaxValue, 0];
        bool trusted = _argmaxFrom.TryGetValue(G(argmax).Buffer, out Conv2dGeometry? wrote) && wrote == geometry;
        lock (Device.Sync)
        {
            IntView flagView = FlagBuffer().View;
            if (!trusted && argmax.Length > 0)
            {
                flagView.CopyFromCPU(Accelerator.DefaultStream, flags);
                check(argmax.Length, shape, G(argmax).View, flagView);
                Launched();
                flagView.CopyToCPU(Accelerator.DefaultStream, flags);
                if (flags[0] != int.MaxValue)
                {
                    int i = flags[0];
                    Span<int> at = stackalloc int[1];
                    G(argmax).View.SubView(i, 1).CopyToCPU(Accelerator.DefaultStream, at);
                    int b = i / geometry.OutImageSize, lo = b * geometry.ImageSize, hi = lo + geometry.ImageSize;
                    throw new ArgumentException(
                        $"argmax[{i}] is {at[0]}; allowed: an index into image {b}, {lo} ≤ index < {hi} (as MaxPool2dForward writes).", nameof(argmax));
                }
            }

            if (flags[1] == 0)
            {
                gather(gradInput.Length, shape, G(gradOutput).View, G(argmax).View, G(gradInput).View);
            }
            else
            {
                perImage(gradInput.Rows, shape, G(gradOutput).View, G(argmax).View, G(gradInput).View);
            }

            Launched();
        }
    }

    /// <summary>The cached two-int flag buffer of the arg-max check (call under Device.Sync).</summary>
    private MemoryBuffer1D<int, Stride1D.Dense> FlagBuffer() => _poolFlags ??= Accelerator.Allocate1D<int>(2);

    /// <inheritdoc />
    /// <remarks>The window summed in (ky, kx) order, then one IEEE division: the CPU backend's bits.</remarks>
    protected override void AvgPool2dForwardCore(Conv2dGeometry geometry, Tensor<float> input, Tensor<float> output)
    {
        RequireSeparate(input, output, nameof(output));
        Launch("pool.avg.forward", ConvKernels.AvgPoolForward, output.Length, geometry, G(input).View, G(output).View);
    }

    /// <inheritdoc />
    /// <remarks>A gather of the divided terms in the CPU's (oy, ox) order: the CPU backend's bits, no atomics.</remarks>
    protected override void AvgPool2dBackwardCore(Conv2dGeometry geometry, Tensor<float> gradOutput, Tensor<float> gradInput)
    {
        RequireSeparate(gradOutput, gradInput, nameof(gradInput));
        Launch("pool.avg.backward", ConvKernels.AvgPoolBackward, gradInput.Length, geometry, G(gradOutput).View, G(gradInput).View);
    }

    /// <summary>Launches a one-thread-per-value kernel of the (shape, source, destination) form over <paramref name="length"/> threads.</summary>
    private void Launch(string name, Action<Index1D, ConvShape, FloatView, FloatView> body, int length, Conv2dGeometry geometry,
        FloatView source, FloatView destination)
    {
        if (length == 0)
        {
            return;
        }

        var kernel = Device.Kernel(name, acc => acc.LoadAutoGroupedStreamKernel(body));
        lock (Device.Sync)
        {
            kernel(length, new ConvShape(geometry), source, destination);
            Launched();
        }
    }

    /// <summary>Throws when two tensors share storage (views of one tensor): these kernels read one while writing the other.</summary>
    private static void RequireSeparate(Tensor<float> source, Tensor<float> destination, string name)
    {
        if (ReferenceEquals(G(source).Buffer, G(destination).Buffer))
        {
            throw new ArgumentException($"{name} shares storage with the tensor it is computed from; allowed: separate tensors.", name);
        }
    }
}
