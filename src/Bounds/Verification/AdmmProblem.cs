using BoundLab.Bounds.Symbolic;

namespace BoundLab.Bounds.Verification;

/// <summary>The data of a three-layer ADMM training problem that its convergence conditions depend on, exactly.</summary>
/// <remarks>The norms enter through their squares, which are rational for any finite data set (a sum of squares of
/// doubles), so conditions on the data of a real training run are decided exactly too.</remarks>
/// <param name="N">The number of samples n ≥ 1.</param>
/// <param name="XFroSquared">‖X‖_F² &gt; 0.</param>
/// <param name="YFroSquared">‖Y‖_F² &gt; 0.</param>
/// <param name="R1">r₁ &gt; 0.</param>
/// <param name="R2">r₂ &gt; 0.</param>
public sealed record AdmmProblem(Rational N, Rational XFroSquared, Rational YFroSquared, Rational R1, Rational R2)
{
    /// <summary>The problem for norms given as exact values ‖X‖_F, ‖Y‖_F.</summary>
    public static AdmmProblem FromNorms(Rational n, Rational xFro, Rational yFro, Rational r1, Rational r2) =>
        new(n, xFro * xFro, yFro * yFro, r1, r2);

    /// <summary>Checks the ranges; throws ArgumentOutOfRangeException naming the field, its value and the range.</summary>
    public AdmmProblem Validated()
    {
        if (!N.IsInteger || N < 1) throw new ArgumentOutOfRangeException(nameof(N), N, "n must be an integer ≥ 1.");
        foreach (var (name, v) in new[] { (nameof(XFroSquared), XFroSquared), (nameof(YFroSquared), YFroSquared), (nameof(R1), R1), (nameof(R2), R2) })
            if (v.Sign <= 0) throw new ArgumentOutOfRangeException(name, v, $"{name} must be > 0.");
        return this;
    }

    /// <summary>The three candidates of B = max{…} as radicands c with root index k (candidate = c^(1/k)).</summary>
    /// <remarks>2√r₁/(‖X‖_F/√n) = (4 r₁ n/‖X‖_F²)^(1/2); (2√r₂/(‖X‖_F/√n))^(1/2) = (4 r₂ n/‖X‖_F²)^(1/4); (‖Y‖_F/‖X‖_F)^(1/3) = (‖Y‖_F²/‖X‖_F²)^(1/6).</remarks>
    public IReadOnlyList<(Rational Radicand, int Index)> BCandidates =>
    [
        (4 * R1 * N / XFroSquared, 2),
        (4 * R2 * N / XFroSquared, 4),
        (YFroSquared / XFroSquared, 6),
    ];

    /// <summary>B as the exact root c^(1/k) of the largest candidate (compared exactly through 12th powers: c₁⁶, c₂³, c₃²).</summary>
    public (Rational Radicand, int Index) B
    {
        get
        {
            var best = BCandidates[0];
            foreach (var cand in BCandidates.Skip(1))
                if (Rational.Pow(cand.Radicand, 12 / cand.Index) > Rational.Pow(best.Radicand, 12 / best.Index)) best = cand;
            return best;
        }
    }
}

/// <summary>The ADMM penalty and regularization parameters (exact rationals).</summary>
public sealed record AdmmParameters(Rational Beta1, Rational Beta2, Rational Beta3, Rational Lambda)
{
    /// <summary>Value by the condition's parameter index 0 = β₁, 1 = β₂, 2 = β₃, 3 = λ.</summary>
    public Rational this[int index] => index switch
    {
        0 => Beta1,
        1 => Beta2,
        2 => Beta3,
        3 => Lambda,
        _ => throw new ArgumentOutOfRangeException(nameof(index), index, "allowed: 0 … 3"),
    };

    /// <summary>Checks that every parameter is &gt; 0.</summary>
    public AdmmParameters Validated()
    {
        foreach (var (name, v) in new[] { (nameof(Beta1), Beta1), (nameof(Beta2), Beta2), (nameof(Beta3), Beta3), (nameof(Lambda), Lambda) })
            if (v.Sign <= 0) throw new ArgumentOutOfRangeException(name, v, $"{name} must be > 0.");
        return this;
    }
}
