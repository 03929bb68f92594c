using System.Text.Json.Nodes;
using BoundLab.Numerics.Training;

namespace BoundLab.Numerics.Measurements;

/// <summary>What the trajectory sums need besides the steps: the run's SGLD parameters and, for Mou et al.'s k₀, a
/// Lipschitz constant the user asserts.</summary>
/// <param name="Beta">SGLD's inverse temperature β (noise sqrt(2η/β)·N(0, I)); null for a noiseless run.</param>
/// <param name="WeightDecay">λ of the ℓ2 term λ‖w‖²/2 (the update's weight decay).</param>
/// <param name="Lipschitz">L, the loss's Lipschitz constant in the parameters, for k₀; null leaves k₀ out.</param>
public sealed record TrajectoryInputs(double? Beta, double WeightDecay = 0, double? Lipschitz = null);

/// <summary>The sums over a run's trajectory that the stability and information-theoretic entries take, in the units
/// the trajectory has (η per step, squared gradient norms of the mean minibatch loss).</summary>
/// <param name="Steps">N, the optimizer steps.</param>
/// <param name="EtaSum">Σ_{k=1}^{N} η_k.</param>
/// <param name="Beta">β; null for a noiseless run.</param>
/// <param name="WeightDecay">λ.</param>
/// <param name="WeightedGradSum">Mou et al. (2018)'s Σ_k η_k e^{−λ(T_N − T_k)/2} ‖g_k‖², T_k = Σ_{j≤k} η_j, with ‖g_k‖² the
/// recorded squared norm of the gradient step k used (minibatch mean loss plus the weight-decay term): a one-run
/// estimate of the expectation.</param>
/// <param name="GradSum">Li, Luo, Qiao (2020)'s Σ_t (γ_t²/σ_t²) g_e(t) = Σ_t (β η_t / 4) g_e(t) (γ_t = η_t, σ_t² = 4η_t/β),
/// g_e(t) the mean squared per-example gradient norm of the loss at w_{t−1} on the recorded subsample; when it was
/// recorded every k steps, g_e of the last recorded step stands for the steps up to the next (exact for k = 1); null
/// when not recorded or for a noiseless run.</param>
/// <param name="GradStatSteps">Steps at which g_e was recorded.</param>
/// <param name="IncoherenceSum">Haghifam et al. (2020)'s Σ_t β η_t ‖ξ_t‖² from the recorded incoherence column, held the
/// same way; null when not recorded.</param>
/// <param name="Lipschitz">L as given.</param>
/// <param name="K0">Mou et al.'s k₀ = min{k ≥ 1 : η_k β L² &lt; 1}, N when no step satisfies it; null without L or β.</param>
/// <param name="EtaSumAfterK0">Σ_{k=k₀+1}^{N} η_k; null with <paramref name="K0"/>.</param>
public sealed record TrajectoryMeasures(long Steps, double EtaSum, double? Beta, double WeightDecay, double WeightedGradSum,
    double? GradSum, long GradStatSteps, double? IncoherenceSum, double? Lipschitz, long? K0, double? EtaSumAfterK0)
{
    // Mou, Wang, Zhai, Zheng (COLT 2018): stability (k₀, Σ_{k>k₀} η_k) and PAC-Bayes (Σ η_k e^{−λ(T_N−T_k)/2} E‖g_k‖²);
    // Li, Luo, Qiao (ICLR 2020) Thms 9/11: Σ (γ_t²/σ_t²) g_e(t); Haghifam et al. (NeurIPS 2020): Σ β_t η_t ‖ξ_t‖².
    /// <summary>The sums over <paramref name="steps"/> (in step order, 0-based consecutive steps).</summary>
    public static TrajectoryMeasures Of(IReadOnlyList<StepRecord> steps, TrajectoryInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Beta is { } b0 && !(b0 > 0 && double.IsFinite(b0)))
        {
            throw new ArgumentOutOfRangeException(nameof(inputs), b0, "β: allowed a finite inverse temperature > 0");
        }

        if (!(inputs.WeightDecay >= 0 && double.IsFinite(inputs.WeightDecay)))
        {
            throw new ArgumentOutOfRangeException(nameof(inputs), inputs.WeightDecay, "weight decay: allowed a finite λ ≥ 0");
        }

        if (inputs.Lipschitz is { } l0 && !(l0 > 0 && double.IsFinite(l0)))
        {
            throw new ArgumentOutOfRangeException("--lipschitz", l0, "allowed: a finite Lipschitz constant L > 0");
        }

        if (steps.Count == 0)
        {
            throw new ArgumentException("the trajectory has no steps; allowed: at least one recorded step.", nameof(steps));
        }

        for (int i = 0; i < steps.Count; i++)
        {
            StepRecord s = steps[i];
            if (s.Step != i)
            {
                throw new ArgumentException($"trajectory row {i + 1} is step {s.Step}; allowed: consecutive steps 0, 1, 2, …", nameof(steps));
            }

            if (!(s.LearningRate > 0 && double.IsFinite(s.LearningRate)) || !(s.GradNormSquared >= 0 && double.IsFinite(s.GradNormSquared)))
            {
                throw new ArgumentException($"trajectory step {s.Step}: lr {s.LearningRate}, grad_norm_sq {s.GradNormSquared}; allowed: lr > 0 and a finite grad_norm_sq ≥ 0.", nameof(steps));
            }

            foreach ((string name, double? v) in (ReadOnlySpan<(string, double?)>)[("grad_stat", s.GradStat), ("incoherence", s.Incoherence)])
            {
                if (v is { } x && !(x >= 0 && double.IsFinite(x)))
                {
                    throw new ArgumentException($"trajectory step {s.Step}: {name} {x}; allowed: a finite value ≥ 0 or empty.", nameof(steps));
                }
            }
        }

        return OfCore(steps, inputs);
    }

    private static TrajectoryMeasures OfCore(IReadOnlyList<StepRecord> steps, TrajectoryInputs inputs)
    {
        int n = steps.Count;
        double lambda = inputs.WeightDecay;
        var tk = new double[n];
        double t = 0;
        for (int k = 0; k < n; k++)
        {
            t += steps[k].LearningRate;
            tk[k] = t;
        }

        double weighted = 0;
        for (int k = 0; k < n; k++)
        {
            weighted += steps[k].LearningRate * Math.Exp(-lambda * (t - tk[k]) / 2) * steps[k].GradNormSquared;
        }

        double? gradSum = null, incoherenceSum = null;
        long gradSteps = steps.Count(s => s.GradStat is not null);
        if (inputs.Beta is { } beta)
        {
            gradSum = HeldSum(steps, s => s.GradStat, s => beta * s.LearningRate / 4);
            incoherenceSum = HeldSum(steps, s => s.Incoherence, s => beta * s.LearningRate);
        }

        long? k0 = null;
        double? after = null;
        if (inputs.Lipschitz is { } l && inputs.Beta is { } b)
        {
            int first = Enumerable.Range(0, n).FirstOrDefault(k => steps[k].LearningRate * b * l * l < 1, -1);
            k0 = first < 0 ? n : first + 1;
            after = steps.Skip((int)k0).Sum(s => s.LearningRate);
        }

        return new TrajectoryMeasures(n, t, inputs.Beta, lambda, weighted, gradSum, gradSteps, incoherenceSum, inputs.Lipschitz, k0, after);
    }

    // Σ_t weight(t)·stat(t'), t' the last step at or before t that recorded the statistic; null when no step recorded it.
    // The first step must have recorded it (the trainer records at step 0 and every k-th after).
    private static double? HeldSum(IReadOnlyList<StepRecord> steps, Func<StepRecord, double?> stat, Func<StepRecord, double> weight)
    {
        if (steps.All(s => stat(s) is null))
        {
            return null;
        }

        if (stat(steps[0]) is null)
        {
            throw new ArgumentException("the trajectory's per-step statistic starts after step 0; allowed: recorded at step 0 and every k-th step after.", nameof(steps));
        }

        double sum = 0, held = 0;
        foreach (StepRecord s in steps)
        {
            held = stat(s) ?? held;
            sum += weight(s) * held;
        }

        return sum;
    }

    /// <summary>measures.json's <c>trajectory</c> object: each key with its meaning and units.</summary>
    public JsonObject ToJson() => new()
    {
        ["steps"] = Steps,
        ["eta_sum"] = EtaSum,
        ["beta"] = Beta,
        ["weight_decay"] = WeightDecay,
        ["weighted_grad_sum"] = WeightedGradSum,
        ["grad_sum"] = GradSum,
        ["grad_stat_steps"] = GradStatSteps,
        ["incoherence_sum"] = IncoherenceSum,
        ["lipschitz"] = Lipschitz,
        ["k0"] = K0,
        ["eta_sum_after_k0"] = EtaSumAfterK0,
        ["units"] = new JsonObject
        {
            ["eta_sum"] = "Σ_{k=1}^{N} η_k over the N steps (learning-rate units × steps)",
            ["weighted_grad_sum"] = "Σ_k η_k e^{−λ(T_N−T_k)/2} ‖g_k‖², ‖g_k‖² the squared norm of step k's gradient (minibatch mean loss + weight decay), T_k = Σ_{j≤k} η_j (Mou et al. 2018)",
            ["grad_sum"] = "Σ_t (γ_t²/σ_t²) g_e(t) = Σ_t (β η_t/4) g_e(t), g_e(t) = mean over the recorded subsample of ‖∇ℓ(w_{t−1}, z_i)‖² (Li, Luo, Qiao 2020); held between recorded steps",
            ["incoherence_sum"] = "Σ_t β η_t ‖∇ℓ(w_t, z_J1) − ∇ℓ(w_t, z_J2)‖², mean over the recorded supersample pairs, held between recorded steps (Haghifam et al. 2020; their bound is for full-batch Langevin dynamics: --batch ≥ n); null unless trained with --supersample",
            ["k0"] = "min{k ≥ 1 : η_k β L² < 1} (N when none), with L from --lipschitz (Mou et al. 2018)",
            ["eta_sum_after_k0"] = "Σ_{k=k0+1}^{N} η_k",
        },
    };
}
