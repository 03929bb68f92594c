module BoundLab.Numerics.Tests.Measurements.SpectralNormTests

open System
open Expecto
open BoundLab.Numerics.Measurements
open BoundLab.Numerics.Tests.TestUtil

type private M = BoundLab.Numerics.Tensors.Matrix<float>
type private MN = MathNet.Numerics.LinearAlgebra.Matrix<float>

/// Our row-major matrix → MathNet's dense matrix (the independent reference).
let private toMathNet (m: M) : MN = MN.Build.Dense(m.Rows, m.Cols, fun r c -> m[r, c])

let private ofMathNet (m: MN) =
    M(m.RowCount, m.ColumnCount, Array.init (m.RowCount * m.ColumnCount) (fun i -> m[i / m.ColumnCount, i % m.ColumnCount]))

/// σ_max by MathNet's dense SVD.
let private svdMax (m: M) = (toMathNet m).Svd(false).S[0]

/// A random orthogonal n×n matrix (Q of the QR of a Gaussian matrix).
let private orthogonal seed n : MN = (toMathNet (randomMatrix seed n n 1.0)).QR().Q

/// U diag(s) Vᵀ with random orthogonal U (rows×rows), V (cols×cols).
let private withSingularValues seed rows cols (s: float list) =
    let d = MN.Build.Dense(rows, cols)
    s |> List.iteri (fun i v -> d[i, i] <- v)
    ofMathNet (orthogonal seed rows * d * (orthogonal (seed + 1UL) cols).Transpose())

let private relClose (what: string) (actual: float) (expected: float) =
    let rel = abs (actual - expected) / abs expected
    Expect.isLessThanOrEqual rel 1e-6 (sprintf "%s: %.17g vs SVD %.17g (relative error %.3g)" what actual expected rel)

let private cases =
    [ "random 30×20", randomMatrix 1UL 30 20 1.0
      "wide 7×60", randomMatrix 2UL 7 60 0.3
      "tall 200×5", randomMatrix 3UL 200 5 2.0
      "low rank 3 (40×30)", ofMathNet (toMathNet (randomMatrix 4UL 40 3 1.0) * toMathNet (randomMatrix 5UL 3 30 1.0))
      "rank 1", ofMathNet (toMathNet (randomMatrix 6UL 25 1 1.0) * toMathNet (randomMatrix 7UL 1 17 1.0))
      "repeated σ = 5, 5, 5, 1", withSingularValues 8UL 12 9 [ 5.0; 5.0; 5.0; 1.0; 0.5 ]
      "near-degenerate σ = 3, 3(1 − 1e-7), 1", withSingularValues 10UL 20 15 [ 3.0; 3.0 * (1.0 - 1e-7); 1.0 ]
      "1×1", M(1, 1, [| -2.5 |]) ]

[<Tests>]
let tests =
    testList "Measurements.SpectralNorm" [
        for name, m in cases do
            testCase $"power iteration (or its fallback) matches MathNet's SVD to 1e-6: {name}" <| fun () ->
                relClose name (SpectralNorm.Compute(m).Value) (svdMax m)
            testCase $"the Lanczos fallback alone matches MathNet's SVD to 1e-6: {name}" <| fun () ->
                let r = SpectralNorm.Compute(m, SpectralNormOptions(MaxPowerIterations = 1))
                if name <> "1×1" && not (name.StartsWith "rank 1") then Expect.equal r.Method "lanczos" "forced fallback"
                relClose name r.Value (svdMax m)

        testCase "σ₁ ≈ σ₂ (ratio 1 − 1e-7) does not converge by power iteration: the Lanczos fallback answers" <| fun () ->
            let m = withSingularValues 10UL 20 15 [ 3.0; 3.0 * (1.0 - 1e-7); 1.0 ]
            let r = SpectralNorm.Compute m
            Expect.equal r.Method "lanczos" "fallback taken"
            relClose "near-degenerate" r.Value 3.0

        testCase "Lanczos stops on the Ritz residual before exhausting the Krylov space (200×150 Gaussian)" <| fun () ->
            // A Gaussian matrix's top singular values are close: power iteration is slow there, Lanczos is not.
            let m = randomMatrix 11UL 200 150 1.0
            let r = SpectralNorm.Compute(m, SpectralNormOptions(MaxPowerIterations = 1))
            Expect.equal r.Method "lanczos" "fallback"
            Expect.isLessThan r.Iterations 140 "stopped early (the space has dimension 150)"
            relClose "Gaussian 200×150" r.Value (svdMax m)
            relClose "default options" (SpectralNorm.Compute(m).Value) (svdMax m)

        testCase "a well-separated spectrum converges by power iteration" <| fun () ->
            let m = withSingularValues 12UL 10 8 [ 4.0; 1.0; 0.5 ]
            let r = SpectralNorm.Compute m
            Expect.equal r.Method "power" "no fallback"
            relClose "separated" r.Value 4.0

        testCase "a warm start from the converged vector stops after one iteration" <| fun () ->
            let m = withSingularValues 13UL 30 20 [ 6.0; 2.0; 1.0; 0.5 ]
            let first = SpectralNorm.Compute m
            Expect.equal first.Method "power" "separated spectrum"
            Expect.isGreaterThan first.Iterations 2 "cold start needs several iterations"
            let again = SpectralNorm.Compute(m, SpectralNormOptions(WarmStart = first.WarmStart))
            Expect.equal again.Iterations 1 "warm start"
            relClose "warm" again.Value 6.0

        testCase "after the Lanczos fallback the warm start is the Ritz vector: ‖W v‖ = σ_max" <| fun () ->
            for m in [ randomMatrix 18UL 30 20 1.0; randomMatrix 19UL 20 30 1.0 ] do
                let r = SpectralNorm.Compute(m, SpectralNormOptions(MaxPowerIterations = 1))
                Expect.equal r.Method "lanczos" "fallback"
                let v = Array.ofSeq r.WarmStart
                Expect.equal v.Length m.Cols "one entry per column"
                let wv = Array.init m.Rows (fun i -> Array.fold2 (fun s a b -> s + a * b) 0.0 (m.Row(i).ToArray()) v)
                relClose $"‖Wv‖ for {m.Shape}" (sqrt (Array.sumBy (fun x -> x * x) wv)) (svdMax m)

        testCase "a warm start in the null space still finds σ_max" <| fun () ->
            // W = [1 0; 0 0]: v = e₂ gives Wv = 0.
            let m = M(2, 2, [| 1.0; 0.0; 0.0; 0.0 |])
            let r = SpectralNorm.Compute(m, SpectralNormOptions(WarmStart = [| 0.0; 1.0 |]))
            relClose "null-space start" r.Value 1.0

        testCase "float32 input, measured in float64" <| fun () ->
            let m32 = randomMatrix32 14UL 16 24 0.1
            relClose "float32" (SpectralNorm.Compute(m32).Value) (svdMax (m32.Convert<float>()))

        testCase "W = 0 gives 0" <| fun () ->
            let r = SpectralNorm.Compute(M(3, 4))
            Expect.equal r.Value 0.0 "zero"
            Expect.equal r.Method "zero" "method"

        testCase "σ_max(W − W⁰) matches the SVD of the difference" <| fun () ->
            let w, w0 = randomMatrix 15UL 20 10 1.0, randomMatrix 16UL 20 10 1.0
            let diff = ofMathNet (toMathNet w - toMathNet w0)
            relClose "distance" (SpectralNorm.Distance(w, w0).Value) (svdMax diff)

        testCase "the tridiagonal bisection finds λ_max of a known matrix" <| fun () ->
            // tridiag(−1, 2, −1) of size 5: eigenvalues 2 − 2cos(kπ/6), the largest 2 + √3.
            let v = Lanczos.LargestTridiagonalEigenvalue([| 2.0; 2.0; 2.0; 2.0; 2.0 |], [| -1.0; -1.0; -1.0; -1.0 |])
            Expect.floatClose Accuracy.veryHigh v (2.0 + sqrt 3.0) "2 + √3"

        testCase "bad inputs name the argument" <| fun () ->
            let m = randomMatrix 17UL 3 4 1.0
            let e = throwsOf<ArgumentException> (fun () -> SpectralNorm.Compute(m, SpectralNormOptions(WarmStart = [| 1.0 |])) |> ignore) "short warm start"
            Expect.stringContains e.Message "WarmStart has 1 entries" "names it"
            let nan = M(1, 2, [| 1.0; nan |])
            let e2 = throwsOf<ArgumentException> (fun () -> SpectralNorm.Compute nan |> ignore) "NaN entry"
            Expect.stringContains e2.Message "w has NaN at (0, 1)" "names the entry"
    ]
