module BoundLab.Numerics.Tests.Models.MlpTests

open System
open Expecto
open BoundLab.Numerics
open BoundLab.Numerics.Backends
open BoundLab.Numerics.Losses
open BoundLab.Numerics.Models
open BoundLab.Numerics.Random
open BoundLab.Numerics.Tensors
open BoundLab.Numerics.Tests.TestUtil

let private reference = ReferenceBackend<float>.Instance

let private mlp spec seed init std = Model<float>.Create(ModelSpec.FromMlp spec, reference, RngKey.FromSeed seed, init, std)

let private cases =
    [ for act in [ Activation.Relu; Activation.Sigmoid; Activation.Tanh; Activation.Identity ] do
        for kind in [ LossKind.CrossEntropy; LossKind.Squared; LossKind.Hinge ] do
            yield act, kind, 3
        for kind in [ LossKind.Logistic; LossKind.Exponential; LossKind.Hinge; LossKind.Squared ] do
            yield act, kind, 1 ]

[<Tests>]
let tests =
    testList "Numerics.Models.Mlp" [
        for act, kind, outputs in cases do
            testCase (sprintf "finite-difference gradient: %A hidden, %A loss, %d outputs" act kind outputs) <| fun () ->
                let spec = MlpSpec([| 5; 4; 3; outputs |], act, true)
                let net = mlp spec 5UL Initialization.Gaussian 0.7
                // Nonzero biases so ReLU kinks are exercised away from the origin.
                ModelTest.setBiases net
                let x = randomMatrix 9UL 6 5 1.0
                let labels = Array.init 6 (fun i -> i % (max outputs 2))
                let worst = ModelTest.gradCheck net kind x labels null
                Expect.isLessThan worst 1.0 "analytic gradient matches central differences"

        testCase "finite-difference gradient: regression, squared loss, no bias" <| fun () ->
            let spec = MlpSpec([| 4; 6; 2 |], Activation.Tanh, false)
            let net = mlp spec 8UL Initialization.LeCun 0.01
            let x = randomMatrix 1UL 5 4 1.0
            let t = randomMatrix 2UL 5 2 1.0
            Expect.isLessThan (ModelTest.gradCheck net LossKind.Squared x null t) 1.0 "regression gradient"

        testCase "input gradient matches finite differences" <| fun () ->
            let spec = MlpSpec([| 3; 5; 2 |], Activation.Sigmoid, true)
            let net = mlp spec 4UL Initialization.Gaussian 0.8
            let x = randomMatrix 6UL 2 3 1.0
            let labels = [| 0; 1 |]
            let out = net.Forward(reference.FromMatrix x)
            let g = reference.Allocate(2, 2)
            reference.Loss(LossKind.CrossEntropy, out, ModelTest.truth reference labels null, g) |> ignore
            let gx = reference.ToArray(net.Backward(g, true))
            for i in 0 .. x.Length - 1 do
                let orig = x.Data[i]
                x.Data[i] <- orig + 1e-6
                let up = ModelTest.loss net LossKind.CrossEntropy x labels null
                x.Data[i] <- orig - 1e-6
                let down = ModelTest.loss net LossKind.CrossEntropy x labels null
                x.Data[i] <- orig
                Expect.floatClose Accuracy.medium gx[i] ((up - down) / 2e-6) (sprintf "d loss / d x[%d]" i)

        testCase "CPU float32 backend matches the float64 reference (forward and backward)" <| fun () ->
            let spec = MlpSpec([| 37; 29; 17; 10 |], Activation.Relu, true)
            let net32 = Model<float32>.Create(ModelSpec.FromMlp spec, CpuBackend(2), RngKey.FromSeed 12UL)
            // Non-zero biases of both signs: with a fresh net's zero biases a backend that drops the bias from
            // act′ (the ReLU mask [XWᵀ > 0] instead of [XWᵀ + b > 0]) would pass.
            for p in net32.Parameters do
                if p.Name.StartsWith "b" then
                    net32.Backend.Upload(ReadOnlySpan(Array.init p.Length (fun i -> float32 (0.8 * sin (float (3 * i + 1))))), p.Value)
            let net64 = net32.To<float>(reference)
            let x64 = randomMatrix 13UL 19 37 1.0
            let labels = Array.init 19 (fun i -> (i * 7) % 10)
            let o32 = (ModelTest.forward net32 (x64.Convert<float32>())).Convert<float>().Data
            let out64 = ModelTest.forward net64 x64
            Expect.isLessThan (relErr 1e-4 1e-4 o32 out64.Data) 1.0 "outputs within float32 rounding"
            ModelTest.lossAndGradient net32 LossKind.CrossEntropy (x64.Convert<float32>()) labels null |> ignore
            ModelTest.lossAndGradient net64 LossKind.CrossEntropy x64 labels null |> ignore
            for (p32, g32), (_, g64) in Seq.zip (Seq.zip net32.Parameters (net32.Gradients())) (Seq.zip net64.Parameters (net64.Gradients())) do
                let a = g32 |> Array.map float
                Expect.isLessThan (relErr 1e-5 1e-3 a g64) 1.0 (sprintf "gradient of %s" p32.Name)

        testCase "initialization: He has variance 2/fan_in and is reproducible" <| fun () ->
            let spec = MlpSpec([| 400; 300; 10 |])
            let make seed = (Model<float32>.Create(ModelSpec.FromMlp spec, CpuBackend(1), RngKey.FromSeed seed).Values())[0]
            let a, b, c = make 1UL, make 1UL, make 2UL
            Expect.equal a b "same seed, same weights"
            Expect.notEqual a c "other seed, other weights"
            let w = a |> Array.map float
            let var = (w |> Array.sumBy (fun v -> v * v)) / float w.Length
            // 120,000 draws: the sample variance's relative standard error is sqrt(2/120000) ≈ 0.4%; allow 2%.
            Expect.floatClose { absolute = 0.0; relative = 0.02 } var (2.0 / 400.0) "He variance"

        testCase "parameter count and arch parsing" <| fun () ->
            let spec = MlpSpec.Parse("784-600-1")
            Expect.equal spec.ParameterCount 471601L "Dziugaite & Roy's 784-600-1 net has 471,601 parameters"
            Expect.equal spec.Arch "784-600-1" "round trip"
            Expect.throwsT<ArgumentException> (fun () -> MlpSpec.Parse("784-x-10") |> ignore) "non-numeric width"

        testCase "bad arch text names the text and the allowed form" <| fun () ->
            try
                MlpSpec.Parse("784-0-10") |> ignore
                failtest "expected an error"
            with :? ArgumentException as e ->
                Expect.stringContains e.Message "'784-0-10'" "names the value"
                Expect.stringContains e.Message "positive widths" "says what is allowed"
    ]
