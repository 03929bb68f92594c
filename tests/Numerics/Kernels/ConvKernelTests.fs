module BoundLab.Numerics.Tests.Kernels.ConvKernelTests

open System
open System.Numerics
open Expecto
open BoundLab.Numerics.Tests.TestUtil
open BoundLab.Numerics.Kernels
open BoundLab.Numerics.Random

// ---- calls of the kernels under test, generic over float32 and float ----

let im2col<'T when 'T: unmanaged and 'T :> IFloatingPointIeee754<'T> and 'T: (new: unit -> 'T) and 'T: struct and 'T :> ValueType>
        (g: Conv2dGeometry) (x: 'T[]) batch threads =
    let cols = Array.zeroCreate<'T> (batch * g.OutPixels * g.PatchSize)
    Conv2d.Im2Col<'T>(g, ReadOnlySpan<'T> x, batch, Span<'T> cols, threads)
    cols

let col2im<'T when 'T: unmanaged and 'T :> IFloatingPointIeee754<'T> and 'T: (new: unit -> 'T) and 'T: struct and 'T :> ValueType>
        (g: Conv2dGeometry) (cols: 'T[]) batch threads =
    // Start from garbage: Col2Im overwrites.
    let x = Array.create<'T> (batch * g.ImageSize) 'T.NaN
    Conv2d.Col2Im<'T>(g, ReadOnlySpan<'T> cols, batch, Span<'T> x, threads)
    x

let maxFwd<'T when 'T: unmanaged and 'T :> IFloatingPointIeee754<'T> and 'T: (new: unit -> 'T) and 'T: struct and 'T :> ValueType>
        (g: Conv2dGeometry) (x: 'T[]) batch threads =
    let out = Array.create<'T> (batch * g.OutImageSize) 'T.NaN
    let arg = Array.create (batch * g.OutImageSize) -7
    Pool2d.MaxPool2dForward<'T>(g, ReadOnlySpan<'T> x, batch, Span<'T> out, Span<int> arg, threads)
    out, arg

let maxBwd<'T when 'T: unmanaged and 'T :> IFloatingPointIeee754<'T> and 'T: (new: unit -> 'T) and 'T: struct and 'T :> ValueType>
        (g: Conv2dGeometry) (go: 'T[]) (arg: int[]) batch threads =
    let gi = Array.create<'T> (batch * g.ImageSize) 'T.NaN
    Pool2d.MaxPool2dBackward<'T>(g, ReadOnlySpan<'T> go, ReadOnlySpan<int> arg, batch, Span<'T> gi, threads)
    gi

let avgFwd<'T when 'T: unmanaged and 'T :> IFloatingPointIeee754<'T> and 'T: (new: unit -> 'T) and 'T: struct and 'T :> ValueType>
        (g: Conv2dGeometry) (x: 'T[]) batch threads =
    let out = Array.create<'T> (batch * g.OutImageSize) 'T.NaN
    Pool2d.AvgPool2dForward<'T>(g, ReadOnlySpan<'T> x, batch, Span<'T> out, threads)
    out

let avgBwd<'T when 'T: unmanaged and 'T :> IFloatingPointIeee754<'T> and 'T: (new: unit -> 'T) and 'T: struct and 'T :> ValueType>
        (g: Conv2dGeometry) (go: 'T[]) batch threads =
    let gi = Array.create<'T> (batch * g.ImageSize) 'T.NaN
    Pool2d.AvgPool2dBackward<'T>(g, ReadOnlySpan<'T> go, batch, Span<'T> gi, threads)
    gi

// ---- data ----

let private gaussian (seed: uint64) n =
    let s = (RngKey.FromSeed seed).Stream()
    Array.init n (fun _ -> s.NextGaussian())

/// float32 data and the same values exactly in float64.
let private data32 seed n =
    let x32 = gaussian seed n |> Array.map float32
    x32, Array.map float x32

let private bits32 (x: float32[]) = x |> Array.map BitConverter.SingleToInt32Bits
let private bits64 (x: float[]) = x |> Array.map BitConverter.DoubleToInt64Bits
let private dot (a: float[]) (b: float[]) = Array.fold2 (fun s x y -> s + x * y) 0.0 a b

type private Shape =
    { C: int; H: int; W: int; K: int; S: int; P: int; B: int }
    member s.Geometry = Conv2dGeometry(s.C, s.H, s.W, s.K, s.K, s.S, s.S, s.P, s.P)
    override s.ToString() = sprintf "C=%d H=%d W=%d kernel=%d stride=%d pad=%d batch=%d" s.C s.H s.W s.K s.S s.P s.B

/// H ≠ W, C = 1, 3, 5 (and 17: a full vector plus a tail), kernel 1, 3, 5, stride 1, 2, pad 0, 1, 2, batch 1 and 3.
let private convShapes =
    [ for c in [ 1; 3; 5; 17 ] do
        for k in [ 1; 3; 5 ] do
          for s in [ 1; 2 ] do
            for p in [ 0; 1; 2 ] do
              for b in [ 1; 3 ] do
                yield { C = c; H = 7; W = 6; K = k; S = s; P = p; B = b } ]

/// Pooling needs pad ≤ kernel/2.
let private poolShapes = convShapes |> List.filter (fun s -> s.P <= s.K / 2)

/// Float32 sums of n terms: |fl(Σ) − Σ| ≤ n·u·Σ|terms| with u = 2⁻²⁴ (recursive summation; n ≤ kernel²).
let private sumTolerance n (sumAbs: float) = float n * Math.Pow(2.0, -24.0) * sumAbs + 1e-30

let private checkClose what (shape: Shape) n (got: float32[]) (exact: float[]) (sumAbs: float[]) =
    for i in 0 .. got.Length - 1 do
        if abs (float got[i] - exact[i]) > sumTolerance n sumAbs[i] then
            failtestf "%s %O: element %d is %g, reference %g" what shape i got[i] exact[i]

// ---- golden values from PyTorch ----
//
// Made once with Debian's python3-torch 1.13 (/usr/bin/python3), float64, and pasted here; CI does not run python:
//   import torch, torch.nn.functional as F
//   B, C, H, W, OC = 2, 3, 5, 4, 2
//   # Input defined on the NHWC flat index i, then permuted to PyTorch's NCHW.
//   x = torch.tensor([((i * 37) % 17 - 8) / 8 for i in range(B * H * W * C)], dtype=torch.float64).reshape(B, H, W, C).permute(0, 3, 1, 2)
//   # Weights defined on the OHWI flat index (our layout), permuted to OIHW.
//   w = torch.tensor([((i * 29) % 13 - 6) / 6 for i in range(OC * 3 * 2 * C)], dtype=torch.float64).reshape(OC, 3, 2, C).permute(0, 3, 1, 2)
//   bias = torch.tensor([0.5, -0.25], dtype=torch.float64)
//   def nhwc(t): return t.permute(0, 2, 3, 1).reshape(-1).tolist()
//   print("conv", nhwc(F.conv2d(x, w, bias, stride=(2, 1), padding=(1, 1))))
// Pooling uses an input with only 5 distinct values, so that 16 of the 90 max-pool windows hold tied maxima and
// the argmax literals check PyTorch's tie rule (first maximum in (ky, kx) order):
//   xp = torch.tensor([((i * 37) % 5 - 2) / 2 for i in range(B * H * W * C)], dtype=torch.float64).reshape(B, H, W, C).permute(0, 3, 1, 2)
//   m, idx = F.max_pool2d(xp, (3, 2), stride=(2, 1), padding=(1, 1), return_indices=True)
//   # idx is h*W + w within each (b, c) plane; converted to our NHWC flat index ((b*H + h)*W + w)*C + c.
//   bb = torch.arange(B).reshape(B, 1, 1, 1); cc = torch.arange(C).reshape(1, C, 1, 1)
//   print("max", nhwc(m)); print("argmax", nhwc((bb * H * W + idx) * C + cc))
//   print("avg", nhwc(F.avg_pool2d(xp, (3, 2), stride=(2, 1), padding=(1, 1), count_include_pad=True)))

let private goldenGeometry = Conv2dGeometry(3, 5, 4, 3, 2, 2, 1, 1, 1)
let private goldenBatch = 2
let private goldenInput = Array.init (2 * 5 * 4 * 3) (fun i -> float ((i * 37) % 17 - 8) / 8.0)
let private goldenPoolInput = Array.init (2 * 5 * 4 * 3) (fun i -> float ((i * 37) % 5 - 2) / 2.0)
let private goldenWeights = Array.init (2 * 3 * 2 * 3) (fun i -> float ((i * 29) % 13 - 6) / 6.0)
let private goldenBias = [| 0.5; -0.25 |]

let private torchConv =
    [| 1.3125; -0.4375; -0.625; 0.875; 2.25; -0.875; -0.5416666666666667; 0.9166666666666667; 1.3958333333333333
       -0.7291666666666667; 0.8125; -0.5833333333333334; 0.8333333333333335; -1.2083333333333335; 1.5416666666666665
       1.7708333333333335; 1.541666666666667; -1.2708333333333333; 0.1875; 0.625; 0.16666666666666669; -0.35416666666666663
       2.333333333333333; 1.5625; -0.541666666666667; -1.3333333333333335; 2.25; 1.4375; -0.25; -1.2708333333333333; -0.1875
       1.75; 2.3333333333333335; -0.8333333333333334; -0.8125; -0.10416666666666682; 0.6458333333333333; 1.3333333333333335
       0.1875; -1.0833333333333333; 1.0624999999999998; -0.9375; 0.8333333333333335; 0.29166666666666696; 1.541666666666666
       -2.041666666666667; -0.5833333333333335; -1.895833333333333; 0.6458333333333333; -0.7083333333333333; 1.375
       1.7083333333333335; -0.6249999999999998; -1.458333333333333; 1.1041666666666667; -0.45833333333333337; 1.0625
       -1.2291666666666667; -0.5208333333333335; 1.4375 |]

let private torchMax =
    [| 1.0; 0.0; 1.0; 1.0; 0.5; 1.0; 0.0; 1.0; 1.0; 0.5
       1.0; 0.0; 0.5; 1.0; 0.0; 1.0; 1.0; 0.5; 1.0; 1.0
       1.0; 1.0; 0.5; 1.0; 1.0; 1.0; 1.0; 0.0; 1.0; 1.0
       0.0; 1.0; -0.5; 0.5; 1.0; 0.0; 1.0; 1.0; 0.5; 1.0
       0.0; 1.0; 1.0; 0.0; 1.0; 1.0; 0.0; 1.0; 1.0; 0.5
       1.0; 0.0; 1.0; 1.0; 0.5; 1.0; 0.0; 0.5; 1.0; 0.0
       1.0; 1.0; 0.5; 1.0; 1.0; 1.0; 1.0; 0.5; 1.0; 1.0
       1.0; 1.0; 0.0; 1.0; 1.0; 0.0; 1.0; -0.5; 0.5; 1.0
       0.0; 1.0; 1.0; 0.5; 1.0; 0.0; 1.0; 1.0; 0.0; 1.0 |]

let private torchArgmax =
    [| 12; 1; 2; 12; 4; 2; 6; 7; 17; 9; 7; 11; 9; 22; 11
       12; 37; 14; 12; 37; 17; 27; 19; 17; 42; 22; 32; 21; 22; 47
       36; 37; 38; 39; 37; 41; 42; 52; 44; 42; 46; 47; 57; 46; 47
       72; 61; 62; 72; 64; 62; 66; 67; 77; 69; 67; 71; 69; 82; 71
       72; 97; 74; 72; 97; 77; 87; 79; 77; 102; 82; 92; 81; 82; 107
       96; 97; 98; 99; 97; 101; 102; 112; 104; 102; 106; 107; 117; 106; 107 |]

let private torchAvg =
    [| 0.0; -0.08333333333333333; 0.25; -0.25; 0.0; 0.25
       -0.3333333333333333; 0.3333333333333333; -0.25; 0.0; 0.25; -0.3333333333333333
       0.08333333333333333; 0.0; -0.08333333333333333; 0.25; -0.08333333333333333; 0.0
       0.3333333333333333; -0.3333333333333333; 0.25; 0.0; -0.25; 0.3333333333333333
       -0.3333333333333333; 0.25; 0.0; -0.25; 0.25; -0.08333333333333333
       -0.08333333333333333; 0.25; -0.25; 0.0; 0.25; -0.3333333333333333
       0.3333333333333333; -0.25; 0.0; 0.25; -0.3333333333333333; 0.3333333333333333
       0.0; -0.08333333333333333; 0.25; 0.0; -0.08333333333333333; 0.25
       -0.25; 0.0; 0.25; -0.3333333333333333; 0.3333333333333333; -0.25
       0.0; 0.25; -0.3333333333333333; 0.08333333333333333; 0.0; -0.08333333333333333
       0.25; -0.08333333333333333; 0.0; 0.3333333333333333; -0.3333333333333333; 0.25
       0.0; -0.25; 0.3333333333333333; -0.3333333333333333; 0.25; 0.0
       -0.25; 0.25; -0.08333333333333333; -0.08333333333333333; 0.25; -0.25
       0.0; 0.25; -0.3333333333333333; 0.3333333333333333; -0.25; 0.0
       0.25; -0.3333333333333333; 0.3333333333333333; 0.0; -0.08333333333333333; 0.25 |]

/// out (B·OutH·OutW × OC) = cols · Wᵀ, then + bias per column: the convolution as the doc comment of Conv2d states it.
let private convByGemm (g: Conv2dGeometry) (x: float[]) batch (w: float[]) (bias: float[]) oc =
    let cols = im2col g x batch 1
    let rows = batch * g.OutPixels
    let out = Array.zeroCreate (rows * oc)
    Gemm.Reference<float>(false, true, rows, oc, g.PatchSize, 1.0, cols, 0, g.PatchSize, w, 0, g.PatchSize, 0.0, out, 0, oc)
    out |> Array.mapi (fun i v -> v + bias[i % oc])

[<Tests>]
let tests =
    testList "Numerics.Kernels.Conv" [
        testList "Conv2dGeometry" [
            testCase "derived sizes follow PyTorch's formula" <| fun () ->
                let g = Conv2dGeometry(3, 28, 27, 5, 4, 2, 3, 2, 1)
                Expect.equal (g.OutH, g.OutW) ((28 + 4 - 5) / 2 + 1, (27 + 2 - 4) / 3 + 1) "OutH, OutW"
                Expect.equal g.PatchSize (5 * 4 * 3) "PatchSize"
                Expect.equal g.ImageSize (28 * 27 * 3) "ImageSize"
                Expect.equal g.OutImageSize (g.OutH * g.OutW * 3) "OutImageSize"

            testCase "errors name the field, the value and what is allowed" <| fun () ->
                let cases : (string * (unit -> Conv2dGeometry) * string list) list =
                    [ "channels", (fun () -> Conv2dGeometry(0, 5, 5, 3, 3)), [ "inChannels"; "0"; "≥ 1" ]
                      "height", (fun () -> Conv2dGeometry(1, -2, 5, 3, 3)), [ "height"; "-2"; "≥ 1" ]
                      "kernel", (fun () -> Conv2dGeometry(1, 5, 5, 3, 0)), [ "kernelW"; "0"; "≥ 1" ]
                      "stride", (fun () -> Conv2dGeometry(1, 5, 5, 3, 3, 0)), [ "strideH"; "0"; "≥ 1" ]
                      "padding", (fun () -> Conv2dGeometry(1, 5, 5, 3, 3, 1, 1, 0, -1)), [ "padW"; "-1"; "≥ 0" ]
                      "no output pixel", (fun () -> Conv2dGeometry(1, 4, 5, 7, 3, 1, 1, 1, 0)), [ "kernelH"; "7"; "height + 2·padH is 6" ] ]
                for name, make, words in cases do
                    let e = thrown (fun () -> make () |> ignore)
                    Expect.isTrue (e :? ArgumentException) (sprintf "%s: ArgumentException, got %s" name (e.GetType().Name))
                    for w in words do Expect.stringContains e.Message w name

            testCase "pooling refuses padding above kernel/2" <| fun () ->
                let g = Conv2dGeometry(2, 6, 6, 3, 3, 1, 1, 2, 1)
                let e = thrown (fun () -> avgFwd g (Array.zeroCreate<float> (g.ImageSize)) 1 1 |> ignore)
                Expect.stringContains e.Message "padH ≤ kernelH/2" "message"
        ]

        testCase "buffers of the wrong length or overlapping are refused by name" <| fun () ->
            let g = Conv2dGeometry(2, 5, 4, 3, 3, 1, 1, 1, 1)
            let x = Array.zeroCreate<float32> (2 * g.ImageSize)
            let cols = Array.zeroCreate<float32> (2 * g.OutPixels * g.PatchSize)
            let e = thrown (fun () -> Conv2d.Im2Col<float32>(g, ReadOnlySpan<float32>(x, 0, x.Length - 1), 2, Span<float32> cols, 1))
            Expect.stringContains e.Message "input has length 79" "short input"
            Expect.stringContains e.Message "exactly 80" "allowed length"
            let e = thrown (fun () -> Conv2d.Col2Im<float32>(g, ReadOnlySpan<float32> cols, 2, Span<float32>(x, 0, 40), 1))
            Expect.stringContains e.Message "input has length 40" "short input"
            let big = Array.zeroCreate<float32> (x.Length + cols.Length)
            let e = thrown (fun () ->
                Conv2d.Im2Col<float32>(g, ReadOnlySpan<float32>(big, 0, x.Length), 2, Span<float32>(big, 1, cols.Length), 1))
            Expect.stringContains e.Message "cols overlaps input" "aliasing"
            let e = thrown (fun () -> Conv2d.Im2Col<float32>(g, ReadOnlySpan<float32> x, 2, Span<float32> cols, -1))
            Expect.stringContains e.Message "threads" "bad thread count"
            let e = thrown (fun () -> Conv2d.Im2Col<float32>(g, ReadOnlySpan<float32> x, -2, Span<float32> cols, 1))
            Expect.stringContains e.Message "batch" "negative batch"
            let p = Conv2dGeometry(2, 5, 4, 3, 3, 2, 2, 1, 1)
            let go = Array.zeroCreate<float32> p.OutImageSize
            let bad = Array.create p.OutImageSize p.ImageSize // one image: index ImageSize belongs to none
            let e = thrown (fun () -> maxBwd p go bad 1 1 |> ignore)
            Expect.stringContains e.Message (sprintf "argmax[0] is %d" p.ImageSize) "argmax outside its image"

        testCase "Im2Col equals the reference exactly (float32 and float64)" <| fun () ->
            for s in convShapes do
                let g = s.Geometry
                let x32, x64 = data32 1UL (s.B * g.ImageSize)
                let expected = ConvReference.Im2Col(g, x64, s.B)
                Expect.equal (bits32 (im2col g x32 s.B 1)) (bits32 (Array.map float32 expected)) (sprintf "float32 %O" s)
                Expect.equal (bits64 (im2col g x64 s.B 1)) (bits64 expected) (sprintf "float64 %O" s)

        testCase "Im2Col on LeNet's geometries equals the reference exactly on 1, 2 and 3 threads" <| fun () ->
            // The vector copies over-run a window's run inside the thread's own rows: a piece boundary must not let one
            // thread's over-run land on another's rows (odd batches give uneven pieces), nor the last run read past x.
            for g, batch in [ Conv2dGeometry(1, 28, 28, 5, 5, 1, 1, 2, 2), 7; Conv2dGeometry(6, 14, 14, 5, 5), 5
                              Conv2dGeometry(1, 9, 7, 3, 3), 3; Conv2dGeometry(2, 6, 5, 2, 2, 1, 1, 1, 0), 11 ] do
                let x32, x64 = data32 21UL (batch * g.ImageSize)
                let expected = bits32 (Array.map float32 (ConvReference.Im2Col(g, x64, batch)))
                for t in [ 1; 2; 3 ] do
                    Expect.equal (bits32 (im2col g x32 batch t)) expected (sprintf "%O batch %d, %d threads" g batch t)
                    Expect.equal (bits64 (im2col g x64 batch t)) (bits64 (ConvReference.Im2Col(g, x64, batch))) "float64"

        testCase "Col2Im matches the reference (float64 exactly: same summation order)" <| fun () ->
            for s in convShapes do
                let g = s.Geometry
                let c32, c64 = data32 2UL (s.B * g.OutPixels * g.PatchSize)
                let expected = ConvReference.Col2Im(g, c64, s.B)
                Expect.equal (bits64 (col2im g c64 s.B 1)) (bits64 expected) (sprintf "float64 %O" s)
                let sumAbs = ConvReference.Col2Im(g, Array.map abs c64, s.B)
                checkClose "Col2Im float32" s (s.K * s.K) (col2im g c32 s.B 1) expected sumAbs

        testCase "Col2Im is the adjoint of Im2Col: ⟨Im2Col x, y⟩ = ⟨x, Col2Im y⟩ (float64)" <| fun () ->
            for s in convShapes do
                let g = s.Geometry
                let x = gaussian 3UL (s.B * g.ImageSize)
                let y = gaussian 4UL (s.B * g.OutPixels * g.PatchSize)
                let lhs = dot (im2col g x s.B 1) y
                let rhs = dot x (col2im g y s.B 1)
                let scale = dot (Array.map abs (im2col g x s.B 1)) (Array.map abs y)
                Expect.isLessThanOrEqual (abs (lhs - rhs)) (1e-13 * scale + 1e-300) (sprintf "%O: %g vs %g" s lhs rhs)

        testCase "MaxPool2d forward equals the reference exactly, values and indices" <| fun () ->
            for s in poolShapes do
                let g = s.Geometry
                // Rounded to a coarse grid so that windows hold ties: the first-maximum rule is exercised.
                let x64 = gaussian 5UL (s.B * g.ImageSize) |> Array.map (fun v -> Math.Round(v * 2.0) / 2.0)
                let x32 = Array.map float32 x64
                let struct (expected, expectedArg) = ConvReference.MaxPool2dForward(g, x64, s.B)
                let o32, a32 = maxFwd g x32 s.B 1
                Expect.equal (Array.map float o32) expected (sprintf "float32 values %O" s)
                Expect.equal a32 expectedArg (sprintf "float32 indices %O" s)
                let o64, a64 = maxFwd g x64 s.B 1
                Expect.equal (bits64 o64) (bits64 expected) (sprintf "float64 values %O" s)
                Expect.equal a64 expectedArg (sprintf "float64 indices %O" s)

        testCase "MaxPool2d backward matches the reference" <| fun () ->
            for s in poolShapes do
                let g = s.Geometry
                let _, x64 = data32 6UL (s.B * g.ImageSize)
                let struct (_, arg) = ConvReference.MaxPool2dForward(g, x64, s.B)
                let go32, go64 = data32 7UL (s.B * g.OutImageSize)
                let expected = ConvReference.MaxPool2dBackward(g, go64, arg, s.B)
                Expect.equal (bits64 (maxBwd g go64 arg s.B 1)) (bits64 expected) (sprintf "float64 %O" s)
                let sumAbs = ConvReference.MaxPool2dBackward(g, Array.map abs go64, arg, s.B)
                checkClose "MaxPool2dBackward float32" s (s.K * s.K) (maxBwd g go32 arg s.B 1) expected sumAbs

        testCase "MaxPool2d: NaN wins, padding never does" <| fun () ->
            let g = Conv2dGeometry(1, 2, 2, 3, 3, 1, 1, 1, 1)
            let x = [| -infinityf; -infinityf; nanf; -infinityf |]
            let out, arg = maxFwd g x 1 1
            Expect.isTrue (Array.forall Single.IsNaN out) "every window holds the NaN"
            Expect.equal arg [| 2; 2; 2; 2 |] "index of the NaN"
            let out, arg = maxFwd g (Array.create 4 -infinityf) 1 1
            Expect.equal out (Array.create 4 -infinityf) "all −∞"
            Expect.equal arg [| 0; 0; 0; 0 |] "the first image pixel of each window, not the padding"
            // The same rule on the 8-lane and 4-lane float32 paths (C = 9: one 8-lane vector and a scalar channel;
            // C = 6, LeNet's: one 4-lane vector and two scalar channels; C = 13: 8 + 4 + 1), ties and NaNs mixed in.
            for c in [ 9; 6; 13 ] do
                let g = Conv2dGeometry(c, 6, 5, 3, 3, 1, 2, 1, 1)
                let x64 = gaussian 16UL g.ImageSize |> Array.mapi (fun i v -> if i % 7 = 3 then nan else Math.Round v)
                let struct (expected, expectedArg) = ConvReference.MaxPool2dForward(g, x64, 1)
                let out, arg = maxFwd g (Array.map float32 x64) 1 1
                Expect.equal arg expectedArg (sprintf "indices, C = %d" c)
                Expect.equal (bits64 (Array.map float out)) (bits64 expected) (sprintf "values (NaN bits included), C = %d" c)

        testCase "MaxPool2d backward equals float64 finite differences away from ties" <| fun () ->
            for s in poolShapes |> List.filter (fun s -> s.C <= 5 && s.K > 1) do
                let g = s.Geometry
                let n = s.B * g.ImageSize
                // Distinct values on a grid of step 1/64 (a permutation), perturbed by h = 2⁻¹⁰: no window changes its maximum.
                let x = Array.init n (fun i -> float ((i * 7919) % n) / 64.0)
                let go = gaussian 8UL (s.B * g.OutImageSize)
                let f (v: float[]) = let o, _ = maxFwd g v s.B 1 in dot o go
                let _, arg = maxFwd g x s.B 1
                let grad = maxBwd g go arg s.B 1
                let h = Math.Pow(2.0, -10.0)
                for i in 0 .. n - 1 do
                    let xp = Array.copy x
                    xp[i] <- x[i] + h
                    let xm = Array.copy x
                    xm[i] <- x[i] - h
                    let fd = (f xp - f xm) / (2.0 * h)
                    Expect.floatClose Accuracy.high grad[i] fd (sprintf "%O: ∂f/∂x[%d]" s i)

        testCase "AvgPool2d forward and backward match the reference (float64 exactly)" <| fun () ->
            for s in poolShapes do
                let g = s.Geometry
                let x32, x64 = data32 9UL (s.B * g.ImageSize)
                let expected = ConvReference.AvgPool2dForward(g, x64, s.B)
                Expect.equal (bits64 (avgFwd g x64 s.B 1)) (bits64 expected) (sprintf "forward float64 %O" s)
                let sumAbs = ConvReference.AvgPool2dForward(g, Array.map abs x64, s.B)
                // One more rounding: the division by the count.
                checkClose "AvgPool2dForward float32" s (s.K * s.K + 1) (avgFwd g x32 s.B 1) expected sumAbs
                let go32, go64 = data32 10UL (s.B * g.OutImageSize)
                let expectedBack = ConvReference.AvgPool2dBackward(g, go64, s.B)
                Expect.equal (bits64 (avgBwd g go64 s.B 1)) (bits64 expectedBack) (sprintf "backward float64 %O" s)
                let sumAbsBack = ConvReference.AvgPool2dBackward(g, Array.map abs go64, s.B)
                checkClose "AvgPool2dBackward float32" s (2 * s.K * s.K) (avgBwd g go32 s.B 1) expectedBack sumAbsBack

        testCase "AvgPool2d backward is the adjoint of forward (float64)" <| fun () ->
            for s in poolShapes do
                let g = s.Geometry
                let x = gaussian 11UL (s.B * g.ImageSize)
                let y = gaussian 12UL (s.B * g.OutImageSize)
                let lhs = dot (avgFwd g x s.B 1) y
                let rhs = dot x (avgBwd g y s.B 1)
                Expect.floatClose Accuracy.veryHigh lhs rhs (sprintf "%O" s)

        testList "1, 2 and 3 threads give the same bits" [
            // Big enough to pass the parallel threshold; odd batch so the pieces are uneven.
            for name, g, batch in [ "LeNet conv1", Conv2dGeometry(1, 28, 28, 5, 5, 1, 1, 2, 2), 5
                                    "LeNet conv2", Conv2dGeometry(6, 14, 14, 5, 5), 3
                                    "pool 2×2", Conv2dGeometry(6, 28, 28, 2, 2, 2, 2, 0, 0), 5
                                    "pool 3×3 stride 2 pad 1", Conv2dGeometry(17, 15, 13, 3, 3, 2, 2, 1, 1), 3 ] do
                testCase name <| fun () ->
                    let x, _ = data32 13UL (batch * g.ImageSize)
                    let cols, _ = data32 14UL (batch * g.OutPixels * g.PatchSize)
                    let go, _ = data32 15UL (batch * g.OutImageSize)
                    let run threads =
                        let mo, ma = maxFwd g x batch threads
                        [ bits32 (im2col g x batch threads); bits32 (col2im g cols batch threads); bits32 mo; ma
                          bits32 (maxBwd g go ma batch threads); bits32 (avgFwd g x batch threads)
                          bits32 (avgBwd g go batch threads) ]
                    let one = run 1
                    Expect.equal (run 2) one "2 threads"
                    Expect.equal (run 3) one "3 threads"
        ]

        testList "PyTorch golden values" [
            testCase "conv2d = Im2Col + one GEMM + bias (float64), also the direct reference" <| fun () ->
                let got = convByGemm goldenGeometry goldenInput goldenBatch goldenWeights goldenBias 2
                Expect.isLessThanOrEqual (relErr 1e-14 1e-14 got torchConv) 1.0 "Im2Col + GEMM vs torch"
                let direct = ConvReference.Conv2dForward(goldenGeometry, goldenInput, goldenBatch, goldenWeights, goldenBias, 2)
                Expect.isLessThanOrEqual (relErr 1e-14 1e-14 direct torchConv) 1.0 "direct reference vs torch"

            testCase "conv2d in float32: Im2Col + Sgemm within float32 rounding of torch" <| fun () ->
                let g = goldenGeometry
                let cols = im2col g (Array.map float32 goldenInput) goldenBatch 2
                let rows = goldenBatch * g.OutPixels
                let out = Array.zeroCreate<float32> (rows * 2)
                Gemm.Sgemm(false, true, rows, 2, g.PatchSize, 1f, cols, 0, g.PatchSize, Array.map float32 goldenWeights, 0,
                           g.PatchSize, 0f, out, 0, 2, 1)
                let got = out |> Array.mapi (fun i v -> float (v + float32 goldenBias[i % 2]))
                // 18 products of values ≤ 1 plus a bias: well inside 1e-5.
                Expect.isLessThanOrEqual (relErr 1e-5 0.0 got torchConv) 1.0 "float32 conv vs torch"

            testCase "max_pool2d values and indices" <| fun () ->
                let out, arg = maxFwd goldenGeometry goldenPoolInput goldenBatch 1
                Expect.equal out torchMax "values"
                Expect.equal arg torchArgmax "indices (NHWC, ties resolved as torch does)"
                let out32, arg32 = maxFwd goldenGeometry (Array.map float32 goldenPoolInput) goldenBatch 1
                Expect.equal (Array.map float out32) torchMax "float32 values"
                Expect.equal arg32 torchArgmax "float32 indices"

            testCase "avg_pool2d, count_include_pad = true" <| fun () ->
                let out = avgFwd goldenGeometry goldenPoolInput goldenBatch 1
                Expect.isLessThanOrEqual (relErr 1e-16 1e-15 out torchAvg) 1.0 "values"
        ]
    ]
