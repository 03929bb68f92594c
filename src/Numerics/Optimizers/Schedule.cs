namespace BoundLab.Numerics.Optimizers;

/// <summary>Learning-rate schedule shapes.</summary>
public enum ScheduleKind
{
    /// <summary>η_t = η.</summary>
    Constant,

    /// <summary>η_t = η · factor^⌊epoch / every⌋.</summary>
    Step,

    /// <summary>η for epochs before <c>DecayAt</c>, then η · factor: the "large learning rate, then
    /// anneal" regime of Li, Wei, Ma (NeurIPS 2019).</summary>
    LargeThenDecay,
}

/// <summary>A learning-rate schedule indexed by epoch (0-based).</summary>
public sealed record Schedule
{
    /// <summary>Creates a schedule; every argument is checked.</summary>
    public Schedule(ScheduleKind kind, double baseRate, double decayFactor = 0.1, int decayEvery = 1, int decayAt = 1)
    {
        if (!(baseRate > 0 && double.IsFinite(baseRate)))
        {
            throw new ArgumentOutOfRangeException(nameof(baseRate), baseRate, "allowed: a finite learning rate > 0");
        }

        if (!(decayFactor > 0 && decayFactor <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(decayFactor), decayFactor, "allowed: 0 < factor ≤ 1");
        }

        if (decayEvery < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(decayEvery), decayEvery, "allowed: ≥ 1 epoch");
        }

        if (decayAt < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(decayAt), decayAt, "allowed: epoch ≥ 0");
        }

        Kind = kind;
        BaseRate = baseRate;
        DecayFactor = decayFactor;
        DecayEvery = decayEvery;
        DecayAt = decayAt;
    }

    /// <summary>The shape.</summary>
    public ScheduleKind Kind { get; }

    /// <summary>η.</summary>
    public double BaseRate { get; }

    /// <summary>Multiplier applied at each decay.</summary>
    public double DecayFactor { get; }

    /// <summary>Epochs between decays (Step).</summary>
    public int DecayEvery { get; }

    /// <summary>First decayed epoch (LargeThenDecay).</summary>
    public int DecayAt { get; }

    /// <summary>The learning rate during a (0-based) epoch.</summary>
    public double At(int epoch) => Kind switch
    {
        ScheduleKind.Constant => BaseRate,
        ScheduleKind.Step => BaseRate * Math.Pow(DecayFactor, epoch / DecayEvery),
        ScheduleKind.LargeThenDecay => epoch < DecayAt ? BaseRate : BaseRate * DecayFactor,
        _ => throw new InvalidOperationException($"unknown schedule {Kind}"),
    };
}
