module BoundLab.Numerics.Tests.Random.KeyedNormalTests

open System
open Expecto
open BoundLab.Numerics.Kernels
open BoundLab.Numerics.Random

/// Φ(x) in float64: Taylor series of erf for |x| < 3, Laplace's continued fraction for the tail beyond.
let normalCdf (x: float) =
    let tail (x: float) =
        // Q(x) = φ(x) / (x + 1/(x + 2/(x + 3/(x + …)))), evaluated from 80 terms down.
        let mutable f = x
        for k in 80 .. -1 .. 1 do
            f <- x + float k / f
        exp (-0.5 * x * x) / sqrt (2.0 * Math.PI) / f
    if x <= -3.0 then tail -x
    elif x >= 3.0 then 1.0 - tail x
    else
        let z = x / sqrt 2.0
        let mutable term = z
        let mutable sum = z
        let mutable n = 0
        while abs term > 1e-18 do
            n <- n + 1
            term <- -term * z * z / float n
            sum <- sum + term / float (2 * n + 1)
        0.5 + sum / sqrt Math.PI

let private ulpOf (x: float32) = float (MathF.BitIncrement(abs x) - abs x)

[<Tests>]
let tests =
    testList "Numerics.Random.KeyedNormal" [
        testCase "normalCdf helper matches mpmath" <| fun () ->
            // python3: from mpmath import mp, ncdf; mp.dps = 50; ncdf(-1), ncdf(-5), ncdf(0.5), ncdf(-3.5)
            for x, expected in [ -1.0, 0.15865525393145705141; -5.0, 2.8665157187919391167e-7
                                 0.5, 0.69146246127401310364; -3.5, 2.3262907903552503635e-4 ] do
                Expect.floatClose { absolute = 0.0; relative = 1e-12 } (normalCdf x) expected (sprintf "Φ(%g)" x)

        testCase "Box–Muller in float32 is within 4.5 ulp and 7e-7 of the float64 transform of the same words" <| fun () ->
            let s = (RngKey.FromSeed 77UL).Stream()
            let edges = [| 0u; 1u; 2u; 3u; 0x7FFFFFFFu; 0x80000000u; 0xFFFFFFFEu; 0xFFFFFFFFu; 0x00FFFFFFu; 0x01000000u
                           0xB504F333u; 0xB504F334u; 0xB5050000u |]
            let angles = [| 0u; 0xFFu; 0x100u; 0x3FFFFFu <<< 8; 0x400000u <<< 8; 0x200000u <<< 8; 0x1FFFFFu <<< 8
                            0x600000u <<< 8; 0x800000u <<< 8; 0xC00000u <<< 8; 0xFFFFFFFFu; 0xFFFFFF00u |]
            let mutable maxAbs = 0.0
            let mutable maxUlp = 0.0
            let check (z: float32) (r: float) =
                let err = abs (float z - r)
                maxAbs <- max maxAbs err
                // ulps of the float nearest the reference; below 2^-20 = 9.5367431640625e-7 only the absolute bound applies.
                if abs r >= 9.5367431640625e-7 then maxUlp <- max maxUlp (err / ulpOf (float32 r))
            let test a b =
                let struct (c, sn) = KeyedNormal.Pair(a, b)
                let struct (rc, rs) = KeyedNormal.ReferencePair(a, b)
                check c rc
                check sn rs
            for a in edges do
                for b in angles do
                    test a b
            for _ in 1 .. (1 <<< 20) do
                test (s.NextUInt32()) (s.NextUInt32())
            // u within 2^-5 of 1, where r → 0 and float(u) alone would lose ln u.
            for _ in 1 .. (1 <<< 18) do
                test (0xFFFFFFFFu - (s.NextUInt32() >>> 5)) (s.NextUInt32())
            // Measured over 2^22 random pairs and 2^20 near u = 1: max 4.40 ulp, max 6.4e-7 absolute.
            Expect.isLessThan maxAbs 7e-7 (sprintf "max abs error %g" maxAbs)
            Expect.isLessThan maxUlp 4.5 (sprintf "max ulp error %g" maxUlp)

        testCase "the extreme words: u never 0 or 1, 2^-15 ≤ r ≤ √(62 ln 2) = 6.5555…" <| fun () ->
            // python3: from mpmath import *; mp.dps = 50; sqrt(-2*log(mpf(2)**-31)) = 6.5555415638005537…
            let struct (c, s) = KeyedNormal.Pair(0u, 0u)
            Expect.floatClose { absolute = 2e-6; relative = 0.0 } (float c) 6.5555415638005537 "largest radius at θ = 0"
            Expect.equal s 0.0f "sin 0"
            // u = 1 − 2⁻³¹: r = √(−2 ln u) = 2⁻¹⁵ (1 + O(2⁻³¹)), kept to float accuracy although u ≈ 1.
            let struct (c1, s1) = KeyedNormal.Pair(0xFFFFFFFFu, 0u)
            Expect.floatClose { absolute = 0.0; relative = 2e-7 } (float c1) 3.0517578125e-5 "smallest radius 2^-15"
            Expect.equal s1 0.0f "sin 0"

        testCase "Fill: mean 0, variance 1, Kolmogorov–Smirnov D below its α = 0.001 critical value" <| fun () ->
            let n = 1_000_000
            let z = Array.zeroCreate<float32> n
            GaussianNoise.Fill(NoiseKey(RngKey.FromSeed 2024UL, 5UL, 3u), z, 2)
            let xs = z |> Array.map float
            let mean = Array.average xs
            let var = (xs |> Array.sumBy (fun x -> (x - mean) ** 2.0)) / float (n - 1)
            // s.e.: mean 1/√n = 0.001, variance √(2/n) = 0.0014; allow 5 of each.
            Expect.isLessThan (abs mean) 0.005 "mean"
            Expect.isLessThan (abs (var - 1.0)) 0.0071 "variance"
            Array.sortInPlace xs
            let mutable d = 0.0
            for i in 0 .. n - 1 do
                let f = normalCdf xs[i]
                d <- max d (max (float (i + 1) / float n - f) (f - float i / float n))
            // Asymptotic KS critical value at α = 0.001: 1.9495/√n (Smirnov); the draws are fixed by the seed.
            Expect.isLessThan d (1.9495 / sqrt (float n)) (sprintf "KS D = %g" d)

        testCase "tails beyond 5σ appear at the normal rate (10⁸ draws)" <| fun () ->
            let chunk = 1 <<< 22
            let chunks = 24
            let z = Array.zeroCreate<float32> chunk
            let mutable beyond5 = 0
            let mutable beyond4 = 0
            let mutable largest = 0.0f
            for c in 0 .. chunks - 1 do
                GaussianNoise.Fill(NoiseKey(RngKey.FromSeed 99UL, uint64 c, 0u), z, 2)
                for x in z do
                    let a = abs x
                    if a > 5.0f then beyond5 <- beyond5 + 1
                    if a > 4.0f then beyond4 <- beyond4 + 1
                    if a > largest then largest <- a
            let n = float (chunk * chunks)
            // Expected counts n·2Φ(−5) and n·2Φ(−4); Poisson, so allow 5 standard deviations √λ.
            // python3: from mpmath import mp, ncdf; mp.dps = 50; 2*ncdf(-5) = 5.7330314375838782e-7, 2*ncdf(-4) = 6.3342483666239843e-5
            let l5 = n * 5.7330314375838782e-7
            let l4 = n * 6.3342483666239843e-5
            Expect.isLessThan (abs (float beyond5 - l5)) (5.0 * sqrt l5) (sprintf "beyond 5σ: %d, expected %.1f" beyond5 l5)
            Expect.isLessThan (abs (float beyond4 - l4)) (5.0 * sqrt l4) (sprintf "beyond 4σ: %d, expected %.1f" beyond4 l4)
            Expect.isLessThanOrEqual (float largest) 6.5556 "no draw beyond the largest radius"
    ]
