using System.Numerics.Tensors;
using BoundLab.Numerics.Data;
using BoundLab.Numerics.Kernels;
using BoundLab.Numerics.Models;
using BoundLab.Numerics.Models.Layers;
using BoundLab.Numerics.Random;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Numerics.Stochastic;

// Kingma, Salimans and Welling 2015, "Variational Dropout and the Local Reparameterization Trick", §2.3 (Eq. 6).
/// <summary>The per-example Monte-Carlo error of a dense network under Q = N(μ, diag σ²), drawn exactly in law by the
/// local reparameterization: given one example's layer input h, the pre-activations z = W h + b with independent Gaussian
/// entries are independent across units with z_u ~ N(Σ_i μ_{W,ui} h_i + μ_{b,u}, Σ_i σ²_{W,ui} h_i² + σ²_{b,u}). Each
/// weight enters one example's forward pass once, so sampling z layer by layer given the sampled h of the previous layer
/// is exactly the law of the output under h ~ Q — a fresh network for every example, for the price of two GEMMs per layer
/// per batch (means with μ, variances with σ² on the squared inputs). The first dense layer reads the data itself, the
/// same in every pass: when its n × width means and standard deviations fit the cache budget they are computed once and
/// each pass only draws its noise there (bit-identical to recomputing them).</summary>
/// <remarks>Noise: unit u of example e at the dense layer with spec index l, in pass t, draws
/// ξ = <see cref="KeyedNormal.At"/>(NoiseKey(key.Split("gibbs").Split(t), l, ⌊e/G⌋), (e mod G)·Out + u) with
/// G = max(1, ⌊2²⁴/Out⌋) examples per noise tensor: a pure function of (t, l, e, u), so neither the batch size nor the
/// thread count changes a draw, and no two (t, e) pairs share one.</remarks>
internal sealed class GibbsPerExample
{
    // Below this many elements per layer a second thread costs more to start than it saves.
    private const int ParallelThreshold = 1 << 15;

    private readonly Step[] _steps;
    private readonly Dataset _data;
    private readonly int _batchRows, _threads, _maxIn;
    private readonly bool _cacheFirst;
    private Workspace? _full, _tail;
    private float[]? _cacheMean, _cacheStd;

    /// <summary>Prepares μ and σ² per dense layer (arguments already validated).</summary>
    public GibbsPerExample(ModelSpec spec, IReadOnlyList<float[]> mean, IReadOnlyList<float[]> std, Dataset data, int batchRows, int threads, long cacheBytes)
    {
        _data = data;
        _threads = threads;
        _batchRows = Math.Min(batchRows, data.Count);
        var steps = new List<Step>();
        int k = 0;
        for (int l = 0; l < spec.Layers.Count; l++)
        {
            switch (spec.Layers[l])
            {
                case DenseSpec d:
                    float[] muW = mean[k], varW = Squares(std[k]);
                    k++;
                    float[]? muB = null, varB = null;
                    if (d.Bias)
                    {
                        (muB, varB) = (mean[k], Squares(std[k]));
                        k++;
                    }

                    steps.Add(new Step(l, d.In, d.Out, d.Activation, true, muW, varW, muB, varB));
                    break;
                case ActivationSpec a:
                    steps.Add(new Step(l, a.Size, a.Size, a.Activation, false, null, null, null, null));
                    break;
                case FlattenSpec:
                    // The features are already flat (HWC rows): nothing to do.
                    break;
                default:
                    throw new InvalidOperationException($"layer {spec.Layers[l].Describe()} has no per-example sampling.");
            }
        }

        _steps = steps.ToArray();
        _maxIn = _steps.Length == 0 ? 0 : _steps.Max(s => s.In);
        long cached = _steps.Length == 0 || !_steps[0].Dense ? long.MaxValue : (long)data.Count * _steps[0].Out;
        _cacheFirst = cached <= Array.MaxLength && cached * 2 * sizeof(float) <= cacheBytes;
    }

    /// <summary>Σ of the misclassification indicators over passes × examples, the number of terms and of examples.</summary>
    public (double Errors, long Terms, long Examples) Run(int passes, RngKey key, IProgress<int>? passDone, CancellationToken cancel)
    {
        int n = _data.Count;
        if (_cacheFirst)
        {
            FillCache(cancel);
        }

        RngKey gibbs = key.Split("gibbs");
        long errors = 0;
        for (int t = 0; t < passes; t++)
        {
            RngKey passKey = gibbs.Split((ulong)t);
            for (int start = 0; start < n; start += _batchRows)
            {
                cancel.ThrowIfCancellationRequested();
                errors += Batch(WorkspaceFor(Math.Min(_batchRows, n - start)), start, passKey);
            }

            passDone?.Report(t + 1);
        }

        long terms = (long)n * passes;
        return (errors, terms, terms);
    }

    private Workspace WorkspaceFor(int rows)
        => rows == _batchRows ? _full ??= new Workspace(rows, _steps, _maxIn) : _tail ??= new Workspace(rows, _steps, _maxIn);

    // The first dense layer sees the data itself, the same in every pass: its per-example means μ_W x + μ_b and standard
    // deviations √(σ²_W x² + σ²_b) are computed once, batch by batch exactly as an uncached pass computes them.
    private void FillCache(CancellationToken cancel)
    {
        Step step = _steps[0];
        int n = _data.Count;
        _cacheMean = new float[(long)n * step.Out];
        _cacheStd = new float[(long)n * step.Out];
        for (int start = 0; start < n; start += _batchRows)
        {
            cancel.ThrowIfCancellationRequested();
            int rows = Math.Min(_batchRows, n - start);
            MeanAndStd(step, WorkspaceFor(rows).Square, _data.Inputs.Data, start * step.In, rows, _cacheMean, _cacheStd, start * step.Out);
        }
    }

    // mean = h μ_Wᵀ + μ_b and std = √((h ⊙ h)(σ²_W)ᵀ + σ²_b) for rows of h at hOffset, written at outOffset.
    private void MeanAndStd(Step step, float[] square, float[] h, int hOffset, int rows, float[] mean, float[] std, int outOffset)
    {
        int inLength = rows * step.In;
        TensorPrimitives.Multiply(h.AsSpan(hOffset, inLength), h.AsSpan(hOffset, inLength), square.AsSpan(0, inLength));
        Gemm.Sgemm(false, true, rows, step.Out, step.In, 1f, h, hOffset, step.In, step.MuW!, 0, step.In, 0f, mean, outOffset, step.Out, _threads);
        Gemm.Sgemm(false, true, rows, step.Out, step.In, 1f, square, 0, step.In, step.VarW!, 0, step.In, 0f, std, outOffset, step.Out, _threads);
        ForRowRanges(rows, step.Out, (r0, r1) =>
        {
            for (int r = r0; r < r1; r++)
            {
                Span<float> m = mean.AsSpan(outOffset + r * step.Out, step.Out), v = std.AsSpan(outOffset + r * step.Out, step.Out);
                if (step.MuB is not null)
                {
                    TensorPrimitives.Add(m, step.MuB, m);
                    TensorPrimitives.Add(v, step.VarB!, v);
                }

                TensorPrimitives.Sqrt(v, v);
            }
        });
    }

    // One batch of examples [start, start + ws.Rows): the sampled forward pass, then the errors counted.
    private int Batch(Workspace ws, int start, RngKey passKey)
    {
        int rows = ws.Rows;
        float[] h = _data.Inputs.Data;
        int offset = start * _data.InputDim;
        for (int s = 0; s < _steps.Length; s++)
        {
            Step step = _steps[s];
            float[] output = ws.Outputs[s];
            if (step.Dense)
            {
                bool cached = s == 0 && _cacheFirst;
                if (!cached)
                {
                    MeanAndStd(step, ws.Square, h, offset, rows, output, ws.Std[s], 0);
                }

                (float[] mean, float[] std, int at) = cached ? (_cacheMean!, _cacheStd!, start * step.Out) : (output, ws.Std[s], 0);

                ForRowRanges(rows, step.Out, (r0, r1) => Sample(step, mean, std, at, output, start, r0, r1, passKey));
            }
            else
            {
                Array.Copy(h, offset, output, 0, rows * step.Out);
            }

            if (step.Activation != Activation.Identity)
            {
                Elementwise.BiasActivation(ws.Matrices[s], [], step.Activation, ws.Matrices[s], _threads);
            }

            (h, offset) = (output, 0);
        }

        int outputs = _steps.Length == 0 ? _data.InputDim : _steps[^1].Out;
        int[] labels = _data.Labels!;
        int errors = 0;
        for (int r = 0; r < rows; r++)
        {
            errors += GibbsError.Errs(h.AsSpan(offset + r * outputs, outputs), labels[start + r]) ? 1 : 0;
        }

        return errors;
    }

    // Rows [r0, r1) of one dense layer: z = mean + std·ξ into output (mean and std of row r at at + r·Out; may be output).
    private static unsafe void Sample(Step step, float[] mean, float[] std, int at, float[] output, int start, int r0, int r1, RngKey passKey)
    {
        int cols = step.Out;
        int group = Math.Max(1, (1 << 24) / cols);
        fixed (float* pm = mean, ps = std, pd = output)
        {
            for (int e = start + r0, end = start + r1; e < end;)
            {
                int g = e / group, first = g * group;
                int segmentEnd = (int)Math.Min(end, (long)first + group);
                // Output element (example e′, unit u) is at (e′ − start)·cols + u, its mean and std at `at` further on;
                // its noise index is (e′ − first)·cols + u.
                long shift = (long)(first - start) * cols;
                var op = new GaussianNoise.SampleOp(pm + at + shift, ps + at + shift, pd + shift);
                GaussianNoise.Range(new NoiseKey(passKey, (ulong)step.Layer, (uint)g), op, (e - first) * cols, (segmentEnd - first) * cols, width: 0);
                e = segmentEnd;
            }
        }
    }

    private void ForRowRanges(int rows, int cols, Action<int, int> body)
    {
        if (_threads == 1 || rows < 2 || (long)rows * cols < ParallelThreshold)
        {
            body(0, rows);
            return;
        }

        int pieces = Math.Min(_threads, rows);
        WorkerPool.Run(pieces, i => body((int)((long)rows * i / pieces), (int)((long)rows * (i + 1) / pieces)));
    }

    private static float[] Squares(float[] std)
    {
        var v = new float[std.Length];
        TensorPrimitives.Multiply(std, std, v);
        return v;
    }

    /// <summary>A dense layer (μ_W, σ²_W and, with a bias, μ_b, σ²_b; Out × In row-major) or an activation layer.</summary>
    private sealed record Step(int Layer, int In, int Out, Activation Activation, bool Dense, float[]? MuW, float[]? VarW, float[]? MuB, float[]? VarB);

    /// <summary>The buffers of one batch size, allocated once: per step its output (and for a dense step the std).</summary>
    private sealed class Workspace
    {
        public Workspace(int rows, Step[] steps, int maxIn)
        {
            Rows = rows;
            Square = new float[(long)rows * maxIn];
            Outputs = steps.Select(s => new float[rows * s.Out]).ToArray();
            Std = steps.Select(s => s.Dense ? new float[rows * s.Out] : []).ToArray();
            Matrices = steps.Select((s, i) => new Matrix<float>(rows, s.Out, Outputs[i])).ToArray();
        }

        public int Rows { get; }

        public float[] Square { get; }

        public float[][] Outputs { get; }

        public float[][] Std { get; }

        public Matrix<float>[] Matrices { get; }
    }
}
