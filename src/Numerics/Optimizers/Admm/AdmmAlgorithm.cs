using BoundLab.Numerics.Backends;
using BoundLab.Numerics.Models;
using BoundLab.Numerics.Models.Layers;
using MathNet.Numerics.LinearAlgebra;

namespace BoundLab.Numerics.Optimizers.Admm;

/// <summary>The ADMM of references/ADMM.md as a training algorithm of the run loop: full batch, one ADMM sweep
/// (<see cref="AdmmUpdates.Iterate"/>) per step, in float64 on the whole training set; the model's float32 weights
/// follow W after every step so the loop's evaluation, checkpoints and run records see the ADMM iterate. It does not
/// call the objective's gradient. State: W_i, V_i, U_i ("W1", "V1", "U1", …, float64), so a resumed run continues
/// bit-identically.</summary>
/// <param name="Beta">β₁ … β_N &gt; 0.</param>
/// <param name="Lambda">λ &gt; 0.</param>
public sealed record AdmmAlgorithmOptions(SpecList<double> Beta, double Lambda) : AlgorithmOptions
{
    /// <inheritdoc />
    public override string Name => "admm";

    /// <inheritdoc />
    public override bool FullBatch => true;

    /// <inheritdoc />
    public override void Validate() => new AdmmOptions(Beta, Lambda, true).Validated();

    /// <inheritdoc />
    public override Algorithm Create(AlgorithmContext context) => new AdmmAlgorithm(this, context);

    /// <inheritdoc />
    public override IReadOnlyList<(string, string)> Describe() => [("--beta", string.Join(",", Beta.Select(F))), ("--lambda", F(Lambda))];
}

/// <summary>The algorithm of <see cref="AdmmAlgorithmOptions"/>.</summary>
public sealed class AdmmAlgorithm : Algorithm
{
    private readonly AdmmAlgorithmOptions _options;
    private readonly AdmmOptions _admm;
    private readonly AdmmState _state;
    private readonly int _samples;

    internal AdmmAlgorithm(AdmmAlgorithmOptions options, AlgorithmContext context)
        : base(context)
    {
        options.Validate();
        Data.Dataset train = context.TrainingData
            ?? throw new ArgumentException("ADMM works on the training set itself; the algorithm context has none.", nameof(context));
        MlpSpec spec = context.Model.Spec.Mlp
            ?? throw new ArgumentException($"ADMM trains plain MLPs; the model {context.Model.Spec.Name} is not one.", nameof(context));
        if (spec.Hidden != Activation.Sigmoid)
        {
            throw new ArgumentException($"ADMM is implemented for sigmoid networks; got --activation {spec.Hidden.ToString().ToLowerInvariant()}.", nameof(context));
        }

        if (options.Beta.Count != spec.Layers)
        {
            throw new ArgumentException($"got {options.Beta.Count} penalties β; {spec.Arch} has {spec.Layers} layers.", nameof(options));
        }

        _options = options;
        _admm = new AdmmOptions(options.Beta, options.Lambda, spec.Bias);
        _state = AdmmState.Create(AdmmTrainer.Inputs(train), AdmmTrainer.Targets(train, spec.OutputDim), AdmmTrainer.ToAdmmWeights(context.Model), spec.Bias);
        _samples = train.Count;
    }

    /// <inheritdoc />
    public override AlgorithmOptions Options => _options;

    /// <summary>The ADMM iterate.</summary>
    public AdmmState State => _state;

    /// <inheritdoc />
    /// <remarks>The loss reported is the ADMM iterate's training loss ½‖W_N σ(…) − Y‖²/n before the sweep; the
    /// gradient norm (when recorded) is the KKT residual ‖∇ℒ‖ of the augmented Lagrangian after it.</remarks>
    public override StepResult Step(StepContext step)
    {
        ArgumentNullException.ThrowIfNull(step);
        double fit = (_state.Predict(_state.X) - _state.Y).FrobeniusNorm();
        double loss = 0.5 * fit * fit / _samples;
        AdmmUpdates.Iterate(_state, _admm);
        double lagrangian = AdmmLagrangian.Value(_state, _admm);
        if (!double.IsFinite(lagrangian))
        {
            throw new InvalidOperationException($"ADMM diverged at step {step.Step}: the augmented Lagrangian is {lagrangian}.");
        }

        double kkt = step.RecordGradientNorm ? AdmmLagrangian.Gradient(_state, _admm).Norm : double.NaN;
        PushWeights();
        return new StepResult(loss, kkt * kkt, false);
    }

    /// <inheritdoc />
    public override AlgorithmState SaveState()
    {
        var tensors = new List<NamedTensor>();
        for (int i = 0; i < _state.Layers; i++)
        {
            tensors.Add(new NamedTensor($"W{i + 1}", _state.W[i].ToColumnMajorArray()));
            tensors.Add(new NamedTensor($"V{i + 1}", _state.V[i].ToColumnMajorArray()));
            tensors.Add(new NamedTensor($"U{i + 1}", _state.U[i].ToColumnMajorArray()));
        }

        return new AlgorithmState(Name, tensors, new Dictionary<string, double>());
    }

    /// <inheritdoc />
    public override void RestoreState(AlgorithmState state)
    {
        RequireOwn(state);
        for (int i = 0; i < _state.Layers; i++)
        {
            Load(_state.W[i], state.Tensor($"W{i + 1}"), $"W{i + 1}");
            Load(_state.V[i], state.Tensor($"V{i + 1}"), $"V{i + 1}");
            Load(_state.U[i], state.Tensor($"U{i + 1}"), $"U{i + 1}");
        }

        PushWeights();
    }

    private static void Load(Matrix<double> into, double[] values, string name)
    {
        if (values.Length != into.RowCount * into.ColumnCount)
        {
            throw new InvalidDataException($"the checkpoint's ADMM {name} has {values.Length} values; this run's is {into.RowCount}×{into.ColumnCount}.");
        }

        Matrix<double>.Build.DenseOfColumnMajor(into.RowCount, into.ColumnCount, values).CopyTo(into);
    }

    // The model's float32 parameters ← W (rounded to nearest), in Parameters order W1, b1, ….
    private void PushWeights()
    {
        Model<float> m = AdmmTrainer.ToMlp(Context.Model.Spec.Mlp!, _state);
        Context.Model.CopyFrom(m.To<float>(Context.Backend));
    }
}
