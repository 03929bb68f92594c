/// The reparameterized gradient of every posterior objective (μ, ρ and the trainable scalars) at a FIXED noise draw ξ,
/// against float64 central finite differences, through the same PosteriorStep the float32 trainer runs.
module BoundLab.Numerics.Tests.Stochastic.PosteriorGradientTests

open System
open Expecto
open BoundLab.Numerics
open BoundLab.Numerics.Backends
open BoundLab.Numerics.Data
open BoundLab.Numerics.Models
open BoundLab.Numerics.Random
open BoundLab.Numerics.Stochastic
open BoundLab.Numerics.Tensors

let private rb = ReferenceBackend<double>.Instance

/// Inputs N(0, 1), labels uniform in [0, classes).
let randomData (seed: uint64) (n: int) (d: int) (classes: int) : Dataset =
    let s = (RngKey.FromSeed seed).Stream()
    let x = Matrix<float32>(n, d)
    for i in 0 .. x.Data.Length - 1 do
        x.Data[i] <- float32 (s.NextGaussian())
    Dataset("random", x, Array.init n (fun i -> (i * 7 + 3) % classes), null, classes)

/// A PosteriorStep<double> on a tiny tanh net with non-zero μ (biases too), ρ, μ₀ and a fixed ξ.
let private setup (method: PacBayesMethod) (parameterization: SigmaParameterization) (arch: string) =
    let spec = ModelSpec.FromMlp(MlpSpec.Parse(arch, Activation.Tanh))
    let model = Model<double>.Zeros(spec, rb)
    let s = (RngKey.FromSeed 5UL).Stream()
    let shapes = model.Parameters |> Seq.map (fun p -> p.Length) |> Array.ofSeq
    let arr (centre: float) (std: float) = shapes |> Array.map (fun n -> Array.init n (fun _ -> centre + std * s.NextGaussian()))
    let mu = arr 0.0 0.6
    let rho = if parameterization = SigmaParameterization.Exp then arr -1.5 0.3 else arr -1.0 0.5
    let center = arr 0.0 0.4
    let n = 50
    let objective, surrogate, scalars =
        match method with
        | PacBayesMethod.Dr17 -> (Dr17Objective(n, 0.05) :> PacBayesObjective), (LogisticSurrogate<double>() :> Surrogate<double>), [| -2.0 |]
        | PacBayesMethod.PbbLambda -> (PbbObjective(method, n, 0.025, 0.7, 0.2) :> PacBayesObjective), (BoundedCrossEntropy<double>(1e-5) :> Surrogate<double>), [| 0.3 |]
        | _ -> (PbbObjective(method, n, 0.025, 0.7, 0.2) :> PacBayesObjective), (BoundedCrossEntropy<double>(1e-5) :> Surrogate<double>), [||]
    let step = PosteriorStep<double>(model, parameterization, mu, rho, center, objective, surrogate, scalars)
    for k in 0 .. shapes.Length - 1 do
        for i in 0 .. shapes[k] - 1 do
            step.Xi[k][i] <- s.NextGaussian()
    let classes = if spec.OutputDim = 1 then 2 else spec.OutputDim
    let data = rb.Upload(randomData 9UL 12 spec.InputDim classes)
    let batch = rb.AllocateBatch(data, 8)
    rb.Gather(data, ReadOnlySpan([| 0 .. 7 |]), batch)
    step, batch

let private check (method: PacBayesMethod) (parameterization: SigmaParameterization) (arch: string) () =
    let step, batch = setup method parameterization arch
    let e, muNorm, _ = BoundLab.Numerics.Tests.TestUtil.PosteriorCheck.finiteDifferences step batch
    Expect.isTrue (Double.IsFinite e.Objective.Value && e.Objective.Kl > 0.0) "finite objective, positive KL"
    // The gradients are not trivially small: the check compares something.
    Expect.isGreaterThan muNorm 1e-6 "∂F/∂μ is not ~0"

[<Tests>]
let tests =
    testList "Numerics.Stochastic.PosteriorGradient" [
        for (name, method, p, arch) in
            [ "dr17 exp 3-4-1", PacBayesMethod.Dr17, SigmaParameterization.Exp, "3-4-1"
              "dr17 softplus 3-4-1", PacBayesMethod.Dr17, SigmaParameterization.Softplus, "3-4-1"
              "pbb-quad softplus 3-4-3", PacBayesMethod.PbbQuad, SigmaParameterization.Softplus, "3-4-3"
              "pbb-lambda softplus 3-4-3", PacBayesMethod.PbbLambda, SigmaParameterization.Softplus, "3-4-3"
              "pbb-classic softplus 3-5-4-3", PacBayesMethod.PbbClassic, SigmaParameterization.Softplus, "3-5-4-3"
              "pbb-quad exp 3-4-3", PacBayesMethod.PbbQuad, SigmaParameterization.Exp, "3-4-3" ] do
            testCase $"{name}: ∂F/∂μ, ∂F/∂ρ, ∂F/∂θ at fixed ξ match float64 central differences" (check method p arch)
    ]
