using BoundLab.Numerics.Backends;
using BoundLab.Numerics.Data;
using BoundLab.Numerics.Models;
using BoundLab.Numerics.Random;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Numerics.Measurements;

/// <summary>The two Gaussian weight perturbations of the flatness measures.</summary>
public enum PerturbationKind
{
    /// <summary>w + u, u_i ~ N(0, σ²).</summary>
    Isotropic,

    /// <summary>w + u, u_i ~ N(0, σ′²w_i² + ε²) (Jiang et al.'s magnitude-aware perturbation).</summary>
    MagnitudeAware,
}

/// <summary>The options of the sharpness search; the defaults are those of Dziugaite et al. (2020)'s
/// <c>_pacbayes_sigma</c> (search depth 15, 10 Monte-Carlo draws, target 0.1, tolerance 0.01, bracket [0, 2], ε = 10⁻³),
/// which implement Jiang et al. (2020)'s.</summary>
/// <param name="Target">Allowed increase of the training error (a rate in (0, 1)).</param>
/// <param name="Draws">Monte-Carlo perturbations per σ.</param>
/// <param name="Subsample">Training points the error is measured on (all of them when the set is smaller).</param>
/// <param name="Lower">Lower end of the bisection bracket for σ.</param>
/// <param name="Upper">Upper end of the bisection bracket for σ.</param>
/// <param name="Depth">Largest number of bisection steps.</param>
/// <param name="Tolerance">The search stops at the first σ whose increase is within this of the target.</param>
/// <param name="MagnitudeEpsilon">ε of the magnitude-aware perturbation.</param>
/// <param name="Seed">Root of the subsample choice and of every perturbation.</param>
public sealed record SharpnessOptions(double Target = 0.1, int Draws = 10, int Subsample = 2000, double Lower = 0,
    double Upper = 2, int Depth = 15, double Tolerance = 0.01, double MagnitudeEpsilon = 1e-3, ulong Seed = 0)
{
    /// <summary>Throws naming the option (its CLI spelling), the value and what is allowed.</summary>
    public void Validate()
    {
        if (!(Target > 0 && Target < 1))
        {
            throw new ArgumentOutOfRangeException("--sharpness-target", Target, "allowed: an error increase in (0, 1)");
        }

        if (Draws < 1)
        {
            throw new ArgumentOutOfRangeException("--sharpness-draws", Draws, "allowed: an integer ≥ 1");
        }

        if (Subsample < 1)
        {
            throw new ArgumentOutOfRangeException("--sharpness-subsample", Subsample, "allowed: an integer ≥ 1");
        }

        if (!(Lower >= 0 && double.IsFinite(Lower)))
        {
            throw new ArgumentOutOfRangeException("--sharpness-lower", Lower, "allowed: a finite σ ≥ 0");
        }

        if (!(Upper > Lower && double.IsFinite(Upper)))
        {
            throw new ArgumentOutOfRangeException("--sharpness-upper", Upper, $"allowed: a finite σ > the lower end {Lower}");
        }

        if (Depth < 1 || Depth > 60)
        {
            throw new ArgumentOutOfRangeException("--sharpness-depth", Depth, "allowed: an integer in 1 … 60");
        }

        if (!(Tolerance >= 0 && Tolerance < Target))
        {
            throw new ArgumentOutOfRangeException("--sharpness-tolerance", Tolerance, $"allowed: a tolerance in [0, target {Target})");
        }

        if (!(MagnitudeEpsilon >= 0 && double.IsFinite(MagnitudeEpsilon)))
        {
            throw new ArgumentOutOfRangeException("--sharpness-eps", MagnitudeEpsilon, "allowed: a finite ε ≥ 0");
        }
    }
}

/// <summary>The outcome of one bisection.</summary>
/// <param name="Sigma">The σ the search returned (the last midpoint it evaluated).</param>
/// <param name="Increase">Mean perturbed training error minus the unperturbed one at <paramref name="Sigma"/>.</param>
/// <param name="Evaluations">σ values evaluated.</param>
/// <param name="Converged">The search stopped because the increase came within the tolerance of the target (not at the depth).</param>
/// <param name="Bracket">The bracket [lo, hi] at the end: every σ evaluated ≤ lo raised the error by ≤ the target, every one ≥ hi by more.</param>
/// <param name="UpperReached">No σ evaluated raised the error by more than the target: the flat region reaches the bracket's upper end.</param>
public sealed record SharpnessSearch(double Sigma, double Increase, int Evaluations, bool Converged,
    (double Lo, double Hi) Bracket, bool UpperReached);

/// <summary>One evaluation of the search, for progress displays.</summary>
/// <param name="Kind">Which perturbation.</param>
/// <param name="Evaluation">1-based evaluation index.</param>
/// <param name="Depth">The largest number of evaluations.</param>
/// <param name="Sigma">σ evaluated.</param>
/// <param name="Increase">Its error increase.</param>
public sealed record SharpnessProgress(PerturbationKind Kind, int Evaluation, int Depth, double Sigma, double Increase);

/// <summary>Both sharpness searches of a network on a training subsample.</summary>
/// <param name="Options">The options used.</param>
/// <param name="SubsampleSize">Points the errors were measured on.</param>
/// <param name="BaseError">Unperturbed training error on the subsample.</param>
/// <param name="Isotropic">The search for σ.</param>
/// <param name="MagnitudeAware">The search for σ′.</param>
public sealed record SharpnessMeasures(SharpnessOptions Options, int SubsampleSize, double BaseError,
    SharpnessSearch Isotropic, SharpnessSearch MagnitudeAware);

/// <summary>Sharpness (flatness) of a trained network: the largest σ whose Gaussian weight perturbation raises the
/// training error by at most a target, found by bisection with a fixed number of Monte-Carlo draws per σ.</summary>
/// <remarks>Differences from the reference implementation (Dziugaite et al. 2020, <c>measures.py</c>,
/// <c>_pacbayes_sigma</c>): (1) the perturbation's standard deviation is σ (isotropic) and sqrt(σ′²w_i² + ε²)
/// (magnitude-aware), as Jiang et al. write it; the reference passes σ² and σ′²w_i² + ε² as torch.normal's std
/// argument. (2) The criterion is the signed increase of the error (the brief's "raises by at most"), not the absolute
/// displacement. (3) Draw d of every σ uses the same standard normals ξ_d (common random numbers, keyed by
/// (seed, kind, d, parameter)), so the increase is a deterministic function of σ and thread counts never change it;
/// the reference draws fresh noise for each σ from one generator. Every parameter (weights and biases) is perturbed,
/// as in the reference.</remarks>
public static class Sharpness
{
    // Jiang, Neyshabur, Mobahi, Krishnan, Bengio (ICLR 2020), "Fantastic generalization measures", §C (sharpness-based
    // measures), with the search of Dziugaite et al. (NeurIPS 2020) measures.py: σ ← (lo + hi)/2; stop when
    // |increase − target| < tolerance; increase > target ⇒ hi ← σ, else lo ← σ; at most `depth` steps; return σ.
    /// <summary>The bisection on a monotone oracle <paramref name="increase"/>(σ).</summary>
    public static SharpnessSearch Bisect(Func<double, double> increase, SharpnessOptions options,
        Action<int, double, double>? onEvaluation = null)
    {
        ArgumentNullException.ThrowIfNull(increase);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        double lo = options.Lower, hi = options.Upper, sigma = lo, value = double.NaN;
        bool upperReached = true;
        for (int i = 1; i <= options.Depth; i++)
        {
            sigma = (lo + hi) / 2;
            value = increase(sigma);
            if (double.IsNaN(value))
            {
                throw new InvalidOperationException($"the error increase at σ = {sigma} is NaN.");
            }

            onEvaluation?.Invoke(i, sigma, value);
            if (Math.Abs(value - options.Target) < options.Tolerance)
            {
                return new SharpnessSearch(sigma, value, i, true, (lo, hi), upperReached && value <= options.Target);
            }

            if (value > options.Target)
            {
                hi = sigma;
                upperReached = false;
            }
            else
            {
                lo = sigma;
            }
        }

        return new SharpnessSearch(sigma, value, options.Depth, false, (lo, hi), upperReached);
    }

    /// <summary>Both searches (σ and σ′) for <paramref name="net"/> on a fixed subsample of <paramref name="train"/>
    /// (labels required); bit-identical for any <paramref name="threads"/>.</summary>
    public static SharpnessMeasures Compute(Model<float> net, Dataset train, SharpnessOptions options, int threads = 0,
        IProgress<SharpnessProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Dataset sample = Subsample(train, options.Subsample, options.Seed);
        var perturbed = new Perturbed(net, sample, threads);
        double baseError = perturbed.BaseError();
        RngKey root = RngKey.FromSeed(options.Seed).Split("sharpness");
        SharpnessSearch Search(PerturbationKind kind) => Bisect(
            s => perturbed.MeanError(kind, s, options.MagnitudeEpsilon, options.Draws, KindKey(root, kind)) - baseError,
            options, (i, s, v) => progress?.Report(new SharpnessProgress(kind, i, options.Depth, s, v)));
        SharpnessSearch iso = Search(PerturbationKind.Isotropic);
        SharpnessSearch mag = Search(PerturbationKind.MagnitudeAware);
        return new SharpnessMeasures(options, sample.Count, baseError, iso, mag);
    }

    /// <summary>The Monte-Carlo mean training error of <paramref name="net"/> perturbed with scale <paramref name="sigma"/>
    /// on <paramref name="data"/> over <paramref name="draws"/> draws keyed by <paramref name="seed"/> (the draws
    /// <see cref="Compute"/> uses for that seed).</summary>
    public static double PerturbedError(Model<float> net, Dataset data, PerturbationKind kind, double sigma, double epsilon,
        int draws, ulong seed, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(data);
        if (!(sigma >= 0 && double.IsFinite(sigma)))
        {
            throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "allowed: a finite σ ≥ 0");
        }

        if (draws < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(draws), draws, "allowed: draws ≥ 1");
        }

        return new Perturbed(net, data, threads).MeanError(kind, sigma, epsilon, draws, KindKey(RngKey.FromSeed(seed).Split("sharpness"), kind));
    }

    /// <summary>The fixed subsample: the first <paramref name="size"/> of a permutation keyed by the seed, in index
    /// order; the whole set when it has no more points.</summary>
    public static Dataset Subsample(Dataset train, int size, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (train.Labels is null)
        {
            throw new ArgumentException($"'{train.Name}' is a regression set; sharpness is defined through the classification error.", nameof(train));
        }

        if (size >= train.Count)
        {
            return train;
        }

        int[] rows = RngKey.FromSeed(seed).Split("sharpness-subsample").Stream().Permutation(train.Count)[..size];
        Array.Sort(rows);
        var x = new Matrix<float>(size, train.InputDim);
        var labels = new int[size];
        for (int i = 0; i < size; i++)
        {
            train.Inputs.Row(rows[i]).CopyTo(x.Row(i));
            labels[i] = train.Labels[rows[i]];
        }

        return new Dataset(train.Name + $" (sharpness subsample of {size})", x, labels, null, train.Classes);
    }

    private static RngKey KindKey(RngKey root, PerturbationKind kind)
        => root.Split(kind == PerturbationKind.Isotropic ? "isotropic" : "magnitude");

    // The network's parameters on the host and a copy on a CPU backend that receives w + s ⊙ ξ.
    private sealed class Perturbed
    {
        private readonly Dataset _data;
        private readonly float[][] _values;
        private readonly Model<float> _model;
        private readonly CpuBackend _backend;

        public Perturbed(Model<float> net, Dataset data, int threads)
        {
            if (data.Labels is null)
            {
                throw new ArgumentException($"'{data.Name}' is a regression set; sharpness is defined through the classification error.", nameof(data));
            }

            if (data.InputDim != net.Spec.InputDim)
            {
                throw new ArgumentException($"the model {net.Spec.Name} takes {net.Spec.InputDim} inputs; '{data.Name}' has {data.InputDim}.", nameof(data));
            }

            _data = data;
            _values = net.Values();
            _backend = new CpuBackend(threads);
            _model = Model<float>.FromValues(net.Spec, _backend, _values);
        }

        // Misclassification rate of the unperturbed parameters.
        public double BaseError() => ErrorNow();

        public double MeanError(PerturbationKind kind, double sigma, double epsilon, int draws, RngKey key)
        {
            IReadOnlyList<Parameter<float>> ps = _model.Parameters;
            double sum = 0;
            for (int d = 0; d < draws; d++)
            {
                for (int k = 0; k < ps.Count; k++)
                {
                    Tensor<float> t = ps[k].Value;
                    _backend.FillNoise(t, new NoiseKey(key, (ulong)d, (uint)k));
                    float[] xi = _backend.ToArray(t), w = _values[k];
                    var v = new float[w.Length];
                    for (int i = 0; i < v.Length; i++)
                    {
                        double s = kind == PerturbationKind.Isotropic ? sigma : Math.Sqrt(sigma * sigma * w[i] * (double)w[i] + epsilon * epsilon);
                        v[i] = (float)(w[i] + s * xi[i]);
                    }

                    _backend.Upload(v, t);
                }

                sum += ErrorNow();
            }

            for (int k = 0; k < ps.Count; k++)
            {
                _backend.Upload(_values[k], ps[k].Value);
            }

            return sum / draws;
        }

        // Misclassification rate with margin < 0 counted as an error, as measures.json's train_error; a perturbation
        // large enough to make a logit non-finite counts as an error too (its margin is undefined).
        private double ErrorNow()
        {
            Matrix<float> logits = _model.Predict(_data.Inputs);
            int[] labels = _data.Labels!;
            int errors = 0;
            for (int i = 0; i < labels.Length; i++)
            {
                Span<float> row = logits.Row(i);
                double margin;
                if (row.Length == 1)
                {
                    margin = labels[i] == 1 ? row[0] : -row[0];
                }
                else
                {
                    double best = double.NegativeInfinity;
                    for (int j = 0; j < row.Length; j++)
                    {
                        best = j == labels[i] ? best : Math.Max(best, row[j]);
                    }

                    margin = row[labels[i]] - best;
                }

                errors += double.IsFinite(margin) && margin >= 0 ? 0 : 1;
            }

            return errors / (double)labels.Length;
        }
    }
}
