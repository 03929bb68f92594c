module BoundLab.Numerics.Tests.Measurements.MarginsTests

open System
open Expecto
open BoundLab.Numerics.Measurements
open BoundLab.Numerics.Tests.TestUtil

type private M = BoundLab.Numerics.Tensors.Matrix<float>

[<Tests>]
let tests =
    testList "Measurements.Margins" [
        testCase "multiclass margins f_y − max_{j≠y} f_j on hand-made logits" <| fun () ->
            let logits = M(3, 3, [| 2.0; 1.0; 0.0;   0.0; 3.0; 1.0;   1.0; 1.0; 0.5 |])
            Expect.equal (Margins.Compute(logits, [| 0; 2; 1 |])) [| 1.0; -2.0; 0.0 |] "2 − 1, 1 − 3, 1 − 1"

        testCase "one output column: binary margin (2y − 1)·f" <| fun () ->
            Expect.equal (Margins.Compute(M(2, 1, [| 0.5; -1.0 |]), [| 1; 0 |])) [| 0.5; 1.0 |] "signs"

        testCase "float32 logits" <| fun () ->
            let logits = BoundLab.Numerics.Tensors.Matrix<float32>(1, 2, [| 0.25f; 1.0f |])
            Expect.equal (Margins.Compute(logits, [| 0 |])) [| -0.75 |] "exact in float64"

        testCase "quantiles interpolate linearly (numpy's default, type 7)" <| fun () ->
            // sorted [-2, 0, 1, 3]: q = 0.5 → position 1.5 → 0.5; q = 0.1 → position 0.3 → −2 + 0.3·2 = −1.4.
            let m = [| 1.0; -2.0; 0.0; 3.0 |]
            Expect.floatClose Accuracy.veryHigh (Margins.Quantile(m, 0.5)) 0.5 "median"
            Expect.floatClose Accuracy.veryHigh (Margins.Quantile(m, 0.1)) -1.4 "10%"
            Expect.equal (Margins.Quantile(m, 0.0)) -2.0 "min"
            Expect.equal (Margins.Quantile(m, 1.0)) 3.0 "max"

        testCase "margin_q10 is the ⌊n/10⌋-th smallest margin, 0-based" <| fun () ->
            // n = 25 → index 2 of the sorted margins 0, 1, …, 24 (given in reverse).
            Expect.equal (Margins.Q10 [| for i in 24 .. -1 .. 0 -> float i |]) 2.0 "n = 25"
            Expect.equal (Margins.Q10 [| 7.0; 3.0; 5.0 |]) 3.0 "n = 3 → index 0"
            Expect.equal (Margins.Q10 [| for i in 0 .. 9 -> float i |]) 1.0 "n = 10 → index 1"

        testCase "ramp loss at γ and the margin error" <| fun () ->
            // γ = 1: ℓ(−1) = 1, ℓ(0) = 1, ℓ(0.5) = 0.5, ℓ(1) = 0, ℓ(2) = 0 → mean 2.5 / 5.
            let m = [| -1.0; 0.0; 0.5; 1.0; 2.0 |]
            Expect.floatClose Accuracy.veryHigh (Margins.RampLoss(m, 1.0)) 0.5 "γ = 1"
            // γ = 4: 1, 1, 1 − 0.125, 1 − 0.25, 1 − 0.5 → 4.125 / 5.
            Expect.floatClose Accuracy.veryHigh (Margins.RampLoss(m, 4.0)) (4.125 / 5.0) "γ = 4"
            Expect.equal (Margins.MarginError(m, 0.0)) 0.4 "margins ≤ 0"
            Expect.equal (Margins.MarginError(m, 1.0)) 0.8 "margins ≤ 1"
            Expect.isLessThanOrEqual (Margins.MarginError(m, 0.0)) (Margins.RampLoss(m, 1.0)) "0-1 ≤ ramp"
            Expect.isLessThanOrEqual (Margins.RampLoss(m, 1.0)) (Margins.MarginError(m, 1.0)) "ramp ≤ margin error"

        testCase "bad inputs name the argument and the allowed range" <| fun () ->
            let e = throwsOf<ArgumentOutOfRangeException> (fun () -> Margins.RampLoss([| 1.0 |], 0.0) |> ignore) "γ = 0"
            Expect.stringContains e.Message "finite γ > 0" "range"
            let e2 = throwsOf<ArgumentOutOfRangeException> (fun () -> Margins.Compute(M(1, 3), [| 3 |]) |> ignore) "label"
            Expect.stringContains e2.Message "label 0 is 3; allowed: 0 … 2" "label range"
            let e3 = throwsOf<ArgumentException> (fun () -> Margins.Q10([||]) |> ignore) "empty"
            Expect.stringContains e3.Message "margins is empty" "empty"
            let e4 = throwsOf<ArgumentOutOfRangeException> (fun () -> Margins.Quantile([| 1.0 |], 1.5) |> ignore) "q"
            Expect.stringContains e4.Message "0 ≤ q ≤ 1" "q range"
    ]
