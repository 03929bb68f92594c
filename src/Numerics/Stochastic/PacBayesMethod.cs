namespace BoundLab.Numerics.Stochastic;

/// <summary>The posterior-training methods of <c>boundlab pacbayes</c>.</summary>
public enum PacBayesMethod
{
    /// <summary>Dziugaite and Roy (2017): prior N(w₀, λI) at the initialization, λ trained and then snapped to the grid
    /// λ_j = 0.1·e^(−j/100); objective = logistic surrogate/ln 2 + sqrt((KL + 2 ln j + ln(π² n/(6δ)))/(2(n − 1))); RMSprop.</summary>
    Dr17,

    /// <summary>PBB f_quad (Pérez-Ortiz et al. 2021): (sqrt(L̂ + B) + sqrt(B))², B = (KL + ln(2√n/δ))/(2n).</summary>
    PbbQuad,

    /// <summary>PBB f_lambda: L̂/(1 − λ/2) + (KL + ln(2√n/δ))/(n λ (1 − λ/2)), λ ∈ (0, 1) trained too.</summary>
    PbbLambda,

    /// <summary>PBB f_classic: L̂ + sqrt((KL + ln(2√n/δ))/(2n)).</summary>
    PbbClassic,
}

/// <summary>The CLI names of the methods (<c>--method dr17|pbb-quad|pbb-lambda|pbb-classic</c>).</summary>
public static class PacBayesMethods
{
    /// <summary>Every method, in CLI order.</summary>
    public static IReadOnlyList<PacBayesMethod> All { get; } = [PacBayesMethod.Dr17, PacBayesMethod.PbbQuad, PacBayesMethod.PbbLambda, PacBayesMethod.PbbClassic];

    /// <summary>The CLI name of <paramref name="method"/>.</summary>
    public static string Name(PacBayesMethod method) => method switch
    {
        PacBayesMethod.Dr17 => "dr17",
        PacBayesMethod.PbbQuad => "pbb-quad",
        PacBayesMethod.PbbLambda => "pbb-lambda",
        PacBayesMethod.PbbClassic => "pbb-classic",
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, "not a PAC-Bayes method"),
    };

    /// <summary>The method named <paramref name="name"/> (case-insensitive); throws naming the allowed names.</summary>
    public static PacBayesMethod Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (PacBayesMethod m in All)
        {
            if (string.Equals(Name(m), name.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return m;
            }
        }

        throw new ArgumentException($"--method '{name}' is not a method; allowed: {string.Join(", ", All.Select(Name))}.", nameof(name));
    }

    /// <summary>Whether the method is one of PBB's (softplus σ, bounded cross-entropy, fixed prior variance, SGD momentum).</summary>
    public static bool IsPbb(PacBayesMethod method) => method is PacBayesMethod.PbbQuad or PacBayesMethod.PbbLambda or PacBayesMethod.PbbClassic;
}
