/// Reductions, optimizer updates and keyed Gaussian noise on the GPU backend: on ILGPU's CPU accelerator (the kernel
/// simulator) every update and every draw must equal the CPU backend's bits; the reductions must equal, bit for bit,
/// the fixed blocking they promise (emulated here on the host); and the kernels must compile to PTX for sm_90, where
/// the noise and update kernels leave ptxas no float32 multiply-add to contract (a contraction would change bits on a
/// real GPU, which the simulator, running .NET code, cannot show).
module BoundLab.Gpu.Tests.GpuOptimizerTests

open System
open System.Reflection
open System.Text.RegularExpressions
open Expecto
open ILGPU.Backends.PTX
open ILGPU.Backends.EntryPoints
open ILGPU.Runtime
open ILGPU.Runtime.Cuda
open BoundLab.Gpu
open BoundLab.Gpu.Kernels
open BoundLab.Numerics.Backends
open BoundLab.Numerics.Random
open BoundLab.Gpu.Tests.TestUtil

let private bits (x: float32[]) = x |> Array.map BitConverter.SingleToInt32Bits

/// Fails naming the first element whose bits differ.
let private expectSameBits (what: string) (actual: float32[]) (expected: float32[]) =
    Expect.equal actual.Length expected.Length (what + ": length")
    match Array.tryFindIndex id (Array.map2 (fun a e -> BitConverter.SingleToInt32Bits a <> BitConverter.SingleToInt32Bits e) actual expected) with
    | Some i -> failtestf "%s: element %d is %.9g (bits %08x), expected %.9g (bits %08x)" what i actual[i] (BitConverter.SingleToInt32Bits actual[i]) expected[i] (BitConverter.SingleToInt32Bits expected[i])
    | None -> ()

let private uniform (seed: uint64) (scale: float) n =
    let s = (RngKey.FromSeed seed).Stream()
    Array.init n (fun _ -> float32 ((s.NextDouble() * 2.0 - 1.0) * scale))

// Keys: plain, the conformance table's, a step ≥ 2³² (counter word 3 ≠ 0), and all-ones words everywhere.
let private keys =
    [ NoiseKey(RngKey.FromSeed 1UL, 0UL, 0u)
      NoiseKey(RngKey.FromSeed 131UL, 7UL, 2u)
      NoiseKey(RngKey.FromSeed 2026UL, (1UL <<< 32) + 5UL, 9u)
      NoiseKey(RngKey(UInt64.MaxValue), UInt64.MaxValue, UInt32.MaxValue) ]

// Lengths around the 16-element lanes and 64-element groups of the counter layout, odd ones, and several groups.
let private lengths = [ 1; 2; 15; 16; 17; 31; 32; 33; 47; 48; 49; 63; 64; 65; 80; 127; 129; 1000; 4099 ]

let private cpu = CpuBackend(1)

// ───────────────────────────── PTX ─────────────────────────────

/// PTX for sm_90 of a kernel method, compiled without a GPU (ILGPU's PTX backend, no NVVM).
let private ptxOf (explicitlyGrouped: bool) (m: MethodInfo) =
    let backend = new PTXBackend(GpuDevice.Context, CudaCapabilityContext(CudaArchitecture.SM_90), CudaArchitecture.SM_90, CudaInstructionSet.ISA_80, null)
    let mutable entry = if explicitlyGrouped then EntryPointDescription.FromExplicitlyGroupedKernel m else EntryPointDescription.FromImplicitlyGroupedKernel m
    let mutable spec = KernelSpecialization()
    (backend.Compile(&entry, &spec) :?> PTXCompiledKernel).PTXAssembly

let private kernelMethod (t: Type) name = t.GetMethod(name, BindingFlags.Public ||| BindingFlags.Static)
let private noiseKernel (op: Type) = (kernelMethod typeof<OptimizerKernels> "Noise").MakeGenericMethod op

/// The instructions of a PTX listing as (opcode, operands); predicates and braces dropped.
let private instructions (ptx: string) =
    [ for line in ptx.Split('\n') do
        let m = Regex.Match(line.Trim(), @"^(?:@!?%p\d+\s+)?([a-z][\w.]*)\s+(.*);$")
        if m.Success then
            yield m.Groups[1].Value, m.Groups[2].Value.Split(',') |> Array.map (fun s -> s.Trim()) ]

/// A float32 immediate (0fXXXXXXXX) that is a normal power of two: a product with it is exact unless it leaves the
/// normal range.
let private powerOfTwoImmediate (operand: string) =
    operand.StartsWith "0f" && (let b = Convert.ToUInt32(operand.Substring 2, 16)
                                let e = (b >>> 23) &&& 0xFFu
                                (b &&& 0x7FFFFFu) = 0u && e <> 0u && e <> 0xFFu)

/// Every float32 add/sub operand that a mul.f32 defines (through register moves; flow-insensitive, so a register
/// written by a multiply anywhere counts): (add instruction, mul operands). ptxas may contract exactly these pairs.
let private mulFeedingAdd (ptx: string) =
    let ins = instructions ptx
    let defs =
        ins |> List.filter (fun (_, args) -> args.Length > 0 && args[0].StartsWith "%")
        |> List.groupBy (fun (_, args) -> args[0]) |> Map.ofList
    let rec origins (seen: Set<string>) (reg: string) =
        if seen.Contains reg then [] else
        match defs.TryFind reg with
        | None -> []
        | Some ds ->
            ds |> List.collect (fun (op, args) ->
                if op.StartsWith "mov." && args.Length = 2 && args[1].StartsWith "%f" then origins (seen.Add reg) args[1]
                else [ op, args ])
    [ for op, args in ins do
        if Regex.IsMatch(op, @"^(add|sub)(\.rn)?\.f32$") then
            for a in args[1..] do
                for dop, dargs in origins Set.empty a do
                    if dop = "mul.f32" then yield String.Join(" ", op, String.Join(", ", args)), dargs[1..] ]

let private count (pattern: string) (ptx: string) = Regex.Matches(ptx, pattern).Count

// ───────────────────────────── reductions emulated on the host ─────────────────────────────

/// The fixed blocking of ReductionKernels, on the host: thread t of group g accumulates elements g·256 + t + k·stride
/// with `step`, the group adds its 256 partials by the halving tree, the groups' partials are summed in order.
let private emulateReduction (n: int) (step: int -> float -> float) =
    let size = ReductionKernels.GroupSize
    let groups = ReductionKernels.Groups n
    let stride = groups * size
    let partial g =
        let shared = Array.init size (fun t ->
            let mutable s = 0.0
            let mutable i = g * size + t
            while i < n do
                s <- step i s
                i <- i + stride
            s)
        let mutable h = size / 2
        while h > 0 do
            for t in 0 .. h - 1 do shared[t] <- shared[t] + shared[t + h]
            h <- h / 2
        shared[0]
    let mutable total = 0.0
    for g in 0 .. groups - 1 do total <- total + partial g
    total

/// The device tests, each run through `case` (on the simulator, or on CUDA when present).
let private deviceTests (case: string -> (GpuBackend -> unit) -> Test) =
    [
        case "FillNoise on the device is KeyedNormal.At bit for bit (4 keys, step ≥ 2³², 19 lengths)" <| fun b ->
            for key in keys do
                for n in lengths do
                    let t = b.FromArray(ReadOnlySpan(Array.create n Single.NaN)) // every element must be written
                    b.FillNoise(t, key)
                    expectSameBits (sprintf "%A n=%d" key n) (b.ToArray t) (Array.init n (fun i -> KeyedNormal.At(key, int64 i)))

        case "device draws at element indices up to 2³⁴ − 1 are KeyedNormal.At" <| fun b ->
            let s = (RngKey.FromSeed 77UL).Stream()
            let indices =
                Array.append [| 0L; 15L; 16L; 63L; 64L; (1L <<< 31) - 1L; 1L <<< 31; (1L <<< 32) + 17L; (1L <<< 33) + 40L; NoiseKey.MaxElements - 1L |]
                             (Array.init 200 (fun _ -> int64 (s.NextUInt64() % uint64 NoiseKey.MaxElements)))
            for key in keys do
                expectSameBits (sprintf "%A" key) (b.NoiseAtOnDevice(key, indices)) (indices |> Array.map (fun i -> KeyedNormal.At(key, i)))

        case "device Box–Muller equals KeyedNormal.Pair on extreme and random words" <| fun b ->
            // a: u at both ends, around the near-one switch (n = (a ≫ 1) | 1 = 0x5A82799A) and √½; b: every quadrant
            // boundary of θ and seam of its reduction (b ≫ 8 = k·2²¹, k = 0 … 7) ± one step.
            let aEdges = [ 0u; 1u; 2u; 3u; 0xFFFFFFFFu; 0xFFFFFFFEu; 0x80000000u; 0x7FFFFFFFu; 0xB504F332u; 0xB504F333u; 0xB504F334u; 0xB504F336u; 0xB504F330u; 0xB504F0E6u; 0xB504F0E7u ]
            let bEdges =
                [ for k in 0u .. 7u do
                    for d in [ -1; 0; 1 ] do
                        yield (((k <<< 21) + uint32 d) &&& 0xFFFFFFu) <<< 8 ]
                @ [ 0u; 0xFFu; 0x100u; 0xFFFFFFFFu; 0x7FFFFFFFu ]
            let s = (RngKey.FromSeed 5UL).Stream()
            let pairs =
                [ for a in aEdges do for w in bEdges do yield a, w ]
                @ [ for _ in 1 .. 3000 -> uint32 (s.NextUInt64()), uint32 (s.NextUInt64()) ]
            let a, w = pairs |> List.map fst |> Array.ofList, pairs |> List.map snd |> Array.ofList
            let expected = Array.init (2 * a.Length) (fun j -> let struct (c, sn) = KeyedNormal.Pair(a[j / 2], w[j / 2]) in if j % 2 = 0 then c else sn)
            expectSameBits "pairs (cos, sin)" (b.PairsOnDevice(a, w)) expected

        case "Philox4x32-10 on the device: Random123 known answers and the CPU's Block" <| fun b ->
            // Known-answer vectors from Random123's kat_vectors (philox4x32_10), as in tests/Numerics/Random/PhiloxTests.fs.
            let kat =
                [ (0u, 0u, 0u, 0u, 0u, 0u), (0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u)
                  (0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu), (0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu)
                  (0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u, 0xa4093822u, 0x299f31d0u), (0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u) ]
            let s = (RngKey.FromSeed 9UL).Stream()
            let random = [ for _ in 1 .. 500 -> Array.init 6 (fun _ -> uint32 (s.NextUInt64())) ]
            let inputs = (kat |> List.map (fun ((c0, c1, c2, c3, k0, k1), _) -> [| c0; c1; c2; c3; k0; k1 |])) @ random
            let counters = inputs |> List.collect (fun v -> List.ofArray v[0..3]) |> Array.ofList
            let keyWords = inputs |> List.collect (fun v -> List.ofArray v[4..5]) |> Array.ofList
            let got = b.PhiloxOnDevice(counters, keyWords)
            kat |> List.iteri (fun j (_, (x0, x1, x2, x3)) ->
                Expect.equal got[4 * j .. 4 * j + 3] [| x0; x1; x2; x3 |] (sprintf "Random123 known answer %d" j))
            inputs |> List.iteri (fun j v ->
                let struct (x0, x1, x2, x3) = Philox.Block(v[0], v[1], v[2], v[3], v[4], v[5])
                Expect.equal got[4 * j .. 4 * j + 3] [| x0; x1; x2; x3 |] (sprintf "block %d equals Philox.Block" j))

        case "LangevinStep and AddNoise on the device equal the CPU backend bit for bit" <| fun b ->
            for key in keys do
                for n in [ 1; 17; 64; 65; 1000; 4099 ] do
                    for lr, wd, scale in [ 0.05, 1e-3, 0.02; 0.1, 0.0, 1.0; 3e-3, 5e-4, 1e-4 ] do
                        let w, g = uniform 132UL 1.0 n, uniform 133UL 1.0 n
                        let run (backend: Backend<float32>) =
                            let tw = backend.FromArray(ReadOnlySpan w)
                            backend.LangevinStep(tw, backend.FromArray(ReadOnlySpan g), lr, wd, scale, key)
                            let ta = backend.FromArray(ReadOnlySpan w)
                            backend.AddNoise(ta, key, scale)
                            backend.ToArray tw, backend.ToArray ta
                        let gw, ga = run b
                        let cw, ca = run cpu
                        expectSameBits (sprintf "Langevin w, %A n=%d lr=%g wd=%g s=%g" key n lr wd scale) gw cw
                        expectSameBits (sprintf "w + sξ, %A n=%d s=%g" key n scale) ga ca

        case "SgdStep (plain, weight decay, momentum) on the device equals the CPU backend bit for bit" <| fun b ->
            for n in [ 1; 17; 1000; 4099 ] do
                for momentum, wd in [ 0.0, 0.0; 0.0, 1e-3; 0.9, 0.0; 0.9, 5e-4; 0.5, 0.1 ] do
                    let w, g, v = uniform 121UL 1.0 n, uniform 122UL 1.0 n, uniform 123UL 1.0 n
                    let run (backend: Backend<float32>) =
                        let tw, tg = backend.FromArray(ReadOnlySpan w), backend.FromArray(ReadOnlySpan g)
                        let tv = if momentum > 0.0 then backend.FromArray(ReadOnlySpan v) else null
                        for _ in 1 .. 3 do backend.SgdStep(tw, tg, tv, 0.1, momentum, wd)
                        backend.ToArray tw, (if isNull tv then [||] else backend.ToArray tv)
                    let gw, gv = run b
                    let cw, cv = run cpu
                    expectSameBits (sprintf "w after 3 steps, n=%d μ=%g wd=%g" n momentum wd) gw cw
                    expectSameBits (sprintf "velocity, n=%d μ=%g wd=%g" n momentum wd) gv cv

        case "ColumnSums on the device equals the CPU backend bit for bit (fresh and accumulated)" <| fun b ->
            for rows, cols in [ 1, 1; 3, 17; 2, 1025; 300, 131; 1000, 40 ] do
                let m = uniform 51UL 3.0 (rows * cols)
                let prior = uniform 52UL 5.0 cols
                for accumulate in [ false; true ] do
                    let run (backend: Backend<float32>) =
                        let sums = backend.FromArray(ReadOnlySpan prior)
                        backend.ColumnSums(backend.View(backend.FromArray(ReadOnlySpan m), rows, cols), sums, accumulate)
                        backend.ToArray sums
                    expectSameBits (sprintf "%d×%d accumulate=%b" rows cols accumulate) (run b) (run cpu)

        case "Dot and EffectiveGradientNormSquared are the fixed blocking, bit for bit, and repeat exactly" <| fun b ->
            // 2049: two groups; 5000: three, partly filled.
            for n in [ 1; 255; 256; 2048; 2049; 5000 ] do
                let x, y = uniform 91UL 2.0 n, uniform 92UL 2.0 n
                let tx, ty = b.FromArray(ReadOnlySpan x), b.FromArray(ReadOnlySpan y)
                let dot = b.Dot(tx, ty)
                let expected = emulateReduction n (fun i s -> Math.FusedMultiplyAdd(float x[i], float y[i], s))
                Expect.equal (BitConverter.DoubleToInt64Bits dot) (BitConverter.DoubleToInt64Bits expected) (sprintf "Dot n=%d: %.17g vs emulated %.17g" n dot expected)
                Expect.equal (BitConverter.DoubleToInt64Bits(b.Dot(tx, ty))) (BitConverter.DoubleToInt64Bits dot) (sprintf "Dot n=%d repeats" n)
                let cpuDot = cpu.Dot(cpu.FromArray(ReadOnlySpan x), cpu.FromArray(ReadOnlySpan y))
                let absSum = Array.fold2 (fun acc a c -> acc + abs (float a * float c)) 0.0 x y
                Expect.isLessThanOrEqual (abs (dot - cpuDot)) (2.0 * float n * Math.Pow(2.0, -53.0) * absSum) (sprintf "Dot n=%d near the CPU's" n)
                for wd in [ 0.0; 1e-3 ] do
                    let norm = b.EffectiveGradientNormSquared(tx, ty, wd)
                    let expected = emulateReduction n (fun i s -> let t = Math.FusedMultiplyAdd(wd, float x[i], float y[i]) in Math.FusedMultiplyAdd(t, t, s))
                    Expect.equal (BitConverter.DoubleToInt64Bits norm) (BitConverter.DoubleToInt64Bits expected) (sprintf "‖g + wd·w‖² n=%d wd=%g" n wd)
                    let cpuNorm = cpu.EffectiveGradientNormSquared(cpu.FromArray(ReadOnlySpan x), cpu.FromArray(ReadOnlySpan y), wd)
                    Expect.isLessThanOrEqual (abs (norm - cpuNorm)) (2.0 * float n * Math.Pow(2.0, -53.0) * norm) (sprintf "norm² n=%d near the CPU's" n)
            // 2²¹ + 777 elements: the grid is capped at 1024 groups and each lane loops (one call: ~7 s on the simulator).
            let n = (1 <<< 21) + 777
            let x, y = uniform 93UL 1.0 n, uniform 94UL 1.0 n
            let dot = b.Dot(b.FromArray(ReadOnlySpan x), b.FromArray(ReadOnlySpan y))
            let expected = emulateReduction n (fun i s -> Math.FusedMultiplyAdd(float x[i], float y[i], s))
            Expect.equal (BitConverter.DoubleToInt64Bits dot) (BitConverter.DoubleToInt64Bits expected) (sprintf "Dot n=%d (capped grid): %.17g vs emulated %.17g" n dot expected)

        case "empty tensors: reductions give 0 and updates do nothing" <| fun b ->
            let e = b.Allocate(0, 3)
            Expect.equal (b.Dot(e, e)) 0.0 "Dot"
            Expect.equal (b.EffectiveGradientNormSquared(e, e, 0.1)) 0.0 "norm²"
            b.SgdStep(e, e, e, 0.1, 0.9, 0.1)
            b.LangevinStep(e, e, 0.1, 0.1, 0.1, keys.Head)
            b.FillNoise(e, keys.Head)
            b.AddNoise(e, keys.Head, 1.0)
            let sums = b.Allocate(1, 3)
            b.ColumnSums(e, sums)
            Expect.equal (b.ToArray sums) [| 0f; 0f; 0f |] "column sums of no rows"
    ]

/// The PTX tests: compiled without a GPU, they run everywhere.
let private ptxTests =
    [
        testCase "PTX dataflow check: it flags a multiply feeding an add, through moves, and exempts powers of two" <| fun () ->
            let flagged = mulFeedingAdd "mul.f32 %f3, %f1, %f2;\nmov.f32 %f4, %f3;\nadd.f32 %f5, %f4, %f1;\nsub.f32 %f6, %f1, %f3;"
            Expect.equal flagged.Length 2 "two contractible pairs"
            let exact = mulFeedingAdd "mul.f32 %f3, %f1, 0fB0000000;\nadd.f32 %f5, %f3, 0f40000000;"
            Expect.equal exact.Length 1 "found"
            Expect.isTrue (exact |> List.forall (fun (_, ops) -> ops |> Array.exists powerOfTwoImmediate)) "−2⁻³¹ is a power of two"
            Expect.isFalse (powerOfTwoImmediate "0f3F800001") "1 + ulp is not"
            Expect.isTrue (mulFeedingAdd "mul.f64 %fd3, %fd1, %fd2;\ncvt.rn.f32.f64 %f1, %fd3;\nadd.f32 %f2, %f1, %f1;").IsEmpty "a conversion breaks the chain"

        testCase "the kernels compile to PTX for sm_90 without a GPU: no external calls, correctly rounded division and sqrt" <| fun () ->
            let implicitKernels =
                [ kernelMethod typeof<OptimizerKernels> "Descend"; kernelMethod typeof<OptimizerKernels> "MomentumDescend"
                  kernelMethod typeof<ReductionKernels> "ColumnSums"; noiseKernel typeof<FillNoiseOp>; noiseKernel typeof<AddNoiseOp>
                  noiseKernel typeof<LangevinOp>; kernelMethod typeof<OptimizerKernels> "PhiloxBlocks"
                  kernelMethod typeof<OptimizerKernels> "Pairs"; kernelMethod typeof<OptimizerKernels> "NoiseAt" ]
            let explicitKernels = [ kernelMethod typeof<ReductionKernels> "Dot"; kernelMethod typeof<ReductionKernels> "NormSquared" ]
            for explicitlyGrouped, methods in [ false, implicitKernels; true, explicitKernels ] do
                for m in methods do
                    let ptx = ptxOf explicitlyGrouped m
                    let name = m.ToString()
                    Expect.isTrue (ptx.Contains ".entry") (name + ": a kernel entry")
                    // MathF/Math.FusedMultiplyAdd without DeviceFma's remapping: an undefined .extern .func the driver cannot load.
                    Expect.equal (count @"\.extern\s+\.func|call" ptx) 0 (name + ": no calls of external functions")
                    Expect.equal (count @"\.approx|\.ftz" ptx) 0 (name + ": no approximate or flush-to-zero arithmetic")
                    Expect.equal (count @"\bdiv\.f32|\bsqrt\.f32" ptx) 0 (name + ": division and sqrt correctly rounded (.rn)")
                    Expect.equal (count @"\bfma\.f32|\bmad\.f32" ptx) 0 (name + ": every float FMA is fma.rn")

        testCase "noise and update kernels in PTX: no float32 product reaches an add/sub except exact ones, and the FMAs are the CPU's" <| fun () ->
            // The exception: Radius's x = (2³¹ − n)·(−2⁻³¹) feeding x + 2 (once per Box–Muller pair, so twice per
            // thread). The factor 2³¹ − n is an integer in [1, 2³¹ − 0x5A82799A] converted to float, so the product is a
            // normal float in [2⁻³¹, 0.3]: exact, and fma(a, −2⁻³¹, 2) rounds the same value as (a·(−2⁻³¹)) + 2.
            // The update kernels form every product that feeds a sum through float64 (OptimizerKernels.Mul), so none.
            // FMAs per thread: 14 per pair (Radius 5, CosSin 9) × 2 pairs, plus one per element for AddNoise and Langevin.
            for m, exceptions, fmas in
                    [ noiseKernel typeof<FillNoiseOp>, 2, 28; noiseKernel typeof<AddNoiseOp>, 2, 32; noiseKernel typeof<LangevinOp>, 2, 32
                      kernelMethod typeof<OptimizerKernels> "Descend", 0, 0; kernelMethod typeof<OptimizerKernels> "MomentumDescend", 0, 0 ] do
                let ptx = ptxOf false m
                let pairs = mulFeedingAdd ptx
                let inexact = pairs |> List.filter (fun (_, ops) -> not (ops |> Array.exists powerOfTwoImmediate))
                Expect.isEmpty inexact (sprintf "%O: a float32 product feeds an add (ptxas may contract it): %A" m inexact)
                Expect.equal pairs.Length exceptions (sprintf "%O: the exact exceptions" m)
                Expect.equal (count @"\bfma\.rn\.f32" ptx) fmas (sprintf "%O: fma.rn.f32 count" m)
    ]

[<Tests>]
let tests =
    testSequenced <| testList "Gpu.Optimizer" [
        testList "ILGPU CPU accelerator" (deviceTests (fun name body -> testCase name (fun () -> body (simulator ()))))
        testList "CUDA" (deviceTests cudaCase)
        testList "PTX" ptxTests
    ]
