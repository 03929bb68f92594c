using ILGPU;
using ILGPU.Runtime;

namespace BoundLab.Gpu.Kernels;

/// <summary>Deterministic reductions: a fixed grid that depends on the length only, float64 accumulation, a fixed
/// shared-memory tree per group, and one float64 partial per group that the host sums in group order
/// (<see cref="GpuBackend.SumInOrder"/>). No atomics, so the result never depends on how the GPU schedules.</summary>
/// <remarks>A group has <see cref="GroupSize"/> logical lanes whatever its physical size: lane l of group g sums
/// elements g·GroupSize + l + k·stride in order, and a group of fewer threads (the CPU accelerator allows 16) runs
/// several lanes per thread. So the result depends on the length alone — the same bits on the simulator and on a
/// GPU.</remarks>
public static class ReductionKernels
{
    /// <summary>Lanes per group of the reduction kernels (a power of two: the tree halves it), and the most threads
    /// a group is launched with.</summary>
    public const int GroupSize = 256;

    /// <summary>Elements each lane takes before the grid stops growing with the length.</summary>
    public const int ElementsPerLane = 8;

    /// <summary>Most groups (partials) of one reduction; longer inputs loop over the grid.</summary>
    public const int MaxGroups = 1024;

    /// <summary>Threads per group on an accelerator: the largest power of two ≤ <see cref="GroupSize"/> it allows.</summary>
    public static int GroupThreads(int maxThreadsPerGroup)
    {
        int threads = GroupSize;
        while (threads > maxThreadsPerGroup)
        {
            threads >>= 1;
        }

        return threads;
    }

    /// <summary>Number of groups for <paramref name="length"/> elements: ⌈length / 2048⌉, at least 1, at most
    /// <see cref="MaxGroups"/> — a function of the length alone.</summary>
    public static int Groups(int length)
        => (int)Math.Clamp(((long)length + GroupSize * ElementsPerLane - 1) / (GroupSize * ElementsPerLane), 1, MaxGroups);

    /// <summary>partials[group] = Σ x_i·y_i over the group's elements, in float64: the float32 product is exact in
    /// float64, so only the sums round.</summary>
    public static void Dot(ArrayView<float> x, ArrayView<float> y, ArrayView<double> partials, int length)
    {
        ArrayView<double> lanes = SharedMemory.Allocate<double>(GroupSize);
        int stride = Grid.DimX * GroupSize;
        for (int lane = Group.IdxX; lane < GroupSize; lane += Group.DimX)
        {
            double s = 0;
            for (int i = Grid.IdxX * GroupSize + lane; i < length; i += stride)
            {
                s = Math.FusedMultiplyAdd((double)x[i], y[i], s);
            }

            lanes[lane] = s;
        }

        GroupSum(lanes, partials);
    }

    /// <summary>partials[group] = Σ t_i² with t_i = fma(wd, w_i, g_i) in float64 and t² accumulated by an FMA, as
    /// the CPU's Update.NormSquared forms each term.</summary>
    public static void NormSquared(ArrayView<float> w, ArrayView<float> g, double weightDecay, ArrayView<double> partials, int length)
    {
        ArrayView<double> lanes = SharedMemory.Allocate<double>(GroupSize);
        int stride = Grid.DimX * GroupSize;
        for (int lane = Group.IdxX; lane < GroupSize; lane += Group.DimX)
        {
            double s = 0;
            for (int i = Grid.IdxX * GroupSize + lane; i < length; i += stride)
            {
                double t = Math.FusedMultiplyAdd(weightDecay, w[i], g[i]);
                s = Math.FusedMultiplyAdd(t, t, s);
            }

            lanes[lane] = s;
        }

        GroupSum(lanes, partials);
    }

    /// <summary>sums[c] = float32(Σ_r m[r, c]) summed in float64 over rows in order — the CPU's order, so the same
    /// bits; with <paramref name="accumulate"/> ≠ 0 that float32 sum is then added to sums[c] in float32, as the CPU
    /// does. One thread per column: no cross-thread sum at all.</summary>
    public static void ColumnSums(Index1D c, ArrayView<float> m, ArrayView<float> sums, int rows, int cols, int accumulate)
    {
        double s = 0;
        for (int r = 0; r < rows; r++)
        {
            s += m[(long)r * cols + c];
        }

        float f = (float)s;
        sums[c] = accumulate != 0 ? f + sums[c] : f;
    }

    // A fixed tree over the GroupSize lanes: step h adds lane t + h into lane t for t < h, h = GroupSize/2 … 1.
    private static void GroupSum(ArrayView<double> lanes, ArrayView<double> partials)
    {
        Group.Barrier();
        for (int h = GroupSize / 2; h > 0; h >>= 1)
        {
            for (int t = Group.IdxX; t < h; t += Group.DimX)
            {
                lanes[t] += lanes[t + h];
            }

            Group.Barrier();
        }

        if (Group.IdxX == 0)
        {
            partials[Grid.IdxX] = lanes[0];
        }
    }
}
