module BoundLab.Numerics.Tests.Kernels.GemmTests

open System
open Expecto
open BoundLab.Numerics.Tests.TestUtil
open BoundLab.Numerics.Kernels
open BoundLab.Numerics.Random
open BoundLab.Numerics.Tensors

let private uniform (seed: uint64) n =
    let s = (RngKey.FromSeed seed).Stream()
    Array.init n (fun _ -> float32 (s.NextDouble() * 2.0 - 1.0))

/// One SGEMM problem laid out in arrays with a leading offset and padded row strides.
type private Case =
    { M: int; N: int; K: int; TA: bool; TB: bool; Alpha: float32; Beta: float32; Offset: int; Pad: int }
    member c.Lda = (if c.TA then c.M else c.K) + c.Pad
    member c.Ldb = (if c.TB then c.K else c.N) + c.Pad
    member c.Ldc = c.N + c.Pad
    member c.ALength = c.Offset + (if c.TA then c.K else c.M) * c.Lda
    member c.BLength = c.Offset + (if c.TB then c.N else c.K) * c.Ldb
    member c.CLength = c.Offset + c.M * c.Ldc
    override c.ToString() =
        sprintf "%dx%dx%d (m×n×k) transA=%b transB=%b α=%g β=%g offset=%d pad=%d"
            c.M c.N c.K c.TA c.TB c.Alpha c.Beta c.Offset c.Pad

let private inputs (c: Case) = uniform 1UL c.ALength, uniform 2UL c.BLength, uniform 3UL c.CLength

let private sgemm threads (c: Case) (a: float32[]) (b: float32[]) (c0: float32[]) =
    let out = Array.copy c0
    Gemm.Sgemm(c.TA, c.TB, c.M, c.N, c.K, c.Alpha, a, c.Offset, c.Lda, b, c.Offset, c.Ldb, c.Beta,
               out, c.Offset, c.Ldc, threads)
    out

let private referenceDouble (c: Case) alpha beta (a: float[]) (b: float[]) (c0: float[]) =
    let out = Array.copy c0
    Gemm.Reference<float>(c.TA, c.TB, c.M, c.N, c.K, alpha, a, c.Offset, c.Lda, b, c.Offset, c.Ldb, beta,
                          out, c.Offset, c.Ldc)
    out

let private bits (x: float32[]) = x |> Array.map BitConverter.SingleToInt32Bits

/// Checks Sgemm against the float64 reference. Error bound for an FMA chain of length k followed by the
/// alpha scaling and the beta FMA: (k + 3)·u·(|α|·Σ|a||b| + |β|·|c|), u = 2⁻²⁴ (float32 unit roundoff).
let private checkAgainstReference threads (c: Case) =
    let a, b, c0 = inputs c
    let got = sgemm threads c a b c0
    let exact = referenceDouble c (float c.Alpha) (float c.Beta) (Array.map float a) (Array.map float b) (Array.map float c0)
    let absd (x: float32[]) = x |> Array.map (fun v -> abs (float v))
    let scale = referenceDouble c (abs (float c.Alpha)) (abs (float c.Beta)) (absd a) (absd b) (absd c0)
    let u = Math.Pow(2.0, -24.0)
    for i in 0 .. c.CLength - 1 do
        let row, col = (i - c.Offset) / max 1 c.Ldc, (i - c.Offset) % max 1 c.Ldc
        if i >= c.Offset && col < c.N && row < c.M then
            let tol = float (c.K + 3) * u * scale[i]
            let err = abs (float got[i] - exact[i])
            if err > tol then
                failtestf "%O: C[%d,%d] = %g, float64 reference %g, error %g > tolerance %g" c row col got[i] exact[i] err tol
        elif BitConverter.SingleToInt32Bits got[i] <> BitConverter.SingleToInt32Bits c0[i] then
            failtestf "%O: element %d outside C (offset or padding) was written" c i

let private shapes =
    [ 1, 1, 1; 3, 5, 7; 17, 33, 65; 129, 257, 63; 12, 32, 16; 13, 31, 300; 25, 70, 513; 40, 530, 20
      0, 5, 7; 5, 0, 7; 4, 6, 0 ]

let private cases =
    [ for m, n, k in shapes do
        for ta in [ false; true ] do
            for tb in [ false; true ] do
                yield { M = m; N = n; K = k; TA = ta; TB = tb; Alpha = 1.5f; Beta = -0.75f; Offset = 3; Pad = 5 } ]

/// The packed loop nest alone, one thread: the arithmetic every shape route must reproduce bit for bit.
let private packed (c: Case) (a: float32[]) (b: float32[]) (c0: float32[]) =
    let out = Array.copy c0
    SgemmDriver.RunPacked(c.TA, c.TB, c.M, c.N, c.K, c.Alpha, a, c.Offset, c.Lda, b, c.Offset, c.Ldb, c.Beta,
                          out, c.Offset, c.Ldc, 1, SgemmMicroKernel.Avx512Available)
    out

/// LeNet's products at batch 128 (conv1: 28×28×1 → 6, 5×5 pad 2; conv2: 14×14×6 → 16, 5×5; then dense 400-120-84-10):
/// forward cols·Wᵀ, weight gradient δᵀ·cols, input gradient δ·W, the bias tiling 1·b, and the dense layers' three products.
let private lenetShapes =
    [ 100352, 6, 25, false, true; 6, 25, 100352, true, false; 784, 6, 1, false, false
      12800, 16, 150, false, true; 16, 150, 12800, true, false; 12800, 150, 16, false, false; 100, 16, 1, false, false
      128, 120, 400, false, true; 120, 400, 128, true, false; 128, 400, 120, false, false
      128, 84, 120, false, true; 84, 120, 128, true, false; 128, 120, 84, false, false
      128, 10, 84, false, true; 10, 84, 128, true, false; 128, 84, 10, false, false ]

/// The 784-512-512-10 MLP's products at batch 128 (forward x·Wᵀ, gradient δᵀ·x, input gradient δ·W): their bits are
/// the seeded training results and must not move.
let private mlpShapes =
    [ 128, 512, 784, false, true; 128, 512, 512, false, true; 128, 10, 512, false, true
      512, 784, 128, true, false; 512, 512, 128, true, false; 10, 512, 128, true, false
      128, 784, 512, false, false; 128, 512, 512, false, false; 128, 512, 10, false, false ]

/// Odd shapes on either side of each route's bounds: the thin path (n ≤ 16, k ≤ 4096, m ≥ 8; n = 8 and 16 take the
/// vector write-back, several k slices, row remainders) and the split-k path (m·n ≤ 16384, ≥ 4 slices; two rows at a
/// time for m ≤ 16, odd m included, several 32-column slivers; the packed tiles above) and the tall-and-shallow path
/// (m ≥ 1024, 16 < n ≤ 512, k ≤ 32; odd m, partial slivers, and the shapes just outside).
let private routeShapes =
    [ 8, 1, 1, false, false; 13, 7, 3, false, true; 37, 8, 300, false, true; 41, 9, 257, false, false; 9, 16, 600, false, true
      1031, 15, 25, false, true; 600, 16, 4096, false, false; 7, 5, 50, false, true; 19, 17, 30, false, true
      5, 7, 2000, true, false; 17, 33, 1500, true, false; 6, 25, 1025, false, true; 13, 40, 3000, true, true
      3, 1, 769, false, false; 16, 150, 768, true, false; 90, 180, 1100, true, false; 16, 150, 1025, true, false
      11, 70, 900, true, false; 1, 33, 1200, false, false; 17, 20, 1000, true, false
      1025, 33, 7, false, false; 2000, 17, 32, true, false; 1500, 100, 1, false, true; 1023, 40, 5, false, false
      1031, 64, 33, false, false ]

[<Tests>]
let tests =
    testList "Numerics.Kernels.Gemm" [
        testList "Sgemm matches the float64 reference" [
            for c in cases do
                testCase (string c) <| fun () -> checkAgainstReference 2 c
        ]

        testList "LeNet and route-boundary shapes match the float64 reference" [
            for m, n, k, ta, tb in lenetShapes @ routeShapes do
                for alpha, beta in [ 1f, 0f; -1.25f, 0.5f ] do
                    let c = { M = m; N = n; K = k; TA = ta; TB = tb; Alpha = alpha; Beta = beta; Offset = 3; Pad = 5 }
                    testCase (string c) <| fun () -> checkAgainstReference 2 c
        ]

        testList "every shape route gives the packed path's bits, for 1, 2 and 3 threads" [
            for m, n, k, ta, tb in mlpShapes @ lenetShapes @ routeShapes do
                for alpha, beta in [ 1f, 0f; 0.75f, -0.5f ] do
                    let c = { M = m; N = n; K = k; TA = ta; TB = tb; Alpha = alpha; Beta = beta; Offset = 1; Pad = 2 }
                    testCase (string c) <| fun () ->
                        let a, b, c0 = inputs c
                        let expected = bits (packed c a b c0)
                        for t in [ 1; 2; 3 ] do
                            Expect.equal (bits (sgemm t c a b c0)) expected (sprintf "%d threads = packed path" t)
        ]

        testCase "the thin path (n ≤ 16) allocates nothing on one thread once its scratch exists" <| fun () ->
            let c = { M = 1000; N = 6; K = 25; TA = false; TB = true; Alpha = 1f; Beta = 0f; Offset = 0; Pad = 0 }
            let a, b, c0 = inputs c
            let call () =
                Gemm.Sgemm(c.TA, c.TB, c.M, c.N, c.K, c.Alpha, a, 0, c.Lda, b, 0, c.Ldb, c.Beta, c0, 0, c.Ldc, 1)
            call ()
            let before = GC.GetAllocatedBytesForCurrentThread()
            call ()
            Expect.equal (GC.GetAllocatedBytesForCurrentThread() - before) 0L "bytes allocated by the second call"

        testCase "alpha = 1, beta = 0, packed strides, one thread" <| fun () ->
            checkAgainstReference 1 { M = 37; N = 45; K = 29; TA = false; TB = true; Alpha = 1f; Beta = 0f; Offset = 0; Pad = 0 }

        testCase "beta = 0 overwrites NaN in C" <| fun () ->
            let c = { M = 14; N = 35; K = 9; TA = false; TB = false; Alpha = 1f; Beta = 0f; Offset = 0; Pad = 0 }
            let a, b, _ = inputs c
            let got = sgemm 2 c a b (Array.create c.CLength Single.NaN)
            Expect.all got Single.IsFinite "no NaN survives beta = 0"

        testCase "k = 0 scales C by beta" <| fun () ->
            let c = { M = 3; N = 4; K = 0; TA = false; TB = false; Alpha = 2f; Beta = 0.5f; Offset = 0; Pad = 0 }
            let c0 = uniform 9UL 12
            let got = sgemm 1 c [||] [||] c0
            Expect.equal got (c0 |> Array.map (fun x -> 0.5f * x)) "beta·C"

        testCase "alpha = 0 does not read A or B" <| fun () ->
            let c = { M = 5; N = 6; K = 7; TA = false; TB = false; Alpha = 0f; Beta = 2f; Offset = 0; Pad = 0 }
            let c0 = uniform 9UL 30
            let got = sgemm 1 c (Array.create 35 Single.NaN) (Array.create 42 Single.NaN) c0
            Expect.equal got (c0 |> Array.map (fun x -> 2f * x)) "beta·C, NaN in A and B ignored"

        testList "bit-identical for 1, 2 and 3 threads" [
            for m, n, k, ta, tb in [ 129, 257, 300, false, false; 128, 512, 784, false, true; 512, 784, 128, true, false
                                     128, 784, 512, false, false; 7, 1000, 40, true, true; 300, 9, 600, false, false ] do
                testCase (sprintf "%dx%dx%d transA=%b transB=%b" m n k ta tb) <| fun () ->
                    let c = { M = m; N = n; K = k; TA = ta; TB = tb; Alpha = 0.5f; Beta = 0.25f; Offset = 1; Pad = 2 }
                    let a, b, c0 = inputs c
                    let one = bits (sgemm 1 c a b c0)
                    Expect.equal (bits (sgemm 2 c a b c0)) one "2 threads = 1 thread"
                    Expect.equal (bits (sgemm 3 c a b c0)) one "3 threads = 1 thread"
        ]

        testCase "the portable kernel gives the same bits as the AVX-512 kernel" <| fun () ->
            if not SgemmMicroKernel.Avx512Available then skiptest "no AVX-512 on this machine"
            let c = { M = 50; N = 70; K = 300; TA = true; TB = false; Alpha = 1.25f; Beta = 0.5f; Offset = 0; Pad = 3 }
            let a, b, c0 = inputs c
            let run avx =
                let out = Array.copy c0
                SgemmDriver.Run(c.TA, c.TB, c.M, c.N, c.K, c.Alpha, a, 0, c.Lda, b, 0, c.Ldb, c.Beta, out, 0, c.Ldc, 2, avx)
                out
            Expect.equal (bits (run false)) (bits (run true)) "same FMA chains"

        testCase "single-threaded Sgemm allocates nothing once its scratch exists" <| fun () ->
            let c = { M = 40; N = 70; K = 300; TA = false; TB = true; Alpha = 1f; Beta = 0f; Offset = 0; Pad = 0 }
            let a, b, c0 = inputs c
            let call () =
                Gemm.Sgemm(c.TA, c.TB, c.M, c.N, c.K, c.Alpha, a, 0, c.Lda, b, 0, c.Ldb, c.Beta, c0, 0, c.Ldc, 1)
            call ()
            let before = GC.GetAllocatedBytesForCurrentThread()
            call ()
            Expect.equal (GC.GetAllocatedBytesForCurrentThread() - before) 0L "bytes allocated by the second call"

        testCase "concurrent callers get the same results as sequential ones" <| fun () ->
            let c = { M = 96; N = 200; K = 150; TA = false; TB = true; Alpha = 1f; Beta = 0f; Offset = 0; Pad = 0 }
            let a, b, c0 = inputs c
            let expected = bits (sgemm 2 c a b c0)
            let results = Array.Parallel.init 6 (fun _ -> bits (sgemm 2 c a b c0))
            for r in results do Expect.equal r expected "concurrent call"

        testCase "Multiply on matrices uses the transposes it is told" <| fun () ->
            let x = Matrix<float32>(4, 3, uniform 5UL 12)
            let w = Matrix<float32>(6, 3, uniform 6UL 18)
            let z = Matrix<float32>(4, 6)
            Gemm.Multiply(x, false, w, true, z, threads = 1)
            let expected = Matrix<float32>(4, 6)
            let wt = w.Transpose()
            Gemm.Reference<float32>(false, false, 4, 6, 3, 1f, x.Data, 0, 3, wt.Data, 0, 6, 0f, expected.Data, 0, 6)
            for i in 0 .. 23 do
                Expect.floatClose Accuracy.medium (float z.Data[i]) (float expected.Data[i]) "x·wᵀ (FMA vs separate rounding)"

        testList "argument errors name the argument" [
            let a = Array.zeroCreate<float32> 12
            let check name (f: unit -> unit) (fragment: string) =
                testCase name <| fun () ->
                    let e = thrown f
                    Expect.isTrue (e :? ArgumentException) (sprintf "ArgumentException, got %O" (e.GetType()))
                    Expect.stringContains e.Message fragment "message names the problem"
            check "negative m" (fun () -> Gemm.Sgemm(false, false, -1, 3, 4, 1f, a, 0, 4, a, 0, 3, 0f, a, 0, 3, 1)) "m ≥ 0"
            check "lda shorter than a row" (fun () -> Gemm.Sgemm(false, false, 3, 3, 4, 1f, a, 0, 3, a, 0, 3, 0f, a, 0, 3, 1)) "lda ≥ 4"
            check "transposed A needs lda ≥ m" (fun () -> Gemm.Sgemm(true, false, 5, 1, 2, 1f, a, 0, 4, a, 0, 1, 0f, a, 0, 1, 1)) "lda ≥ 5"
            check "array too short" (fun () -> Gemm.Sgemm(false, false, 3, 3, 4, 1f, a, 1, 4, a, 0, 3, 0f, a, 0, 3, 1)) "needs 13"
            check "negative offset" (fun () -> Gemm.Sgemm(false, false, 1, 1, 1, 1f, a, 0, 1, a, -1, 1, 0f, a, 0, 1, 1)) "bOffset"
            check "negative threads" (fun () -> Gemm.Sgemm(false, false, 1, 1, 1, 1f, a, 0, 1, a, 0, 1, 0f, a, 0, 1, -2)) "0 ≤ threads ≤ 256"
            check "too many threads" (fun () -> Gemm.Sgemm(false, false, 1, 1, 1, 1f, a, 0, 1, a, 0, 1, 0f, a, 0, 1, 257)) "0 ≤ threads ≤ 256"
            check "Multiply: inner dimensions" (fun () ->
                Gemm.Multiply(Matrix<float32>(2, 3), false, Matrix<float32>(4, 5), false, Matrix<float32>(2, 5))) "b is 4×5"
            check "Multiply: output shape" (fun () ->
                Gemm.Multiply(Matrix<float32>(2, 3), false, Matrix<float32>(5, 3), true, Matrix<float32>(2, 4))) "need c to be 2×5"
        ]
    ]
