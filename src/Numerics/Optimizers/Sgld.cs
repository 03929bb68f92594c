using BoundLab.Numerics.Models;
using BoundLab.Numerics.Random;

namespace BoundLab.Numerics.Optimizers;

/// <summary>SGLD (<see cref="SgldOptions"/>): ξ of parameter k at step t is <see cref="KeyedNormal"/> under
/// (key, t, k), generated inside the backend's fused <see cref="Backends.Backend{T}.LangevinStep"/>, so the weights are
/// bit-identical for any thread count and every backend draws the same numbers. Stateless between steps.</summary>
public sealed class Sgld : Algorithm
{
    private readonly SgldOptions _options;

    internal Sgld(SgldOptions options, AlgorithmContext context)
        : base(context)
    {
        options.Validate();
        _options = options;
    }

    /// <inheritdoc />
    public override AlgorithmOptions Options => _options;

    /// <inheritdoc />
    public override StepResult Step(StepContext step)
    {
        ArgumentNullException.ThrowIfNull(step);
        double loss = step.Evaluate();
        double norm = step.RecordGradientNorm ? GradientNormSquared(_options.WeightDecay) : double.NaN;
        double std = Math.Sqrt(2 * step.LearningRate / _options.Beta);
        IReadOnlyList<Parameter<float>> ps = Context.Model.Parameters;
        for (int k = 0; k < ps.Count; k++)
        {
            Context.Backend.LangevinStep(ps[k].Value, ps[k].Grad, (float)step.LearningRate, (float)_options.WeightDecay, (float)std,
                new NoiseKey(Context.NoiseKey, (ulong)step.Step, (uint)k));
        }

        return new StepResult(loss, norm, false);
    }

    /// <inheritdoc />
    public override AlgorithmState SaveState() => new(Name, [], new Dictionary<string, double>());

    /// <inheritdoc />
    public override void RestoreState(AlgorithmState state) => RequireOwn(state);
}
