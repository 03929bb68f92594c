module BoundLab.Numerics.Tests.Optimizers.AdmmTests

open System
open Expecto
open MathNet.Numerics.LinearAlgebra
open BoundLab.Numerics
open BoundLab.Numerics.Data
open BoundLab.Numerics.Models
open BoundLab.Numerics.Random
open BoundLab.Numerics.Backends
open BoundLab.Numerics.Optimizers.Admm
open BoundLab.Numerics.Tests.TestUtil

let rand (rng: Random) r c scale = Matrix<float>.Build.Dense(r, c, fun _ _ -> scale * (2.0 * rng.NextDouble() - 1.0))
let inner (a: Matrix<float>) (b: Matrix<float>) = a.PointwiseMultiply(b).Enumerate() |> Seq.sum
let sq (m: Matrix<float>) = let f = m.FrobeniusNorm() in f * f
let sigma (z: Matrix<float>) = z.Map(fun t -> 1.0 / (1.0 + exp -t))
let dsigma (z: Matrix<float>) = z.Map(fun t -> let s = 1.0 / (1.0 + exp -t) in s * (1.0 - s))

/// A random iterate (V and U NOT from a forward pass, so no term vanishes by accident).
let randomState (widths: int list) bias seed =
    let rng = Random(seed: int)
    let n = 7
    let x = rand rng widths.Head n 1.0
    let y = rand rng (List.last widths) n 1.0
    let ws =
        widths |> List.pairwise |> List.map (fun (a, b) -> rand rng b (a + (if bias then 1 else 0)) 0.8) |> List.toArray
    let s = AdmmState.Create(x, y, ws, bias)
    for i in 0 .. s.Layers - 1 do
        s.V.[i] <- s.V.[i] + rand rng s.V.[i].RowCount n 0.3
        s.U.[i] <- rand rng s.U.[i].RowCount n 0.5
    s

let options layers = AdmmOptions([| for i in 1 .. layers -> 0.7 + 0.3 * float i |], 0.05, true)
let optionsFor (s: AdmmState) = AdmmOptions([| for i in 1 .. s.Layers -> 0.7 + 0.3 * float i |], 0.05, s.Bias)

/// Directional derivative of ℒ along D in block (isW, i) by central differences (ℒ is smooth; h = 1e-5).
let fdDirectional (s: AdmmState) o isW i (d: Matrix<float>) =
    let block () = if isW then s.W.[i] else s.V.[i]
    let set (m: Matrix<float>) = if isW then s.W.[i] <- m else s.V.[i] <- m
    let orig = block ()
    let h = 1e-5
    set (orig + h * d)
    let lp = AdmmLagrangian.Value(s, o)
    set (orig - h * d)
    let lm = AdmmLagrangian.Value(s, o)
    set orig
    (lp - lm) / (2.0 * h)

let cases = [ ([ 3; 4; 5; 2 ], true); ([ 3; 4; 5; 2 ], false); ([ 3; 4; 2 ], true); ([ 3; 4; 4; 3; 2 ], true) ]

[<Tests>]
let tests =
    testList "Numerics.Optimizers.Admm" [
        testCase "the closed-form gradient of the augmented Lagrangian matches central differences in every block" <| fun () ->
            for (widths, bias) in cases do
                let s = randomState widths bias 1
                let o = optionsFor s
                let g = AdmmLagrangian.Gradient(s, o)
                let rng = Random(2)
                for i in 0 .. s.Layers - 1 do
                    for isW in [ true; false ] do
                        let blk = if isW then s.W.[i] else s.V.[i]
                        let d = rand rng blk.RowCount blk.ColumnCount 1.0
                        let analytic = inner (if isW then g.W.[i] else g.V.[i]) d
                        let numeric = fdDirectional s o isW i d
                        Expect.floatClose { absolute = 1e-6; relative = 1e-6 } analytic numeric $"{widths} bias={bias} {(if isW then 'W' else 'V')}{i + 1}"

        testCase "exact blocks: after W_N, V_(N−1) and V_N updates the Lagrangian's gradient in that block vanishes" <| fun () ->
            for (widths, bias) in cases do
                let s = randomState widths bias 3
                let o = optionsFor s
                let last = s.Layers - 1
                let before = (AdmmLagrangian.Gradient(s, o)).W.[last].FrobeniusNorm()
                AdmmUpdates.UpdateOutputWeights(s, o)
                let after = (AdmmLagrangian.Gradient(s, o)).W.[last].FrobeniusNorm()
                Expect.isLessThan after (1e-10 * max 1.0 before) $"{widths} ∂ℒ/∂W_N"
                let s2 = randomState widths bias 4
                AdmmUpdates.UpdateLastHidden(s2, o)
                Expect.isLessThan ((AdmmLagrangian.Gradient(s2, o)).V.[last - 1].FrobeniusNorm()) 1e-10 $"{widths} ∂ℒ/∂V_(N−1)"
                let s3 = randomState widths bias 5
                AdmmUpdates.UpdateOutput(s3, o)
                Expect.isLessThan ((AdmmLagrangian.Gradient(s3, o)).V.[last].FrobeniusNorm()) 1e-10 $"{widths} ∂ℒ/∂V_N"

        testCase "prox-linear W_i: the update zeroes the gradient of its surrogate (λ/2)‖W‖² + β⟨G, WA − Z⟩ + (βh/4)‖WA − Z‖²" <| fun () ->
            for (widths, bias) in cases do
                let s = randomState widths bias 6
                let o = optionsFor s
                for i in 0 .. s.Layers - 2 do
                    let a = AdmmMath.Tilde((if i = 0 then s.X else s.V.[i - 1]), bias)
                    let beta = o.Beta.[i]
                    let b = s.V.[i] - s.U.[i] / beta
                    let z = s.W.[i] * a
                    let g = (sigma z - b).PointwiseMultiply(dsigma z)
                    let h = b.Enumerate() |> Seq.map abs |> Seq.max
                    // The surrogate's gradient, written out independently of the implementation.
                    let grad (w: Matrix<float>) = o.Lambda * w + beta * g * a.Transpose() + (beta * h / 2.0) * (w * a - z) * a.Transpose()
                    let scale = (grad s.W.[i]).FrobeniusNorm()
                    AdmmUpdates.UpdateHiddenWeights(s, o, i)
                    Expect.isLessThan ((grad s.W.[i]).FrobeniusNorm()) (1e-10 * max 1.0 scale) $"{widths} W{i + 1}"

        testCase "prox-linear V_i (i ≤ N−2): the update zeroes the gradient of its surrogate" <| fun () ->
            for (widths, bias) in cases |> List.filter (fun (w, _) -> w.Length >= 4) do
                let s = randomState widths bias 7
                let o = optionsFor s
                for i in 0 .. s.Layers - 3 do
                    let bi, bn = o.Beta.[i], o.Beta.[i + 1]
                    let c = sigma (s.W.[i] * AdmmMath.Tilde((if i = 0 then s.X else s.V.[i - 1]), bias)) + s.U.[i] / bi
                    let b = s.V.[i + 1] - s.U.[i + 1] / bn
                    let mu = b.Enumerate() |> Seq.map abs |> Seq.max
                    let vOld = s.V.[i]
                    let z = s.W.[i + 1] * AdmmMath.Tilde(vOld, bias)
                    let g = (sigma z - b).PointwiseMultiply(dsigma z)
                    let w = if bias then s.W.[i + 1].SubMatrix(0, s.W.[i + 1].RowCount, 0, s.W.[i + 1].ColumnCount - 1) else s.W.[i + 1]
                    // S(V) = (β_i/2)‖V − C‖² + β_{i+1}(⟨W′ᵀG, V − V_old⟩ + (μ/4)‖W′(V − V_old)‖²)
                    let grad (v: Matrix<float>) = bi * (v - c) + bn * (w.Transpose() * g + (mu / 2.0) * w.Transpose() * (w * (v - vOld)))
                    let scale = (grad vOld).FrobeniusNorm()
                    AdmmUpdates.UpdateHiddenActivations(s, o, i)
                    Expect.isLessThan ((grad s.V.[i]).FrobeniusNorm()) (1e-10 * max 1.0 scale) $"{widths} V{i + 1}"

        testCase "multipliers: U_i += β_i r_i" <| fun () ->
            let s = randomState [ 3; 4; 5; 2 ] true 8
            let o = optionsFor s
            let r = AdmmLagrangian.Residuals(s)
            let u0 = s.U |> Array.map (fun m -> m.Clone())
            AdmmUpdates.UpdateMultipliers(s, o)
            for i in 0 .. s.Layers - 1 do
                Expect.isLessThan ((s.U.[i] - u0.[i] - o.Beta.[i] * r.[i]).FrobeniusNorm()) 1e-14 $"U{i + 1}"

        testCase "under parameters satisfying the three-layer conditions the Lagrangian descends and the primal residual shrinks" <| fun () ->
            let data = ProductData.Generate(DataOptions("product", TrainSize = 60, TestSize = 10, Seed = 3UL))
            let spec = MlpSpec.Parse("2-8-8-1", Activation.Sigmoid, true)
            let net = Model<float32>.Create(ModelSpec.FromMlp spec, CpuBackend(), RngKey.FromSeed(1UL), Initialization.LeCun)
            let x = AdmmTrainer.Inputs data.Train
            let y = AdmmTrainer.Targets(data.Train, 1)
            // The least admissible parameters of references/ADMM.md in float64, with 1 % slack (r₁ = r₂ = 1).
            let n = float data.Train.Count
            let fx, fy = x.FrobeniusNorm(), y.FrobeniusNorm()
            let a = fx / sqrt n
            let bb = List.max [ 2.0 / a; sqrt (2.0 / a); (fy / fx) ** (1.0 / 3.0) ]
            let b3 = 2.0
            let b2 = 1.01 * 16.0 * (b3 + 1.0) * bb ** 2.0
            let b1 = 1.01 * 11.0 * (b2 + 1.0) * bb ** 4.0 * fx
            let lam = 1.01 * List.max [ 0.75 * b1 * bb * fx ** 3.0; 10.0 * b2 * bb ** 4.0 * fx ** 3.0; 4.0 * b3 * bb ** 4.0 * fx ** 2.0 ]
            let o = AdmmOptions([| b1; b2; b3 |], lam, true)
            let r = AdmmTrainer.Train(net, data.Train, o, 15)
            let ls = r.History |> Seq.map (fun h -> h.Lagrangian) |> Seq.toArray
            for t in 1 .. ls.Length - 1 do
                Expect.isLessThanOrEqual ls.[t] (ls.[t - 1] + 1e-9 * abs ls.[t - 1]) $"ℒ non-increasing at iteration {t + 1}"
            let res = r.History |> Seq.map (fun h -> h.PrimalResidual) |> Seq.toArray
            Expect.isLessThan res.[res.Length - 1] (1e-3 * res.[0]) "primal residual shrinks by 1000×"
            Expect.isLessThan (r.History |> Seq.last).KktResidual (1e-3 * (r.History |> Seq.head).KktResidual) "KKT residual shrinks"

        testCase "the trained network as a Model<float32> predicts what the ADMM weights predict" <| fun () ->
            let data = ProductData.Generate(DataOptions("product", TrainSize = 50, TestSize = 10, Seed = 4UL))
            let spec = MlpSpec.Parse("2-6-5-1", Activation.Sigmoid, true)
            let net = Model<float32>.Create(ModelSpec.FromMlp spec, CpuBackend(), RngKey.FromSeed(2UL), Initialization.LeCun)
            let o = AdmmOptions.AuthorsDefaults(3, true)
            let r = AdmmTrainer.Train(net, data.Train, o, 3)
            let state = AdmmState.Create(AdmmTrainer.Inputs data.Train, AdmmTrainer.Targets(data.Train, 1), AdmmTrainer.ToAdmmWeights r.Model, true)
            let expected = state.Predict(state.X)
            let out = r.Model.To<float32>(ReferenceBackend<float32>.Instance).Predict(data.Train.Inputs)
            for i in 0 .. data.Train.Count - 1 do
                // float32 forward pass against the float64 one on the same (float32) weights.
                Expect.floatClose { absolute = 1e-4; relative = 1e-4 } (float out.[i, 0]) expected.[0, i] $"sample {i}"
            Expect.equal r.History.Count 3 "three records"

        testCase "ADMM as an algorithm of the run loop: same iterates as AdmmTrainer, and resume is bit-identical" <| fun () ->
            let data = ProductData.Generate(DataOptions("product", TrainSize = 40, TestSize = 10, Seed = 5UL))
            let spec = MlpSpec.Parse("2-6-5-1", Activation.Sigmoid, true)
            let options = BoundLab.Numerics.Optimizers.Admm.AdmmAlgorithmOptions(BoundLab.Numerics.Models.Layers.SpecList<float>([ 1.0; 1.0; 1.0 ]), 1e-6)
            let config epochs =
                BoundLab.Numerics.Training.TrainConfig(ModelSpec.FromMlp spec, BoundLab.Numerics.Losses.LossKind.Squared, options,
                    BoundLab.Numerics.Optimizers.Schedule(BoundLab.Numerics.Optimizers.ScheduleKind.Constant, 1.0), 40, epochs, 7UL,
                    Initialization.LeCun, Threads = 1, RecordSteps = true)
            let trained = BoundLab.Numerics.Training.Trainer(config 4, data).Run()
            let initial = Model<float32>.Create(ModelSpec.FromMlp spec, CpuBackend(1), RngKey.FromSeed(7UL).Split("init"), Initialization.LeCun)
            let direct = AdmmTrainer.Train(initial, data.Train, AdmmOptions([| 1.0; 1.0; 1.0 |], 1e-6, true), 4)
            Expect.equal (trained.Model.Values()) (direct.Model.Values()) "the run loop's ADMM = AdmmTrainer, bit for bit"
            Expect.equal trained.Steps.Count 4 "one step per epoch"
            use dir = new TempDir()
            let ck = BoundLab.Numerics.Training.Checkpoint(IO.Path.Combine(dir.Path, "ck"))
            BoundLab.Numerics.Training.Trainer(config 2, data).Run(checkpoint = ck) |> ignore
            let resumed = BoundLab.Numerics.Training.Trainer(config 4, data).Run(checkpoint = ck, resume = true)
            Expect.equal (resumed.Model.Values()) (trained.Model.Values()) "resumed from W, V, U: bit-identical"

        testCase "the product data set: y = x₁x₂ on [−1, 1]², deterministic, 1000 + 1000 by default" <| fun () ->
            let d = ProductData.Generate(DataOptions("product", Seed = 9UL))
            Expect.equal (d.Train.Count, d.Test.Count) (1000, 1000) "sizes"
            for i in 0 .. d.Train.Count - 1 do
                let x1, x2 = d.Train.Inputs.[i, 0], d.Train.Inputs.[i, 1]
                Expect.isTrue (abs x1 <= 1.0f && abs x2 <= 1.0f) "in the square"
                Expect.equal d.Train.Targets.[i, 0] (float32 (float x1 * float x2)) "product"
            let again = Datasets.Load(DataOptions("product", Seed = 9UL))
            Expect.equal again.Train.Inputs.Data d.Train.Inputs.Data "same seed, same data"

        testCase "bad options and shapes name the problem" <| fun () ->
            let e = Expect.throwsC (fun () -> AdmmOptions([| 1.0; -1.0 |], 1.0, true).Validated() |> ignore) id
            ignore e
            let data = ProductData.Generate(DataOptions("product", TrainSize = 5, TestSize = 5))
            let relu = Model<float32>.Create(ModelSpec.FromMlp(MlpSpec.Parse("2-3-1", Activation.Relu, true)), CpuBackend(), RngKey.FromSeed(0UL))
            Expect.throwsT<ArgumentException> (fun () -> AdmmTrainer.Train(relu, data.Train, AdmmOptions.AuthorsDefaults(2, true), 1) |> ignore) "sigmoid only"
    ]
