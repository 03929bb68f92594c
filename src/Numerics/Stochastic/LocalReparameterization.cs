using System.Numerics;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using BoundLab.Numerics.Backends;
using BoundLab.Numerics.Models;
using BoundLab.Numerics.Models.Layers;
using BoundLab.Numerics.Random;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Numerics.Stochastic;

/// <summary>How posterior training draws the networks of a minibatch.</summary>
public enum PosteriorSampling
{
    /// <summary>One weight sample w = μ + σ ⊙ ξ per minibatch, shared by its examples (Dziugaite and Roy 2017; PBB).</summary>
    Weights,

    /// <summary>A fresh network per example by the local reparameterization (dense/activation/flatten models).</summary>
    Local,
}

/// <summary>CLI names of <see cref="PosteriorSampling"/>.</summary>
public static class PosteriorSamplings
{
    /// <summary>"weights" or "local".</summary>
    public static string Name(PosteriorSampling s) => s switch
    {
        PosteriorSampling.Weights => "weights",
        PosteriorSampling.Local => "local",
        _ => throw new ArgumentOutOfRangeException(nameof(s), s, "allowed: weights, local"),
    };

    /// <summary>The sampling named <paramref name="name"/> (case-insensitive), or an error naming the allowed values.</summary>
    public static PosteriorSampling Parse(string name) => name?.ToLowerInvariant() switch
    {
        "weights" => PosteriorSampling.Weights,
        "local" => PosteriorSampling.Local,
        _ => throw new ArgumentException($"--sampling '{name}' is not a sampling; allowed: weights, local."),
    };

    /// <summary>Whether <paramref name="spec"/> allows <see cref="PosteriorSampling.Local"/>.</summary>
    public static bool SupportsLocal(ModelSpec spec) => LocalReparameterization<float>.Supports(spec);
}

/// <summary>The local reparameterization trick (Kingma, Salimans, Welling 2015, "Variational dropout and the local
/// reparameterization trick", Section 2.3) for a network of dense layers under Q = N(μ, diag σ²): for one example with
/// layer input h, the pre-activation z = W h + b has independent Gaussian coordinates with mean μ_W h + μ_b and variance
/// σ_W² (h ⊙ h) + σ_b², so z = m + sqrt(v) ⊙ ε with ε ~ N(0, I) per example and unit draws, layer by layer, exactly the
/// law of the network's output on that example under a weight sample w ~ Q (each weight enters once per example). The
/// minibatch surrogate loss is then an unbiased estimate of the same E_Q[L̂] as with one shared weight sample, with a
/// gradient of far lower variance (the examples' draws are independent). Gradients: with δ = ∂L/∂z and
/// γ = δ ⊙ ε/(2 sqrt v): ∂L/∂μ_W = δᵀh, ∂L/∂μ_b = Σ δ, ∂L/∂σ_W = 2σ_W ⊙ (γᵀ(h⊙h)), ∂L/∂σ_b = 2σ_b ⊙ Σ γ,
/// ∂L/∂h = δ μ_W + 2h ⊙ (γ σ_W²). Host backends only (the tensors' storage is read directly).</summary>
internal sealed class LocalReparameterization<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Backend<T> _backend;
    private readonly LayerState[] _layers;
    private int _rows = -1;

    /// <summary>A stepper for <paramref name="spec"/> (dense, activation and flatten layers only) on a host backend.</summary>
    public LocalReparameterization(ModelSpec spec, Backend<T> backend)
    {
        if (!Supports(spec))
        {
            throw new ArgumentException($"the model {spec.Name} has a layer other than dense, activation or flatten; allowed for the local reparameterization: dense/activation/flatten models (use weight sampling).", nameof(spec));
        }

        _backend = backend;
        var layers = new List<LayerState>();
        int parameter = 0;
        foreach (LayerSpec l in spec.Layers)
        {
            switch (l)
            {
                case DenseSpec d:
                    layers.Add(new LayerState(d.In, d.Out, d.Activation, parameter, d.Bias ? parameter + 1 : -1));
                    parameter += d.Bias ? 2 : 1;
                    break;
                case ActivationSpec a:
                    layers.Add(new LayerState(a.Size, a.Size, a.Activation, -1, -1));
                    break;
            }
        }

        _layers = [.. layers];
    }

    /// <summary>Whether every layer is dense, an activation or a flatten (a flatten is the identity on NHWC rows).</summary>
    public static bool Supports(ModelSpec spec) => spec.Layers.All(l => l is DenseSpec or ActivationSpec or FlattenSpec);

    /// <summary>The network's outputs on <paramref name="input"/> with per-example draws keyed by (key, layer, row·units + unit):
    /// the same numbers for any thread count or backend.</summary>
    public Tensor<T> Forward(Tensor<T> input, T[][] mu, T[][] sigma, RngKey key, ulong step)
    {
        Allocate(input.Rows);
        Tensor<T> h = input;
        for (int l = 0; l < _layers.Length; l++)
        {
            LayerState s = _layers[l];
            s.Input = h;
            if (s.Weight < 0)
            {
                _backend.BiasActivation(h, null, s.Activation, s.Output!);
                s.Pre = h;
                h = s.Output!;
                continue;
            }

            T[] hData = Data(h), h2 = Data(s.InputSquare!);
            TensorPrimitives.Multiply<T>(hData, hData, h2);
            _backend.Upload(mu[s.Weight], s.MuW!);
            T[] sw = sigma[s.Weight], s2w = Data(s.SigmaSquareW!);
            TensorPrimitives.Multiply<T>(sw, sw, s2w);
            _backend.MatMul(h, false, s.MuW!, true, s.Mean!, T.One, T.Zero);
            _backend.MatMul(s.InputSquare!, false, s.SigmaSquareW!, true, s.Variance!, T.One, T.Zero);
            T[] m = Data(s.Mean!), v = Data(s.Variance!), e = Data(s.Noise!), z = Data(s.Pre!);
            int rows = input.Rows, units = s.Out;
            if (s.Bias >= 0)
            {
                T[] mb = mu[s.Bias], sb = sigma[s.Bias];
                for (int r = 0; r < rows; r++)
                {
                    Span<T> mr = m.AsSpan(r * units, units), vr = v.AsSpan(r * units, units);
                    TensorPrimitives.Add<T>(mr, mb, mr);
                    for (int j = 0; j < units; j++)
                    {
                        vr[j] += sb[j] * sb[j];
                    }
                }
            }

            _backend.FillNoise(s.Noise!, new NoiseKey(key, step, (uint)l));
            T[] sd = Data(s.Std!);
            TensorPrimitives.Sqrt<T>(v, sd);
            // z = m + sqrt(v) ⊙ ε.
            TensorPrimitives.FusedMultiplyAdd<T>(sd, e, m, z);
            _backend.BiasActivation(s.Pre!, null, s.Activation, s.Output!);
            h = s.Output!;
        }

        return h;
    }

    /// <summary>∂L/∂μ and ∂L/∂σ of every parameter tensor from ∂L/∂(outputs) of the last <see cref="Forward"/>.</summary>
    public void Backward(Tensor<T> gradOutput, T[][] sigma, T[][] gradMu, T[][] gradSigma)
    {
        Tensor<T> delta = gradOutput;
        for (int l = _layers.Length - 1; l >= 0; l--)
        {
            LayerState s = _layers[l];
            _backend.ActivationBackward(s.Activation, s.Pre!, s.Output!, delta, s.Delta!);
            if (s.Weight < 0)
            {
                delta = s.Delta!;
                continue;
            }

            Tensor<T> d = s.Delta!;
            T[] dz = Data(d), e = Data(s.Noise!), sd = Data(s.Std!), gamma = Data(s.Gamma!);
            // γ = δ ⊙ ε/(2 sqrt v); where v = 0 (a zero input row and no bias) v does not depend on σ: γ = 0.
            T half = T.CreateTruncating(0.5);
            for (int i = 0; i < dz.Length; i++)
            {
                gamma[i] = sd[i] > T.Zero ? dz[i] * e[i] * half / sd[i] : T.Zero;
            }

            _backend.MatMul(d, true, s.Input!, false, s.GradTensor!, T.One, T.Zero);
            _backend.Download(s.GradTensor!, gradMu[s.Weight]);
            _backend.MatMul(s.Gamma!, true, s.InputSquare!, false, s.GradTensor!, T.One, T.Zero);
            _backend.Download(s.GradTensor!, gradSigma[s.Weight]);
            T two = T.CreateTruncating(2);
            TensorPrimitives.Multiply<T>(gradSigma[s.Weight], sigma[s.Weight], gradSigma[s.Weight]);
            TensorPrimitives.Multiply<T>(gradSigma[s.Weight], two, gradSigma[s.Weight]);
            if (s.Bias >= 0)
            {
                _backend.ColumnSums(d, s.BiasGrad!);
                _backend.Download(s.BiasGrad!, gradMu[s.Bias]);
                _backend.ColumnSums(s.Gamma!, s.BiasGrad!);
                _backend.Download(s.BiasGrad!, gradSigma[s.Bias]);
                TensorPrimitives.Multiply<T>(gradSigma[s.Bias], sigma[s.Bias], gradSigma[s.Bias]);
                TensorPrimitives.Multiply<T>(gradSigma[s.Bias], two, gradSigma[s.Bias]);
            }

            if (l == 0 || s.InputGrad is null)
            {
                break;
            }

            // ∂L/∂h = δ μ_W + 2h ⊙ (γ σ_W²).
            _backend.MatMul(d, false, s.MuW!, false, s.InputGrad, T.One, T.Zero);
            _backend.MatMul(s.Gamma!, false, s.SigmaSquareW!, false, s.Scratch!, T.One, T.Zero);
            T[] gh = Data(s.InputGrad), t = Data(s.Scratch!), hv = Data(s.Input!);
            for (int i = 0; i < gh.Length; i++)
            {
                gh[i] += two * hv[i] * t[i];
            }

            delta = s.InputGrad;
        }
    }

    private void Allocate(int rows)
    {
        if (rows == _rows)
        {
            return;
        }

        _rows = rows;
        for (int l = 0; l < _layers.Length; l++)
        {
            LayerState s = _layers[l];
            s.Output = _backend.Allocate(rows, s.Out);
            s.Delta = _backend.Allocate(rows, s.Out);
            if (s.Weight < 0)
            {
                s.InputGrad = null;
                continue;
            }

            s.InputSquare = _backend.Allocate(rows, s.In);
            s.MuW ??= _backend.Allocate(s.Out, s.In);
            s.SigmaSquareW ??= _backend.Allocate(s.Out, s.In);
            s.GradTensor ??= _backend.Allocate(s.Out, s.In);
            s.BiasGrad ??= _backend.Allocate(1, s.Out);
            s.Mean = _backend.Allocate(rows, s.Out);
            s.Variance = _backend.Allocate(rows, s.Out);
            s.Std = _backend.Allocate(rows, s.Out);
            s.Noise = _backend.Allocate(rows, s.Out);
            s.Pre = _backend.Allocate(rows, s.Out);
            s.Gamma = _backend.Allocate(rows, s.Out);
            s.InputGrad = l == 0 ? null : _backend.Allocate(rows, s.In);
            s.Scratch = l == 0 ? null : _backend.Allocate(rows, s.In);
        }
    }

    private static T[] Data(Tensor<T> t) => t is HostTensor<T> h
        ? h.Data
        : throw new InvalidOperationException($"the local reparameterization runs on host backends; this tensor lives on '{t.Owner.Name}'.");

    private sealed class LayerState(int inputs, int outputs, Activation activation, int weight, int bias)
    {
        public int In { get; } = inputs;

        public int Out { get; } = outputs;

        public Activation Activation { get; } = activation;

        /// <summary>Index of the weight (and bias) tensor in Model.Parameters order; −1 for an activation layer.</summary>
        public int Weight { get; } = weight;

        public int Bias { get; } = bias;

        public Tensor<T>? Input { get; set; }

        public Tensor<T>? InputSquare { get; set; }

        public Tensor<T>? MuW { get; set; }

        public Tensor<T>? SigmaSquareW { get; set; }

        public Tensor<T>? Mean { get; set; }

        public Tensor<T>? Variance { get; set; }

        public Tensor<T>? Std { get; set; }

        public Tensor<T>? Noise { get; set; }

        public Tensor<T>? Pre { get; set; }

        public Tensor<T>? Output { get; set; }

        public Tensor<T>? Delta { get; set; }

        public Tensor<T>? Gamma { get; set; }

        public Tensor<T>? GradTensor { get; set; }

        public Tensor<T>? BiasGrad { get; set; }

        public Tensor<T>? InputGrad { get; set; }

        public Tensor<T>? Scratch { get; set; }
    }
}
