using System.Numerics;
using System.Numerics.Tensors;
using BoundLab.Numerics.Backends;
using BoundLab.Numerics.Models;

namespace BoundLab.Numerics.Stochastic;

/// <summary>One evaluation of the objective at a weight sample: the objective's value and derivatives, and the sampled
/// network's misclassified rows in the batch.</summary>
internal readonly record struct StepEvaluation(ObjectiveValue Objective, double Errors, int Rows);

/// <summary>The reparameterized gradient of a PAC-Bayes objective, shared by the float32 trainer and the float64 checks.
/// The caller sets ξ (<see cref="Xi"/>); <see cref="Evaluate"/> forms w = μ + σ(ρ) ⊙ ξ in the model, runs the surrogate
/// forward and backward (g = ∂L̂/∂w), and assembles
/// ∂F/∂μ = f_L·g + f_KL·(μ − μ₀)/λ and ∂F/∂ρ = (f_L·g ⊙ ξ + f_KL·(σ/λ − 1/σ)) ⊙ dσ/dρ, plus ∂F/∂θ for the scalars.
/// Every buffer is allocated once.</summary>
internal sealed class PosteriorStep<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public PosteriorStep(Model<T> model, SigmaParameterization parameterization, T[][] mu, T[][] rho, T[][] center,
        PacBayesObjective objective, Surrogate<T> surrogate, double[] scalars)
    {
        Model = model;
        Parameterization = parameterization;
        (Mu, Rho, Center) = (mu, rho, center);
        Objective = objective;
        Surrogate = surrogate;
        Scalars = scalars;
        ScalarGradient = new double[scalars.Length];
        T[][] Like() => mu.Select(a => new T[a.Length]).ToArray();
        (Sigma, Xi, W, G, GradMu, GradRho, Scratch) = (Like(), Like(), Like(), Like(), Like(), Like(), Like());
        Scratch2 = Like();
    }

    public Model<T> Model { get; }

    public SigmaParameterization Parameterization { get; }

    public PacBayesObjective Objective { get; }

    public Surrogate<T> Surrogate { get; }

    /// <summary>The trained state: μ, ρ per tensor and the scalars θ.</summary>
    public T[][] Mu { get; }

    public T[][] Rho { get; }

    public double[] Scalars { get; }

    /// <summary>The prior centre μ₀.</summary>
    public T[][] Center { get; }

    /// <summary>The standard-normal draw ξ of the step (set by the caller).</summary>
    public T[][] Xi { get; }

    public T[][] Sigma { get; }

    public T[][] W { get; }

    public T[][] G { get; }

    /// <summary>∂F/∂μ, ∂F/∂ρ and ∂F/∂θ after <see cref="Evaluate"/>.</summary>
    public T[][] GradMu { get; }

    public T[][] GradRho { get; }

    public double[] ScalarGradient { get; }

    private T[][] Scratch { get; }

    private T[][] Scratch2 { get; }

    /// <summary>The objective at w = μ + σ ⊙ ξ and, with <paramref name="gradient"/>, every partial derivative.
    /// Without it only the forward pass runs (and ∂F/∂θ, which needs no backward pass, is still formed).</summary>
    public StepEvaluation Evaluate(Batch<T> batch, bool gradient = true)
    {
        Backend<T> backend = Model.Backend;
        IReadOnlyList<Parameter<T>> ps = Model.Parameters;
        for (int k = 0; k < Mu.Length; k++)
        {
            SigmaMap.Sigma<T>(Parameterization, Rho[k], Sigma[k], Scratch[k], Scratch2[k]);
            // One FMA, as GaussianNoise.Sample: w = fma(σ, ξ, μ).
            TensorPrimitives.FusedMultiplyAdd<T>(Sigma[k], Xi[k], Mu[k], W[k]);
            backend.Upload(W[k], ps[k].Value);
        }

        (double loss, double errors) = Surrogate.Run(Model, batch, gradient);
        KlStats stats = PosteriorKl.Stats(Parameterization, Mu, Rho, Sigma, Center, Scratch);
        ObjectiveValue v = Objective.Evaluate(loss, stats, Scalars, ScalarGradient);
        if (gradient)
        {
            Assemble(v);
        }

        return new StepEvaluation(v, errors, batch.Rows);
    }

    private void Assemble(ObjectiveValue v)
    {
        Backend<T> backend = Model.Backend;
        IReadOnlyList<Parameter<T>> ps = Model.Parameters;
        T fL = T.CreateTruncating(v.DSurrogate);
        T fKlOverLambda = T.CreateTruncating(v.DKl / v.PriorVariance);
        T fKl = T.CreateTruncating(v.DKl);
        T invLambda = T.CreateTruncating(1 / v.PriorVariance);
        for (int k = 0; k < Mu.Length; k++)
        {
            backend.Download(ps[k].Grad, G[k]);
            T[] gm = GradMu[k], gr = GradRho[k], tmp = Scratch[k];
            // ∂F/∂μ = f_L·g + (f_KL/λ)·(μ − μ₀).
            TensorPrimitives.Subtract<T>(Mu[k], Center[k], gm);
            TensorPrimitives.Multiply<T>(gm, fKlOverLambda, gm);
            TensorPrimitives.MultiplyAdd<T>(G[k], fL, gm, gm);
            // ∂F/∂σ = f_L·g ⊙ ξ + f_KL·(σ/λ − 1/σ); then ⊙ dσ/dρ.
            TensorPrimitives.Reciprocal<T>(Sigma[k], tmp);
            TensorPrimitives.Multiply<T>(Sigma[k], invLambda, gr);
            TensorPrimitives.Subtract<T>(gr, tmp, gr);
            TensorPrimitives.Multiply<T>(gr, fKl, gr);
            TensorPrimitives.Multiply<T>(G[k], Xi[k], tmp);
            TensorPrimitives.MultiplyAdd<T>(tmp, fL, gr, gr);
            SigmaMap.Derivative<T>(Parameterization, Rho[k], Sigma[k], tmp);
            TensorPrimitives.Multiply<T>(gr, tmp, gr);
        }
    }
}
