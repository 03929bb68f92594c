namespace BoundLab.Numerics.Optimizers;

/// <summary>A training algorithm with its own typed options (value equality, so configs compare by value).
/// <see cref="Create"/> makes the algorithm for one run.</summary>
public abstract record AlgorithmOptions
{
    /// <summary>The CLI name: "sgd", "gd", "sgld", "pgd".</summary>
    public abstract string Name { get; }

    /// <summary>Whether each step uses the whole training set (GD, perturbed GD) rather than a minibatch.</summary>
    public virtual bool FullBatch => false;

    /// <summary>The L2 coefficient the update adds to the loss gradient (0 when none).</summary>
    public virtual double WeightDecay { get; init; }

    /// <summary>Throws (naming the option, the value and what is allowed) when an option is out of range.</summary>
    public abstract void Validate();

    /// <summary>The algorithm for one run; <paramref name="context"/> gives the parameters and the run's noise key.</summary>
    public abstract Algorithm Create(AlgorithmContext context);

    /// <summary>Every option as (CLI name, value) for fingerprints and run records.</summary>
    public abstract IReadOnlyList<(string Option, string Value)> Describe();

    /// <summary>Checks a hyper-parameter is finite and within [min, max].</summary>
    protected static void Check(string option, double value, double min, double max = double.PositiveInfinity)
    {
        if (!(double.IsFinite(value) && value >= min && value <= max))
        {
            throw new ArgumentOutOfRangeException(option, value, $"allowed: {min} ≤ {option} ≤ {max}");
        }
    }

    /// <summary>Formats a number for <see cref="Describe"/> (round-trip).</summary>
    protected static string F(double v) => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Minibatch SGD with heavy-ball momentum μ and L2 weight decay wd (PyTorch's convention):
/// v ← μ·v + (g + wd·w); w ← w − η·v (no velocity when μ = 0).</summary>
public sealed record SgdOptions(double Momentum = 0.9, double WeightDecay = 0) : AlgorithmOptions
{
    /// <inheritdoc />
    public override double WeightDecay { get; init; } = WeightDecay;

    /// <inheritdoc />
    public override string Name => "sgd";

    /// <inheritdoc />
    public override void Validate()
    {
        Check("--momentum", Momentum, 0, 0.999999);
        Check("--weight-decay", WeightDecay, 0);
    }

    /// <inheritdoc />
    public override Algorithm Create(AlgorithmContext context) => new Sgd(this, context, fullBatch: false);

    /// <inheritdoc />
    public override IReadOnlyList<(string, string)> Describe() => [("--momentum", F(Momentum)), ("--weight-decay", F(WeightDecay))];
}

/// <summary>Full-batch gradient descent: the SGD update of <see cref="SgdOptions"/> on the gradient of the mean loss
/// over the whole training set.</summary>
public sealed record GdOptions(double Momentum = 0.9, double WeightDecay = 0) : AlgorithmOptions
{
    /// <inheritdoc />
    public override double WeightDecay { get; init; } = WeightDecay;

    /// <inheritdoc />
    public override string Name => "gd";

    /// <inheritdoc />
    public override bool FullBatch => true;

    /// <inheritdoc />
    public override void Validate()
    {
        Check("--momentum", Momentum, 0, 0.999999);
        Check("--weight-decay", WeightDecay, 0);
    }

    /// <inheritdoc />
    public override Algorithm Create(AlgorithmContext context) => new Sgd(new SgdOptions(Momentum, WeightDecay), context, fullBatch: true);

    /// <inheritdoc />
    public override IReadOnlyList<(string, string)> Describe() => [("--momentum", F(Momentum)), ("--weight-decay", F(WeightDecay))];
}

/// <summary>Stochastic gradient Langevin dynamics in the parameterisation of Mou, Wang, Zhai, Zheng (COLT 2018):
/// w ← w − η·(g + wd·w) + sqrt(2η/β)·ξ, ξ ~ N(0, I); β is the inverse temperature. With
/// <paramref name="GradStatSubsample"/> = m &gt; 0 each step k with k mod <paramref name="GradStatEvery"/> = 0 first records
/// g_e = the mean of ‖∇ℓ(w, z_i)‖² over a fixed subsample of m training points (and, with a supersample, the pairs'
/// incoherence); the weights do not depend on it. <paramref name="Supersample"/>: the run trains on n points chosen
/// from 2n by selector bits (the algorithm context's <see cref="AlgorithmContext.Ghost"/> holds the other half) and
/// records, with g_e, the mean over the first m pairs of ‖∇ℓ(w, z_{j,0}) − ∇ℓ(w, z_{j,1})‖².</summary>
public sealed record SgldOptions(double Beta = 1e6, double WeightDecay = 0, int GradStatSubsample = 0, int GradStatEvery = 1,
    bool Supersample = false) : AlgorithmOptions
{
    /// <inheritdoc />
    public override double WeightDecay { get; init; } = WeightDecay;

    /// <inheritdoc />
    public override string Name => "sgld";

    /// <inheritdoc />
    public override void Validate()
    {
        if (!(Beta > 0 && double.IsFinite(Beta)))
        {
            throw new ArgumentOutOfRangeException("--beta", Beta, "allowed: a finite inverse temperature β > 0");
        }

        Check("--weight-decay", WeightDecay, 0);
        if (GradStatSubsample < 0)
        {
            throw new ArgumentOutOfRangeException("--grad-subsample", GradStatSubsample, "allowed: an integer ≥ 0 (0 = off)");
        }

        if (GradStatEvery < 1)
        {
            throw new ArgumentOutOfRangeException("--grad-every", GradStatEvery, "allowed: an integer ≥ 1");
        }

        if (Supersample && GradStatSubsample == 0)
        {
            throw new ArgumentOutOfRangeException("--supersample", Supersample, "allowed only with --grad-subsample m > 0 (the pairs measured)");
        }
    }

    /// <inheritdoc />
    public override Algorithm Create(AlgorithmContext context) => new Sgld(this, context);

    /// <inheritdoc />
    public override IReadOnlyList<(string, string)> Describe() => [("--beta", F(Beta)), ("--weight-decay", F(WeightDecay))];
}

/// <summary>Perturbed gradient descent (Jin, Ge, Netrapalli, Kakade, Jordan, ICML 2017, Algorithm 2) with radius r and
/// thresholds g_thres, t_thres, f_thres (the paper's choice of them from (ℓ, ρ, ε, c, δ, Δ_f) is in the bound catalog).</summary>
public sealed record PgdOptions(double Radius = 1e-3, double GradThreshold = 1e-3, int StepThreshold = 50, double LossThreshold = 1e-6) : AlgorithmOptions
{
    /// <inheritdoc />
    public override string Name => "pgd";

    /// <inheritdoc />
    public override bool FullBatch => true;

    /// <inheritdoc />
    public override void Validate()
    {
        if (!(Radius > 0 && double.IsFinite(Radius)))
        {
            throw new ArgumentOutOfRangeException("--pgd-radius", Radius, "allowed: a finite radius r > 0");
        }

        Check("--pgd-grad-threshold", GradThreshold, 0);
        if (StepThreshold < 1)
        {
            throw new ArgumentOutOfRangeException("--pgd-steps", StepThreshold, "allowed: t_thres ≥ 1");
        }

        Check("--pgd-loss-threshold", LossThreshold, 0);
    }

    /// <inheritdoc />
    public override Algorithm Create(AlgorithmContext context) => new PerturbedGd(this, context);

    /// <inheritdoc />
    public override IReadOnlyList<(string, string)> Describe() =>
        [("--pgd-radius", F(Radius)), ("--pgd-grad-threshold", F(GradThreshold)), ("--pgd-steps", StepThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("--pgd-loss-threshold", F(LossThreshold))];
}
