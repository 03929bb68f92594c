/// Every model kind (mlp, resmlp, lenet, a CNN with every layer type): CPU float32 against the float64 reference,
/// bit-identical training steps on 1 and 2 threads, save/load round trips (and the version-1 MLP file), the
/// architecture JSON, --model parsing, and a LeNet forward against PyTorch.
module BoundLab.Numerics.Tests.Models.ModelKindsTests

open System
open System.IO
open Expecto
open BoundLab.Numerics
open BoundLab.Numerics.Backends
open BoundLab.Numerics.Data
open BoundLab.Numerics.Losses
open BoundLab.Numerics.Models
open BoundLab.Numerics.Models.Layers
open BoundLab.Numerics.Random
open BoundLab.Numerics.Tensors
open BoundLab.Numerics.Training
open BoundLab.Numerics.Tests.TestUtil

let private reference = ReferenceBackend<float>.Instance

let private mlp () = ModelSpec.FromMlp(MlpSpec([| 784; 128; 64; 10 |], Activation.Relu, true))

/// A CNN holding every layer kind (conv with and without bias, stride and padding, both poolings, flatten, a
/// residual block, a separate activation, dense).
let private everyKind () =
    ModelSpec("every-kind", SpecList<LayerSpec>([
        Conv2dSpec(28, 28, 1, 4, 3, 2, 1, Activation.Tanh) :> LayerSpec
        PoolSpec(PoolKind.Average, 14, 14, 4, 3, 1, 1)
        Conv2dSpec(14, 14, 4, 5, 4, 2, 0, Activation.Identity, false)
        ActivationSpec(6 * 6 * 5, Activation.Sigmoid)
        PoolSpec(PoolKind.Max, 6, 6, 5, 2, 2)
        FlattenSpec(3, 3, 5)
        ResidualSpec(SpecList<LayerSpec>([ DenseSpec(45, 45, Activation.Relu); DenseSpec(45, 45) ]))
        DenseSpec(45, 10) ]))

let private kinds () =
    [ "mlp 784-128-64-10", mlp ()
      "resmlp-32x2", ModelSpec.Parse("resmlp-32x2", 784, 10)
      "lenet", ModelSpec.LeNet()
      "every-kind CNN", everyKind () ]

/// n MNIST-like samples (pixels uniform in [0, 1)) with labels i mod 10.
let private images (seed: uint64) (n: int) =
    let s = (RngKey.FromSeed seed).Stream()
    Dataset($"images-{seed}", Matrix<float32>(n, 784, Array.init (n * 784) (fun _ -> float32 (s.NextDouble()))), Array.init n (fun i -> i % 10), null, 10)

let private maxAbs (a: float[]) = a |> Array.fold (fun m x -> max m (abs x)) 0.0
let private maxDiff (a: float[]) (b: float[]) = Array.fold2 (fun m (x: float) (y: float) -> max m (abs (x - y))) 0.0 a b

/// Forward on 16 images, cross-entropy and backward: the CPU float32 model and its float64 copy on the reference.
let private cpuVersusReference (spec: ModelSpec) =
    let cpu = CpuBackend(2)
    let m32 = Model<float32>.Create(spec, cpu, RngKey.FromSeed 7UL)
    m32.SetFlatValues(ReadOnlySpan(Array.map2 (+) (m32.FlatValues()) (Array.init (int m32.ParameterCount) (fun i -> 0.01 * sin (float i)))))
    let m64 = m32.To<float>(reference)
    let data = images 8UL 16
    let run (m: Model<'T>) (backend: Backend<'T>) (toFloat: 'T -> float) =
        let resident = backend.Upload data
        let objective = Objective<'T>(m, resident, LossKind.CrossEntropy)
        let loss = objective.OnRows(ReadOnlySpan [| 0 .. 15 |])
        let batch = backend.AllocateBatch(resident, 16)
        backend.Gather(resident, ReadOnlySpan [| 0 .. 15 |], batch)
        let out = backend.ToArray(m.Forward batch.Inputs) |> Array.map toFloat
        loss, out, m.FlatGradients()
    let l32, y32, g32 = run m32 (cpu :> Backend<float32>) float
    let l64, y64, g64 = run m64 reference id
    l32, l64, maxDiff y32 y64 / maxAbs y64, maxDiff g32 g64 / maxAbs g64

/// Three SGD-with-momentum steps on distinct minibatches of 64 images; the final parameters.
let private trainSteps (spec: ModelSpec) (threads: int) =
    let cpu = CpuBackend(threads)
    let model = Model<float32>.Create(spec, cpu, RngKey.FromSeed 11UL)
    let objective = Objective<float32>(model, cpu.Upload(images 12UL 192), LossKind.CrossEntropy)
    let velocities = model.Parameters |> Seq.map (fun p -> cpu.Allocate(p.Value.Rows, p.Value.Cols)) |> Array.ofSeq
    for step in 0 .. 2 do
        objective.OnRows(ReadOnlySpan [| step * 64 .. step * 64 + 63 |]) |> ignore
        model.Parameters |> Seq.iteri (fun k p -> cpu.SgdStep(p.Value, p.Grad, velocities[k], 0.05, 0.9, 1e-4))
    model.Values() |> Array.concat

// PyTorch golden values of the LeNet forward, float64, from /usr/bin/python3 (torch 1.13, Debian):
//
//   import math, numpy as np, torch; import torch.nn.functional as F; torch.set_default_dtype(torch.float64)
//   # parameters in BoundLab's order and layout: W1 6×(5·5·1), b1, W2 16×(5·5·6), b2, W3 120×400, b3, W4 84×120, b4, W5 10×84, b5
//   shapes = [(6, 25), (6,), (16, 150), (16,), (120, 400), (120,), (84, 120), (84,), (10, 84), (10,)]
//   ps = []
//   for k, s in enumerate(shapes):
//       n = int(np.prod(s)); scale = 1 / math.sqrt(s[1]) if len(s) == 2 else 0.1
//       ps.append(np.array([scale * math.sin(0.7 * i + 1.3 * k + 0.5) for i in range(n)]).reshape(s))
//   B = 2
//   x = np.array([0.5 + 0.5 * math.sin(0.37 * i) for i in range(B * 784)]).reshape(B, 28, 28, 1)   # NHWC
//   t = lambda a: torch.tensor(a)
//   h = t(x).permute(0, 3, 1, 2)                                         # NHWC → NCHW
//   w1 = t(ps[0]).reshape(6, 5, 5, 1).permute(0, 3, 1, 2)               # OC×(ky,kx,c) = OHWI → OIHW
//   w2 = t(ps[2]).reshape(16, 5, 5, 6).permute(0, 3, 1, 2)
//   w3 = t(ps[4]).reshape(120, 5, 5, 16).permute(0, 3, 1, 2).reshape(120, 400)   # flatten: our (y,x,c) columns → torch's (c,y,x)
//   h = F.max_pool2d(F.relu(F.conv2d(h, w1, t(ps[1]), padding=2)), 2)
//   h = F.max_pool2d(F.relu(F.conv2d(h, w2, t(ps[3]))), 2)
//   h = torch.flatten(h, 1)
//   h = F.relu(F.linear(h, w3, t(ps[5]))); h = F.relu(F.linear(h, t(ps[6]), t(ps[7]))); y = F.linear(h, t(ps[8]), t(ps[9]))
//   for row in y.tolist(): print("; ".join(repr(v) for v in row))
let private torchLeNet =
    [| 0.013161430050745722; -0.1538330171877108; 0.2717282733307474; 0.05142813809827002; -0.06132418171462084
       0.20705038527306824; -0.19701179752407927; -0.13703769776021912; 0.09509515489603806; -0.22441683576579094
       0.013487836380214939; -0.15349148981707897; 0.27097208237233267; 0.052038216011493256; -0.061335724566464106
       0.2064548331071877; -0.19625080034253706; -0.13739979912205663; 0.09478983305070726; -0.2236705115062051 |]

/// The LeNet of the snippet above on a backend: its 2×10 outputs.
let private leNetForward (backend: Backend<'T>) (ofFloat: float -> 'T) (toFloat: 'T -> float) =
    let spec = ModelSpec.LeNet()
    let shapes = Model<float>.Zeros(spec, reference).Parameters
    let values =
        shapes |> Seq.mapi (fun k p ->
            let scale = if p.Value.Rows > 1 then 1.0 / sqrt (float p.Value.Cols) else 0.1
            Array.init p.Length (fun i -> ofFloat (scale * sin (0.7 * float i + 1.3 * float k + 0.5))))
        |> Array.ofSeq
    let model = Model<'T>.FromValues(spec, backend, values)
    let x = backend.Allocate(2, 784)
    backend.Upload(ReadOnlySpan(Array.init (2 * 784) (fun i -> ofFloat (0.5 + 0.5 * sin (0.37 * float i)))), x)
    backend.ToArray(model.Forward x) |> Array.map toFloat

/// A version-1 weights file (the MLP format before layered models: magic "BLMLP01\n", int32 width count, the
/// widths, int32 hidden activation, int32 bias flag, then W1, b1, W2, b2 as little-endian float32), written
/// byte by byte here as the old MlpFile.Save wrote it.
let private writeVersion1 (path: string) (widths: int[]) (activation: int) (values: float32[]) =
    use f = new BinaryWriter(File.Create path)
    f.Write(Text.Encoding.ASCII.GetBytes "BLMLP01\n")
    f.Write(widths.Length)
    for w in widths do f.Write w
    f.Write activation
    f.Write 1
    for v in values do f.Write v

[<Tests>]
let tests =
    testList "Models/ModelKinds" [
        testList "CPU float32 vs reference float64, forward and backward" [
            // Tolerances: a float32 sum of K ≤ 784 products is within K·2⁻²⁴ ≈ 4.7e-5 of the sum of magnitudes (worst
            // case), typically √K·2⁻²⁴ ≈ 2e-6; measured here ≈ 3e-7 (outputs) and ≈ 2e-7 (gradients) of ‖·‖∞. Asked:
            // 2e-5 of ‖y‖∞ and of ‖g‖∞ — a wrong index or a missing term is off by O(1).
            for name, spec in [ "lenet", ModelSpec.LeNet(); "resmlp-64x3", ModelSpec.Parse("resmlp-64x3", 784, 10) ] do
                testCase name <| fun () ->
                    let l32, l64, ey, eg = cpuVersusReference spec
                    Expect.floatClose { absolute = 1e-5; relative = 1e-5 } l32 l64 "loss"
                    Expect.isLessThan ey 2e-5 $"outputs: max |Δ| / ‖y‖∞ = {ey:E2}"
                    Expect.isLessThan eg 2e-5 $"gradients: max |Δ| / ‖g‖∞ = {eg:E2}"
        ]

        testList "1 and 2 threads give bit-identical training steps" [
            for name, spec in kinds () do
                testCase name <| fun () ->
                    let one, two = trainSteps spec 1, trainSteps spec 2
                    Expect.isTrue (one.Length = two.Length) "same parameter count"
                    let firstDiff = Array.zip one two |> Array.tryFindIndex (fun (a, b) -> BitConverter.SingleToInt32Bits a <> BitConverter.SingleToInt32Bits b)
                    Expect.equal firstDiff None "first parameter whose bits differ"
                    let init = Model<float32>.Create(spec, CpuBackend(1), RngKey.FromSeed 11UL).Values() |> Array.concat
                    Expect.notEqual one init "the steps changed the parameters"
        ]

        testList "save/load round trip" [
            for name, spec in kinds () do
                testCase name <| fun () ->
                    use dir = new TempDir()
                    let path = Path.Combine(dir.Path, "model.bin")
                    let model = Model<float32>.Create(spec, CpuBackend(1), RngKey.FromSeed 3UL)
                    model.SetFlatValues(ReadOnlySpan(Array.map2 (+) (model.FlatValues()) (Array.init (int model.ParameterCount) (fun i -> 0.1 * cos (float i)))))
                    ModelFile.Save(model, path)
                    let loaded = ModelFile.Load path
                    Expect.equal loaded.Spec spec "the architecture"
                    Expect.equal (loaded.Values()) (model.Values()) "every parameter, bit for bit"
                    Expect.equal (ModelFile.Sha256 loaded) (ModelFile.Sha256 model) "the weights hash"
                    let x = (images 4UL 3).Inputs
                    Expect.equal (loaded.Predict x).Data (model.Predict x).Data "the same outputs"

            testCase "a version-1 MLP weights file still loads" <| fun () ->
                use dir = new TempDir()
                let path = Path.Combine(dir.Path, "v1.bin")
                // 3-2-2 tanh (Activation.Tanh = 3 in the old header): W1 2×3, b1 2, W2 2×2, b2 2.
                let values = [| 0.5f; -1.25f; 2f; 0.75f; 0f; -0.5f; 0.125f; -0.25f; 1f; -2f; 3f; -4f; 0.0625f; 8f |]
                writeVersion1 path [| 3; 2; 2 |] 3 values
                let m = ModelFile.Load path
                Expect.equal m.Spec (ModelSpec.FromMlp(MlpSpec([| 3; 2; 2 |], Activation.Tanh, true))) "the MLP of the header"
                Expect.equal (m.Values() |> Array.concat) values "the parameters in order W1, b1, W2, b2"
                Expect.equal (m.DenseWeights()[0]).Data [| 0.5f; -1.25f; 2f; 0.75f; 0f; -0.5f |] "W1 is 2×3 row-major"
        ]

        testList "architecture JSON" [
            for name, spec in kinds () do
                testCase $"{name} reads back equal" <| fun () ->
                    let json = (ModelSpecJson.Write spec).ToJsonString()
                    Expect.equal (ModelSpecJson.Read(Text.Json.Nodes.JsonNode.Parse json, "test")) spec json

            testCase "an unknown layer type names the types this build knows" <| fun () ->
                let json = """{"name":"x","layers":[{"type":"conv3d"}]}"""
                let e = throwsOf<InvalidDataException> (fun () -> ModelSpecJson.Read(Text.Json.Nodes.JsonNode.Parse json, "f.bin") |> ignore) "conv3d"
                Expect.stringContains e.Message "'conv3d'" "names the type"
                Expect.stringContains e.Message "conv2d, maxpool2d, avgpool2d, flatten" "lists the known types"

            testCase "a convolution whose kernel exceeds the padded image is refused, naming the field" <| fun () ->
                let json = """{"name":"x","layers":[{"type":"conv2d","height":3,"width":3,"in_channels":1,"out_channels":2,"kernel":6,"stride":1,"padding":1,"activation":"relu"}]}"""
                let e = throwsOf<InvalidDataException> (fun () -> ModelSpecJson.Read(Text.Json.Nodes.JsonNode.Parse json, "f.bin") |> ignore) "kernel 6"
                Expect.stringContains e.Message "f.bin" "names the file"
                Expect.stringContains e.Message "kernelH is 6" "names the field and the value"

            testCase "pooling padding above kernel/2 is refused" <| fun () ->
                let json = """{"name":"x","layers":[{"type":"maxpool2d","height":4,"width":4,"channels":1,"kernel":2,"stride":2,"padding":2}]}"""
                let e = throwsOf<InvalidDataException> (fun () -> ModelSpecJson.Read(Text.Json.Nodes.JsonNode.Parse json, "f.bin") |> ignore) "padding 2"
                Expect.stringContains e.Message "padding ≤ kernel/2" "says what is allowed"
        ]

        testList "--model lenet" [
            testCase "the LeNet-5 shapes: 61,706 parameters, 784 → 10" <| fun () ->
                let spec = ModelSpec.Parse("lenet", 784, 10)
                Expect.equal spec (ModelSpec.LeNet()) "Parse gives LeNet()"
                // 6·25+6 + 16·150+16 + 400·120+120 + 120·84+84 + 84·10+10
                Expect.equal spec.ParameterCount 61706L "parameters"
                Expect.equal (spec.InputDim, spec.OutputDim) (784, 10) "dims"
                Expect.equal (spec.Layers |> Seq.map (fun l -> l.OutputSize) |> List.ofSeq) [ 4704; 1176; 1600; 400; 400; 120; 84; 10 ] "the widths after each layer"

            testCase "data of another size is refused, naming the size lenet takes" <| fun () ->
                let e = throwsOf<ArgumentException> (fun () -> ModelSpec.Parse("lenet", 100, 10) |> ignore) "100 inputs"
                Expect.stringContains e.Message "28×28×1 images (784 inputs)" "what lenet takes"
                Expect.stringContains e.Message "100 inputs" "what the data has"

            testCase "Named lists lenet" <| fun () ->
                Expect.isTrue (ModelSpec.Named |> Seq.exists (fun n -> n.StartsWith "lenet")) "lenet is a named model"

            testCase "forward equals an independent PyTorch computation (float64 reference: 1e-12; CPU float32: 1e-5)" <| fun () ->
                let y64 = leNetForward reference id id
                let e64 = maxDiff y64 torchLeNet / maxAbs torchLeNet
                Expect.isLessThan e64 1e-12 $"reference: max |Δ| / ‖y‖∞ = {e64:E2}"
                let y32 = leNetForward (CpuBackend(2) :> Backend<float32>) float32 float
                let e32 = maxDiff y32 torchLeNet / maxAbs torchLeNet
                Expect.isLessThan e32 1e-5 $"cpu float32: max |Δ| / ‖y‖∞ = {e32:E2}"
        ]
    ]
