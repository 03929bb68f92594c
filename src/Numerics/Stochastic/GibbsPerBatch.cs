using BoundLab.Numerics.Backends;
using BoundLab.Numerics.Data;
using BoundLab.Numerics.Kernels;
using BoundLab.Numerics.Models;
using BoundLab.Numerics.Models.Layers;
using BoundLab.Numerics.Random;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Numerics.Stochastic;

/// <summary>The per-batch Monte-Carlo error of any model under Q = N(μ, diag σ²): term (pass t, batch b) draws one network
/// w = μ + σ ⊙ ξ with ξ_k = <see cref="KeyedNormal.At"/>(NoiseKey(key.Split("gibbs-batch").Split(t), b, k), ·) for parameter
/// tensor k, and a uniformly random subset of B = min(BatchRows, n) distinct examples (partial Fisher–Yates from
/// key.Split("gibbs-subset").Split(t).Split(b); all n examples when B = n), and contributes that network's error rate on
/// the subset. Why this makes ⌈n/B⌉ × passes i.i.d. [0, 1] terms with mean R̂(Q): see <see cref="GibbsError"/>.</summary>
/// <remarks>The data set is made resident on the backend once; a batch is gathered there, so nothing is allocated per
/// batch.</remarks>
internal sealed class GibbsPerBatch
{
    private readonly CpuBackend _backend;
    private readonly Model<float> _model;
    private readonly ResidentDataset<float> _resident;
    private readonly Batch<float> _batch;
    private readonly IReadOnlyList<float[]> _mean, _std;
    private readonly float[][] _sample;
    private readonly float[] _outputs;
    private readonly int[] _order, _swaps, _selected, _labels;
    private readonly int _rows, _threads;

    /// <summary>Puts the model and the data on a CPU backend (arguments already validated).</summary>
    public GibbsPerBatch(ModelSpec spec, IReadOnlyList<float[]> mean, IReadOnlyList<float[]> std, Dataset data, int batchRows, int threads)
    {
        _threads = threads;
        _backend = new CpuBackend(threads);
        _model = Model<float>.FromValues(spec, _backend, mean);
        _resident = _backend.Upload(data);
        _rows = Math.Min(batchRows, data.Count);
        _batch = _backend.AllocateBatch(_resident, _rows);
        (_mean, _std) = (mean, std);
        _sample = mean.Select(a => new float[a.Length]).ToArray();
        _outputs = new float[_rows * spec.OutputDim];
        _order = Enumerable.Range(0, data.Count).ToArray();
        _swaps = new int[_rows];
        _selected = new int[_rows];
        _labels = data.Labels!;
        if (_rows == data.Count)
        {
            Array.Copy(_order, _selected, _rows);
        }
    }

    /// <summary>Σ of the batch error rates over passes × batches, the number of terms and of examples evaluated.</summary>
    public (double Errors, long Terms, long Examples) Run(int passes, RngKey key, IProgress<int>? passDone, CancellationToken cancel)
    {
        int n = _order.Length, perPass = (n + _rows - 1) / _rows, outputs = _model.Spec.OutputDim;
        RngKey weights = key.Split("gibbs-batch"), subsets = key.Split("gibbs-subset");
        IReadOnlyList<Parameter<float>> parameters = _model.Parameters;
        double errors = 0;
        for (int t = 0; t < passes; t++)
        {
            RngKey passWeights = weights.Split((ulong)t), passSubsets = subsets.Split((ulong)t);
            for (int b = 0; b < perPass; b++)
            {
                cancel.ThrowIfCancellationRequested();
                for (int k = 0; k < parameters.Count; k++)
                {
                    GaussianNoise.Sample(new NoiseKey(passWeights, (ulong)b, (uint)k), _mean[k], _std[k], _sample[k], _threads);
                    _backend.Upload(_sample[k], parameters[k].Value);
                }

                if (_rows < n)
                {
                    DrawSubset(passSubsets.Split((ulong)b).Stream());
                }

                _backend.Gather(_resident, _selected, _batch);
                Tensor<float> logits = _model.Forward(_batch.Inputs);
                _backend.Download(logits, _outputs);
                int wrong = 0;
                for (int r = 0; r < _rows; r++)
                {
                    wrong += GibbsError.Errs(_outputs.AsSpan(r * outputs, outputs), _labels[_selected[r]]) ? 1 : 0;
                }

                errors += wrong / (double)_rows;
            }

            passDone?.Report(t + 1);
        }

        long terms = (long)perPass * passes;
        return (errors, terms, terms * _rows);
    }

    // Partial Fisher–Yates on the identity: _selected is a uniformly random ordered B-subset; the swaps are undone so the
    // next subset again starts from the identity (each subset a function of its own stream only).
    private void DrawSubset(RandomStream stream)
    {
        int n = _order.Length;
        for (int i = 0; i < _rows; i++)
        {
            int j = i + stream.NextInt(n - i);
            (_order[i], _order[j]) = (_order[j], _order[i]);
            _swaps[i] = j;
            _selected[i] = _order[i];
        }

        for (int i = _rows - 1; i >= 0; i--)
        {
            int j = _swaps[i];
            (_order[i], _order[j]) = (_order[j], _order[i]);
        }
    }
}
