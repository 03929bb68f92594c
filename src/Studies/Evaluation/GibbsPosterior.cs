using BoundLab.Numerics.Data;
using BoundLab.Numerics.Measurements;
using BoundLab.Numerics.Models;

namespace BoundLab.Studies.Evaluation;

/// <summary>The PAC-Bayes quantities of the isotropic Gaussian posterior a run's sharpness picks: Q = N(w, λ_j I) around the
/// trained weights and the data-independent prior P = N(w₀, λ_j I) around the initialization, λ_j = 0.1·e^(−j/100) on
/// Dziugaite and Roy's (2017) prior-variance grid. No optimization of Q (that is the non-vacuous PAC-Bayes work).</summary>
/// <param name="PriorIndex">j, the smallest grid index with λ_j ≤ σ² (σ = the run's sharpness_sigma).</param>
/// <param name="Variance">λ_j, the variance of every coordinate of Q and P.</param>
/// <param name="Kl">KL(Q‖P) = ‖w − w₀‖²/(2λ_j) (equal variances), rounded up.</param>
/// <param name="McError">Mean training error of <paramref name="McSamples"/> networks drawn from Q, on the whole training set.</param>
/// <param name="McSamples">M, the number of posterior draws.</param>
public sealed record GibbsPosterior(int PriorIndex, double Variance, double Kl, double McError, int McSamples)
{
    /// <summary>Posterior draws behind the Monte-Carlo training error.</summary>
    public const int DefaultSamples = 50;

    /// <summary>δ′ of the Monte-Carlo upper bound on the Gibbs training error (Dziugaite and Roy use 0.01).</summary>
    public const double DefaultDeltaMc = 0.01;

    /// <summary>The posterior of a trained network at sharpness σ, its KL from the prior at the initialization, and its
    /// Monte-Carlo training error over <paramref name="samples"/> keyed draws (every parameter, biases included, is
    /// perturbed; the same draws for any thread count).</summary>
    public static GibbsPosterior Estimate(Model<float> net, Model<float> init, Dataset train, double sigma, int samples, ulong seed, int threads)
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(init);
        ArgumentNullException.ThrowIfNull(train);
        if (!(sigma > 0 && double.IsFinite(sigma)))
            throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "allowed: a finite sharpness σ > 0");
        if (samples < 1)
            throw new ArgumentOutOfRangeException(nameof(samples), samples, "allowed: at least one posterior draw");
        int j = PriorIndexFor(sigma * sigma);
        double lambda = 0.1 * Math.Exp(-j / 100.0);
        double[] w = net.FlatValues(), w0 = init.FlatValues();
        double distance = 0;
        for (int i = 0; i < w.Length; i++)
        {
            double d = w[i] - w0[i];
            distance += d * d;
        }

        // 2KL = (‖w − w₀‖² + Σ s)/λ − Σ ln s + P ln λ − P with s_i = λ: the trace and log terms cancel. Rounded up twice
        // (the square sum and the division are each within an ulp of their exact values).
        double kl = Math.BitIncrement(Math.BitIncrement(distance) / (2 * lambda));
        double error = Sharpness.PerturbedError(net, train, PerturbationKind.Isotropic, Math.Sqrt(lambda), 0, samples, seed, threads);
        return new GibbsPosterior(j, lambda, kl, error, samples);
    }

    /// <summary>The smallest j ≥ 1 with 0.1·e^(−j/100) ≤ <paramref name="variance"/>, so Q is no wider than the sharpness allows.</summary>
    public static int PriorIndexFor(double variance)
    {
        if (!(variance > 0 && double.IsFinite(variance)))
            throw new ArgumentOutOfRangeException(nameof(variance), variance, "allowed: a finite variance > 0");
        int j = Math.Max(1, (int)Math.Ceiling(100 * Math.Log(0.1 / variance)));
        while (0.1 * Math.Exp(-j / 100.0) > variance) j++;
        while (j > 1 && 0.1 * Math.Exp(-(j - 1) / 100.0) <= variance) j--;
        return j;
    }
}
