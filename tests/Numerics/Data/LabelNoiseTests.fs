module BoundLab.Numerics.Tests.Data.LabelNoiseTests

open System
open Expecto
open BoundLab.Numerics.Data
open BoundLab.Numerics.Tests.TestUtil
open BoundLab.Numerics.Random

let private labelsOf n classes = Array.init n (fun i -> (i * 7 + 3) % classes)

let private corrupt n classes p seed =
    let y = labelsOf n classes
    y, LabelNoise.Corrupt(y, classes, p, RngKey.FromSeed seed)

[<Tests>]
let tests =
    testList "Numerics.Data.LabelNoise" [
        // (n, classes, p, expected round(p·n) with midpoints away from zero)
        for n, classes, p, expected in
            [ 1000, 10, 0.2, 200; 999, 10, 0.5, 500; 5, 2, 0.5, 3; 2000, 10, 0.0, 0; 2000, 10, 1.0, 2000
              7, 3, 0.3, 2; 10, 2, 0.05, 1 ] do
            testCase (sprintf "replaces exactly round(p·n) positions (n=%d, p=%g)" n p) <| fun () ->
                let y, noisy = corrupt n classes p 5UL
                Expect.equal noisy.Replaced.Length expected "count"
                Expect.equal (LabelNoise.ReplacedCount(n, p)) expected "ReplacedCount"
                Expect.equal noisy.Replaced (Array.sort (Array.distinct noisy.Replaced)) "distinct and sorted"
                Expect.all noisy.Replaced (fun i -> i >= 0 && i < n) "in range"
                Expect.all noisy.Labels (fun l -> l >= 0 && l < classes) "labels in range"
                let replaced = Set.ofArray noisy.Replaced
                for i in 0 .. n - 1 do
                    if not (replaced.Contains i) then
                        Expect.equal noisy.Labels[i] y[i] (sprintf "position %d untouched" i)

        testCase "p = 0 leaves the labels untouched" <| fun () ->
            let y, noisy = corrupt 500 10 0.0 9UL
            Expect.equal noisy.Labels y "identical"
            Expect.isEmpty noisy.Replaced "nothing replaced"

        testCase "the input array is not modified" <| fun () ->
            let y = labelsOf 300 10
            let copy = Array.copy y
            LabelNoise.Corrupt(y, 10, 0.8, RngKey.FromSeed 1UL) |> ignore
            Expect.equal y copy "input unchanged"

        testCase "deterministic for a seed, different across seeds" <| fun () ->
            let _, a = corrupt 2000 10 0.4 17UL
            let _, b = corrupt 2000 10 0.4 17UL
            let _, c = corrupt 2000 10 0.4 18UL
            Expect.equal a.Labels b.Labels "same seed, same labels"
            Expect.equal a.Replaced b.Replaced "same seed, same positions"
            Expect.notEqual a.Replaced c.Replaced "another seed, other positions"

        testCase "a replaced label is uniform over all classes, so it keeps the true one 1/k of the time" <| fun () ->
            let n, k = 60000, 10
            let y, noisy = corrupt n k 1.0 23UL
            let kept = noisy.Replaced |> Array.filter (fun i -> noisy.Labels[i] = y[i]) |> Array.length
            let rate = float kept / float n
            // Binomial(60000, 0.1): standard error ≈ 0.0012; allow 5 of them.
            Expect.isLessThan (abs (rate - 0.1)) 0.006 (sprintf "kept rate %.4f" rate)
            let counts = Array.countBy id noisy.Labels |> Array.map snd
            Expect.equal counts.Length k "every class drawn"

        for p in [ -0.1; 1.5; Double.NaN ] do
            testCase (sprintf "p = %g is rejected naming LabelNoise and the range" p) <| fun () ->
                let e =
                    throwsOf<ArgumentOutOfRangeException>
                        (fun () -> LabelNoise.Corrupt([| 0; 1 |], 2, p, RngKey.FromSeed 0UL) |> ignore) "rejected"
                Expect.equal e.ParamName "LabelNoise" "argument"
                Expect.stringContains e.Message "allowed: 0 ≤ p ≤ 1" "range"
                Expect.stringContains e.Message (string p) "value"
    ]
