module BoundLab.Numerics.Tests.Optimizers.OptimizerTests

open System
open Expecto
open BoundLab.Numerics.Models
open BoundLab.Numerics.Optimizers
open BoundLab.Numerics.Random
open BoundLab.Numerics.Tests.TestUtil

open BoundLab.Numerics
open BoundLab.Numerics.Backends

/// A model whose parameters have the given MLP shape, zero weights, on a CPU backend with `threads` threads.
let private modelOf (widths: int[]) bias threads =
    Model<float32>.Zeros(ModelSpec.FromMlp(MlpSpec(widths, Activation.Identity, bias)), CpuBackend(threads))

/// Sets every parameter's values (host arrays in Parameters order).
let private setValues (m: Model<float32>) (values: float32[] list) =
    for p, v in Seq.zip m.Parameters values do m.Backend.Upload(ReadOnlySpan v, p.Value)

let private setGrads (m: Model<float32>) (grads: float32[] list) =
    for p, g in Seq.zip m.Parameters grads do m.Backend.Upload(ReadOnlySpan g, p.Grad)

/// One step of the algorithm with a closure that leaves the gradients as they are and reports loss 1.
let private step (alg: Algorithm) lr (t: int64) = alg.Step(StepContext((fun () -> 1.0), lr, t, true))

let private create (options: AlgorithmOptions) (m: Model<float32>) seed = options.Create(AlgorithmContext(m, RngKey.FromSeed seed))

[<Tests>]
let tests =
    testList "Numerics.Optimizers" [
        testCase "SGLD with zero gradient adds N(0, 2η/β) noise" <| fun () ->
            let m = modelOf [| 400; 1000 |] false 2
            let r = step (create (SgldOptions(50.0, 0.0)) m 3UL) 0.01 0L
            Expect.equal r.GradientNormSquared 0.0 "zero gradient norm recorded"
            let xs = (m.Values())[0] |> Array.map float
            let mean = Array.average xs
            let var = (xs |> Array.sumBy (fun x -> (x - mean) ** 2.0)) / float (xs.Length - 1)
            let expected = 2.0 * 0.01 / 50.0
            // n = 400,000: mean s.e. = sqrt(var/n) ≈ 3.2e-5, variance relative s.e. = sqrt(2/n) ≈ 0.22%.
            Expect.isLessThan (abs mean) 1.6e-4 "mean ≈ 0 (5 s.e.)"
            Expect.floatClose { absolute = 0.0; relative = 0.011 } var expected "variance 2η/β (5 s.e.)"

        testCase "SGLD noise is the same for 1 and 2 threads, and differs across steps" <| fun () ->
            let run threads t =
                let m = modelOf [| 100; 100 |] false threads
                step (create (SgldOptions(1.0, 0.0)) m 9UL) 0.5 t |> ignore
                (m.Values())[0]
            Expect.equal (run 1 0L) (run 2 0L) "thread count does not change the noise"
            Expect.notEqual (run 2 0L) (run 2 1L) "each step draws fresh noise"

        testCase "SGLD weights after 5 steps are bit-identical for 1 and 2 threads" <| fun () ->
            let run threads =
                let m = modelOf [| 784; 64; 10 |] true threads
                let s = (RngKey.FromSeed 17UL).Stream()
                setValues m [ for p in m.Parameters -> Array.init p.Length (fun _ -> float32 (0.1 * s.NextGaussian())) ]
                let alg = create (SgldOptions(1e4, 1e-3)) m 4UL
                for t in 0L .. 4L do
                    let grads = [ for v in m.Values() -> v |> Array.map (fun w -> 0.5f * w * w - 0.01f) ]
                    alg.Step(StepContext((fun () -> setGrads m grads; 1.0), 0.05, t, false)) |> ignore
                m.Values() |> Array.map (Array.map BitConverter.SingleToInt32Bits) |> List.ofArray
            Expect.equal (run 2) (run 1) "bit-identical weights"

        testCase "SGLD step is w − η(g + wd·w) + √(2η/β)·ξ with ξ keyed by (key, step, tensor)" <| fun () ->
            let m = modelOf [| 1000; 1 |] true 2
            let s = (RngKey.FromSeed 23UL).Stream()
            let w0 = Array.init 1000 (fun _ -> float32 (s.NextGaussian()))
            let g = Array.init 1000 (fun _ -> float32 (s.NextGaussian()))
            setValues m [ w0; [| 0f |] ]
            setGrads m [ g; [| 0f |] ]
            step (create (SgldOptions(200.0, 0.01)) m 8UL) 0.1 12L |> ignore
            let w = (m.Values())[0]
            let sd = float32 (sqrt (2.0 * 0.1 / 200.0))
            for i in 0 .. 999 do
                let xi = KeyedNormal.At(NoiseKey((RngKey.FromSeed 8UL), 12UL, 0u), int64 i)
                let expected = MathF.FusedMultiplyAdd(sd, xi, w0[i] - 0.1f * (g[i] + 0.01f * w0[i]))
                Expect.equal w[i] expected (sprintf "element %d" i)

        testCase "gradient norm: vectorized float64 sum agrees with a plain float64 loop (odd length)" <| fun () ->
            let b = CpuBackend(1)
            let n = 100_003
            let s = (RngKey.FromSeed 29UL).Stream()
            let w, g = Array.init n (fun _ -> float32 (s.NextGaussian())), Array.init n (fun _ -> float32 (s.NextGaussian()))
            let mutable plain = 0.0
            for i in 0 .. n - 1 do
                let t = float g[i] + 0.3 * float w[i]
                plain <- plain + t * t
            let got = b.EffectiveGradientNormSquared(b.FromArray(ReadOnlySpan w), b.FromArray(ReadOnlySpan g), 0.3)
            Expect.floatClose { absolute = 0.0; relative = 1e-12 } got plain "‖g + wd·w‖²"

        testCase "perturbed GD jumps to a point of the r-ball, the same for any run, keyed by the step" <| fun () ->
            let perturb (t: int64) =
                let m = modelOf [| 700; 100 |] true 2
                // Zero gradient (≤ g_thres) and no earlier perturbation: the step perturbs; η = 0 keeps the jump.
                step (create (PgdOptions(0.5, 1.0, 10, 0.1)) m 6UL) 0.0 t |> ignore
                m.Values() |> Array.collect id |> List.ofArray
            let moved = perturb 3L
            let radius = sqrt (moved |> List.sumBy (fun x -> float x * float x))
            // ‖Δ‖ = r·U^(1/P): with P = 70,100 it lies in (0.999 r, r] unless U < e^-70 (never here); float rounding 1e-6.
            Expect.isLessThanOrEqual radius (0.5 * (1.0 + 1e-6)) "inside the ball"
            Expect.isGreaterThan radius (0.5 * 0.999) "near its surface, as a uniform point in high dimension is"
            Expect.equal (perturb 3L) moved "deterministic"
            Expect.notEqual (perturb 4L) moved "fresh direction at another step"

        testCase "perturbed GD state (anchor, anchor loss, last perturbation) survives SaveState/RestoreState" <| fun () ->
            let m = modelOf [| 30; 20 |] true 1
            let opts = PgdOptions(0.5, 1.0, 2, 0.1)
            let a = create opts m 6UL
            step a 0.0 0L |> ignore // perturbs at step 0
            let saved = a.SaveState()
            Expect.equal (saved.Scalar "last_perturbation") 0.0 "perturbed at step 0"
            Expect.equal (saved.Tensors |> Seq.map _.Name |> List.ofSeq) [ "anchor.W1"; "anchor.b1" ] "anchor tensors by name"
            let m2 = m.Clone()
            let b = create opts m2 6UL
            b.RestoreState saved
            // Two steps later (t − t_perturb = t_thres) the loss has not decreased by f_thres: both return to the anchor and stop.
            for alg, model in [ a, m; b, m2 ] do
                step alg 0.0 1L |> ignore
                let r = step alg 0.0 2L
                Expect.isTrue r.Stopped "stopping test fires"
                Expect.equal (model.Values() |> Array.collect id) (Array.zeroCreate 620) "back at the anchor (the zero start)"

        testCase "recorded gradient norm includes weight decay: ‖g + wd·w‖²" <| fun () ->
            let m = modelOf [| 2; 1 |] false 1
            setValues m [ [| 1.0f; -2.0f |] ]
            setGrads m [ [| 0.5f; 0.25f |] ]
            let r = step (create (SgdOptions(0.0, 0.5)) m 1UL) 0.0 0L
            // (0.5 + 0.5)² + (0.25 − 1)² = 1 + 0.5625
            Expect.floatClose Accuracy.veryHigh r.GradientNormSquared 1.5625 "‖g + wd·w‖²"

        testCase "vectorized update equals the scalar formula on every element (odd length)" <| fun () ->
            let m = modelOf [| 1037; 1 |] false 2
            let s = (RngKey.FromSeed 21UL).Stream()
            let w0 = Array.init 1037 (fun _ -> float32 (s.NextGaussian()))
            let g = Array.init 1037 (fun _ -> float32 (s.NextGaussian()))
            setValues m [ w0 ]
            setGrads m [ g ]
            step (create (SgdOptions(0.9, 0.01)) m 1UL) 0.1 0L |> ignore
            let w = (m.Values())[0]
            for i in 0 .. 1036 do
                let v = g[i] + 0.01f * w0[i]
                Expect.equal w[i] (w0[i] - 0.1f * v) (sprintf "element %d" i)

        testCase "SGD with momentum follows v ← μv + g + wd·w, w ← w − ηv (two steps by hand), and its velocity resumes" <| fun () ->
            let m = modelOf [| 1; 1 |] false 1
            setValues m [ [| 1.0f |] ]
            setGrads m [ [| 0.5f |] ]
            let opt = create (SgdOptions(0.9, 0.1)) m 1UL
            step opt 0.1 0L |> ignore
            // v1 = 0.5 + 0.1·1 = 0.6; w1 = 1 − 0.06 = 0.94
            Expect.floatClose Accuracy.high (float (m.Values()).[0].[0]) 0.94 "first step"
            let saved = opt.SaveState()
            Expect.floatClose Accuracy.high (float (saved.Tensor "velocity.W1").[0]) 0.6 "velocity saved by name"
            let m2 = m.Clone()
            let opt2 = create (SgdOptions(0.9, 0.1)) m2 1UL
            opt2.RestoreState saved
            setGrads m2 [ [| 0.5f |] ]
            step opt 0.1 1L |> ignore
            step opt2 0.1 1L |> ignore
            // v2 = 0.9·0.6 + 0.5 + 0.1·0.94 = 1.134; w2 = 0.94 − 0.1134 = 0.8266
            Expect.floatClose Accuracy.medium (float (m.Values()).[0].[0]) 0.8266 "second step"
            Expect.equal (m2.Values()) (m.Values()) "restored velocity continues bit-identically"

        testList "schedules" [
            for kind, epoch, expected in
                [ ScheduleKind.Constant, 7, 0.1
                  ScheduleKind.Step, 0, 0.1
                  ScheduleKind.Step, 2, 0.05
                  ScheduleKind.Step, 5, 0.025
                  ScheduleKind.LargeThenDecay, 2, 0.1
                  ScheduleKind.LargeThenDecay, 3, 0.01 ] do
                testCase (sprintf "%A at epoch %d" kind epoch) <| fun () ->
                    let factor = if kind = ScheduleKind.Step then 0.5 else 0.1
                    let s = Schedule(kind, 0.1, factor, 2, 3)
                    Expect.floatClose Accuracy.veryHigh (s.At epoch) expected "η"
        ]

        testCase "bad hyper-parameters name the argument" <| fun () ->
            let e = throwsOf<ArgumentOutOfRangeException> (fun () -> Schedule(ScheduleKind.Constant, -1.0) |> ignore) "expected error"
            Expect.stringContains e.Message "baseRate" "names the argument"
            let e2 = throwsOf<ArgumentOutOfRangeException> (fun () -> SgldOptions(0.0, 0.0).Validate()) "expected error"
            Expect.stringContains e2.Message "--beta" "names β"
    ]
