using System.Numerics;
using BoundLab.Numerics.Backends;
using BoundLab.Numerics.Models.Layers;
using BoundLab.Numerics.Random;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Numerics.Models;

/// <summary>A network composed of layers (<see cref="ModelSpec"/>), living on a backend: rows of inputs map to rows
/// of outputs. Forward keeps the activations of the last batch for the following <see cref="Backward"/>.</summary>
/// <remarks>Generic over the element type: float32 trains, float64 on <see cref="ReferenceBackend{T}"/> runs the
/// finite-difference and Hessian checks. <see cref="Parameters"/> is the one ordered view of every trainable tensor
/// (W1, b1, W2, …); the flat vector of a model is their concatenation in that order.</remarks>
public sealed class Model<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Layer<T>[] _layers;
    private readonly Parameter<T>[] _parameters;

    private Model(ModelSpec spec, Backend<T> backend)
    {
        Spec = spec;
        Backend = backend;
        int index = 0;
        _layers = LayerFactory.CreateAll(backend, spec.Layers, ref index);
        _parameters = _layers.SelectMany(l => l.Parameters).ToArray();
    }

    /// <summary>The architecture.</summary>
    public ModelSpec Spec { get; }

    /// <summary>Where the parameters live.</summary>
    public Backend<T> Backend { get; }

    /// <summary>The layers in order.</summary>
    public IReadOnlyList<Layer<T>> Layers => _layers;

    /// <summary>Every trainable tensor with its gradient: W1, b1, W2, b2, … (weight layers numbered across the model).</summary>
    public IReadOnlyList<Parameter<T>> Parameters => _parameters;

    /// <summary>Total number of trainable scalars.</summary>
    public long ParameterCount => _parameters.Sum(p => (long)p.Length);

    /// <summary>The weight tensors (every parameter named W…), in order.</summary>
    public IEnumerable<Parameter<T>> Weights => _parameters.Where(p => p.Name.StartsWith('W'));

    /// <summary>A model with freshly drawn weights and zero biases: weight layer j (0-based) draws from the
    /// sub-stream key.Split(j), std by its fan-in, so the widths of other layers do not change its draws.</summary>
    public static Model<T> Create(ModelSpec spec, Backend<T> backend, RngKey key, Initialization init = Initialization.He, double gaussianStd = 0.01)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(backend);
        if (init == Initialization.Gaussian && !(gaussianStd > 0 && double.IsFinite(gaussianStd)))
        {
            throw new ArgumentOutOfRangeException(nameof(gaussianStd), gaussianStd, "allowed: a finite σ > 0");
        }

        var model = new Model<T>(spec, backend);
        int j = 0;
        foreach (Parameter<T> w in model.Weights)
        {
            int fanIn = w.Value.Cols;
            double std = init switch
            {
                Initialization.He => Math.Sqrt(2.0 / fanIn),
                Initialization.LeCun => Math.Sqrt(1.0 / fanIn),
                _ => gaussianStd,
            };
            var values = new T[w.Length];
            RandomStream s = key.Split((ulong)j++).Stream();
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = T.CreateChecked((float)(std * s.NextGaussian()));
            }

            backend.Upload(values, w.Value);
        }

        return model;
    }

    /// <summary>A model with every parameter zero.</summary>
    public static Model<T> Zeros(ModelSpec spec, Backend<T> backend)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(backend);
        return new Model<T>(spec, backend);
    }

    /// <summary>A model with the given parameter values (host arrays in <see cref="Parameters"/> order, copied).</summary>
    public static Model<T> FromValues(ModelSpec spec, Backend<T> backend, IReadOnlyList<T[]> values)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(values);
        var model = new Model<T>(spec, backend);
        if (values.Count != model._parameters.Length)
        {
            throw new ArgumentException($"got {values.Count} parameter tensors; the model {spec.Name} has {model._parameters.Length} ({string.Join(", ", model._parameters.Select(p => p.Name))}).", nameof(values));
        }

        for (int i = 0; i < values.Count; i++)
        {
            Parameter<T> p = model._parameters[i];
            if (values[i].Length != p.Length)
            {
                throw new ArgumentException($"{p.Name} has {values[i].Length} values; the model {spec.Name} needs {p.Value.Shape} = {p.Length}.", nameof(values));
            }

            backend.Upload(values[i], p.Value);
        }

        return model;
    }

    /// <summary>For a plain MLP (<see cref="ModelSpec.Mlp"/>): a model from host weights W_i (d_i × d_{i−1}) and biases
    /// (empty arrays when the spec has none), copied.</summary>
    public static Model<T> FromDense(MlpSpec spec, Backend<T> backend, IReadOnlyList<Matrix<T>> weights, IReadOnlyList<T[]> biases)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(biases);
        if (weights.Count != spec.Layers || biases.Count != spec.Layers)
        {
            throw new ArgumentException($"got {weights.Count} weight matrices and {biases.Count} biases; the spec {spec.Arch} has {spec.Layers} layers.", nameof(weights));
        }

        var values = new List<T[]>();
        for (int i = 0; i < spec.Layers; i++)
        {
            if (weights[i].Rows != spec.Widths[i + 1] || weights[i].Cols != spec.Widths[i])
            {
                throw new ArgumentException($"W{i + 1} is {weights[i].Shape}; the spec needs {spec.Widths[i + 1]}×{spec.Widths[i]}.", nameof(weights));
            }

            values.Add(weights[i].Data);
            if (spec.Bias)
            {
                values.Add(biases[i]);
            }
            else if (biases[i].Length != 0)
            {
                throw new ArgumentException($"b{i + 1} has length {biases[i].Length}; the spec has no biases.", nameof(biases));
            }
        }

        return FromValues(ModelSpec.FromMlp(spec), backend, values);
    }

    /// <summary>The dense layers' weights W_1 … W_L as host matrices (d_i × d_{i−1}), in order.</summary>
    public Matrix<T>[] DenseWeights() => _layers.SelectMany(DenseLayers).Select(d => Backend.ToMatrix(d.Weight.Value)).ToArray();

    /// <summary>The dense layers' biases b_1 … b_L as host arrays (empty for a layer without bias), in order.</summary>
    public T[][] DenseBiases() => _layers.SelectMany(DenseLayers).Select(d => d.Bias is null ? [] : Backend.ToArray(d.Bias.Value)).ToArray();

    /// <summary>Outputs of the model for host inputs (rows × InputDim), in chunks of 1000 rows, as a host matrix.</summary>
    public Matrix<T> Predict(Matrix<T> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var result = new Matrix<T>(inputs.Rows, Spec.OutputDim);
        const int chunk = 1000;
        for (int start = 0; start < inputs.Rows; start += chunk)
        {
            int rows = Math.Min(chunk, inputs.Rows - start);
            Tensor<T> x = Backend.Allocate(rows, inputs.Cols);
            Backend.Upload(inputs.Data.AsSpan(start * inputs.Cols, rows * inputs.Cols), x);
            Backend.Download(Forward(x), result.Data.AsSpan(start * Spec.OutputDim, rows * Spec.OutputDim));
        }

        return result;
    }

    private static IEnumerable<Dense<T>> DenseLayers(Layer<T> layer) => layer switch
    {
        Dense<T> d => [d],
        Residual<T> r => r.Body.SelectMany(DenseLayers),
        _ => [],
    };

    /// <summary>The parameter values as host arrays, in <see cref="Parameters"/> order.</summary>
    public T[][] Values() => _parameters.Select(p => Backend.ToArray(p.Value)).ToArray();

    /// <summary>The gradients of the last backward pass as host arrays.</summary>
    public T[][] Gradients() => _parameters.Select(p => Backend.ToArray(p.Grad)).ToArray();

    /// <summary>A copy on another backend and element type (float ↔ double, CPU ↔ reference ↔ GPU).</summary>
    public Model<TOut> To<TOut>(Backend<TOut> backend) where TOut : unmanaged, IFloatingPointIeee754<TOut>
        => Model<TOut>.FromValues(Spec, backend, Values().Select(v => v.Select(TOut.CreateChecked).ToArray()).ToArray());

    /// <summary>A deep copy on the same backend.</summary>
    public Model<T> Clone() => FromValues(Spec, Backend, Values());

    /// <summary>Overwrites this model's parameters with <paramref name="other"/>'s (same spec, same backend).</summary>
    public void CopyFrom(Model<T> other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Spec != Spec)
        {
            throw new ArgumentException($"the models differ: {other.Spec.Name} vs {Spec.Name}.", nameof(other));
        }

        for (int i = 0; i < _parameters.Length; i++)
        {
            Backend.Copy(other._parameters[i].Value, _parameters[i].Value);
        }
    }

    /// <summary>All parameters concatenated in <see cref="Parameters"/> order, as float64.</summary>
    public double[] FlatValues() => Flatten(Values());

    /// <summary>All gradients concatenated in <see cref="Parameters"/> order, as float64.</summary>
    public double[] FlatGradients() => Flatten(Gradients());

    /// <summary>Sets every parameter from a flat vector in <see cref="Parameters"/> order (rounded to T).</summary>
    public void SetFlatValues(ReadOnlySpan<double> theta)
    {
        if (theta.Length != ParameterCount)
        {
            throw new ArgumentException($"theta has {theta.Length} entries; the model {Spec.Name} has {ParameterCount} parameters.", nameof(theta));
        }

        int offset = 0;
        foreach (Parameter<T> p in _parameters)
        {
            var v = new T[p.Length];
            for (int i = 0; i < v.Length; i++)
            {
                v[i] = T.CreateChecked(theta[offset + i]);
            }

            Backend.Upload(v, p.Value);
            offset += p.Length;
        }
    }

    /// <summary>Outputs for a batch (rows × InputDim → rows × OutputDim). The returned tensor belongs to the last
    /// layer: valid until the next call.</summary>
    public Tensor<T> Forward(Tensor<T> input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Cols != Spec.InputDim)
        {
            throw new ArgumentException($"input has {input.Cols} columns; the model {Spec.Name} takes {Spec.InputDim}.", nameof(input));
        }

        Tensor<T> h = input;
        foreach (Layer<T> layer in _layers)
        {
            h = layer.Forward(h);
        }

        return h;
    }

    /// <summary>Back-propagates d(loss)/d(outputs) of the last <see cref="Forward"/> batch, overwriting every gradient.
    /// Returns d(loss)/d(input) when asked (else null).</summary>
    public Tensor<T>? Backward(Tensor<T> gradOutput, bool needInputGradient = false)
    {
        ArgumentNullException.ThrowIfNull(gradOutput);
        if (gradOutput.Cols != Spec.OutputDim)
        {
            throw new ArgumentException($"gradOutput has {gradOutput.Cols} columns; the model {Spec.Name} outputs {Spec.OutputDim}.", nameof(gradOutput));
        }

        Tensor<T>? g = gradOutput;
        for (int i = _layers.Length - 1; i >= 0; i--)
        {
            g = _layers[i].Backward(g!, needInputGradient || i > 0);
        }

        return g;
    }

    private static double[] Flatten(T[][] parts)
    {
        var flat = new double[parts.Sum(p => p.Length)];
        int offset = 0;
        foreach (T[] part in parts)
        {
            for (int i = 0; i < part.Length; i++)
            {
                flat[offset + i] = double.CreateChecked(part[i]);
            }

            offset += part.Length;
        }

        return flat;
    }
}
