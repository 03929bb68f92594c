namespace BoundLab.Numerics.Stochastic;

/// <summary>A training objective F(L̂, KL, θ) of posterior training and its partial derivatives: L̂ the minibatch
/// surrogate, the KL through its <see cref="KlStats"/> and the prior variance, θ the method's trainable scalars.</summary>
internal abstract class PacBayesObjective
{
    /// <summary>Number of trainable scalars θ.</summary>
    public abstract int ScalarCount { get; }

    /// <summary>The prior variance λ the KL is taken against at θ.</summary>
    public abstract double PriorVariance(ReadOnlySpan<double> scalars);

    /// <summary>F and ∂F/∂L̂, ∂F/∂KL (total, with the KL penalty), ∂F/∂θ (into <paramref name="scalarGradient"/>, through
    /// the KL's dependence on λ(θ) too).</summary>
    public abstract ObjectiveValue Evaluate(double surrogate, KlStats kl, ReadOnlySpan<double> scalars, Span<double> scalarGradient);

    /// <summary>The objective of <paramref name="options"/>'s method with sample size <paramref name="n"/>.</summary>
    public static PacBayesObjective For(PosteriorTrainingOptions options, int n) => options.Method switch
    {
        PacBayesMethod.Dr17 => new Dr17Objective(n, options.Delta),
        PacBayesMethod.PbbQuad => new PbbObjective(PacBayesMethod.PbbQuad, n, options.Delta, options.KlPenalty, options.PriorVariance),
        PacBayesMethod.PbbLambda => new PbbObjective(PacBayesMethod.PbbLambda, n, options.Delta, options.KlPenalty, options.PriorVariance),
        PacBayesMethod.PbbClassic => new PbbObjective(PacBayesMethod.PbbClassic, n, options.Delta, options.KlPenalty, options.PriorVariance),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.Method, "not a PAC-Bayes method"),
    };
}

/// <summary>One evaluation: the value, its parts and the two partial derivatives every parameter's gradient needs.</summary>
internal readonly record struct ObjectiveValue(double Value, double Surrogate, double Kl, double PriorVariance, double DSurrogate, double DKl);

/// <summary>Dziugaite and Roy (2017), code snn/core/network.py PACB_objective: F = L̂ + sqrt(B/(2(n − 1))),
/// B = KL + ln(π² n/(6δ)) + 2 ln b + 2 ln max(ln c − 2s, 10⁻²), λ = e^{2s}; θ = (s).</summary>
/// <remarks>Constants read from network.py: b = log_prior_std_precision = 100, c = log_prior_std_base = 0.1 (lines 36–37),
/// the floor 1e-2 inside factor2 (line 242), ln(π² · effective_m/(6·0.05)) with δ = 0.05 hard-coded in training
/// (line 243: here the caller passes δ), effective_m = X.shape[0], the training set size (line 220), denominator
/// 2(m − 1) (line 246).
/// tf.maximum's gradient goes to its first argument on ties; here the floor's branch (zero gradient) is taken only
/// when ln c − 2s &lt; 10⁻² strictly.</remarks>
internal sealed class Dr17Objective(int n, double delta) : PacBayesObjective
{
    private const double PrecisionB = 100.0, BaseC = 0.1, Floor = 1e-2;

    /// <summary>The largest log prior std s the certificate's grid reaches: λ = e^{2s} ≤ λ₁ = c·e^{−1/b} (j ≥ 1). The trainer
    /// projects s onto s ≤ this after every step. DR17's code does not (at its lr 0.001 λ stays below c); a faster schedule
    /// drives λ past the grid, where no grid point matches the trained σ.</summary>
    public static readonly double MaxLogStd = 0.5 * (Math.Log(BaseC) - 1 / PrecisionB);
    private readonly double _constant = Math.Log(Math.PI * Math.PI * n / (6 * delta)) + 2 * Math.Log(PrecisionB);

    public override int ScalarCount => 1;

    public override double PriorVariance(ReadOnlySpan<double> scalars) => Math.Exp(2 * scalars[0]);

    public override ObjectiveValue Evaluate(double surrogate, KlStats kl, ReadOnlySpan<double> scalars, Span<double> scalarGradient)
    {
        double s = scalars[0], lambda = Math.Exp(2 * s);
        double klValue = kl.Kl(lambda);
        double inner = Math.Log(BaseC) - 2 * s;
        bool floored = inner < Floor;
        double b = klValue + _constant + 2 * Math.Log(floored ? Floor : inner);
        double denominator = 2.0 * (n - 1);
        double root = Math.Sqrt(b / denominator);
        double dKl = 1 / (2 * root * denominator);
        // dλ/ds = 2λ; d(2 ln(ln c − 2s))/ds = −4/(ln c − 2s).
        double dB = kl.DKlDLambda(lambda) * 2 * lambda + (floored ? 0 : -4 / inner);
        scalarGradient[0] = dKl * dB;
        return new ObjectiveValue(surrogate + root, surrogate, klValue, lambda, 1, dKl);
    }
}

/// <summary>Pérez-Ortiz et al. (2021), code pbb/bounds.py PBBobj.bound, with K = kl_penalty·KL + ln(2√n/δ):
/// f_quad = (sqrt(L̂ + K/(2n)) + sqrt(K/(2n)))², f_classic = L̂ + sqrt(K/(2n)),
/// f_lambda = L̂/(1 − λ/2) + K/(n λ (1 − λ/2)) with λ = sigmoid(θ)(1 − 1/√n) + 1/√n (pbb/models.py Lambda_var); the prior
/// variance is fixed.</summary>
internal sealed class PbbObjective(PacBayesMethod method, int n, double delta, double penalty, double priorVariance) : PacBayesObjective
{
    private readonly double _logTerm = Math.Log(2 * Math.Sqrt(n) / delta);
    private readonly double _lambdaMin = 1 / Math.Sqrt(n);

    public override int ScalarCount => method == PacBayesMethod.PbbLambda ? 1 : 0;

    public override double PriorVariance(ReadOnlySpan<double> scalars) => priorVariance;

    /// <summary>f_lambda's λ at θ.</summary>
    public double Lambda(double theta) => Sigmoid(theta) * (1 - _lambdaMin) + _lambdaMin;

    public override ObjectiveValue Evaluate(double surrogate, KlStats kl, ReadOnlySpan<double> scalars, Span<double> scalarGradient)
    {
        double klValue = kl.Kl(priorVariance);
        double k = penalty * klValue + _logTerm;
        switch (method)
        {
            case PacBayesMethod.PbbQuad:
            {
                double r = k / (2.0 * n), first = Math.Sqrt(surrogate + r), second = Math.Sqrt(r), sum = first + second;
                // ∂/∂L̂ = (first + second)/first; ∂/∂K = (first + second)(1/first + 1/second)/(2n).
                double dL = sum / first, dK = sum * (1 / first + 1 / second) / (2.0 * n);
                return new ObjectiveValue(sum * sum, surrogate, klValue, priorVariance, dL, dK * penalty);
            }

            case PacBayesMethod.PbbClassic:
            {
                double root = Math.Sqrt(k / (2.0 * n));
                return new ObjectiveValue(surrogate + root, surrogate, klValue, priorVariance, 1, penalty / (4.0 * n * root));
            }

            default:
            {
                double theta = scalars[0], sig = Sigmoid(theta), lambda = sig * (1 - _lambdaMin) + _lambdaMin;
                double a = 1 - lambda / 2, la = lambda * a;
                double value = surrogate / a + k / (n * la);
                // d(λa)/dλ = 1 − λ.
                double dLambda = surrogate / (2 * a * a) - k / n * (1 - lambda) / (la * la);
                scalarGradient[0] = dLambda * sig * (1 - sig) * (1 - _lambdaMin);
                return new ObjectiveValue(value, surrogate, klValue, priorVariance, 1 / a, penalty / (n * la));
            }
        }
    }

    private static double Sigmoid(double x) => x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x));
}
