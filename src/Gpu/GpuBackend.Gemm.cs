using BoundLab.Gpu.Kernels;
using ILGPU.Runtime;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Gpu;

public sealed partial class GpuBackend
{
    /// <inheritdoc />
    /// <remarks>One launch of the tiled SGEMM (<see cref="SgemmKernel"/>, tile by <see cref="SgemmLaunch.Choose(int, int, Accelerator)"/>);
    /// alpha = 0 or k = 0 is one launch of C ← beta·C instead (A and B are not read; beta = 1 launches nothing).</remarks>
    protected override void MatMulCore(Tensor<float> a, bool transA, Tensor<float> b, bool transB, Tensor<float> c, float alpha, float beta)
    {
        // The tiles read A and B while other blocks write C: an output sharing storage with an operand would be read
        // half-overwritten, silently (every backend's loops assume it does not).
        if (alpha != 0f && (ReferenceEquals(G(c).Buffer, G(a).Buffer) || ReferenceEquals(G(c).Buffer, G(b).Buffer)))
        {
            throw new ArgumentException(
                $"c shares storage with {(ReferenceEquals(G(c).Buffer, G(a).Buffer) ? "a" : "b")} (a view of the same tensor); allowed: an output apart from both operands.", nameof(c));
        }

        MatMulWith(null, a, transA, b, transB, c, alpha, beta);
    }

    /// <summary>Blocks along the grid's Y dimension (rows of C) that every CUDA device allows.</summary>
    private const int MaxGridY = 65535;

    /// <summary><see cref="MatMulCore"/> with the block tile forced (null: chosen by <see cref="SgemmLaunch.Choose(int, int, Accelerator)"/>);
    /// arguments already checked. Tests use it to run every tile the device can hold.</summary>
    internal void MatMulWith(SgemmTile? forced, Tensor<float> a, bool transA, Tensor<float> b, bool transB, Tensor<float> c, float alpha, float beta)
    {
        int m = c.Rows, n = c.Cols, k = transA ? a.Rows : a.Cols;
        if (m == 0 || n == 0)
        {
            return;
        }

        if (alpha == 0f || k == 0)
        {
            if (beta == 1f)
            {
                return;
            }

            var scale = Device.Kernel("sgemm-scale", SgemmLaunch.LoadScale);
            lock (Device.Sync)
            {
                scale(c.Length, G(c).View, beta);
            }

            Launched();
            return;
        }

        SgemmTile tile = forced ?? SgemmLaunch.Choose(m, n, Accelerator);
        if (!SgemmLaunch.Fits(tile, Accelerator))
        {
            throw new ArgumentException($"SGEMM tile {tile} needs {SgemmLaunch.Threads(tile)} threads per group; {Device.Name} allows {Accelerator.MaxNumThreadsPerGroup}.", nameof(forced));
        }

        if ((m + SgemmLaunch.Side(tile) - 1) / SgemmLaunch.Side(tile) > MaxGridY)
        {
            throw new ArgumentException($"c has {m} rows; the SGEMM grid allows at most {(long)MaxGridY * SgemmLaunch.Side(tile)} rows with tile {tile} (split the product).", nameof(c));
        }

        SgemmLauncher kernel = Device.Kernel("sgemm-" + tile, acc => SgemmLaunch.Load(acc, tile));
        var args = new SgemmArgs(m, n, k, transA, transB, alpha, beta);
        lock (Device.Sync)
        {
            kernel(SgemmLaunch.Config(tile, m, n), G(a).View, G(b).View, G(c).View, args);
        }

        Launched();
    }
}
