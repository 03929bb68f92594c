/// graf22-conv-grid and ledent21-conv-grid (per-layer inputs, norms and margin on grids) against golden values computed
/// independently by tests/Bounds/Catalog/conv_golden.py (mpmath, 60 digits; the formulas re-typed from SOURCES.md, the grid
/// re-implemented there), never below them; each ≥ its fixed-constraint entry at the same point.
module BoundLab.Bounds.Tests.Catalog.ConvGridTests

open System.Collections.Generic
open Expecto
open BoundLab.Bounds.Symbolic
open BoundLab.Bounds.Catalog

let private inputs (pairs: (string * float) list) (vectors: (string * float list) list) =
    BoundInputs(readOnlyDict pairs, readOnlyDict [ for k, v in vectors -> k, (List.toArray v :> IReadOnlyList<float>) ])

let private lip, l21 = [ 8.3; 16.3; 2.6 ], [ 18.5; 78.9; 11.2 ]
let private ledentA, patch, spatial, outUnits = [ 4.1; 16.3; 3.9 ], [ 5.0; 11.7; 23.9 ], [ 28.; 14.; 1. ], [ 4704.; 1600.; 10. ]

let private grafA =
    inputs [ "ramp_loss", 0.05; "gamma", 4.; "conv_depth", 3.; "x_norm", 3000.; "max_params", 2400.; "n", 50000.; "delta", 0.05 ]
        [ "lip", lip; "kernel_l21_init", l21 ]

let private ledentAInputs =
    inputs [ "ramp_loss", 0.05; "gamma", 4.; "conv_depth", 3.; "ledent_bar_w", 4704.; "n", 50000.; "delta", 0.05 ]
        [ "lip", lip; "ledent_a", ledentA; "patch_norm", patch; "spatial_in", spatial; "out_units", outUnits ]

let private grafB =
    inputs [ "ramp_loss", 0.2; "gamma", 0.5; "conv_depth", 1.; "x_norm", 40.; "max_params", 10.; "n", 100.; "delta", 0.01 ]
        [ "lip", [ 3. ]; "kernel_l21_init", [ 2. ] ]

let private ledentB =
    inputs [ "ramp_loss", 0.2; "gamma", 0.5; "conv_depth", 1.; "ledent_bar_w", 10.; "n", 100.; "delta", 0.01 ]
        [ "lip", [ 3. ]; "ledent_a", [ 2. ]; "patch_norm", [ 1.5 ]; "spatial_in", [ 1. ]; "out_units", [ 10. ] ]

// (id, label, inputs, exact value from conv_golden.py to 30 digits). Output of `python3 tests/Bounds/Catalog/conv_golden.py`:
//   graf22-conv-grid A = 433615.21958559644   (30 digits: 433615.219585596441237013095137)
//   graf22-conv (fixed) A = 356604.71180222074   (30 digits: 356604.711802220743537570207822)
//      lip_prod = 351.7540000000001  ratio_sum = 7.2152845373732454493
//   ledent21-conv-grid A = 4019080.9390209413   (30 digits: 4019080.93902094126830513527905)
//      fixed R = 5259.706139641361256  Gamma = 14303758.559999999873
//   ledent21-conv (fixed) A = 3027767.3329005648   (30 digits: 3027767.33290056483114040309941)
//   graf22-conv-grid B = 1858.1750277349831   (30 digits: 1858.17502773498314466190244474)
//   ledent21-conv-grid B = 42308.966120211353   (30 digits: 42308.9661202113529432232534493)
let private cases =
    [ "graf22-conv-grid", "A (three layers)", grafA, "433615.219585596441237013095137"
      "ledent21-conv-grid", "A (three layers)", ledentAInputs, "4019080.93902094126830513527905"
      "graf22-conv-grid", "B (one layer)", grafB, "1858.17502773498314466190244474"
      "ledent21-conv-grid", "B (one layer: empty inner sums)", ledentB, "42308.9661202113529432232534493" ]

/// The ids covered here (GoldenTests and CertifiedTests take scalar inputs only and leave these to this file).
let coveredIds = [ "graf22-conv-grid"; "ledent21-conv-grid" ]

[<Tests>]
let tests =
    testList "Bounds.Catalog.ConvGrid" [
        for id, label, point, exact in cases ->
            testCase $"{id} {label}: within 1e-13 of conv_golden.py and never below it" <| fun () ->
                let r = BoundEvaluator.Evaluate(id, point, 10)
                let e = Rational.ParseDecimal exact
                // The 30-digit literal is within 1e-29 relative of the exact value; the reported value must clear it by more.
                let floor = e * (Rational.One - Rational.ParseDecimal "1e-28")
                Expect.isGreaterThanOrEqual (Rational.FromDouble r.Value) floor $"{r.Value:R} ≥ exact {exact}"
                Expect.floatClose { absolute = 0.; relative = 1e-13 } r.Value (float exact) "value"

        yield testCase "graf22-conv-grid pays 2L + 1 grid indices, ledent21-conv-grid 3L + 1" <| fun () ->
            Expect.equal (BoundEvaluator.Evaluate("graf22-conv-grid", grafA, 10)).DeltaBudget.Grids.Count 7 "γ, 3 lip, 3 kernel_l21_init"
            Expect.equal (BoundEvaluator.Evaluate("ledent21-conv-grid", ledentAInputs, 10)).DeltaBudget.Grids.Count 10 "γ, 3 lip, 3 ledent_a, 3 patch_norm"

        yield testCase "graf22-conv-grid ≥ graf22-conv (norms fixed in advance) at the same point" <| fun () ->
            let grid = BoundEvaluator.Evaluate("graf22-conv-grid", grafA, 10)
            let fixedValue =
                BoundEvaluator.Evaluate("graf22-conv", readOnlyDict [ "ramp_loss", 0.05; "gamma", 4.; "x_norm", 3000.; "lip_prod", 8.3 * 16.3 * 2.6; "ratio_sum", 7.2152845373732454493; "depth", 3.; "max_params", 2400.; "n", 50000.; "delta", 0.05 ], 10)
            Expect.floatClose { absolute = 0.; relative = 1e-12 } fixedValue.Value 356604.711802220743537570207822 "graf22-conv against conv_golden.py"
            Expect.isGreaterThanOrEqual grid.Value fixedValue.Value "grid variant ≥ fixed"

        yield testCase "ledent21-conv-grid ≥ ledent21-conv (R, Γ of Graf et al.'s ledent_main at the measured values) at the same point" <| fun () ->
            let grid = BoundEvaluator.Evaluate("ledent21-conv-grid", ledentAInputs, 10)
            let fixedValue =
                BoundEvaluator.Evaluate("ledent21-conv", readOnlyDict [ "ramp_loss", 0.05; "ledent_r", 5259.706139641361256; "ledent_gamma", 14303758.559999999873; "ledent_bar_w", 4704.; "n", 50000.; "delta", 0.05 ], 10)
            Expect.floatClose { absolute = 0.; relative = 1e-12 } fixedValue.Value 3027767.33290056483114040309941 "ledent21-conv against conv_golden.py"
            Expect.isGreaterThanOrEqual grid.Value fixedValue.Value "grid variant ≥ fixed"

        yield testCase "both grid entries are listed, unverified, bias-free, with per-layer vectors of length conv_depth" <| fun () ->
            let ids = [ for e in BoundCatalog.All -> e.Id ]
            for id in coveredIds do
                Expect.contains ids id $"{id} listed"
                let e = BoundCatalog.Get id
                Expect.equal e.Provenance Provenance.Unverified "provenance: the papers' text was not read"
                Expect.isTrue e.RequiresBiasFree "no biases"
                Expect.stringContains e.ProvenanceNote "rkwitt/excess_capacity" "says where it was read"
                for i in e.Inputs do
                    if i.IsVector then Expect.equal i.Length "conv_depth" $"{i.Name} has length conv_depth"
            Expect.equal [ for i in (BoundCatalog.Get "ledent21-conv-grid").Inputs do if i.IsVector then i.Name ]
                [ "lip"; "ledent_a"; "patch_norm"; "spatial_in"; "out_units" ] "ledent vectors"

        yield testCase "a vector of the wrong length is refused" <| fun () ->
            let bad = inputs [ "ramp_loss", 0.05; "gamma", 4.; "conv_depth", 3.; "x_norm", 3000.; "max_params", 2400.; "n", 50000.; "delta", 0.05 ]
                          [ "lip", [ 8.3; 16.3 ]; "kernel_l21_init", l21 ]
            Expect.throws (fun () -> BoundEvaluator.Evaluate("graf22-conv-grid", bad, 10) |> ignore) "lip has 2 elements, conv_depth = 3"
    ]
