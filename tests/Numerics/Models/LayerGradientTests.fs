/// Finite-difference gradient checks (float64, ReferenceBackend) of every layer kind and of whole residual and
/// convolutional models: central differences of a scalar against the analytic Backward, for the parameters and
/// for the input.
module BoundLab.Numerics.Tests.Models.LayerGradientTests

open System
open Expecto
open BoundLab.Numerics
open BoundLab.Numerics.Backends
open BoundLab.Numerics.Losses
open BoundLab.Numerics.Models
open BoundLab.Numerics.Models.Layers
open BoundLab.Numerics.Random
open BoundLab.Numerics.Tensors

let private rb = ReferenceBackend<float>.Instance

let private gaussian (seed: uint64) n (scale: float) =
    let s = (RngKey.FromSeed seed).Stream()
    Array.init n (fun _ -> scale * s.NextGaussian())

// Step of the central differences: truncation O(h²·f‴) ≈ 1e-12 and rounding O(ε·|f|/h) ≈ 1e-10, both far below
// the 1e-6 asked; small enough that a perturbation rarely moves a ReLU pre-activation or a max-pool winner across
// a kink or a tie (the random inputs keep those O(1) away in probability).
let private h = 1e-6

/// ‖numeric − analytic‖∞ / ‖analytic‖∞.
let private relative (numeric: float[]) (analytic: float[]) =
    let scale = analytic |> Array.fold (fun m x -> max m (abs x)) 0.0
    let diff = Array.fold2 (fun m (a: float) (b: float) -> max m (abs (a - b))) 0.0 numeric analytic
    if scale = 0.0 then diff else diff / scale

/// A model of the given layers on the reference backend with every parameter drawn N(0, 0.5²) (biases non-zero).
let private modelOf (name: string) (layers: LayerSpec list) (seed: uint64) =
    let m = Model<float>.Zeros(ModelSpec(name, SpecList<LayerSpec>(layers)), rb)
    m.SetFlatValues(ReadOnlySpan(gaussian seed (int m.ParameterCount) 0.5))
    m

/// The scalar L = Σ r ⊙ model(x) for a fixed random r (dL/dy = r): its analytic gradients with respect to the
/// parameters and the input, and central differences of both.
let private checkLinearFunctional (model: Model<float>) (batch: int) (seed: uint64) =
    let xs = gaussian (seed + 1UL) (batch * model.Spec.InputDim) 1.0
    let r = gaussian (seed + 2UL) (batch * model.Spec.OutputDim) 1.0
    let x = rb.Allocate(batch, model.Spec.InputDim)
    let loss () =
        rb.Upload(ReadOnlySpan xs, x)
        Array.fold2 (fun s (a: float) (b: float) -> s + a * b) 0.0 (rb.ToArray(model.Forward x)) r
    rb.Upload(ReadOnlySpan xs, x)
    model.Forward x |> ignore
    let rt = rb.FromArray(ReadOnlySpan r)
    let dx = rb.ToArray(model.Backward(rb.View(rt, batch, model.Spec.OutputDim), true))
    let dtheta = model.FlatGradients()
    let theta = model.FlatValues()
    let numericTheta =
        Array.init theta.Length (fun i ->
            let t = Array.copy theta
            t[i] <- theta[i] + h
            model.SetFlatValues(ReadOnlySpan t)
            let up = loss ()
            t[i] <- theta[i] - h
            model.SetFlatValues(ReadOnlySpan t)
            let down = loss ()
            (up - down) / (2.0 * h))
    model.SetFlatValues(ReadOnlySpan theta)
    let x0 = Array.copy xs
    let numericX =
        Array.init xs.Length (fun i ->
            xs[i] <- x0[i] + h
            let up = loss ()
            xs[i] <- x0[i] - h
            let down = loss ()
            xs[i] <- x0[i]
            (up - down) / (2.0 * h))
    (if theta.Length = 0 then 0.0 else relative numericTheta dtheta), relative numericX dx

let private layerCase (name: string) (layers: LayerSpec list) (batch: int) =
    testCase name <| fun () ->
        let model = modelOf name layers 17UL
        let eTheta, eX = checkLinearFunctional model batch 100UL
        Expect.isLessThan eTheta 1e-6 $"{name}: parameter gradient, relative error {eTheta:E2}"
        Expect.isLessThan eX 1e-6 $"{name}: input gradient, relative error {eX:E2}"

let private acts = [ Activation.Identity; Activation.Relu; Activation.Sigmoid; Activation.Tanh ]

/// The same check on a whole model with a real loss: mean cross-entropy over a labelled batch; for large models
/// on a seeded subset of coordinates of every parameter tensor and along one random direction of all of them.
let private checkCrossEntropy (model: Model<float>) (batch: int) (inputs: float[]) (labels: int[]) (perTensor: int option) =
    let x = rb.Allocate(batch, model.Spec.InputDim)
    rb.Upload(ReadOnlySpan inputs, x)
    let y = rb.AllocateIndices batch
    rb.UploadIndices(ReadOnlySpan labels, y)
    let truth = BatchTargets<float>(y, null)
    let loss () = rb.Loss(LossKind.CrossEntropy, model.Forward x, truth, null)
    let out = model.Forward x
    let g = rb.Allocate(out.Rows, out.Cols)
    rb.Loss(LossKind.CrossEntropy, out, truth, g) |> ignore
    model.Backward g |> ignore
    let analytic = model.FlatGradients()
    let theta = model.FlatValues()
    let at (t: float[]) =
        model.SetFlatValues(ReadOnlySpan t)
        loss ()
    let coordinates =
        match perTensor with
        | None -> [| 0 .. theta.Length - 1 |]
        | Some k ->
            let s = (RngKey.FromSeed 5UL).Stream()
            let mutable offset = 0
            [| for p in model.Parameters do
                   for _ in 1 .. k do
                       yield offset + int (s.NextDouble() * float p.Length)
                   offset <- offset + p.Length |]
    let numeric =
        coordinates |> Array.map (fun i ->
            let t = Array.copy theta
            t[i] <- theta[i] + h
            let up = at t
            t[i] <- theta[i] - h
            (up - at t) / (2.0 * h))
    let v = gaussian 6UL theta.Length 1.0
    let directional =
        let up = at (Array.map2 (fun a b -> a + h * b) theta v)
        let down = at (Array.map2 (fun a b -> a - h * b) theta v)
        (up - down) / (2.0 * h)
    model.SetFlatValues(ReadOnlySpan theta)
    let analyticDirectional = Array.fold2 (fun s a b -> s + a * b) 0.0 analytic v
    relative numeric (coordinates |> Array.map (fun i -> analytic[i])),
    abs (directional - analyticDirectional) / abs analyticDirectional

[<Tests>]
let tests =
    testList "Models/LayerGradients" [
        testList "dense" [
            for a in acts do
                layerCase $"dense 5→4 {a} with bias" [ DenseSpec(5, 4, a, true) ] 3
            layerCase "dense 5→4 tanh without bias" [ DenseSpec(5, 4, Activation.Tanh, false) ] 3
        ]
        testList "activation" [
            for a in acts do
                layerCase $"activation {a}" [ ActivationSpec(7, a) ] 3
        ]
        testList "residual" [
            layerCase "residual [dense tanh, dense]" [ ResidualSpec(SpecList<LayerSpec>([ DenseSpec(4, 4, Activation.Tanh); DenseSpec(4, 4) ])) ] 3
            layerCase "residual [dense relu, dense] + relu" [
                ResidualSpec(SpecList<LayerSpec>([ DenseSpec(4, 4, Activation.Relu); DenseSpec(4, 4) ])); ActivationSpec(4, Activation.Relu) ] 3
        ]
        testList "conv2d" [
            layerCase "conv 5×6×2→3 k3 s2 p1 relu" [ Conv2dSpec(5, 6, 2, 3, 3, 2, 1, Activation.Relu) ] 2
            layerCase "conv 6×5×3→2 k2 s1 p0 identity" [ Conv2dSpec(6, 5, 3, 2, 2, 1, 0) ] 2
            layerCase "conv 7×7×1→2 k3 s1 p2 sigmoid no bias" [ Conv2dSpec(7, 7, 1, 2, 3, 1, 2, Activation.Sigmoid, false) ] 2
            layerCase "conv 7×8×2→2 k2 s3 p0 tanh" [ Conv2dSpec(7, 8, 2, 2, 2, 3, 0, Activation.Tanh) ] 2
        ]
        testList "pooling" [
            layerCase "maxpool 6×6×2 k2 s2" [ PoolSpec(PoolKind.Max, 6, 6, 2, 2, 2) ] 2
            layerCase "maxpool 5×5×3 k3 s2 p1" [ PoolSpec(PoolKind.Max, 5, 5, 3, 3, 2, 1) ] 2
            layerCase "maxpool 7×6×2 k3 s1 p1 (overlapping windows)" [ PoolSpec(PoolKind.Max, 7, 6, 2, 3, 1, 1) ] 2
            layerCase "avgpool 6×6×2 k2 s2" [ PoolSpec(PoolKind.Average, 6, 6, 2, 2, 2) ] 2
            layerCase "avgpool 5×5×2 k3 s2 p1" [ PoolSpec(PoolKind.Average, 5, 5, 2, 3, 2, 1) ] 2
        ]
        testList "flatten" [
            layerCase "flatten 2×3×2 then dense" [ FlattenSpec(2, 3, 2); DenseSpec(12, 3, Activation.Tanh) ] 2
        ]
        layerCase "small CNN: conv relu → maxpool → conv tanh → avgpool → flatten → dense" [
            Conv2dSpec(8, 8, 1, 3, 3, 1, 1, Activation.Relu)
            PoolSpec(PoolKind.Max, 8, 8, 3, 2, 2)
            Conv2dSpec(4, 4, 3, 4, 3, 1, 1, Activation.Tanh)
            PoolSpec(PoolKind.Average, 4, 4, 4, 2, 2)
            FlattenSpec(2, 2, 4)
            DenseSpec(16, 3) ] 2

        testCase "resmlp (6 inputs, width 5, 2 blocks, 3 classes) with cross-entropy: every coordinate" <| fun () ->
            let model = Model<float>.Zeros(ModelSpec.ResMlp(6, 5, 2, 3), rb)
            model.SetFlatValues(ReadOnlySpan(gaussian 31UL (int model.ParameterCount) 0.5))
            let e, ed = checkCrossEntropy model 4 (gaussian 32UL 24 1.0) [| 0; 2; 1; 2 |] None
            Expect.isLessThan e 1e-6 $"relative error {e:E2}"
            Expect.isLessThan ed 1e-6 $"directional derivative, relative error {ed:E2}"

        testCase "lenet with cross-entropy: 12 coordinates of every tensor and one direction of all 61,706" <| fun () ->
            let model = Model<float>.Create(ModelSpec.LeNet(), rb, RngKey.FromSeed 41UL)
            // He initialization leaves the biases zero: perturb every parameter so the check sees non-zero biases.
            model.SetFlatValues(ReadOnlySpan(Array.map2 (+) (model.FlatValues()) (gaussian 42UL (int model.ParameterCount) 0.05)))
            let inputs = (RngKey.FromSeed 43UL).Stream() |> fun s -> Array.init (2 * 784) (fun _ -> s.NextDouble())
            let e, ed = checkCrossEntropy model 2 inputs [| 3; 7 |] (Some 12)
            Expect.isLessThan e 1e-6 $"relative error {e:E2}"
            Expect.isLessThan ed 1e-6 $"directional derivative, relative error {ed:E2}"
    ]
