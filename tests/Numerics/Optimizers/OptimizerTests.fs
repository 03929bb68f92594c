module BoundLab.Numerics.Tests.Optimizers.OptimizerTests

open System
open Expecto
open BoundLab.Numerics.Models
open BoundLab.Numerics.Optimizers
open BoundLab.Numerics.Random
open BoundLab.Numerics.Tests.TestUtil

let private param n = Parameter<float32>("w", Array.zeroCreate n, Array.zeroCreate n)

[<Tests>]
let tests =
    testList "Numerics.Optimizers" [
        testCase "SGLD with zero gradient adds N(0, 2η/β) noise" <| fun () ->
            let p = param 400000
            let opt = Sgld(beta = 50.0, weightDecay = 0.0, key = RngKey.FromSeed 3UL, threads = 2)
            let norm2 = opt.GradientNormSquared [ p ]
            opt.Step([ p ], 0.01, 0L)
            Expect.equal norm2 0.0 "zero gradient norm recorded"
            let xs = p.Value |> Array.map float
            let mean = Array.average xs
            let var = (xs |> Array.sumBy (fun x -> (x - mean) ** 2.0)) / float (xs.Length - 1)
            let expected = 2.0 * 0.01 / 50.0
            // n = 400,000: mean s.e. = sqrt(var/n) ≈ 3.2e-5, variance relative s.e. = sqrt(2/n) ≈ 0.22%.
            Expect.isLessThan (abs mean) 1.6e-4 "mean ≈ 0 (5 s.e.)"
            Expect.floatClose { absolute = 0.0; relative = 0.011 } var expected "variance 2η/β (5 s.e.)"

        testCase "SGLD noise is the same for 1 and 2 threads, and differs across steps" <| fun () ->
            let run threads step =
                let p = param 10000
                Sgld(1.0, 0.0, RngKey.FromSeed 9UL, threads).Step([ p ], 0.5, step) |> ignore
                p.Value
            Expect.equal (run 1 0L) (run 2 0L) "thread count does not change the noise"
            Expect.notEqual (run 2 0L) (run 2 1L) "each step draws fresh noise"

        testCase "SGLD weights after 5 steps are bit-identical for 1 and 2 threads" <| fun () ->
            let shapes = [ 784 * 64; 64; 64 * 10; 10 ]
            let run threads =
                let s = (RngKey.FromSeed 17UL).Stream()
                let ps = shapes |> List.map (fun n ->
                    Parameter<float32>("w", Array.init n (fun _ -> float32 (0.1 * s.NextGaussian())), Array.zeroCreate n))
                let opt = Sgld(1e4, 1e-3, RngKey.FromSeed 4UL, threads)
                for step in 0L .. 4L do
                    for p in ps do
                        for i in 0 .. p.Grad.Length - 1 do
                            p.Grad[i] <- 0.5f * p.Value[i] * p.Value[i] - 0.01f
                    opt.Step(ps, 0.05, step)
                ps |> List.map (fun p -> p.Value |> Array.map BitConverter.SingleToInt32Bits)
            Expect.equal (run 2) (run 1) "bit-identical weights"

        testCase "SGLD step is w − η(g + wd·w) + √(2η/β)·ξ with ξ keyed by (key, step, tensor)" <| fun () ->
            let n = 1000
            let s = (RngKey.FromSeed 23UL).Stream()
            let w0 = Array.init n (fun _ -> float32 (s.NextGaussian()))
            let g = Array.init n (fun _ -> float32 (s.NextGaussian()))
            let ps = [ param 3; Parameter<float32>("w", Array.copy w0, Array.copy g) ]
            let key = RngKey.FromSeed 8UL
            Sgld(200.0, 0.01, key, 2).Step(ps, 0.1, 12L)
            let sd = float32 (sqrt (2.0 * 0.1 / 200.0))
            for i in 0 .. n - 1 do
                let xi = KeyedNormal.At(NoiseKey(key, 12UL, 1u), int64 i)
                let expected = MathF.FusedMultiplyAdd(sd, xi, w0[i] - 0.1f * (g[i] + 0.01f * w0[i]))
                Expect.equal ps[1].Value[i] expected (sprintf "element %d" i)

        testCase "gradient norm: vectorized float64 sum agrees with a plain float64 loop (odd length)" <| fun () ->
            let n = 100_003
            let s = (RngKey.FromSeed 29UL).Stream()
            let p = Parameter<float32>("w", Array.init n (fun _ -> float32 (s.NextGaussian())), Array.init n (fun _ -> float32 (s.NextGaussian())))
            let opt = Sgld(1.0, 0.3, RngKey.FromSeed 1UL, 1)
            let mutable plain = 0.0
            for i in 0 .. n - 1 do
                let t = float p.Grad[i] + 0.3 * float p.Value[i]
                plain <- plain + t * t
            Expect.floatClose { absolute = 0.0; relative = 1e-12 } (opt.GradientNormSquared [ p ]) plain "‖g + wd·w‖²"

        testCase "perturbed GD jumps to a point of the r-ball, the same for any run, keyed by the step" <| fun () ->
            let perturb (t: int64) =
                let ps = [ param 70_000; param 33 ]
                let pgd = PerturbedGd(0.5, 1.0, 10, 0.1, RngKey.FromSeed 6UL)
                pgd.Perturb(ps, t, 1.0)
                ps |> List.collect (fun p -> List.ofArray p.Value)
            let moved = perturb 3L
            let radius = sqrt (moved |> List.sumBy (fun x -> float x * float x))
            // ‖Δ‖ = r·U^(1/P): with P = 70,033 it lies in (0.999 r, r] unless U < e^-70 (never here); float rounding 1e-6.
            Expect.isLessThanOrEqual radius (0.5 * (1.0 + 1e-6)) "inside the ball"
            Expect.isGreaterThan radius (0.5 * 0.999) "near its surface, as a uniform point in high dimension is"
            Expect.equal (perturb 3L) moved "deterministic"
            Expect.notEqual (perturb 4L) moved "fresh direction at another step"

        testCase "recorded gradient norm includes weight decay: ‖g + wd·w‖²" <| fun () ->
            let p = Parameter<float32>("w", [| 1.0f; -2.0f |], [| 0.5f; 0.25f |])
            let opt = Sgd([ p ], momentum = 0.0, weightDecay = 0.5)
            // (0.5 + 0.5)² + (0.25 − 1)² = 1 + 0.5625
            Expect.floatClose Accuracy.veryHigh (opt.GradientNormSquared [ p ]) 1.5625 "‖g + wd·w‖²"

        testCase "vectorized update equals the scalar formula on every element (odd length)" <| fun () ->
            let n = 1037
            let s = (RngKey.FromSeed 21UL).Stream()
            let w0 = Array.init n (fun _ -> float32 (s.NextGaussian()))
            let g = Array.init n (fun _ -> float32 (s.NextGaussian()))
            let p = Parameter<float32>("w", Array.copy w0, g)
            let opt = Sgd([ p ], momentum = 0.9, weightDecay = 0.01)
            opt.Step([ p ], 0.1, 0L)
            for i in 0 .. n - 1 do
                let v = g[i] + 0.01f * w0[i]
                Expect.equal p.Value[i] (w0[i] - 0.1f * v) (sprintf "element %d" i)

        testCase "SGD with momentum follows v ← μv + g + wd·w, w ← w − ηv (two steps by hand)" <| fun () ->
            let p = Parameter<float32>("w", [| 1.0f |], [| 0.5f |])
            let opt = Sgd([ p ], momentum = 0.9, weightDecay = 0.1)
            opt.Step([ p ], 0.1, 0L) |> ignore
            // v1 = 0.5 + 0.1·1 = 0.6; w1 = 1 − 0.06 = 0.94
            Expect.floatClose Accuracy.high (float p.Value[0]) 0.94 "first step"
            opt.Step([ p ], 0.1, 1L) |> ignore
            // v2 = 0.9·0.6 + 0.5 + 0.1·0.94 = 1.134; w2 = 0.94 − 0.1134 = 0.8266
            Expect.floatClose Accuracy.medium (float p.Value[0]) 0.8266 "second step"

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
            let e2 = throwsOf<ArgumentOutOfRangeException> (fun () -> Sgld(0.0, 0.0, RngKey.FromSeed 1UL, 1) |> ignore) "expected error"
            Expect.stringContains e2.Message "beta" "names β"
    ]
