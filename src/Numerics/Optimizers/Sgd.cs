using BoundLab.Numerics.Models;
using BoundLab.Numerics.Tensors;

namespace BoundLab.Numerics.Optimizers;

/// <summary>(Minibatch or full-batch) gradient descent with heavy-ball momentum and L2 weight decay
/// (<see cref="SgdOptions"/>), one backend <see cref="Backends.Backend{T}.SgdStep"/> per parameter.
/// State: one velocity tensor per parameter ("velocity.W1", …) when μ &gt; 0.</summary>
public sealed class Sgd : Algorithm
{
    private readonly SgdOptions _options;
    private readonly bool _fullBatch;
    private readonly Tensor<float>[] _velocity;

    internal Sgd(SgdOptions options, AlgorithmContext context, bool fullBatch)
        : base(context)
    {
        options.Validate();
        _options = options;
        _fullBatch = fullBatch;
        _velocity = options.Momentum > 0
            ? context.Model.Parameters.Select(p => context.Backend.Allocate(p.Value.Rows, p.Value.Cols)).ToArray()
            : [];
    }

    /// <inheritdoc />
    public override AlgorithmOptions Options => _fullBatch ? new GdOptions(_options.Momentum, _options.WeightDecay) : _options;

    /// <inheritdoc />
    public override StepResult Step(StepContext step)
    {
        ArgumentNullException.ThrowIfNull(step);
        double loss = step.Evaluate();
        double norm = step.RecordGradientNorm ? GradientNormSquared(_options.WeightDecay) : double.NaN;
        IReadOnlyList<Parameter<float>> ps = Context.Model.Parameters;
        for (int k = 0; k < ps.Count; k++)
        {
            Context.Backend.SgdStep(ps[k].Value, ps[k].Grad, _velocity.Length == 0 ? null : _velocity[k],
                step.LearningRate, _options.Momentum, _options.WeightDecay);
        }

        return new StepResult(loss, norm, false);
    }

    /// <inheritdoc />
    public override AlgorithmState SaveState()
    {
        IReadOnlyList<Parameter<float>> ps = Context.Model.Parameters;
        return new AlgorithmState(Name,
            _velocity.Select((v, k) => NamedTensor.Of("velocity." + ps[k].Name, Context.Backend.ToArray(v))).ToArray(),
            new Dictionary<string, double>());
    }

    /// <inheritdoc />
    public override void RestoreState(AlgorithmState state)
    {
        RequireOwn(state);
        IReadOnlyList<Parameter<float>> ps = Context.Model.Parameters;
        for (int k = 0; k < _velocity.Length; k++)
        {
            Context.Backend.Upload(Floats(state, "velocity." + ps[k].Name), _velocity[k]);
        }
    }
}
