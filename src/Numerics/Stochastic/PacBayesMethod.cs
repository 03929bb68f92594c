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
