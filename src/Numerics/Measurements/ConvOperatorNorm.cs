using BoundLab.Numerics.Models.Layers;
using BoundLab.Numerics.Random;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Numerics.Measurements;

/// <summary>
/// The convolution of a <see cref="Conv2dSpec"/> (without its bias and activation) as a linear map A on one NHWC image,
/// in float64: its forward, its adjoint and its operator norm ‖A‖₂ = σ_max(A), the layer's Lipschitz constant in ℓ2 —
/// the quantity Graf et al. (2022) and Ledent et al. (2021) call the Lipschitz constant (spectral norm) of a convolution,
/// with the layer's own zero padding and stride. This is not the spectral norm of the OC × (k·k·C) kernel matrix.
/// </summary>
/// <remarks>Power iteration on AᵀA through <see cref="Apply"/> and <see cref="ApplyAdjoint"/> with the residual stop of
/// <see cref="SpectralNorm"/>; when it has not converged, Lanczos with full reorthogonalization on AᵀA from the last
/// iterate (the same fallback as for dense matrices). <see cref="Unrolled"/> builds the dense matrix, for tests.</remarks>
public static class ConvOperatorNorm
{
    /// <summary>σ_max of the convolution of <paramref name="spec"/> with kernel <paramref name="kernel"/>
    /// (OutChannels × Kernel·Kernel·InChannels, columns in (ky, kx, c) order, as <see cref="Conv2d{T}"/> stores it).</summary>
    public static SpectralNormResult Compute(Conv2dSpec spec, Matrix<float> kernel, SpectralNormOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(kernel);
        double[] k = Kernel64(spec, kernel, nameof(kernel));
        options ??= new SpectralNormOptions(MaxPowerIterations: 200);
        if (!(options.Tolerance > 0 && options.Tolerance < 1))
            throw new ArgumentOutOfRangeException(nameof(options), options.Tolerance, "allowed: 0 < Tolerance < 1");
        if (options.MaxPowerIterations < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxPowerIterations, "allowed: MaxPowerIterations ≥ 1");
        return ComputeCore(spec, k, options);
    }

    /// <summary>σ_max of the convolution with kernel W − W⁰ (the spectral distance of a convolution from its initialization).</summary>
    public static SpectralNormResult Distance(Conv2dSpec spec, Matrix<float> kernel, Matrix<float> init, SpectralNormOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Norms.CheckSameShape(kernel, init);
        double[] k = Kernel64(spec, kernel, nameof(kernel)), k0 = Kernel64(spec, init, nameof(init));
        for (int i = 0; i < k.Length; i++)
            k[i] -= k0[i];
        return ComputeCore(spec, k, options ?? new SpectralNormOptions(MaxPowerIterations: 200));
    }

    /// <summary>y = A x for one image: x has H·W·C entries (NHWC), y gets OutH·OutW·OutChannels; padding reads zeros.</summary>
    public static void Apply(Conv2dSpec spec, ReadOnlySpan<double> kernel, ReadOnlySpan<double> x, Span<double> y)
    {
        ArgumentNullException.ThrowIfNull(spec);
        CheckSizes(spec, kernel.Length, x.Length, y.Length);
        ApplyCore(spec, kernel, x, y);
    }

    /// <summary>x = Aᵀ y for one image (the adjoint of <see cref="Apply"/>).</summary>
    public static void ApplyAdjoint(Conv2dSpec spec, ReadOnlySpan<double> kernel, ReadOnlySpan<double> y, Span<double> x)
    {
        ArgumentNullException.ThrowIfNull(spec);
        CheckSizes(spec, kernel.Length, x.Length, y.Length);
        ApplyAdjointCore(spec, kernel, y, x);
    }

    /// <summary>The dense matrix of A (OutputSize × InputSize), column j = A e_j; for tests on tiny convolutions.</summary>
    public static double[,] Unrolled(Conv2dSpec spec, ReadOnlySpan<double> kernel)
    {
        ArgumentNullException.ThrowIfNull(spec);
        CheckSizes(spec, kernel.Length, spec.InputSize, spec.OutputSize);
        if ((long)spec.InputSize * spec.OutputSize > 1L << 26)
            throw new ArgumentException($"spec {spec.Describe()} unrolls to {spec.OutputSize} × {spec.InputSize}; allowed: at most 2^26 entries.", nameof(spec));
        var m = new double[spec.OutputSize, spec.InputSize];
        var e = new double[spec.InputSize];
        var col = new double[spec.OutputSize];
        for (int j = 0; j < spec.InputSize; j++)
        {
            e[j] = 1;
            ApplyCore(spec, kernel, e, col);
            e[j] = 0;
            for (int i = 0; i < col.Length; i++)
                m[i, j] = col[i];
        }

        return m;
    }

    internal static double[] Kernel64(Conv2dSpec spec, Matrix<float> kernel, string argument)
    {
        int patch = spec.Geometry.PatchSize;
        if (kernel.Rows != spec.OutChannels || kernel.Cols != patch)
            throw new ArgumentException($"{argument} is {kernel.Rows} × {kernel.Cols}; {spec.Describe()} needs {spec.OutChannels} × {patch}.", argument);
        var k = new double[kernel.Data.Length];
        for (int i = 0; i < k.Length; i++)
        {
            k[i] = kernel.Data[i];
            if (!double.IsFinite(k[i]))
                throw new ArgumentException($"{argument} has a non-finite entry {k[i]} at {i}; allowed: finite kernels.", argument);
        }

        return k;
    }

    internal static SpectralNormResult ComputeCore(Conv2dSpec spec, double[] kernel, SpectralNormOptions options)
    {
        int n = spec.InputSize;
        var v = new double[n];
        RandomStream s = RngKey.FromSeed(0xC0471).Stream();
        for (int i = 0; i < n; i++)
            v[i] = s.NextGaussian();
        VectorMath.Normalize(v);
        if (kernel.All(x => x == 0))
            return new SpectralNormResult(0, "zero", 0, v);

        var u = new double[spec.OutputSize];
        var z = new double[n];
        for (int it = 1; it <= options.MaxPowerIterations; it++)
        {
            ApplyCore(spec, kernel, v, u);
            ApplyAdjointCore(spec, kernel, u, z);
            double lambda = VectorMath.Dot(u, u);
            double residual = 0;
            for (int i = 0; i < n; i++)
            {
                double d = z[i] - lambda * v[i];
                residual += d * d;
            }

            if (lambda > 0 && Math.Sqrt(residual) <= options.Tolerance * lambda)
                return new SpectralNormResult(Math.Sqrt(lambda), "power", it, v);
            if (VectorMath.Normalize(z) == 0)
            {
                for (int i = 0; i < n; i++)
                    z[i] = s.NextGaussian();
                VectorMath.Normalize(z);
            }

            (v, z) = (z, v);
        }

        var tmp = new double[spec.OutputSize];
        var run = Lanczos.Iterate(n, (x, into) =>
        {
            ApplyCore(spec, kernel, x, tmp);
            ApplyAdjointCore(spec, kernel, tmp, into);
        }, v, n, 10, (alpha, beta, bNorm) =>
        {
            double theta = Lanczos.LargestTridiagonalEigenvalue(alpha, beta);
            double[] sv = Lanczos.TridiagonalEigenvector(alpha, beta, theta);
            return theta > 0 && bNorm * Math.Abs(sv[^1]) <= options.Tolerance * theta;
        });
        double top = Lanczos.LargestTridiagonalEigenvalue(run.Alpha, run.Beta);
        double[] ritz = Lanczos.TridiagonalEigenvector(run.Alpha, run.Beta, top);
        var w = new double[n];
        for (int j = 0; j < run.Basis.Count; j++)
            VectorMath.AddScaled(w, ritz[j], run.Basis[j]);
        VectorMath.Normalize(w);
        return new SpectralNormResult(Math.Sqrt(Math.Max(top, 0)), "lanczos", options.MaxPowerIterations + run.Basis.Count, w);
    }

    private static void CheckSizes(Conv2dSpec spec, int kernel, int x, int y)
    {
        if (kernel != spec.OutChannels * spec.Geometry.PatchSize)
            throw new ArgumentException($"kernel has {kernel} entries; {spec.Describe()} needs {spec.OutChannels * spec.Geometry.PatchSize}.", nameof(kernel));
        if (x != spec.InputSize)
            throw new ArgumentException($"x has {x} entries; {spec.Describe()} takes {spec.InputSize}.", nameof(x));
        if (y != spec.OutputSize)
            throw new ArgumentException($"y has {y} entries; {spec.Describe()} gives {spec.OutputSize}.", nameof(y));
    }

    // y[(oy·OutW + ox)·OC + o] = Σ_{ky,kx,c} W[o, (ky·K + kx)·C + c] · x[(iy·W + ix)·C + c], iy = oy·s − p + ky (zero outside).
    private static void ApplyCore(Conv2dSpec spec, ReadOnlySpan<double> kernel, ReadOnlySpan<double> x, Span<double> y)
    {
        var g = spec.Geometry;
        int c = g.InChannels, k = spec.Kernel, oc = spec.OutChannels, patch = g.PatchSize;
        y.Clear();
        for (int oy = 0; oy < g.OutH; oy++)
            for (int ox = 0; ox < g.OutW; ox++)
            {
                int outBase = (oy * g.OutW + ox) * oc;
                for (int ky = 0; ky < k; ky++)
                {
                    int iy = oy * g.StrideH - g.PadH + ky;
                    if (iy < 0 || iy >= g.Height)
                        continue;
                    for (int kx = 0; kx < k; kx++)
                    {
                        int ix = ox * g.StrideW - g.PadW + kx;
                        if (ix < 0 || ix >= g.Width)
                            continue;
                        int inBase = (iy * g.Width + ix) * c, kBase = (ky * k + kx) * c;
                        for (int o = 0; o < oc; o++)
                        {
                            double sum = 0;
                            for (int ch = 0; ch < c; ch++)
                                sum += kernel[o * patch + kBase + ch] * x[inBase + ch];
                            y[outBase + o] += sum;
                        }
                    }
                }
            }
    }

    private static void ApplyAdjointCore(Conv2dSpec spec, ReadOnlySpan<double> kernel, ReadOnlySpan<double> y, Span<double> x)
    {
        var g = spec.Geometry;
        int c = g.InChannels, k = spec.Kernel, oc = spec.OutChannels, patch = g.PatchSize;
        x.Clear();
        for (int oy = 0; oy < g.OutH; oy++)
            for (int ox = 0; ox < g.OutW; ox++)
            {
                int outBase = (oy * g.OutW + ox) * oc;
                for (int ky = 0; ky < k; ky++)
                {
                    int iy = oy * g.StrideH - g.PadH + ky;
                    if (iy < 0 || iy >= g.Height)
                        continue;
                    for (int kx = 0; kx < k; kx++)
                    {
                        int ix = ox * g.StrideW - g.PadW + kx;
                        if (ix < 0 || ix >= g.Width)
                            continue;
                        int inBase = (iy * g.Width + ix) * c, kBase = (ky * k + kx) * c;
                        for (int o = 0; o < oc; o++)
                        {
                            double yo = y[outBase + o];
                            for (int ch = 0; ch < c; ch++)
                                x[inBase + ch] += kernel[o * patch + kBase + ch] * yo;
                        }
                    }
                }
            }
    }
}
