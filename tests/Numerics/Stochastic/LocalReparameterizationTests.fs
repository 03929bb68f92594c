/// The local reparameterization step (per-example draws for dense models): its gradient at FIXED per-example noise against
/// float64 central finite differences through the same PosteriorStep the trainer runs, its law against the closed form of a
/// linear layer, and σ = 0 against the deterministic network.
module BoundLab.Numerics.Tests.Stochastic.LocalReparameterizationTests

open System
open Expecto
open BoundLab.Numerics
open BoundLab.Numerics.Backends
open BoundLab.Numerics.Models
open BoundLab.Numerics.Random
open BoundLab.Numerics.Stochastic
open BoundLab.Numerics.Tensors

let private rb = ReferenceBackend<double>.Instance

/// Inputs N(0, 1), labels (7i + 3) mod classes.
let private randomData (seed: uint64) (n: int) (d: int) (classes: int) : BoundLab.Numerics.Data.Dataset =
    let s = (RngKey.FromSeed seed).Stream()
    let x = Matrix<float32>(n, d)
    for i in 0 .. x.Data.Length - 1 do
        x.Data[i] <- float32 (s.NextGaussian())
    BoundLab.Numerics.Data.Dataset("random", x, Array.init n (fun i -> (i * 7 + 3) % classes), null, classes)

let private setup (method: PacBayesMethod) (parameterization: SigmaParameterization) (arch: string) (activation: Activation) =
    let spec = ModelSpec.FromMlp(MlpSpec.Parse(arch, activation))
    let model = Model<double>.Zeros(spec, rb)
    let s = (RngKey.FromSeed 11UL).Stream()
    let shapes = model.Parameters |> Seq.map (fun p -> p.Length) |> Array.ofSeq
    let arr (centre: float) (std: float) = shapes |> Array.map (fun n -> Array.init n (fun _ -> centre + std * s.NextGaussian()))
    let mu = arr 0.0 0.6
    let rho = if parameterization = SigmaParameterization.Exp then arr -1.2 0.3 else arr -0.8 0.5
    let center = arr 0.0 0.4
    let n = 50
    let objective, surrogate, scalars =
        match method with
        | PacBayesMethod.Dr17 -> (Dr17Objective(n, 0.05) :> PacBayesObjective), (LogisticSurrogate<double>() :> Surrogate<double>), [| -2.0 |]
        | _ -> (PbbObjective(method, n, 0.025, 0.7, 0.2) :> PacBayesObjective), (BoundedCrossEntropy<double>(1e-5) :> Surrogate<double>), [||]
    let step = PosteriorStep<double>(model, parameterization, mu, rho, center, objective, surrogate, scalars, Local = LocalReparameterization<double>(spec, rb))
    step.LocalDraw <- (RngKey.FromSeed 3UL, 17UL)
    let classes = if spec.OutputDim = 1 then 2 else spec.OutputDim
    let data = rb.Upload(randomData 9UL 12 spec.InputDim classes)
    let batch = rb.AllocateBatch(data, 8)
    rb.Gather(data, ReadOnlySpan([| 0 .. 7 |]), batch)
    step, batch

let private check method parameterization arch activation () =
    let step, batch = setup method parameterization arch activation
    let e, _, rhoNorm = BoundLab.Numerics.Tests.TestUtil.PosteriorCheck.finiteDifferences step batch
    Expect.isTrue (Double.IsFinite e.Objective.Value) "finite objective"
    Expect.isGreaterThan rhoNorm 1e-8 "∂F/∂ρ is not ~0 (the σ path is exercised)"

[<Tests>]
let tests =
    testList "Numerics.Stochastic.LocalReparameterization" [
        for (name, method, p, arch, act) in
            [ "dr17 exp tanh 3-4-1", PacBayesMethod.Dr17, SigmaParameterization.Exp, "3-4-1", Activation.Tanh
              "dr17 exp tanh 3-5-4-1 (deep)", PacBayesMethod.Dr17, SigmaParameterization.Exp, "3-5-4-1", Activation.Tanh
              "pbb-quad softplus sigmoid 3-4-3", PacBayesMethod.PbbQuad, SigmaParameterization.Softplus, "3-4-3", Activation.Sigmoid
              "pbb-classic softplus tanh 3-5-4-3", PacBayesMethod.PbbClassic, SigmaParameterization.Softplus, "3-5-4-3", Activation.Tanh ] do
            testCase $"{name}: ∂F/∂μ, ∂F/∂ρ, ∂F/∂θ at fixed per-example noise match float64 central differences" (check method p arch act)

        testCase "a linear layer's draws have the closed-form law: mean μ·x + μ_b, variance σ²·x² + σ_b² (per example, independent)" <| fun () ->
            // One example x, 1 output: z ~ N(μ·x + μ_b, Σ σ_i² x_i² + σ_b²) exactly; 20,000 rows of the same x give 20,000
            // independent draws. Sample mean within 5 standard errors; sample variance within 5 of its standard errors (√(2/N)·v).
            let spec = ModelSpec.FromMlp(MlpSpec.Parse("3-1", Activation.Identity))
            let lrt = LocalReparameterization<double>(spec, rb)
            let x = [| 0.5; -1.2; 2.0 |]
            let mu = [| [| 0.3; 0.7; -0.2 |]; [| 0.4 |] |]
            let sigma = [| [| 0.1; 0.5; 0.25 |]; [| 0.3 |] |]
            let rows = 20000
            let input = rb.FromMatrix(Matrix<double>(rows, 3, Array.init (rows * 3) (fun i -> x[i % 3])))
            let out = rb.ToArray(lrt.Forward(input, mu, sigma, RngKey.FromSeed 1UL, 0UL))
            let m = 0.3 * 0.5 + 0.7 * -1.2 + -0.2 * 2.0 + 0.4
            let v = 0.01 * 0.25 + 0.25 * 1.44 + 0.0625 * 4.0 + 0.09
            let mean = Array.average out
            let var = (out |> Array.sumBy (fun z -> (z - mean) ** 2.0)) / float (rows - 1)
            Expect.isLessThan (abs (mean - m)) (5.0 * sqrt (v / float rows)) $"mean {mean} vs {m}"
            Expect.isLessThan (abs (var - v)) (5.0 * v * sqrt (2.0 / float rows)) $"variance {var} vs {v}"

        testCase "σ = 0 gives exactly the deterministic network's outputs (relu 4-6-5-2 with biases)" <| fun () ->
            let spec = ModelSpec.FromMlp(MlpSpec.Parse("4-6-5-2", Activation.Relu))
            let model = Model<double>.Create(spec, rb, RngKey.FromSeed 2UL)
            let values = model.Values()
            for k in 1 .. 2 .. values.Length - 1 do
                for i in 0 .. values[k].Length - 1 do values[k][i] <- 0.1 * float (i + 1)
            let model = Model<double>.FromValues(spec, rb, values)
            let zeros = values |> Array.map (fun a -> Array.zeroCreate<double> a.Length)
            let s = (RngKey.FromSeed 4UL).Stream()
            let input = rb.FromMatrix(Matrix<double>(7, 4, Array.init 28 (fun _ -> s.NextGaussian())))
            let lrt = LocalReparameterization<double>(spec, rb)
            let a = rb.ToArray(lrt.Forward(input, values, zeros, RngKey.FromSeed 1UL, 0UL))
            let b = rb.ToArray(model.Forward(input))
            Expect.sequenceEqual a b "same outputs"

        testCase "a conv model is refused with a clear error" <| fun () ->
            let spec = ModelSpec.LeNet()
            let e =
                try
                    LocalReparameterization<double>(spec, rb) |> ignore
                    ""
                with :? ArgumentException as e -> e.Message
            Expect.stringContains e "dense/activation/flatten" "refused, naming what is allowed"
    ]
