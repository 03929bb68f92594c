using System.Numerics;

namespace BoundLab.Numerics.Kernels;

/// <summary>Lane-wise helpers of the convolution and pooling kernels; the vector and scalar paths apply the same
/// IEEE operation to each element, so their results agree bit for bit.</summary>
internal static class SpanMath
{
    /// <summary>dst[i] ← dst[i] + src[i].</summary>
    internal static void AddInto<T>(Span<T> dst, ReadOnlySpan<T> src) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            int w = Vector<T>.Count;
            for (; i + w <= dst.Length; i += w)
            {
                (new Vector<T>(dst.Slice(i, w)) + new Vector<T>(src.Slice(i, w))).CopyTo(dst.Slice(i, w));
            }
        }

        for (; i < dst.Length; i++)
        {
            dst[i] += src[i];
        }
    }

    /// <summary>dst[i] ← dst[i] + src[i] / divisor.</summary>
    internal static void AddDividedInto<T>(Span<T> dst, ReadOnlySpan<T> src, T divisor)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            int w = Vector<T>.Count;
            var d = new Vector<T>(divisor);
            for (; i + w <= dst.Length; i += w)
            {
                (new Vector<T>(dst.Slice(i, w)) + new Vector<T>(src.Slice(i, w)) / d).CopyTo(dst.Slice(i, w));
            }
        }

        for (; i < dst.Length; i++)
        {
            dst[i] += src[i] / divisor;
        }
    }

    /// <summary>dst[i] ← dst[i] / divisor.</summary>
    internal static void DivideInPlace<T>(Span<T> dst, T divisor) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            int w = Vector<T>.Count;
            var d = new Vector<T>(divisor);
            for (; i + w <= dst.Length; i += w)
            {
                (new Vector<T>(dst.Slice(i, w)) / d).CopyTo(dst.Slice(i, w));
            }
        }

        for (; i < dst.Length; i++)
        {
            dst[i] /= divisor;
        }
    }
}
