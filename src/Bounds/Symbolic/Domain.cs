namespace BoundLab.Bounds.Symbolic;

/// <summary>The set of values a symbol ranges over; simplification rules and SMT encodings use it.</summary>
public enum Domain
{
    /// <summary>Any real number.</summary>
    Real,
    /// <summary>x &gt; 0.</summary>
    PositiveReal,
    /// <summary>x ≥ 0.</summary>
    NonNegativeReal,
    /// <summary>The open interval (0, 1).</summary>
    Probability,
    /// <summary>1, 2, 3, …</summary>
    PositiveInteger,
}

/// <summary>The named real constants.</summary>
public enum ConstantKind
{
    /// <summary>Euler's number e.</summary>
    E,
    /// <summary>π.</summary>
    Pi,
}

/// <summary>
/// The functions with a node of their own. Every switch over this enum is exhaustive without a discard arm
/// (see the project's NoWarn), so a new kind does not compile until each printer, the compiler, the
/// evaluator, the differentiator and the SMT encoder handle it.
/// </summary>
public enum FunctionKind
{
    /// <summary>Natural logarithm (one argument).</summary>
    Ln,
    /// <summary>Exponential (one argument).</summary>
    Exp,
    /// <summary>n-ary minimum.</summary>
    Min,
    /// <summary>n-ary maximum.</summary>
    Max,
    /// <summary>kl⁻¹(q, c) = sup{p ∈ [q, 1] : kl(q‖p) ≤ c} (two arguments).</summary>
    KlInv,
    /// <summary>e^x − 1 (one argument), evaluated without the cancellation of exp(x) − 1 for small x.</summary>
    Expm1,
    /// <summary>Langford's binomial-tail inversion bin⁻¹(q, n, δ) = sup{p : P(Bin(n, p) ≤ qn) ≥ δ} (three arguments).</summary>
    BinomInv,
}
