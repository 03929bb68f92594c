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

/// Mean loss of the network on a batch, float64 reference backend.
let private lossOf (net: Mlp<float>) kind (x: Matrix<float>) labels targets =
    let out = net.Forward(reference, x)
    Loss.Compute(kind, out, labels, targets, null)

/// Central finite differences on every parameter entry vs the analytic gradient.
let private gradCheck (net: Mlp<float>) kind x labels targets =
    let out = net.Forward(reference, x)
    let g = Matrix<float>(out.Rows, out.Cols)
    Loss.Compute(kind, out, labels, targets, g) |> ignore
    net.Backward(reference, g)
    let h = 1e-6
    let mutable worst = 0.0
    for p in net.Parameters do
        let analytic = Array.copy p.Grad
        for i in 0 .. p.Value.Length - 1 do
            let orig = p.Value[i]
            p.Value[i] <- orig + h
            let up = lossOf net kind x labels targets
            p.Value[i] <- orig - h
            let down = lossOf net kind x labels targets
            p.Value[i] <- orig
            let numeric = (up - down) / (2.0 * h)
            // Central differences have O(h²) truncation and O(ε/h) rounding error: 1e-6 absolute + 1e-5 relative.
            let err = abs (numeric - analytic[i]) / (1e-6 + 1e-5 * abs numeric)
            worst <- max worst err
    worst

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
                let net = Mlp<float>.Create(spec, RngKey.FromSeed 5UL, Initialization.Gaussian, 0.7)
                // Nonzero biases so ReLU kinks are exercised away from the origin.
                for b in net.Biases do
                    for i in 0 .. b.Length - 1 do b[i] <- 0.1 * float (i + 1)
                let x = randomMatrix 9UL 6 5 1.0
                let labels = Array.init 6 (fun i -> i % (max outputs 2))
                let worst = gradCheck net kind x labels null
                Expect.isLessThan worst 1.0 "analytic gradient matches central differences"

        testCase "finite-difference gradient: regression, squared loss, no bias" <| fun () ->
            let spec = MlpSpec([| 4; 6; 2 |], Activation.Tanh, false)
            let net = Mlp<float>.Create(spec, RngKey.FromSeed 8UL, Initialization.LeCun)
            let x = randomMatrix 1UL 5 4 1.0
            let t = randomMatrix 2UL 5 2 1.0
            Expect.isLessThan (gradCheck net LossKind.Squared x null t) 1.0 "regression gradient"

        testCase "input gradient matches finite differences" <| fun () ->
            let spec = MlpSpec([| 3; 5; 2 |], Activation.Sigmoid, true)
            let net = Mlp<float>.Create(spec, RngKey.FromSeed 4UL, Initialization.Gaussian, 0.8)
            let x = randomMatrix 6UL 2 3 1.0
            let labels = [| 0; 1 |]
            let out = net.Forward(reference, x)
            let g = Matrix<float>(2, 2)
            Loss.Compute(LossKind.CrossEntropy, out, labels, null, g) |> ignore
            let gx = Matrix<float>(2, 3)
            net.Backward(reference, g, gx)
            for i in 0 .. x.Length - 1 do
                let orig = x.Data[i]
                x.Data[i] <- orig + 1e-6
                let up = lossOf net LossKind.CrossEntropy x labels null
                x.Data[i] <- orig - 1e-6
                let down = lossOf net LossKind.CrossEntropy x labels null
                x.Data[i] <- orig
                Expect.floatClose Accuracy.medium gx.Data[i] ((up - down) / 2e-6) (sprintf "d loss / d x[%d]" i)

        testCase "CPU float32 backend matches the float64 reference (forward and backward)" <| fun () ->
            let spec = MlpSpec([| 37; 29; 17; 10 |], Activation.Relu, true)
            let net32 = Mlp<float32>.Create(spec, RngKey.FromSeed 12UL)
            // Non-zero biases of both signs: with a fresh net's zero biases a backend that drops the bias from
            // act′ (the ReLU mask [XWᵀ > 0] instead of [XWᵀ + b > 0]) would pass.
            for b in net32.Biases do
                for i in 0 .. b.Length - 1 do b[i] <- float32 (0.8 * sin (float (3 * i + 1)))
            let net64 = net32.Convert<float>()
            let x64 = randomMatrix 13UL 19 37 1.0
            let labels = Array.init 19 (fun i -> (i * 7) % 10)
            let out32 = net32.Forward(CpuBackend(2), x64.Convert<float32>())
            let out64 = net64.Forward(reference, x64)
            let o32 = out32.Convert<float>().Data
            Expect.isLessThan (relErr 1e-4 1e-4 o32 out64.Data) 1.0 "outputs within float32 rounding"
            let g32 = Matrix<float32>(19, 10)
            let g64 = Matrix<float>(19, 10)
            Loss.Compute(LossKind.CrossEntropy, out32, labels, null, g32) |> ignore
            Loss.Compute(LossKind.CrossEntropy, out64, labels, null, g64) |> ignore
            net32.Backward(CpuBackend(2), g32)
            net64.Backward(reference, g64)
            for p32, p64 in Seq.zip net32.Parameters net64.Parameters do
                let a = p32.Grad |> Array.map float
                Expect.isLessThan (relErr 1e-5 1e-3 a p64.Grad) 1.0 (sprintf "gradient of %s" p32.Name)

        testCase "initialization: He has variance 2/fan_in and is reproducible" <| fun () ->
            let spec = MlpSpec([| 400; 300; 10 |])
            let a = Mlp<float32>.Create(spec, RngKey.FromSeed 1UL)
            let b = Mlp<float32>.Create(spec, RngKey.FromSeed 1UL)
            let c = Mlp<float32>.Create(spec, RngKey.FromSeed 2UL)
            Expect.equal a.Weights[0].Data b.Weights[0].Data "same seed, same weights"
            Expect.notEqual a.Weights[0].Data c.Weights[0].Data "other seed, other weights"
            let w = a.Weights[0].Data |> Array.map float
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
