/// Whole-network gradient checks on a TRAINED 4-layer network whose biases are far from zero (a fresh network's
/// zero biases hide any backend that forgets the bias in act′): float64 central differences check the
/// reference backend, and the float32 CpuBackend gradient is checked against both, for every hidden activation.
module BoundLab.Numerics.Tests.Models.TrainedGradientTests

open Expecto
open BoundLab.Numerics
open BoundLab.Numerics.Backends
open BoundLab.Numerics.Losses
open BoundLab.Numerics.Models
open BoundLab.Numerics.Random
open BoundLab.Numerics.Tensors
open BoundLab.Numerics.Tests.TestUtil

let private reference = ReferenceBackend<float>.Instance
let private batch = 64
let private widths = [| 6; 9; 8; 7; 3 |]

let private inputs = randomMatrix 71UL batch widths[0] 1.0
// A learnable rule (not random labels), so a few hundred descent steps really train the network.
let private labels =
    Array.init batch (fun i ->
        if inputs[i, 0] + inputs[i, 1] > 0.5 then 0
        elif inputs[i, 2] - inputs[i, 3] > 0.0 then 1
        else 2)

let private lossOf (net: Model<float>) = ModelTest.loss net LossKind.CrossEntropy inputs labels null

/// Biases drawn with |b| in [0.5, 2] and random sign, then 400 steps of full-batch gradient descent
/// in float64 on the reference backend; returned rounded to float32 values (so both precisions see one network).
let private trained (act: Activation) =
    // Sigmoid's slopes are ≤ 1/4 per layer, so it needs a larger step; identity diverges above ~0.1.
    let lr = match act with Activation.Sigmoid -> 0.5 | Activation.Identity -> 0.02 | _ -> 0.05
    let net = Model<float>.Create(ModelSpec.FromMlp(MlpSpec(widths, act, true)), reference, RngKey.FromSeed 72UL, Initialization.Gaussian, 0.6)
    let s = (RngKey.FromSeed 73UL).Stream()
    for p in net.Parameters do
        if p.Name.StartsWith "b" then
            let v = Array.init p.Length (fun _ -> (if s.NextDouble() < 0.5 then -1.0 else 1.0) * (0.5 + 1.5 * s.NextDouble()))
            reference.Upload(System.ReadOnlySpan v, p.Value)
    let before = lossOf net
    for _ in 1 .. 400 do
        ModelTest.lossAndGradient net LossKind.CrossEntropy inputs labels null |> ignore
        for p in net.Parameters do
            reference.Axpy(-lr, p.Grad, p.Value)
    let net32 = net.To<float32>(CpuBackend(1))
    before, net32.To<float>(reference), net32

/// Share of hidden pre-activations whose sign the bias flips: [XWᵀ > 0] ≠ [XWᵀ + b > 0]. A plain float64
/// forward pass written here, independent of any backend.
let private biasSignFlips (net: Model<float>) =
    let mutable a = inputs
    let mutable flips = 0
    let mutable total = 0
    let weights, biases = net.DenseWeights(), net.DenseBiases()
    for l in 0 .. weights.Length - 2 do
        let w, b = weights[l], biases[l]
        let next = Matrix<float>(a.Rows, w.Rows)
        for r in 0 .. a.Rows - 1 do
            for j in 0 .. w.Rows - 1 do
                let mutable z = 0.0
                for p in 0 .. w.Cols - 1 do
                    z <- z + a[r, p] * w[j, p]
                if (z > 0.0) <> (z + b[j] > 0.0) then flips <- flips + 1
                total <- total + 1
                next[r, j] <- ActivationMath.Apply(net.Spec.Mlp.Hidden, z + b[j])
        a <- next
    float flips / float total

/// Analytic float64 reference gradient, in the order of net.Parameters.
let private referenceGradient (net: Model<float>) =
    ModelTest.lossAndGradient net LossKind.CrossEntropy inputs labels null |> ignore
    List.zip [ for p in net.Parameters -> p.Name ] (List.ofArray (net.Gradients()))

/// Central differences, h = 10⁻⁶, on every parameter entry.
let private finiteDifferences (net: Model<float>) =
    let h = 1e-6
    [ for p in net.Parameters ->
        let values = reference.ToArray p.Value
        p.Name,
        Array.init values.Length (fun i ->
            let orig = values[i]
            let at (v: float) =
                values[i] <- v
                reference.Upload(System.ReadOnlySpan values, p.Value)
                lossOf net
            let up = at (orig + h)
            let down = at (orig - h)
            at orig |> ignore
            (up - down) / (2.0 * h)) ]

/// float32 CpuBackend loss and gradient.
let private cpuGradient (net32: Model<float32>) threads =
    let net = net32.To<float32>(CpuBackend(threads))
    let loss = ModelTest.lossAndGradient net LossKind.CrossEntropy (inputs.Convert<float32>()) labels null
    loss, List.zip [ for p in net.Parameters -> p.Name ] [ for g in net.Gradients() -> Array.map float g ]

/// |a − b| ≤ atolScale·max|b| + rtol·|b| per tensor; returns the worst ratio (≤ 1 passes).
let private worst atolScale rtol (a: (string * float[]) list) (b: (string * float[]) list) =
    List.map2 (fun (n1: string, x: float[]) (n2: string, y: float[]) ->
        Expect.equal n1 n2 "same parameter order"
        let scale = y |> Array.fold (fun m v -> max m (abs v)) 1e-12
        n1, relErr (atolScale * scale) rtol x y) a b
    |> List.maxBy snd

[<Tests>]
let tests =
    testList "Numerics.Models.TrainedGradient" [
        for act in [ Activation.Relu; Activation.Sigmoid; Activation.Tanh; Activation.Identity ] do
            testCase (sprintf "6-9-8-7-3 %A, trained, biases far from zero: reference = finite differences = CPU float32" act) <| fun () ->
                let before, net64, net32 = trained act
                // The premises: the network was trained, its biases are large, and they change activation masks.
                Expect.isLessThan (lossOf net64) (0.8 * before) (sprintf "training lowered the loss by 20%% or more (from %.4f)" before)
                let hiddenBiases = net64.DenseBiases() |> Seq.take 3 |> Seq.concat |> Seq.toArray
                Expect.isGreaterThan (hiddenBiases |> Array.averageBy abs) 0.5 "mean |b| of the hidden layers > 0.5"
                Expect.isGreaterThan (biasSignFlips net64) 0.05 "the bias flips the sign of > 5% of hidden pre-activations"

                let analytic = referenceGradient net64
                let numeric = finiteDifferences net64
                // Central differences: O(h²) truncation, O(ε/h) ≈ 10⁻¹⁰ rounding — 10⁻⁶ absolute + 10⁻⁵ relative.
                for (name, a), (_, n) in List.zip analytic numeric do
                    Expect.isLessThan (relErr 1e-6 1e-5 a n) 1.0 (sprintf "reference gradient of %s = central differences" name)

                let loss64 = lossOf net64
                let loss1, grad1 = cpuGradient net32 1
                let loss2, grad2 = cpuGradient (net64.To<float32>(CpuBackend(2))) 2
                // float32 with widths ≤ 9 and 4 layers: each product/sum is off by ≤ (k + 2)·2⁻²⁴ ≈ 10⁻⁶ relative and
                // the chain through 4 layers and back amplifies that ~10×: allow 10⁻⁴ of the tensor's largest entry
                // plus 10⁻³ relative. A wrong ReLU mask is an O(1) error.
                Expect.floatClose { absolute = 1e-5; relative = 1e-5 } loss1 loss64 "CPU float32 loss = reference loss"
                let name, ratio = worst 1e-4 1e-3 grad1 analytic
                Expect.isLessThan ratio 1.0 (sprintf "CPU float32 gradient of %s = reference gradient (worst ratio %.3g)" name ratio)
                let name, ratio = worst 1e-4 1e-3 grad1 numeric
                Expect.isLessThan ratio 1.0 (sprintf "CPU float32 gradient of %s = central differences (worst ratio %.3g)" name ratio)
                Expect.equal loss2 loss1 "2 threads: same loss"
                for (n, a), (_, b) in List.zip grad1 grad2 do
                    Expect.equal b a (sprintf "2 threads: same bits in the gradient of %s" n)
    ]
