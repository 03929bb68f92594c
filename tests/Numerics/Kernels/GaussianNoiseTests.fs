module BoundLab.Numerics.Tests.Kernels.GaussianNoiseTests

open System
open Expecto
open BoundLab.Numerics.Kernels
open BoundLab.Numerics.Random
open BoundLab.Numerics.Tests.TestUtil

let private key = NoiseKey(RngKey.FromSeed 31UL, 0x1_0000_0007UL, 2u)

let private elementwise (k: NoiseKey) n = Array.init n (fun i -> KeyedNormal.At(k, int64 i))

let private bits (xs: float32[]) = xs |> Array.map BitConverter.SingleToInt32Bits

// Widths: 0 = widest accelerated here, 512 and 256 (emulated in software where the hardware lacks them),
// 1 = scalar groups; the reference is KeyedNormal.At element by element.
let private widths = [ 0; 512; 256; 1 ]

[<Tests>]
let tests =
    testList "Numerics.Kernels.GaussianNoise" [
        testCase "element i is word (i >> 4) mod 4 of Philox block 16⌊i/64⌋ + i mod 16 (the documented layout)" <| fun () ->
            let k = NoiseKey(RngKey(0x0123456789ABCDEFUL), 0xAABBCCDD11223344UL, 9u)
            for i in [ 0L; 1L; 15L; 16L; 17L; 31L; 32L; 48L; 63L; 64L; 1000L; (1L <<< 34) - 1L ] do
                let block = uint32 (16L * (i >>> 6) + (i &&& 15L))
                let struct (x0, x1, x2, x3) = Philox.Block(block, 9u, 0x11223344u, 0xAABBCCDDu, 0x89ABCDEFu, 0x01234567u)
                let struct (c01, s01) = KeyedNormal.Pair(x0, x1)
                let struct (c23, s23) = KeyedNormal.Pair(x2, x3)
                let expected = [| c01; s01; c23; s23 |][int (i >>> 4) &&& 3]
                Expect.equal (KeyedNormal.At(k, i)) expected (sprintf "element %d" i)

        testCase "At rejects indices outside [0, 2^34)" <| fun () ->
            let e = throwsOf<ArgumentOutOfRangeException> (fun () -> KeyedNormal.At(key, 1L <<< 34) |> ignore) "expected error"
            Expect.stringContains e.Message "index" "names the argument"
            Expect.stringContains e.Message "17179869184" "states the limit"

        testList "vector and scalar paths give bit-identical draws" [
            for width in widths do
                for start, stop in [ 0, 64; 0, 1000; 3, 1000; 64, 129; 5, 61; 0, 70_000 ] do
                    testCase (sprintf "width %d, elements [%d, %d)" width start stop) <| fun () ->
                        let expected = elementwise key stop
                        let got = Array.create stop nanf
                        GaussianNoise.FillRange(key, got, start, stop, width)
                        Expect.equal (bits got[start..]) (bits expected[start..]) "same bits as KeyedNormal.At"
        ]

        testCase "Fill is bit-identical for 1, 2 and 3 threads (lengths not a multiple of 64)" <| fun () ->
            for n in [ 1; 63; 100_003; 250_001 ] do
                let fill threads =
                    let a = Array.zeroCreate<float32> n
                    GaussianNoise.Fill(key, a, threads)
                    bits a
                let one = fill 1
                Expect.equal (fill 2) one (sprintf "n = %d, 2 threads" n)
                Expect.equal (fill 3) one (sprintf "n = %d, 3 threads" n)
                Expect.equal one (bits (elementwise key n)) (sprintf "n = %d, reference" n)

        testCase "step and tensor coordinates give different draws" <| fun () ->
            let draw (k: NoiseKey) = elementwise k 256
            Expect.notEqual (draw key) (draw (NoiseKey(key.Key, key.Step + 1UL, key.Tensor))) "next step"
            Expect.notEqual (draw key) (draw (NoiseKey(key.Key, key.Step, key.Tensor + 1u))) "next tensor"
            Expect.notEqual (draw key) (draw (NoiseKey(RngKey(key.Key.Value + 1UL), key.Step, key.Tensor))) "next key"

        testCase "fused updates equal their scalar formula on every element" <| fun () ->
            let n = 70_001
            let s = (RngKey.FromSeed 5UL).Stream()
            let w0 = Array.init n (fun _ -> float32 (s.NextGaussian()))
            let g = Array.init n (fun _ -> float32 (s.NextGaussian()))
            let sd = Array.init n (fun _ -> float32 (s.NextDouble()))
            let xi = elementwise key n
            let lr, wd, scale = 0.05f, 0.01f, 0.003f
            let w = Array.copy w0
            GaussianNoise.LangevinStep(key, w, g, lr, wd, scale, 2)
            let expected = Array.init n (fun i -> MathF.FusedMultiplyAdd(scale, xi[i], w0[i] - lr * (g[i] + wd * w0[i])))
            Expect.equal (bits w) (bits expected) "Langevin step"
            let v = Array.copy w0
            GaussianNoise.AddScaled(key, v, scale, 2)
            Expect.equal (bits v) (bits (Array.init n (fun i -> MathF.FusedMultiplyAdd(scale, xi[i], w0[i])))) "add scaled"
            let d = Array.zeroCreate n
            GaussianNoise.Sample(key, w0, sd, d, 2)
            Expect.equal (bits d) (bits (Array.init n (fun i -> MathF.FusedMultiplyAdd(sd[i], xi[i], w0[i])))) "μ + σ ⊙ ξ"

        testCase "bad arguments name the argument" <| fun () ->
            let e = throwsOf<ArgumentException> (fun () -> GaussianNoise.LangevinStep(key, Array.zeroCreate 3, Array.zeroCreate 4, 0.1f, 0f, 1f, 1)) "expected error"
            Expect.stringContains e.Message "g has length 4; allowed: 3" "names g, its length and the allowed one"
            let e2 = throwsOf<ArgumentOutOfRangeException> (fun () -> GaussianNoise.AddScaled(key, Array.zeroCreate 3, nanf, 1)) "expected error"
            Expect.stringContains e2.Message "scale" "names scale"
    ]
