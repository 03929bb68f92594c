module BoundLab.Numerics.Tests.Measurements.NormsTests

open System
open Expecto
open BoundLab.Numerics.Measurements
open BoundLab.Numerics.Tests.TestUtil

type private M = BoundLab.Numerics.Tensors.Matrix<float>
type private MN = MathNet.Numerics.LinearAlgebra.Matrix<float>

let private toMathNet (m: M) : MN = MN.Build.Dense(m.Rows, m.Cols, fun r c -> m[r, c])

[<Tests>]
let tests =
    testList "Measurements.Norms" [
        testCase "Frobenius norm and distance match MathNet" <| fun () ->
            let w, w0 = randomMatrix 21UL 13 7 1.0, randomMatrix 22UL 13 7 1.0
            Expect.floatClose Accuracy.veryHigh (Norms.Frobenius w) ((toMathNet w).FrobeniusNorm()) "‖W‖_F"
            Expect.floatClose Accuracy.veryHigh (Norms.FrobeniusDistance(w, w0)) ((toMathNet w - toMathNet w0).FrobeniusNorm()) "‖W − W⁰‖_F"

        testCase "BFT's (2,1) norm sums the units' (rows') ℓ2 norms, not the columns'" <| fun () ->
            // W = [3 4; 0 0]: unit 1 has incoming weights (3, 4), unit 2 none. ‖Wᵀ‖_{2,1} = 5 + 0 = 5;
            // the column convention applied to W itself would give |3| + |4| = 7.
            let w = M(2, 2, [| 3.0; 4.0; 0.0; 0.0 |])
            Expect.equal (Norms.L21 w) 5.0 "‖Wᵀ‖_{2,1}"

        testCase "(2,1) norm and distance equal Σ_rows ‖row‖₂ computed by MathNet" <| fun () ->
            let w, w0 = randomMatrix 23UL 9 17 1.0, randomMatrix 24UL 9 17 1.0
            let rowSum (m: MN) = m.EnumerateRows() |> Seq.sumBy (fun r -> r.L2Norm())
            Expect.floatClose Accuracy.veryHigh (Norms.L21 w) (rowSum (toMathNet w)) "M = 0"
            Expect.floatClose Accuracy.veryHigh (Norms.L21Distance(w, w0)) (rowSum (toMathNet w - toMathNet w0)) "M = W⁰"
            // Also BFT's literal definition: column norms of Aᵀ.
            let cols (m: MN) = m.EnumerateColumns() |> Seq.sumBy (fun c -> c.L2Norm())
            Expect.floatClose Accuracy.veryHigh (Norms.L21 w) (cols ((toMathNet w).Transpose())) "‖Aᵀ‖_{2,1} column convention"

        testCase "max row norm of a data matrix" <| fun () ->
            let x = M(3, 2, [| 1.0; 1.0; 3.0; 4.0; 0.0; -2.0 |])
            Expect.equal (Norms.MaxRowNorm x) 5.0 "max ‖x_i‖"

        testCase "log products at depth 100 neither overflow nor underflow" <| fun () ->
            let big = List.replicate 100 1e10
            Expect.isTrue (Double.IsInfinity(List.fold (*) 1.0 big)) "the plain product overflows"
            Expect.floatClose Accuracy.veryHigh (Norms.LogProduct big) (100.0 * log 1e10) "Σ ln 1e10"
            let small = List.replicate 100 1e-10
            Expect.equal (List.fold (*) 1.0 small) 0.0 "the plain product underflows"
            Expect.floatClose Accuracy.veryHigh (Norms.LogProduct small) (-100.0 * log 1e10) "Σ ln 1e-10"
            Expect.floatClose Accuracy.veryHigh (Norms.LogProduct [ 2.0; 3.0 ]) (log 6.0) "ln 6"

        testCase "a zero or NaN factor is an error naming its index" <| fun () ->
            let e = throwsOf<ArgumentOutOfRangeException> (fun () -> Norms.LogProduct [ 1.0; 0.0 ] |> ignore) "zero"
            Expect.stringContains e.Message "factor 1 is 0" "names the factor"

        testCase "mismatched shapes name the argument" <| fun () ->
            let e = throwsOf<ArgumentException> (fun () -> Norms.FrobeniusDistance(M(2, 3), M(3, 2)) |> ignore) "shapes"
            Expect.stringContains e.Message "m is 3×2; it must have w's shape 2×3" "says both shapes"

        testCase "parameter and hidden-unit counts" <| fun () ->
            let ws = [| M(4, 3); M(5, 4); M(2, 5) |] :> Collections.Generic.IReadOnlyList<_>
            let bs = [| Array.zeroCreate<float> 4; Array.zeroCreate 5; Array.zeroCreate 2 |] :> Collections.Generic.IReadOnlyList<_>
            Expect.equal (Counts.Parameters(ws, bs)) (12L + 20L + 10L + 11L) "weights + biases"
            Expect.equal (Counts.Parameters(ws, [||])) 42L "no biases"
            Expect.equal (Counts.HiddenUnits ws) 9L "4 + 5"
    ]
