namespace BoundLab.Numerics.Runs;

/// <summary>run.json's <c>config</c>: the options the run was trained with, as the document records them (names and
/// values as the CLI spells them, independent of how the trainer's own configuration is structured).</summary>
/// <param name="Data">The dataset name (<c>data</c>).</param>
/// <param name="TrainSize">The training subset size, null for the whole set (<c>train_size</c>).</param>
/// <param name="TestSize">The test subset size, null for the whole set (<c>test_size</c>).</param>
/// <param name="Arch">The widths joined by '-', input first (<c>arch</c>).</param>
/// <param name="Activation">The hidden activation, lower case (<c>activation</c>).</param>
/// <param name="Bias">Whether the layers have biases (<c>bias</c>).</param>
/// <param name="Init">The initialization, lower case (<c>init</c>).</param>
/// <param name="Loss">The loss name (<c>loss</c>).</param>
/// <param name="Optimizer">The optimizer name (<c>optimizer</c>).</param>
/// <param name="Seed">The run's one seed (<c>seed</c>).</param>
/// <param name="Gradient">The options of the gradient methods (sgd, gd, sgld, pgd); null for ADMM.</param>
/// <param name="Admm">The options of ADMM; null for the gradient methods.</param>
public sealed record RunConfig(string Data, int? TrainSize, int? TestSize, string Arch, string Activation, bool Bias,
    string Init, string Loss, string Optimizer, ulong Seed, GradientConfig? Gradient, AdmmConfig? Admm)
{
    /// <summary>The folder of the dataset files given at training time (null: the default).</summary>
    public string? DataDir => Gradient?.DataDir;

    /// <summary>The label-noise fraction (0 where the run records none).</summary>
    public double LabelNoise => Gradient?.LabelNoise ?? 0;

    /// <summary>The number of weight matrices of <see cref="Arch"/>; null for a named model (lenet, resmlp-…).</summary>
    public int? Layers => IsMlp ? Arch.Split('-').Length - 1 : null;

    /// <summary>Whether <see cref="Arch"/> is a plain MLP's widths ("784-512-10"), not a named model ("lenet", "resmlp-256x4").</summary>
    public bool IsMlp => Arch.Split('-').All(p => p.Length > 0 && p.All(char.IsAsciiDigit));
}

/// <summary>The config keys of a run trained by a gradient method (sgd, gd, sgld, pgd).</summary>
/// <param name="DataDir"><c>data_dir</c>: the dataset folder given, or null.</param>
/// <param name="LabelNoise"><c>label_noise</c>: fraction of training labels replaced.</param>
/// <param name="InitStd"><c>init_std</c>: the standard deviation of the gaussian init (null for other inits).</param>
/// <param name="Lr"><c>lr</c>: the base learning rate.</param>
/// <param name="Schedule"><c>schedule</c>: Constant, Step or LargeThenDecay.</param>
/// <param name="DecayFactor"><c>decay_factor</c>.</param>
/// <param name="DecayEvery"><c>decay_every</c>.</param>
/// <param name="DecayAt"><c>decay_at</c>.</param>
/// <param name="Momentum"><c>momentum</c>.</param>
/// <param name="WeightDecay"><c>weight_decay</c>.</param>
/// <param name="Beta"><c>beta</c>: the SGLD inverse temperature (null for other optimizers).</param>
/// <param name="Batch"><c>batch</c>.</param>
/// <param name="Epochs"><c>epochs</c>.</param>
/// <param name="Threads"><c>threads</c>: the worker threads used.</param>
public sealed record GradientConfig(string? DataDir, double LabelNoise, double? InitStd, double Lr, string Schedule,
    double DecayFactor, int DecayEvery, int DecayAt, double Momentum, double WeightDecay, double? Beta, int Batch,
    int Epochs, int Threads);

/// <summary>The config keys of an ADMM run (exact decimals or fractions as text, as they were verified).</summary>
/// <param name="Iterations"><c>iterations</c>.</param>
/// <param name="Beta"><c>beta</c>: β₁ … β_L, exact.</param>
/// <param name="Lambda"><c>lambda</c>, exact.</param>
/// <param name="R1"><c>r1</c>, exact.</param>
/// <param name="R2"><c>r2</c>, exact.</param>
/// <param name="ParametersSource"><c>parameters_source</c>: synthesized or given.</param>
public sealed record AdmmConfig(int Iterations, ValueList<string> Beta, string Lambda, string R1, string R2, string ParametersSource);
