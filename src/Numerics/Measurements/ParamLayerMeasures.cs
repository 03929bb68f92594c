using BoundLab.Numerics.Backends;
using BoundLab.Numerics.Kernels;
using BoundLab.Numerics.Models;
using BoundLab.Numerics.Models.Layers;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Numerics.Measurements;

/// <summary>
/// One parametric layer (convolution or dense) of a chain network, measured as the convolution-aware bounds need it
/// (Graf et al. 2022; Ledent et al. 2021): the layer's Lipschitz constant as a linear map on its input, kernel norms
/// over the shared filter (not the unrolled matrix), the patch geometry and the largest input patch on the training set.
/// A dense layer is a 1 × 1 convolution on a 1 × 1 image with In channels (Graf et al.'s convention).
/// </summary>
/// <param name="Index">1-based position among the parametric layers.</param>
/// <param name="Kind">"conv" or "dense".</param>
/// <param name="InHeight">Input image height (1 for dense).</param>
/// <param name="InWidth">Input image width d_l (1 for dense).</param>
/// <param name="InChannels">Input channels (In for dense).</param>
/// <param name="OutHeight">Output height (1 for dense).</param>
/// <param name="OutWidth">Output width (1 for dense).</param>
/// <param name="OutChannels">Output channels m_l (Out for dense).</param>
/// <param name="Kernel">Window side (1 for dense).</param>
/// <param name="Stride">Window step (1 for dense).</param>
/// <param name="Padding">Zero padding per side (0 for dense).</param>
/// <param name="KernelParams">W_l: entries of the kernel (OutChannels·Kernel²·InChannels), biases excluded.</param>
/// <param name="Lipschitz">‖A_l‖₂, the operator norm of the layer's linear map on its whole input (padding and stride included).</param>
/// <param name="LipschitzMethod">How <see cref="Lipschitz"/> was computed ("power", "lanczos", "zero").</param>
/// <param name="KernelSpectral">σ_max of the OutChannels × (Kernel²·InChannels) filter matrix.</param>
/// <param name="FrobeniusFromInit">‖K_l − K_l⁰‖_F over the kernel.</param>
/// <param name="KernelL21FromInit">Graf et al.'s ‖K_l − K_l⁰‖_(2,1): ℓ2 over the input channels of each (filter, ky, kx), summed.</param>
/// <param name="FilterL2SumFromInit">Σ over filters of each filter's ℓ2 distance ‖K_l[o] − K_l⁰[o]‖ (Ledent et al.'s a_l as Graf et al. compute it).</param>
/// <param name="MaxFilterNorm">max over filters of ‖K_l[o]‖₂.</param>
/// <param name="MaxOverlap">The largest number of windows (patches) one input pixel lies in.</param>
/// <param name="MaxPatchNorm">b_l: the largest ℓ2 norm of one input window (zero-padded) over the training set; for dense, max_i ‖h_i‖.</param>
public sealed record ParamLayerMeasures(int Index, string Kind, int InHeight, int InWidth, int InChannels, int OutHeight, int OutWidth, int OutChannels,
    int Kernel, int Stride, int Padding, long KernelParams, double Lipschitz, string LipschitzMethod, double KernelSpectral,
    double FrobeniusFromInit, double KernelL21FromInit, double FilterL2SumFromInit, double MaxFilterNorm, int MaxOverlap, double MaxPatchNorm)
{
    /// <summary>O_l·m_l: output positions (patches) times output channels.</summary>
    public long OutUnits => (long)OutHeight * OutWidth * OutChannels;

    /// <summary>Whether <paramref name="spec"/> is a chain the measures describe: convolutions, dense layers, pooling,
    /// flatten and activations, no residual blocks, at least one convolution.</summary>
    public static bool Applies(ModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Layers.Any(l => l is Conv2dSpec) && spec.Layers.All(l => l is Conv2dSpec or DenseSpec or PoolSpec or FlattenSpec or ActivationSpec);
    }

    /// <summary>Every parametric layer of <paramref name="net"/> against <paramref name="init"/>, with the patch norms on
    /// <paramref name="inputs"/>; throws when <see cref="Applies"/> is false.</summary>
    public static IReadOnlyList<ParamLayerMeasures> Compute(Model<float> net, Model<float> init, Matrix<float> inputs, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(init);
        ArgumentNullException.ThrowIfNull(inputs);
        if (!Applies(net.Spec))
            throw new ArgumentException($"net {net.Spec.Name} is not a chain of convolutions, dense, pooling and flatten layers with a convolution; allowed: such a chain (e.g. lenet).", nameof(net));
        if (init.Spec != net.Spec)
            throw new ArgumentException($"init is {init.Spec.Name}, net is {net.Spec.Name}; allowed: the same architecture.", nameof(init));
        if (inputs.Cols != net.Spec.InputDim || inputs.Rows == 0)
            throw new ArgumentException($"inputs is {inputs.Rows} × {inputs.Cols}; allowed: at least one row of {net.Spec.InputDim} columns.", nameof(inputs));
        if (threads < 0)
            throw new ArgumentOutOfRangeException(nameof(threads), threads, "allowed: threads ≥ 0 (0 = all processors)");
        return ComputeCore(net, init, inputs, threads);
    }

    private static IReadOnlyList<ParamLayerMeasures> ComputeCore(Model<float> net, Model<float> init, Matrix<float> inputs, int threads)
    {
        var copy = Model<float>.FromValues(net.Spec, new CpuBackend(threads), net.Values());
        double[] patch = MaxPatchNorms(copy, inputs);
        var result = new List<ParamLayerMeasures>();
        int p = 0;
        for (int l = 0; l < net.Layers.Count; l++)
        {
            Layer<float> layer = net.Layers[l], layer0 = init.Layers[l];
            switch (layer.Spec)
            {
                case Conv2dSpec c:
                {
                    Matrix<float> w = net.Backend.ToMatrix(((Conv2d<float>)layer).Weight.Value), w0 = init.Backend.ToMatrix(((Conv2d<float>)layer0).Weight.Value);
                    SpectralNormResult lip = ConvOperatorNorm.Compute(c, w);
                    var g = c.Geometry;
                    result.Add(Make(++p, "conv", c.Height, c.Width, c.InChannels, g.OutH, g.OutW, c.OutChannels, c.Kernel, c.Stride, c.Padding,
                        w, w0, lip, WindowOverlap(g), patch[p - 1]));
                    break;
                }
                case DenseSpec d:
                {
                    Matrix<float> w = net.Backend.ToMatrix(((Dense<float>)layer).Weight.Value), w0 = init.Backend.ToMatrix(((Dense<float>)layer0).Weight.Value);
                    SpectralNormResult lip = SpectralNorm.Compute(w);
                    result.Add(Make(++p, "dense", 1, 1, d.In, 1, 1, d.Out, 1, 1, 0, w, w0, lip, 1, patch[p - 1]));
                    break;
                }
            }
        }

        return result;
    }

    private static ParamLayerMeasures Make(int index, string kind, int ih, int iw, int ic, int oh, int ow, int oc, int k, int s, int pad,
        Matrix<float> w, Matrix<float> w0, SpectralNormResult lip, int overlap, double patch)
    {
        double l21 = 0, filters = 0, maxFilter = 0, frob = 0;
        for (int o = 0; o < w.Rows; o++)
        {
            ReadOnlySpan<float> row = w.Row(o), row0 = w0.Row(o);
            double filterSq = 0, normSq = 0;
            for (int start = 0; start < row.Length; start += ic)
            {
                double groupSq = 0;
                for (int c = 0; c < ic; c++)
                {
                    double d = (double)row[start + c] - row0[start + c];
                    groupSq += d * d;
                    normSq += (double)row[start + c] * row[start + c];
                }

                l21 += Math.Sqrt(groupSq);
                filterSq += groupSq;
            }

            filters += Math.Sqrt(filterSq);
            frob += filterSq;
            maxFilter = Math.Max(maxFilter, Math.Sqrt(normSq));
        }

        return new ParamLayerMeasures(index, kind, ih, iw, ic, oh, ow, oc, k, s, pad, (long)w.Rows * w.Cols, lip.Value, lip.Method,
            SpectralNorm.Compute(w).Value, Math.Sqrt(frob), l21, filters, maxFilter, overlap, patch);
    }

    /// <summary>The largest number of windows of <paramref name="g"/> containing one input pixel (brute force over the image).</summary>
    public static int WindowOverlap(Conv2dGeometry g)
    {
        ArgumentNullException.ThrowIfNull(g);
        var count = new int[g.Height * g.Width];
        for (int oy = 0; oy < g.OutH; oy++)
            for (int ox = 0; ox < g.OutW; ox++)
                for (int ky = 0; ky < g.KernelH; ky++)
                {
                    int iy = oy * g.StrideH - g.PadH + ky;
                    if (iy < 0 || iy >= g.Height)
                        continue;
                    for (int kx = 0; kx < g.KernelW; kx++)
                    {
                        int ix = ox * g.StrideW - g.PadW + kx;
                        if (ix >= 0 && ix < g.Width)
                            count[iy * g.Width + ix]++;
                    }
                }

        return count.Max();
    }

    // b_l for every parametric layer: the network is run layer by layer on chunks of the inputs and each parametric
    // layer's input is cut into its windows (zero padding reads 0); float64 sums in a fixed order.
    private static double[] MaxPatchNorms(Model<float> net, Matrix<float> inputs)
    {
        int count = net.Layers.Count(l => l.Spec is Conv2dSpec or DenseSpec);
        var max = new double[count];
        const int chunk = 1000;
        for (int start = 0; start < inputs.Rows; start += chunk)
        {
            int rows = Math.Min(chunk, inputs.Rows - start);
            Tensor<float> h = net.Backend.Allocate(rows, inputs.Cols);
            net.Backend.Upload(inputs.Data.AsSpan(start * inputs.Cols, rows * inputs.Cols), h);
            int p = 0;
            foreach (Layer<float> layer in net.Layers)
            {
                if (layer.Spec is Conv2dSpec or DenseSpec)
                {
                    var host = new float[rows * layer.Spec.InputSize];
                    net.Backend.Download(h, host);
                    double m = layer.Spec is Conv2dSpec c ? MaxWindowNorm(c.Geometry, host, rows) : MaxRowNorm(host, rows);
                    max[p] = Math.Max(max[p], m);
                    p++;
                }

                h = layer.Forward(h);
            }
        }

        return max;
    }

    private static double MaxRowNorm(float[] host, int rows)
    {
        int cols = host.Length / rows;
        double best = 0;
        for (int r = 0; r < rows; r++)
        {
            double s = 0;
            for (int j = 0; j < cols; j++)
                s += (double)host[r * cols + j] * host[r * cols + j];
            best = Math.Max(best, s);
        }

        return Math.Sqrt(best);
    }

    internal static double MaxWindowNorm(Conv2dGeometry g, ReadOnlySpan<float> host, int rows)
    {
        int c = g.InChannels, image = g.ImageSize;
        double best = 0;
        var sq = new double[g.Height * g.Width];
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> x = host.Slice(r * image, image);
            for (int px = 0; px < sq.Length; px++)
            {
                double s = 0;
                for (int ch = 0; ch < c; ch++)
                    s += (double)x[px * c + ch] * x[px * c + ch];
                sq[px] = s;
            }

            for (int oy = 0; oy < g.OutH; oy++)
                for (int ox = 0; ox < g.OutW; ox++)
                {
                    double s = 0;
                    for (int ky = 0; ky < g.KernelH; ky++)
                    {
                        int iy = oy * g.StrideH - g.PadH + ky;
                        if (iy < 0 || iy >= g.Height)
                            continue;
                        for (int kx = 0; kx < g.KernelW; kx++)
                        {
                            int ix = ox * g.StrideW - g.PadW + kx;
                            if (ix >= 0 && ix < g.Width)
                                s += sq[iy * g.Width + ix];
                        }
                    }

                    best = Math.Max(best, s);
                }
        }

        return Math.Sqrt(best);
    }
}
