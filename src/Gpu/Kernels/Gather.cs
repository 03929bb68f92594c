using ILGPU;
using ILGPU.Runtime;

namespace BoundLab.Gpu.Kernels;

// Minibatch gathering from a resident data set: the only per-step upload is the row-index list.
internal static partial class ConvKernels
{
    /// <summary>Batch row r ← data row rows[r]: thread (r, col) of a rows × width grid (width = max(d, k, 1)) copies input
    /// column col when col &lt; d, target column col when col &lt; k (k = 0 without targets), and the label when
    /// hasLabels ≠ 0 and col = 0. Exact copies: one kernel moves inputs, labels and targets together.</summary>
    internal static void GatherRows(Index1D index, int width, ArrayView1D<int, Stride1D.Dense> rows,
        int d, ArrayView1D<float, Stride1D.Dense> inputs, ArrayView1D<float, Stride1D.Dense> batchInputs,
        int hasLabels, ArrayView1D<int, Stride1D.Dense> labels, ArrayView1D<int, Stride1D.Dense> batchLabels,
        int k, ArrayView1D<float, Stride1D.Dense> targets, ArrayView1D<float, Stride1D.Dense> batchTargets)
    {
        int i = index;
        int r = i / width, col = i - r * width;
        int source = rows[r];
        if (col < d)
        {
            batchInputs[r * d + col] = inputs[source * d + col];
        }

        if (hasLabels != 0 && col == 0)
        {
            batchLabels[r] = labels[source];
        }

        if (col < k)
        {
            batchTargets[r * k + col] = targets[source * k + col];
        }
    }
}
