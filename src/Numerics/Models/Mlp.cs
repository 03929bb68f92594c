using System.Numerics;
using BoundLab.Numerics.Backends;
using BoundLab.Numerics.Random;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Numerics.Models;

/// <summary>A fully connected network f(x) = W_L σ(… σ(W_1 x + b_1) …) + b_L with samples in rows:
/// a batch X (B × d_0) maps to outputs (B × d_L). W_i is d_i × d_{i−1} (the papers' shape).</summary>
/// <remarks>Generic over the element type: float32 trains, float64 runs the finite-difference checks.
/// Forward keeps the activations of the last batch for the following <see cref="Backward"/>.</remarks>
public sealed class Mlp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Matrix<T>[] _weights;
    private readonly T[][] _biases;
    private readonly Matrix<T>[] _weightGrads;
    private readonly T[][] _biasGrads;
    private readonly Parameter<T>[] _parameters;
    private readonly Dictionary<int, Workspace> _workspaces = [];
    private Workspace? _workspace;

    private Mlp(MlpSpec spec, Matrix<T>[] weights, T[][] biases)
    {
        Spec = spec;
        _weights = weights;
        _biases = biases;
        _weightGrads = weights.Select(w => new Matrix<T>(w.Rows, w.Cols)).ToArray();
        _biasGrads = biases.Select(b => new T[b.Length]).ToArray();
        var ps = new List<Parameter<T>>();
        for (int i = 0; i < weights.Length; i++)
        {
            ps.Add(new Parameter<T>($"W{i + 1}", _weights[i].Data, _weightGrads[i].Data));
            if (spec.Bias)
            {
                ps.Add(new Parameter<T>($"b{i + 1}", _biases[i], _biasGrads[i]));
            }
        }

        _parameters = ps.ToArray();
    }

    /// <summary>The architecture.</summary>
    public MlpSpec Spec { get; }

    /// <summary>W_1 … W_L (live storage).</summary>
    public IReadOnlyList<Matrix<T>> Weights => _weights;

    /// <summary>b_1 … b_L (live storage; empty arrays when the spec has no bias).</summary>
    public IReadOnlyList<T[]> Biases => _biases;

    /// <summary>Gradients of W_1 … W_L from the last <see cref="Backward"/>.</summary>
    public IReadOnlyList<Matrix<T>> WeightGrads => _weightGrads;

    /// <summary>Every trainable tensor with its gradient, in the order W1, b1, W2, b2, ….</summary>
    public IReadOnlyList<Parameter<T>> Parameters => _parameters;

    /// <summary>A network with freshly initialized weights (biases zero), drawn from <paramref name="key"/>:
    /// layer i uses the sub-stream key.Split(i), so widths of other layers do not change its draws.</summary>
    public static Mlp<T> Create(MlpSpec spec, RngKey key, Initialization init = Initialization.He, double gaussianStd = 0.01)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (init == Initialization.Gaussian && !(gaussianStd > 0 && double.IsFinite(gaussianStd)))
        {
            throw new ArgumentOutOfRangeException(nameof(gaussianStd), gaussianStd, "allowed: a finite σ > 0");
        }

        var weights = new Matrix<T>[spec.Layers];
        var biases = new T[spec.Layers][];
        for (int i = 0; i < spec.Layers; i++)
        {
            int fanIn = spec.Widths[i], fanOut = spec.Widths[i + 1];
            double std = init switch
            {
                Initialization.He => Math.Sqrt(2.0 / fanIn),
                Initialization.LeCun => Math.Sqrt(1.0 / fanIn),
                _ => gaussianStd,
            };
            var w = new Matrix<T>(fanOut, fanIn);
            RandomStream s = key.Split((ulong)i).Stream();
            for (int j = 0; j < w.Data.Length; j++)
            {
                w.Data[j] = T.CreateChecked((float)(std * s.NextGaussian()));
            }

            weights[i] = w;
            biases[i] = spec.Bias ? new T[fanOut] : [];
        }

        return new Mlp<T>(spec, weights, biases);
    }

    /// <summary>Wraps existing weights and biases (copied), e.g. loaded from a file.</summary>
    public static Mlp<T> FromParameters(MlpSpec spec, IReadOnlyList<Matrix<T>> weights, IReadOnlyList<T[]> biases)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(biases);
        if (weights.Count != spec.Layers || biases.Count != spec.Layers)
        {
            throw new ArgumentException(
                $"got {weights.Count} weight matrices and {biases.Count} biases; the spec {spec.Arch} has {spec.Layers} layers.",
                nameof(weights));
        }

        for (int i = 0; i < spec.Layers; i++)
        {
            if (weights[i].Rows != spec.Widths[i + 1] || weights[i].Cols != spec.Widths[i])
            {
                throw new ArgumentException(
                    $"W{i + 1} is {weights[i].Shape}; the spec needs {spec.Widths[i + 1]}×{spec.Widths[i]}.", nameof(weights));
            }

            int expected = spec.Bias ? spec.Widths[i + 1] : 0;
            if (biases[i].Length != expected)
            {
                throw new ArgumentException($"b{i + 1} has length {biases[i].Length}; expected {expected}.", nameof(biases));
            }
        }

        return new Mlp<T>(spec, weights.Select(w => w.Clone()).ToArray(), biases.Select(b => (T[])b.Clone()).ToArray());
    }

    /// <summary>A deep copy in another element type (float ↔ double).</summary>
    public Mlp<TOut> Convert<TOut>() where TOut : unmanaged, IFloatingPointIeee754<TOut>
        => Mlp<TOut>.FromParameters(Spec, _weights.Select(w => w.Convert<TOut>()).ToArray(),
            _biases.Select(b => b.Select(TOut.CreateChecked).ToArray()).ToArray());

    /// <summary>A deep copy.</summary>
    public Mlp<T> Clone() => FromParameters(Spec, _weights, _biases);

    /// <summary>Outputs for a batch (B × d_0 → B × d_L). The returned matrix belongs to the network's
    /// workspace: valid until the next call.</summary>
    public Matrix<T> Forward(Backend<T> backend, Matrix<T> input)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(input);
        if (input.Cols != Spec.InputDim)
        {
            throw new ArgumentException($"input has {input.Cols} columns; the network {Spec.Arch} takes {Spec.InputDim}.", nameof(input));
        }

        Workspace ws = WorkspaceFor(input.Rows);
        ws.Input = input;
        Matrix<T> a = input;
        for (int i = 0; i < Spec.Layers; i++)
        {
            backend.MatMul(a, false, _weights[i], true, ws.Pre[i], T.One, T.Zero);
            Activation act = i == Spec.Layers - 1 ? Activation.Identity : Spec.Hidden;
            // Leaves XWᵀ + b in Pre[i] (the Backend contract): the pre-activation Backward differentiates at.
            backend.BiasActivation(ws.Pre[i], _biases[i], act, ws.Post[i]);
            a = ws.Post[i];
        }

        return a;
    }

    /// <summary>Back-propagates d(loss)/d(outputs) of the last <see cref="Forward"/> batch; overwrites
    /// every gradient. <paramref name="gradOutput"/> is B × d_L. Returns d(loss)/d(input) only when asked.</summary>
    public void Backward(Backend<T> backend, Matrix<T> gradOutput, Matrix<T>? gradInput = null)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(gradOutput);
        Workspace ws = _workspace is { } w && w.Input is not null && w.Rows == gradOutput.Rows
            ? w
            : throw new InvalidOperationException("Backward needs a Forward on a batch of the same size first.");
        if (gradOutput.Cols != Spec.OutputDim)
        {
            throw new ArgumentException($"gradOutput has {gradOutput.Cols} columns; the network outputs {Spec.OutputDim}.", nameof(gradOutput));
        }

        Matrix<T> delta = gradOutput; // d loss / d pre-activation of the current layer
        for (int i = Spec.Layers - 1; i >= 0; i--)
        {
            if (i < Spec.Layers - 1)
            {
                backend.ActivationBackward(Spec.Hidden, ws.Pre[i], ws.Post[i], ws.GradPost[i], ws.GradPre[i]);
                delta = ws.GradPre[i];
            }

            Matrix<T> prev = i == 0 ? ws.Input! : ws.Post[i - 1];
            backend.MatMul(delta, true, prev, false, _weightGrads[i], T.One, T.Zero);
            if (Spec.Bias)
            {
                backend.ColumnSums(delta, _biasGrads[i]);
            }

            if (i > 0)
            {
                backend.MatMul(delta, false, _weights[i], false, ws.GradPost[i - 1], T.One, T.Zero);
            }
            else if (gradInput is not null)
            {
                backend.MatMul(delta, false, _weights[0], false, gradInput, T.One, T.Zero);
            }
        }
    }

    // Training alternates a few batch sizes (minibatch, the short last batch, evaluation chunks):
    // keep one workspace per size, bounded so a caller cycling sizes cannot grow memory without limit.
    private Workspace WorkspaceFor(int rows)
    {
        if (!_workspaces.TryGetValue(rows, out Workspace? ws))
        {
            if (_workspaces.Count >= 4)
            {
                _workspaces.Clear();
            }

            ws = new Workspace(Spec, rows);
            _workspaces[rows] = ws;
        }

        _workspace = ws;
        return ws;
    }

    // Per-batch-size buffers: pre-activations, activations and their gradients for every layer.
    private sealed class Workspace
    {
        public Workspace(MlpSpec spec, int rows)
        {
            Rows = rows;
            Pre = new Matrix<T>[spec.Layers];
            Post = new Matrix<T>[spec.Layers];
            GradPre = new Matrix<T>[spec.Layers];
            GradPost = new Matrix<T>[spec.Layers];
            for (int i = 0; i < spec.Layers; i++)
            {
                int width = spec.Widths[i + 1];
                Pre[i] = new Matrix<T>(rows, width);
                // The output layer is linear: its activation is a copy, so reuse the pre-activation buffer.
                Post[i] = i == spec.Layers - 1 ? Pre[i] : new Matrix<T>(rows, width);
                bool hidden = i < spec.Layers - 1;
                GradPre[i] = hidden ? new Matrix<T>(rows, width) : Pre[i];
                GradPost[i] = hidden ? new Matrix<T>(rows, width) : Pre[i];
            }
        }

        public int Rows { get; }

        public Matrix<T>? Input { get; set; }

        public Matrix<T>[] Pre { get; }

        public Matrix<T>[] Post { get; }

        public Matrix<T>[] GradPre { get; }

        public Matrix<T>[] GradPost { get; }
    }
}
