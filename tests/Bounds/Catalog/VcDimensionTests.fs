/// The VC-dimension helper (Bartlett, Harvey, Liaw, Mehrabian 2019, Theorem 7) on hand-worked architectures.
module BoundLab.Bounds.Tests.Catalog.VcDimensionTests

open Expecto
open BoundLab.Bounds.Catalog

// Hand-worked aggregates; bounds from python3/mpmath (50 digits):
//   D = L + C·log2(4·e·2·U·log2(2·e·2·U)), e.g.  from mpmath import *; mp.dps = 50
//   L + C*log(4*e*2*U*log(2*e*2*U)/log(2))/log(2)
// (widths, bias, L, W, C = Σ_i W_i cumulative, U = Σ_i i·k_i, bound)
let private cases = [
    [ 2; 1 ], false, 1, 2L, 2.0, 1.0, 13.452466862714767         // W_1 = 2 weights
    [ 2; 1 ], true, 1, 3L, 3.0, 1.0, 19.67870029407215           // W_1 = 2 weights + 1 bias
    [ 3; 2; 1 ], true, 2, 11L, 19.0, 4.0, 170.85330863053659      // W_1 = 2·4 = 8, W_2 = 3; C = 8 + 11; U = 2 + 2·1
    [ 784; 100; 2 ], true, 2, 78601L, 157101.0, 102.0, 2270671.0386815189 ] // two outputs with argmax read as one

[<Tests>]
let tests =
    testList "Bounds.Catalog.VcDimension" [
        for widths, bias, layers, w, c, u, bound in cases ->
            testCase $"BHLM19 bound for widths %A{widths} (bias {bias})" <| fun () ->
                let a = VcDimension.Bhlm19(widths, bias)
                Expect.equal (a.Layers, a.Parameters, a.CumulativeParameters, a.WeightedUnits) (layers, w, c, u) "aggregates"
                Expect.floatClose { absolute = 0.; relative = 1e-13 } a.UpperBound bound "bound (mpmath)"
                Expect.equal a.VcDim (int64 (floor bound)) "⌊bound⌋"

        yield testCase "the two-layer case equals the 'VC bound by Harvey et al.' of Neyshabur et al.'s released code" <| fun () ->
            // measures.py: 2 + P·log2(8e(H + 2C)·log2(4e(H + 2C)))·(2(D+1)H + (H+1)C)/((D+1)H + (H+1)C), D = 784, H = 100, C = 1.
            let d, h, c = 784.0, 100.0, 1.0
            let w1, w2 = (d + 1.0) * h, (h + 1.0) * c
            let log2 x = log x / log 2.0
            let code = 2.0 + (w1 + w2) * log2 (8.0 * System.Math.E * (h + 2.0 * c) * log2 (4.0 * System.Math.E * (h + 2.0 * c))) * (2.0 * w1 + w2) / (w1 + w2)
            Expect.floatClose { absolute = 0.; relative = 1e-12 } (VcDimension.Bhlm19([ 784; 100; 1 ], true).UpperBound) code "same number"

        yield testCase "a linear classifier in the plane: the bound is above its true VC dimension 3" <| fun () ->
            Expect.isGreaterThanOrEqual (VcDimension.Bhlm19([ 2; 1 ], true).VcDim) 3L "3 = d + 1"

        yield testCase "more than two outputs is not applicable, with the reason" <| fun () ->
            let e = BoundLab.Bounds.Tests.TestUtil.catch<System.ArgumentException> (fun () -> VcDimension.Bhlm19([ 784; 10 ], true) |> ignore)
            Expect.stringContains e.Message "not applicable" "says why"

        yield testCase "vc_dim from the helper makes vc-mohri evaluate on a real architecture" <| fun () ->
            let a = VcDimension.Bhlm19([ 784; 10; 1 ], true)
            let r = BoundEvaluator.Evaluate("vc-mohri", readOnlyDict [ "train_error", 0.01; "n", 1e6; "vc_dim", float a.VcDim; "delta", 0.05 ], 2)
            let inputs = [ "train_error", 0.01; "n", 1e6; "depth", float a.Layers; "cumulative_params", a.CumulativeParameters; "weighted_units", a.WeightedUnits; "delta", 0.05 ]
            let direct = BoundEvaluator.Evaluate("vc-relu-bhlm19", readOnlyDict inputs, 2)
            Expect.isLessThanOrEqual r.Value direct.Value "⌊D⌋ in vc-mohri is at most the entry with the real-valued D"
            Expect.floatClose { absolute = 0.; relative = 1e-6 } r.Value direct.Value "and nearly equal"
    ]
