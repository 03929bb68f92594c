using System.Numerics;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using BoundLab.Numerics.Backends;
using BoundLab.Numerics.Models;
using BoundLab.Numerics.Random;
using BoundLab.Numerics.Tensors;

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

    /// <summary>With a value, the step samples per example by the local reparameterization (dense models) instead of one
    /// weight sample w = μ + σ ⊙ ξ per minibatch; <see cref="Xi"/> is then unused.</summary>
    public LocalReparameterization<T>? Local { get; init; }

    /// <summary>The key and step of the local reparameterization's per-example draws (set by the caller before
    /// <see cref="Evaluate"/>).</summary>
    public (RngKey Key, ulong Step) LocalDraw { get; set; }

    /// <summary>The objective at w = μ + σ ⊙ ξ and, with <paramref name="gradient"/>, every partial derivative.
    /// Without it only the forward pass runs (and ∂F/∂θ, which needs no backward pass, is still formed).</summary>
    public StepEvaluation Evaluate(Batch<T> batch, bool gradient = true)
    {
        Backend<T> backend = Model.Backend;
        IReadOnlyList<Parameter<T>> ps = Model.Parameters;
        for (int k = 0; k < Mu.Length; k++)
        {
            SigmaMap.Sigma<T>(Parameterization, Rho[k], Sigma[k], Scratch[k], Scratch2[k]);
            if (Local is not null)
            {
                continue;
            }

            // One FMA, as GaussianNoise.Sample: w = fma(σ, ξ, μ); straight into a host tensor's storage.
            if (ps[k].Value is HostTensor<T> host)
            {
                TensorPrimitives.FusedMultiplyAdd<T>(Sigma[k], Xi[k], Mu[k], host.Data);
            }
            else
            {
                TensorPrimitives.FusedMultiplyAdd<T>(Sigma[k], Xi[k], Mu[k], W[k]);
                backend.Upload(W[k], ps[k].Value);
            }
        }

        double loss, errors;
        if (Local is null)
        {
            (loss, errors) = Surrogate.Run(Model, batch, gradient);
        }
        else
        {
            Tensor<T> outputs = Local.Forward(batch.Inputs, Mu, Sigma, LocalDraw.Key, LocalDraw.Step);
            (loss, errors, Tensor<T>? grad) = Surrogate.OnOutputs(backend, outputs, batch, gradient);
            if (grad is not null)
            {
                // G ← ∂L̂/∂μ and W ← ∂L̂/∂σ directly (no weight sample is formed, so W is free).
                Local.Backward(grad, Sigma, G, W);
            }
        }
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
            T[] g;
            if (Local is not null)
            {
                g = G[k];
            }
            else if (ps[k].Grad is HostTensor<T> host)
            {
                g = host.Data;
            }
            else
            {
                backend.Download(ps[k].Grad, G[k]);
                g = G[k];
            }

            T[] dSigma = Sigma[k];
            if (Parameterization == SigmaParameterization.Softplus)
            {
                dSigma = Scratch[k];
                SigmaMap.Derivative<T>(Parameterization, Rho[k], Sigma[k], dSigma);
            }

            if (Local is null)
            {
                AssembleTensor(g, Xi[k], Mu[k], Center[k], Sigma[k], dSigma, GradMu[k], GradRho[k], fL, fKlOverLambda, fKl, invLambda);
            }
            else
            {
                AssembleLocal(g, W[k], Mu[k], Center[k], Sigma[k], dSigma, GradMu[k], GradRho[k], fL, fKlOverLambda, fKl, invLambda);
            }
        }
    }

    // ∂F/∂μ = f_L·g + (f_KL/λ)·(μ − μ₀); ∂F/∂ρ = (f_L·g·ξ + f_KL·(σ/λ − 1/σ))·dσ/dρ. One pass; the vector lanes and the
    // scalar tail evaluate the same expression in the same order (no contraction), so the bits do not depend on the split.
    private static void AssembleTensor(T[] g, T[] xi, T[] mu, T[] center, T[] sigma, T[] dSigma, T[] gradMu, T[] gradRho,
        T fL, T fKlOverLambda, T fKl, T invLambda)
    {
        int i = 0, n = g.Length;
        if (Vector.IsHardwareAccelerated)
        {
            var vfL = new Vector<T>(fL);
            var vc = new Vector<T>(fKlOverLambda);
            var vfKl = new Vector<T>(fKl);
            var vInv = new Vector<T>(invLambda);
            for (; i <= n - Vector<T>.Count; i += Vector<T>.Count)
            {
                var gv = new Vector<T>(g, i);
                var s = new Vector<T>(sigma, i);
                (vfL * gv + vc * (new Vector<T>(mu, i) - new Vector<T>(center, i))).CopyTo(gradMu, i);
                (((vfL * gv) * new Vector<T>(xi, i) + vfKl * (s * vInv - Vector<T>.One / s)) * new Vector<T>(dSigma, i)).CopyTo(gradRho, i);
            }
        }

        for (; i < n; i++)
        {
            T gv = g[i], s = sigma[i];
            gradMu[i] = fL * gv + fKlOverLambda * (mu[i] - center[i]);
            gradRho[i] = ((fL * gv) * xi[i] + fKl * (s * invLambda - T.One / s)) * dSigma[i];
        }
    }

    // The local reparameterization's assembly: ∂F/∂μ = f_L·g_μ + (f_KL/λ)·(μ − μ₀); ∂F/∂ρ = (f_L·g_σ + f_KL·(σ/λ − 1/σ))·dσ/dρ,
    // with g_μ, g_σ = ∂L̂/∂μ, ∂L̂/∂σ from its backward pass.
    private static void AssembleLocal(T[] gMu, T[] gSigma, T[] mu, T[] center, T[] sigma, T[] dSigma, T[] gradMu, T[] gradRho,
        T fL, T fKlOverLambda, T fKl, T invLambda)
    {
        for (int i = 0; i < gMu.Length; i++)
        {
            T s = sigma[i];
            gradMu[i] = fL * gMu[i] + fKlOverLambda * (mu[i] - center[i]);
            gradRho[i] = (fL * gSigma[i] + fKl * (s * invLambda - T.One / s)) * dSigma[i];
        }
    }
}
