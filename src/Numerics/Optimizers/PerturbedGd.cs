using BoundLab.Numerics.Models;
using BoundLab.Numerics.Random;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Numerics.Optimizers;

/// <summary>Perturbed gradient descent (Jin, Ge, Netrapalli, Kakade, Jordan, ICML 2017, Algorithm 2): full-batch GD
/// that, when the gradient is small (‖∇f‖ ≤ g_thres) and no perturbation happened in the last t_thres steps, jumps to a
/// uniform point of the ball of radius r around the iterate; if t_thres steps later f has not decreased by f_thres,
/// it returns the pre-perturbation point x̃ (an approximate second-order stationary point) and stops.</summary>
/// <remarks>State: the anchor x̃ ("anchor.W1", …, present after the first perturbation), f(x̃) ("anchor_loss"), the
/// step of the last perturbation ("last_perturbation") and the count ("perturbations"): a resumed run takes the same
/// decisions as an uninterrupted one.</remarks>
public sealed class PerturbedGd : Algorithm
{
    private readonly PgdOptions _options;
    private Tensor<float>[]? _anchor;
    private double _anchorLoss;
    private long _lastPerturbation = long.MinValue / 2;

    internal PerturbedGd(PgdOptions options, AlgorithmContext context)
        : base(context)
    {
        options.Validate();
        _options = options;
    }

    /// <inheritdoc />
    public override AlgorithmOptions Options => _options;

    /// <summary>Number of perturbations so far.</summary>
    public int Perturbations { get; private set; }

    /// <summary>The step of the last perturbation; very negative when none.</summary>
    public long LastPerturbation => _lastPerturbation;

    /// <inheritdoc />
    public override StepResult Step(StepContext step)
    {
        ArgumentNullException.ThrowIfNull(step);
        long t = step.Step;
        double loss = step.Evaluate();
        if (ShouldStop(t, loss))
        {
            return new StepResult(loss, double.NaN, true);
        }

        double gradNorm = Math.Sqrt(GradientNormSquared(0));
        if (gradNorm <= _options.GradThreshold && t - _lastPerturbation > _options.StepThreshold)
        {
            Perturb(t, loss);
            loss = step.Evaluate();
        }

        double norm = step.RecordGradientNorm ? GradientNormSquared(0) : double.NaN;
        foreach (Parameter<float> p in Context.Model.Parameters)
        {
            Context.Backend.SgdStep(p.Value, p.Grad, null, (float)step.LearningRate, 0, 0);
        }

        return new StepResult(loss, norm, false);
    }

    /// <inheritdoc />
    public override AlgorithmState SaveState()
    {
        IReadOnlyList<Parameter<float>> ps = Context.Model.Parameters;
        NamedTensor[] tensors = _anchor is null ? [] : _anchor.Select((a, k) => NamedTensor.Of("anchor." + ps[k].Name, Context.Backend.ToArray(a))).ToArray();
        return new AlgorithmState(Name, tensors, new Dictionary<string, double>
        {
            ["anchor_loss"] = _anchorLoss,
            ["last_perturbation"] = _lastPerturbation,
            ["perturbations"] = Perturbations,
            ["has_anchor"] = _anchor is null ? 0 : 1,
        });
    }

    /// <inheritdoc />
    public override void RestoreState(AlgorithmState state)
    {
        RequireOwn(state);
        _anchorLoss = state.Scalar("anchor_loss");
        _lastPerturbation = (long)state.Scalar("last_perturbation");
        Perturbations = (int)state.Scalar("perturbations");
        if (state.Scalar("has_anchor") == 0)
        {
            _anchor = null;
            return;
        }

        IReadOnlyList<Parameter<float>> ps = Context.Model.Parameters;
        _anchor = ps.Select(p => Context.Backend.Allocate(p.Value.Rows, p.Value.Cols)).ToArray();
        for (int k = 0; k < ps.Count; k++)
        {
            Context.Backend.Upload(Floats(state, "anchor." + ps[k].Name), _anchor[k]);
        }
    }

    // Remembers x̃_t = x_t and f(x̃_t), then moves to a uniform point of the r-ball around it: Gaussian direction ξ
    // (keyed by step t and tensor k), radius r·U^{1/P}; ‖ξ‖² from one fill, the move regenerates the same ξ.
    private void Perturb(long t, double loss)
    {
        IReadOnlyList<Parameter<float>> ps = Context.Model.Parameters;
        _anchor ??= ps.Select(p => Context.Backend.Allocate(p.Value.Rows, p.Value.Cols)).ToArray();
        for (int k = 0; k < ps.Count; k++)
        {
            Context.Backend.Copy(ps[k].Value, _anchor[k]);
        }

        _anchorLoss = loss;
        _lastPerturbation = t;
        Perturbations++;
        RngKey direction = Context.NoiseKey.Split("direction");
        long dim = ps.Sum(p => (long)p.Length);
        double norm2 = 0;
        for (int k = 0; k < ps.Count; k++)
        {
            Tensor<float> xi = Context.Backend.Allocate(ps[k].Value.Rows, ps[k].Value.Cols);
            Context.Backend.FillNoise(xi, new NoiseKey(direction, (ulong)t, (uint)k));
            norm2 += Context.Backend.EffectiveGradientNormSquared(xi, xi, 0);
        }

        double u = Context.NoiseKey.Split("radius").Split((ulong)t).Stream().NextDoubleOpenZero();
        float scale = (float)(_options.Radius * Math.Pow(u, 1.0 / dim) / Math.Sqrt(norm2));
        for (int k = 0; k < ps.Count; k++)
        {
            Context.Backend.AddNoise(ps[k].Value, new NoiseKey(direction, (ulong)t, (uint)k), scale);
        }
    }

    // The stopping test at step t with f(x_t) = loss; when it fires the parameters return to x̃.
    private bool ShouldStop(long t, double loss)
    {
        if (_anchor is null || t - _lastPerturbation != _options.StepThreshold || loss - _anchorLoss <= -_options.LossThreshold)
        {
            return false;
        }

        IReadOnlyList<Parameter<float>> ps = Context.Model.Parameters;
        for (int k = 0; k < ps.Count; k++)
        {
            Context.Backend.Copy(_anchor[k], ps[k].Value);
        }

        return true;
    }
}
