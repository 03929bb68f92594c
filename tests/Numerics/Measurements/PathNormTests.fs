module BoundLab.Numerics.Tests.Measurements.PathNormTests

open System
open Expecto
open BoundLab.Numerics.Measurements
open BoundLab.Numerics.Tests.TestUtil

type private M = BoundLab.Numerics.Tensors.Matrix<float>

/// φ₂² by enumerating every path: it starts at an input unit (weight 1) or at layer i's bias unit
/// (edge weight b_i[u] into unit u of layer i), then follows one edge per later layer to an output.
let private bruteForce (ws: M[]) (bs: float[][]) =
    let L = ws.Length
    // paths from unit u of layer i (1-based layers; layer 0 = inputs) to any output: Σ of Π w².
    let rec fromUnit i u =
        if i = L then 1.0
        else
            let w = ws[i] // W_{i+1}: rows = units of layer i+1
            seq { for v in 0 .. w.Rows - 1 -> w[v, u] * w[v, u] * fromUnit (i + 1) v } |> Seq.sum
    let inputs = seq { for u in 0 .. ws[0].Cols - 1 -> fromUnit 0 u } |> Seq.sum
    let biasPaths =
        seq { for i in 0 .. L - 1 do
                if bs.Length > 0 then
                    for u in 0 .. bs[i].Length - 1 -> bs[i][u] * bs[i][u] * fromUnit (i + 1) u } |> Seq.sum
    inputs + biasPaths

let private net seed (widths: int list) bias =
    let ws = widths |> List.pairwise |> List.mapi (fun i (a, b) -> randomMatrix (seed + uint64 i) b a 0.8) |> Array.ofList
    let bs = if bias then ws |> Array.mapi (fun i w -> (randomMatrix (seed + 100UL + uint64 i) 1 w.Rows 0.5).Data) else [||]
    ws, bs

[<Tests>]
let tests =
    testList "Measurements.PathNorm" [
        for widths, bias in [ [ 3; 2 ], false; [ 3; 2 ], true; [ 2; 3; 2 ], true; [ 4; 3; 3; 2 ], true; [ 2; 2; 2; 2; 1 ], false ] do
            testCase $"""forward pass of squared weights = brute-force path enumeration: {widths}, bias {bias}""" <| fun () ->
                let ws, bs = net 31UL widths bias
                let exact = bruteForce ws bs
                Expect.floatClose Accuracy.veryHigh (exp (PathNorm.LogSquared(ws, bs))) exact "φ₂²"
                Expect.floatClose Accuracy.veryHigh (PathNorm.Value(ws, bs)) (sqrt exact) "φ₂"

        testCase "biases given as empty arrays count as no biases" <| fun () ->
            let ws, _ = net 41UL [ 3; 4; 2 ] false
            Expect.equal (PathNorm.LogSquared(ws, [| [||]; [||] |])) (PathNorm.LogSquared(ws, [||])) "same"

        testCase "depth 100: no overflow or underflow (closed form 2·(2c²)^100)" <| fun () ->
            // W_i = c·ones(2, 2): v_i = 2c²·v_{i−1}, so φ₂² = 2·(2c²)^100 and ln φ₂² = ln 2 + 100 ln(2c²).
            for c in [ 1e3; 1e-3 ] do
                let ws = Array.init 100 (fun _ -> M(2, 2, Array.create 4 c))
                let expected = log 2.0 + 100.0 * log (2.0 * c * c)
                Expect.floatClose Accuracy.high (PathNorm.LogSquared(ws, [||])) expected $"c = {c}"

        testCase "depth 100 with biases: the bias paths survive the rescaling" <| fun () ->
            // W_i = 1e-3·I (1×1) and b_i = 1: v_i = 1e-6 v_{i−1} + 1 → the sum is ≈ 1/(1 − 1e-6) ≈ 1 + 1e-6,
            // dominated by the last layer's bias path; the input path (1e-600) underflows harmlessly.
            let ws = Array.init 100 (fun _ -> M(1, 1, [| 1e-3 |]))
            let bs = Array.init 100 (fun _ -> [| 1.0 |])
            let expected = Seq.sum (seq { for k in 0 .. 99 -> 1e-6 ** float k })
            Expect.floatClose Accuracy.veryHigh (exp (PathNorm.LogSquared(ws, bs))) expected "geometric sum"

        testCase "a zero layer stops the input paths but not a later layer's bias paths" <| fun () ->
            // W_1 = 0 (2×3), b_1 = 0; W_2 = [2 3] (1×2), b_2 = [0.5]: only the path from b_2 is left, φ₂² = 0.25.
            let ws = [| M(2, 3); M(1, 2, [| 2.0; 3.0 |]) |]
            let bs = [| [| 0.0; 0.0 |]; [| 0.5 |] |]
            Expect.floatClose Accuracy.veryHigh (exp (PathNorm.LogSquared(ws, bs))) 0.25 "b₂²"
            Expect.floatClose Accuracy.veryHigh (bruteForce ws bs) 0.25 "brute force agrees"
            Expect.equal (PathNorm.Value(ws, [||])) 0.0 "no biases: φ₂ = 0"

        testCase "a shape mismatch names the layer" <| fun () ->
            let e = throwsOf<ArgumentException> (fun () -> PathNorm.LogSquared([| M(3, 2); M(2, 4) |], [||]) |> ignore) "shapes"
            Expect.stringContains e.Message "weights[1] is 2×4; it must have 3 columns" "names it"
    ]
