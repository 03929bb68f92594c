module BoundLab.Numerics.Tests.Random.PhiloxTests

open Expecto
open BoundLab.Numerics.Random

// Known-answer vectors for Philox4x32-10 from the Random123 distribution (kat_vectors file).
let private kat =
    [ (0u, 0u, 0u, 0u, 0u, 0u), (0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u)
      (0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu),
      (0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu)
      (0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u, 0xa4093822u, 0x299f31d0u),
      (0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u) ]

[<Tests>]
let tests =
    testList "Numerics.Random" [
        for (c0, c1, c2, c3, k0, k1), expected in kat do
            testCase (sprintf "Philox KAT ctr=%08x key=%08x" c0 k0) <| fun () ->
                let struct (x0, x1, x2, x3) = Philox.Block(c0, c1, c2, c3, k0, k1)
                Expect.equal (x0, x1, x2, x3) expected "Random123 known answer"

        testCase "same key gives the same stream; different purposes differ" <| fun () ->
            let root = RngKey.FromSeed 42UL
            let a = root.Split("init").Stream()
            let b = root.Split("init").Stream()
            let c = root.Split("shuffle").Stream()
            let xs = Array.init 100 (fun _ -> a.NextUInt64())
            let ys = Array.init 100 (fun _ -> b.NextUInt64())
            let zs = Array.init 100 (fun _ -> c.NextUInt64())
            Expect.equal xs ys "deterministic"
            Expect.notEqual xs zs "independent purposes"

        testCase "NextInt is unbiased on a small range (chi-square, 6 cells)" <| fun () ->
            let s = (RngKey.FromSeed 7UL).Stream()
            let counts = Array.zeroCreate 6
            let n = 60000
            for _ in 1 .. n do
                let k = s.NextInt 6
                counts[k] <- counts[k] + 1
            let e = float n / 6.0
            let chi2 = counts |> Array.sumBy (fun o -> (float o - e) ** 2.0 / e)
            // 5 degrees of freedom: P(chi2 > 20.5) ≈ 0.001.
            Expect.isLessThan chi2 20.5 (sprintf "chi-square %.2f, counts %A" chi2 counts)

        testCase "Gaussian draws have mean 0 and variance 1" <| fun () ->
            let s = (RngKey.FromSeed 11UL).Stream()
            let n = 200000
            let xs = Array.init n (fun _ -> s.NextGaussian())
            let mean = Array.average xs
            let var = (xs |> Array.sumBy (fun x -> (x - mean) ** 2.0)) / float (n - 1)
            // Standard errors: mean 1/sqrt(n) ≈ 0.0022, variance sqrt(2/n) ≈ 0.0032; allow 5 of each.
            Expect.isLessThan (abs mean) 0.011 "mean"
            Expect.isLessThan (abs (var - 1.0)) 0.016 "variance"

        testCase "Permutation is a permutation" <| fun () ->
            let p = (RngKey.FromSeed 3UL).Stream().Permutation 1000
            Expect.equal (Array.sort p) [| 0 .. 999 |] "every index once"
    ]
