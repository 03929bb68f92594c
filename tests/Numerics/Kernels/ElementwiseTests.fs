module BoundLab.Numerics.Tests.Kernels.ElementwiseTests

open System
open Expecto
open BoundLab.Numerics.Tests.TestUtil
open BoundLab.Numerics
open BoundLab.Numerics.Kernels
open BoundLab.Numerics.Random
open BoundLab.Numerics.Tensors

let private uniform (seed: uint64) scale n =
    let s = (RngKey.FromSeed seed).Stream()
    Array.init n (fun _ -> float32 ((s.NextDouble() * 2.0 - 1.0) * scale))

let private matrix seed scale rows cols = Matrix<float32>(rows, cols, uniform seed scale (rows * cols))

let private activations = [ Activation.Identity; Activation.Relu; Activation.Sigmoid; Activation.Tanh ]

let private bits (x: float32[]) = x |> Array.map BitConverter.SingleToInt32Bits

/// Forward tolerance: the float32 sum z + b rounds once (≤ u·|z + b|, and act′ ≤ 1 carries it through),
/// the vectorized exp-based sigmoid/tanh add at most 2·10⁻⁶ absolute; u = 2⁻²⁴.
let private forwardTolerance (pre: float) (exact: float) =
    2e-6 + Math.Pow(2.0, -23.0) * (abs pre + abs exact)

[<Tests>]
let tests =
    testList "Numerics.Kernels.Elementwise" [
        testList "BiasActivation matches the float64 reference" [
            for act in activations do
                for withBias in [ true; false ] do
                    for threads in [ 1; 2 ] do
                        testCase (sprintf "%A bias=%b threads=%d" act withBias threads) <| fun () ->
                            let z = matrix 1UL 6.0 300 130
                            let bias = if withBias then uniform 2UL 3.0 130 else [||]
                            let zBefore = z.Clone()
                            let out = Matrix<float32>(300, 130)
                            Elementwise.BiasActivation(z, ReadOnlySpan bias, act, out, threads)
                            // The Backend contract: z now holds the pre-activation z + bias (one float32 addition).
                            let zPlusBias = zBefore.Data |> Array.mapi (fun i v -> if withBias then v + bias[i % 130] else v)
                            Expect.equal (bits z.Data) (bits zPlusBias) "z holds z + bias"
                            let expected =
                                ElementwiseReference.BiasActivation(zBefore.Convert<float>(), ReadOnlySpan(Array.map float bias), act)
                            for i in 0 .. out.Length - 1 do
                                let pre = float zBefore.Data[i] + (if withBias then float bias[i % 130] else 0.0)
                                let err = abs (float out.Data[i] - expected.Data[i])
                                if err > forwardTolerance pre expected.Data[i] then
                                    failtestf "element %d: pre-activation %g, got %g, reference %g" i pre out.Data[i] expected.Data[i]
        ]

        testCase "in place gives the same bits as out of place" <| fun () ->
            for act in activations do
                let z = matrix 3UL 4.0 70 33
                let bias = uniform 4UL 1.0 33
                let out = Matrix<float32>(70, 33)
                Elementwise.BiasActivation(z.Clone(), ReadOnlySpan bias, act, out, 1)
                Elementwise.BiasActivation(z, ReadOnlySpan bias, act, z, 1)
                Expect.equal (bits z.Data) (bits out.Data) (sprintf "%A in place" act)

        testCase "sigmoid and tanh stay finite and saturate for large |z|" <| fun () ->
            let xs = [| -1e30f; -1000f; -100f; -88.8f; -20f; 0f; 20f; 88.8f; 100f; 1000f; 1e30f |]
            for act in [ Activation.Sigmoid; Activation.Tanh ] do
                let z = Matrix<float32>(1, xs.Length, Array.copy xs)
                Elementwise.BiasActivation(z, ReadOnlySpan.Empty, act, z, 1)
                for i in 0 .. xs.Length - 1 do
                    let exact = ElementwiseReference.Apply(act, float xs[i])
                    Expect.isTrue (Single.IsFinite z.Data[i]) (sprintf "%A(%g) is finite" act xs[i])
                    Expect.isLessThanOrEqual (abs (float z.Data[i] - exact)) 2e-6 (sprintf "%A(%g)" act xs[i])

        testList "ActivationBackward matches the float64 reference" [
            for act in activations do
                testCase (sprintf "%A" act) <| fun () ->
                    // Include exact zeros: relu′(0) = 0.
                    let z = matrix 5UL 5.0 257 129
                    for i in 0 .. 97 .. z.Length - 1 do z.Data[i] <- 0f
                    let y = Matrix<float32>(257, 129)
                    Elementwise.BiasActivation(z, ReadOnlySpan.Empty, act, y, 2)
                    let g = matrix 6UL 2.0 257 129
                    let d = Matrix<float32>(257, 129)
                    Elementwise.ActivationBackward(act, z, y, g, d, 2)
                    let expected = ElementwiseReference.ActivationBackward(act, z.Convert<float>(), g.Convert<float>())
                    for i in 0 .. d.Length - 1 do
                        // act′ is evaluated from the float32 output y (error ≤ 2·10⁻⁶), and |act′| ≤ 1.
                        let tol = 1e-7 + 5e-6 * abs (float g.Data[i])
                        let err = abs (float d.Data[i] - expected.Data[i])
                        if err > tol then
                            failtestf "element %d: z=%g g=%g got %g reference %g" i z.Data[i] g.Data[i] d.Data[i] expected.Data[i]
                    let d1 = Matrix<float32>(257, 129)
                    Elementwise.ActivationBackward(act, z, y, g, d1, 1)
                    Expect.equal (bits d1.Data) (bits d.Data) "1 thread = 2 threads"
        ]

        testCase "ColumnSums matches the reference and is bit-identical for 1, 2, 3 threads" <| fun () ->
            let m = matrix 7UL 1.0 513 301
            let expected = ElementwiseReference.ColumnSums(m.Convert<float>())
            let run threads =
                let s = Array.zeroCreate 301
                Elementwise.ColumnSums(m, Span s, threads)
                s
            let one = run 1
            for j in 0 .. 300 do
                // float64 accumulation: the only error is the final rounding to float32.
                Expect.isLessThanOrEqual (abs (float one[j] - expected[j])) (Math.Pow(2.0, -24.0) * abs expected[j] + 1e-30) "column sum"
            Expect.equal (bits (run 2)) (bits one) "2 threads"
            Expect.equal (bits (run 3)) (bits one) "3 threads"

        testCase "Dot and SumSquares match the reference and repeat exactly" <| fun () ->
            for n in [ 0; 1; 15; 16; 17; 1000; 4099 ] do
                let x = uniform 8UL 3.0 n
                let y = uniform 9UL 3.0 n
                let exact = ElementwiseReference.Dot(ReadOnlySpan(Array.map float x), ReadOnlySpan(Array.map float y))
                let dot = Elementwise.Dot(ReadOnlySpan x, ReadOnlySpan y)
                Expect.floatClose Accuracy.veryHigh dot exact (sprintf "dot n=%d" n)
                Expect.equal (Elementwise.Dot(ReadOnlySpan x, ReadOnlySpan y)) dot "same bits again"
                let sq = ElementwiseReference.Dot(ReadOnlySpan(Array.map float x), ReadOnlySpan(Array.map float x))
                Expect.floatClose Accuracy.veryHigh (Elementwise.SumSquares(ReadOnlySpan x)) sq (sprintf "sum of squares n=%d" n)

        testCase "Axpy and Scale match the float64 formula" <| fun () ->
            let x = uniform 10UL 1.0 1001
            let y = uniform 11UL 1.0 1001
            let y2 = Array.copy y
            Elementwise.Axpy(0.3f, ReadOnlySpan x, Span y2)
            for i in 0 .. 1000 do
                let exact = 0.3 * float x[i] + float y[i]
                Expect.isLessThanOrEqual (abs (float y2[i] - exact)) (Math.Pow(2.0, -23.0) * (abs exact + abs (float x[i]))) "axpy"
            Elementwise.Scale(-2f, Span y2)
            Expect.floatClose Accuracy.veryHigh (float y2[5]) (-2.0 * float (y[5] + 0.3f * x[5])) "scale by a power of two is exact"

        testList "argument errors name the argument" [
            let check name (f: unit -> unit) (fragment: string) =
                testCase name <| fun () ->
                    let e = thrown f
                    Expect.isTrue (e :? ArgumentException) (sprintf "ArgumentException, got %O" (e.GetType()))
                    Expect.stringContains e.Message fragment "message"
            let z = Matrix<float32>(3, 4)
            check "bias length" (fun () ->
                Elementwise.BiasActivation(z, ReadOnlySpan(Array.zeroCreate<float32> 3), Activation.Relu, z, 1)) "bias has length 3"
            check "output shape" (fun () ->
                Elementwise.BiasActivation(z, ReadOnlySpan.Empty, Activation.Relu, Matrix<float32>(4, 3), 1)) "output is 4×3"
            check "gradient shape" (fun () ->
                Elementwise.ActivationBackward(Activation.Tanh, z, z, z, Matrix<float32>(3, 5), 1)) "gradPre is 3×5"
            check "undefined activation" (fun () ->
                Elementwise.BiasActivation(z, ReadOnlySpan.Empty, enum<Activation> 9, z, 1)) "allowed: Identity"
            check "column sums length" (fun () -> Elementwise.ColumnSums(z, Span(Array.zeroCreate<float32> 5), 1)) "allowed: 4"
            check "dot lengths" (fun () ->
                Elementwise.Dot(ReadOnlySpan(Array.zeroCreate<float32> 2), ReadOnlySpan(Array.zeroCreate<float32> 3)) |> ignore) "y has length 3"
        ]
    ]
