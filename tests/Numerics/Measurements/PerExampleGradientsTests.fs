module BoundLab.Numerics.Tests.Measurements.PerExampleGradientsTests

open System
open Expecto
open BoundLab.Numerics
open BoundLab.Numerics.Backends
open BoundLab.Numerics.Data
open BoundLab.Numerics.Losses
open BoundLab.Numerics.Measurements
open BoundLab.Numerics.Models
open BoundLab.Numerics.Random
open BoundLab.Numerics.Tensors
open BoundLab.Numerics.Training
open BoundLab.Numerics.Tests.TestUtil

let private reference = ReferenceBackend<float>()

/// n points of d features that are exact in float32 (multiples of 1/64), labels i mod k.
let private dataset (n: int) (d: int) (k: int) (seed: int) =
    let rng = Random(seed)
    let x = Matrix<float32>(n, d, Array.init (n * d) (fun _ -> float32 (rng.Next(-96, 97)) / 64.0f))
    Dataset("tiny", x, Array.init n (fun i -> (i * 7 + 1) % k), null, k)

/// The gradient of example i's loss by float64 central differences (h = 1e-6) of the loss alone: independent of backward.
let private fdGradient (model: Model<float>) (data: Dataset) (loss: LossKind) (i: int) =
    let m = model.Clone()
    let objective = Objective<float>(m, reference.Upload data, loss)
    let theta = m.FlatValues()
    let h = 1e-6
    Array.init theta.Length (fun j ->
        let orig = theta[j]
        theta[j] <- orig + h
        m.SetFlatValues(ReadOnlySpan theta)
        let up = objective.OnRows(ReadOnlySpan [| i |], false)
        theta[j] <- orig - h
        m.SetFlatValues(ReadOnlySpan theta)
        let down = objective.OnRows(ReadOnlySpan [| i |], false)
        theta[j] <- orig
        (up - down) / (2.0 * h))

let private model (arch: string) (act: Activation) (seed: uint64) =
    let m = Model<float>.Create(ModelSpec.FromMlp(MlpSpec.Parse(arch, act, true)), reference, RngKey.FromSeed seed)
    ModelTest.setBiases m
    m

[<Tests>]
let tests =
    testList "Numerics.Measurements.PerExampleGradients" [
        for loss, arch, k in [ LossKind.CrossEntropy, "5-6-4-3", 3; LossKind.Squared, "5-7-3", 3 ] do
            testCase (sprintf "‖∇ℓ(w, z_i)‖² of %A on %s equals float64 central differences of ℓ(z_i)" loss arch) <| fun () ->
                let data = dataset 6 5 k 11
                let net = model arch Activation.Tanh 3UL
                let objective = Objective<float>(net, reference.Upload data, loss)
                let rows = [| 0; 2; 3; 5 |]
                let got = PerExampleGradients.SquaredNorms(objective, ReadOnlySpan rows)
                for j in 0 .. rows.Length - 1 do
                    let g = fdGradient net data loss rows[j]
                    let want = Array.sumBy (fun v -> v * v) g
                    Expect.floatClose { absolute = 1e-9; relative = 1e-6 } got[j] want (sprintf "row %d" rows[j])
                let mean = PerExampleGradients.MeanSquaredNorm(objective, ReadOnlySpan rows)
                Expect.floatClose Accuracy.veryHigh mean (Array.average got) "g_e is their mean"

        testCase "pair incoherence ‖∇ℓ(a_j) − ∇ℓ(b_j)‖² equals central differences of the two losses" <| fun () ->
            let a = dataset 4 5 3 21
            let b = dataset 4 5 3 22
            let net = model "5-6-3" Activation.Relu 9UL
            let fa = Objective<float>(net, reference.Upload a, LossKind.CrossEntropy)
            let fb = Objective<float>(net, reference.Upload b, LossKind.CrossEntropy)
            let got = PerExampleGradients.MeanPairDifference(fa, fb)
            let want =
                Array.average (Array.init 4 (fun j ->
                    Array.map2 (fun x y -> (x - y) * (x - y)) (fdGradient net a LossKind.CrossEntropy j) (fdGradient net b LossKind.CrossEntropy j)
                    |> Array.sum))
            Expect.floatClose { absolute = 1e-9; relative = 1e-6 } got want "mean over the 4 pairs"

        testCase "float32 CPU statistic agrees with the float64 reference; bad rows are named" <| fun () ->
            let data = dataset 8 5 3 31
            let net = model "5-6-3" Activation.Tanh 4UL
            let cpu = CpuBackend(2)
            let net32 = net.To<float32>(cpu)
            let f32 = Objective<float32>(net32, cpu.Upload data, LossKind.CrossEntropy)
            let f64 = Objective<float>(net, reference.Upload data, LossKind.CrossEntropy)
            let rows = Array.init 8 id
            let a = PerExampleGradients.MeanSquaredNorm(f32, ReadOnlySpan rows)
            let b = PerExampleGradients.MeanSquaredNorm(f64, ReadOnlySpan rows)
            Expect.floatClose { absolute = 1e-6; relative = 1e-4 } a b "float32 vs float64"
            let e = thrown (fun () -> PerExampleGradients.SquaredNorms(f64, ReadOnlySpan [| 8 |]) |> ignore)
            Expect.stringContains e.Message "0 … 7" "names the allowed rows"
    ]
