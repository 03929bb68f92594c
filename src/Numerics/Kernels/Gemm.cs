using System.Numerics;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Numerics.Kernels;

/// <summary>General matrix multiply on row-major storage: C = alpha·op(A)·op(B) + beta·C, where op(X) is X
/// or Xᵀ. <see cref="Reference{T}"/> is the specification; <see cref="Sgemm"/> is the fast float32 path.</summary>
public static class Gemm
{
    /// <summary>C = alpha·op(A)·op(B) + beta·C, row-major; op(A) is m×k, op(B) is k×n; lda/ldb/ldc are row strides.</summary>
    /// <remarks>The result is bit-identical whatever <paramref name="threads"/> is (0 = all processors).
    /// beta = 0 overwrites C (NaN in C does not leak); alpha = 0 or k = 0 gives beta·C without reading A or B.</remarks>
    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
        float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb, float beta,
        float[] c, int cOffset, int ldc, int threads)
    {
        Validate(transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
        int resolved = ResolveThreads(threads);
        SgemmDriver.Run(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc,
            resolved, SgemmMicroKernel.Avx512Available);
    }

    /// <summary>The same on matrices: c = alpha·op(a)·op(b) + beta·c, shapes checked.</summary>
    public static void Multiply(Matrix<float> a, bool transA, Matrix<float> b, bool transB, Matrix<float> c,
        float alpha = 1f, float beta = 0f, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(c);
        int m = transA ? a.Cols : a.Rows, k = transA ? a.Rows : a.Cols;
        int kb = transB ? b.Cols : b.Rows, n = transB ? b.Rows : b.Cols;
        string opA = transA ? $"aᵀ is {m}×{k} (a is {a.Shape})" : $"a is {a.Shape}";
        string opB = transB ? $"bᵀ is {kb}×{n} (b is {b.Shape})" : $"b is {b.Shape}";
        if (kb != k)
        {
            throw new ArgumentException($"inner dimensions differ: {opA} but {opB}; allowed: op(b) with {k} rows.", nameof(b));
        }

        if (c.Rows != m || c.Cols != n)
        {
            throw new ArgumentException($"c is {c.Shape}; {opA} and {opB} need c to be {m}×{n}.", nameof(c));
        }

        Sgemm(transA, transB, m, n, k, alpha, a.Data, 0, a.Cols, b.Data, 0, b.Cols, beta, c.Data, 0, c.Cols, threads);
    }

    /// <summary>Reference semantics: a plain triple loop over any float type; the fast path is tested against it.</summary>
    /// <remarks>c = alpha·Σₚ op(a)[i,p]·op(b)[p,j] + beta·c, with beta = 0 overwriting and alpha = 0 or k = 0
    /// not reading a or b, exactly as <see cref="Sgemm"/>.</remarks>
    public static void Reference<T>(bool transA, bool transB, int m, int n, int k, T alpha, T[] a, int aOffset, int lda,
        T[] b, int bOffset, int ldb, T beta, T[] c, int cOffset, int ldc) where T : unmanaged, INumber<T>
    {
        Validate(transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
        bool skipProduct = k == 0 || T.IsZero(alpha);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                T sum = T.Zero;
                if (!skipProduct)
                {
                    for (int p = 0; p < k; p++)
                    {
                        T x = transA ? a[aOffset + p * lda + i] : a[aOffset + i * lda + p];
                        T y = transB ? b[bOffset + j * ldb + p] : b[bOffset + p * ldb + j];
                        sum += x * y;
                    }
                }

                ref T cij = ref c[cOffset + i * ldc + j];
                T scaled = T.IsZero(beta) ? T.Zero : beta * cij;
                cij = skipProduct ? scaled : alpha * sum + scaled;
            }
        }
    }

    /// <summary>The largest thread count a kernel accepts (each thread beyond the first is a persistent worker).</summary>
    public const int MaxThreads = 256;

    /// <summary>Resolves the thread-count argument: 0 means <see cref="Environment.ProcessorCount"/>.</summary>
    internal static int ResolveThreads(int threads)
    {
        if (threads < 0 || threads > MaxThreads)
        {
            throw new ArgumentOutOfRangeException(nameof(threads), threads,
                $"allowed: 0 ≤ threads ≤ {MaxThreads} (0 = all processors).");
        }

        return threads == 0 ? Environment.ProcessorCount : threads;
    }

    private static void Validate<T>(bool transA, bool transB, int m, int n, int k,
        T[] a, int aOffset, int lda, T[] b, int bOffset, int ldb, T[] c, int cOffset, int ldc)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(c);
        NonNegative(m, nameof(m));
        NonNegative(n, nameof(n));
        NonNegative(k, nameof(k));
        // Stored shapes: A is m×k (k×m when transposed), B is k×n (n×k when transposed), C is m×n.
        CheckStorage(a.Length, aOffset, lda, transA ? k : m, transA ? m : k, nameof(a), nameof(aOffset), nameof(lda));
        CheckStorage(b.Length, bOffset, ldb, transB ? n : k, transB ? k : n, nameof(b), nameof(bOffset), nameof(ldb));
        CheckStorage(c.Length, cOffset, ldc, m, n, nameof(c), nameof(cOffset), nameof(ldc));
    }

    private static void NonNegative(int value, string name)
    {
        if (value < 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"allowed: {name} ≥ 0.");
        }
    }

    private static void CheckStorage(int length, int offset, int ld, int rows, int cols,
        string arrayName, string offsetName, string ldName)
    {
        if (ld < cols)
        {
            throw new ArgumentOutOfRangeException(ldName, ld,
                $"the row stride must cover a stored row of {cols}; allowed: {ldName} ≥ {cols}.");
        }

        if (offset < 0 || offset > length)
        {
            throw new ArgumentOutOfRangeException(offsetName, offset, $"allowed: 0 ≤ {offsetName} ≤ {length} (length of {arrayName}).");
        }

        long needed = rows == 0 || cols == 0 ? 0 : (long)(rows - 1) * ld + cols;
        if (offset + needed > length)
        {
            throw new ArgumentException(
                $"{arrayName} has length {length}; a stored {rows}×{cols} matrix with row stride {ld} at offset {offset} " +
                $"needs {offset + needed}.", arrayName);
        }
    }
}
