/// The SGEMM kernel (src/Gpu/Kernels/Sgemm*.cs): every block tile forced on shapes that cross its boundaries in every
/// dimension, all transposes, against ReferenceBackend within the Higham bound of the conformance table; the PTX each
/// kernel compiles to for sm_90 (no GPU needed); the tile rule; the benchmark's timing path on the simulator.
module BoundLab.Gpu.Tests.GpuGemmTests

open System
open Expecto
open ILGPU
open ILGPU.Runtime
open ILGPU.Runtime.CPU
open ILGPU.Runtime.Cuda
open ILGPU.Backends.PTX
open ILGPU.Backends.EntryPoints
open BoundLab.Gpu
open BoundLab.Gpu.Kernels
open BoundLab.Numerics.Backends
open BoundLab.Numerics.Random
open BoundLab.Numerics.Tensors
open BoundLab.Gpu.Tests.TestUtil

let private u = Math.Pow(2.0, -24.0)

let private uniform (seed: uint64) n =
    let s = (RngKey.FromSeed seed).Stream()
    Array.init n (fun _ -> float32 (s.NextDouble() * 2.0 - 1.0))

/// One SGEMM case: shape, transposes, scalars, and whether C starts as NaN (only with beta = 0: it must not leak).
type private Case = { M: int; N: int; K: int; TransA: bool; TransB: bool; Alpha: float32; Beta: float32; NaNC: bool }

/// Operands of a case from fixed seeds, in storage layout (A is K×M when transposed, B is N×K).
let private operands (c: Case) =
    uniform 101UL (c.M * c.K), uniform 102UL (c.K * c.N),
    (if c.NaNC then Array.create (c.M * c.N) Single.NaN else uniform 103UL (c.M * c.N))

/// The reference result and, per element, the allowed difference 2·(k + 2)·u·(|alpha|·Σₚ|a||b| + |beta·c|) (the
/// conformance table's bound: each of the two results is within half of it of the exact value).
let private expected (c: Case) (a: float32[]) (b: float32[]) (c0: float32[]) =
    let r = ReferenceBackend<float32>.Instance
    let ta = r.FromMatrix(Matrix<float32>((if c.TransA then c.K else c.M), (if c.TransA then c.M else c.K), Array.copy a))
    let tb = r.FromMatrix(Matrix<float32>((if c.TransB then c.N else c.K), (if c.TransB then c.K else c.N), Array.copy b))
    let tc = r.FromMatrix(Matrix<float32>(c.M, c.N, Array.copy c0))
    r.MatMul(ta, c.TransA, tb, c.TransB, tc, c.Alpha, c.Beta)
    let opA i p = float (if c.TransA then a[p * c.M + i] else a[i * c.K + p])
    let opB p j = float (if c.TransB then b[j * c.K + p] else b[p * c.N + j])
    let tol idx =
        let i, j = idx / c.N, idx % c.N
        let s = Seq.sum (seq { for p in 0 .. c.K - 1 -> abs (opA i p * opB p j) })
        let bc = if c.Beta = 0f then 0.0 else abs (float c.Beta * float c0[idx])
        2.0 * float (c.K + 2) * u * (abs (float c.Alpha) * s + bc)
    r.ToArray tc, tol

let private check (label: string) (c: Case) (got: float32[]) (want: float32[]) (tol: int -> float) =
    Expect.equal got.Length want.Length (label + ": length")
    for i in 0 .. want.Length - 1 do
        let x, y = float got[i], float want[i]
        if Double.IsNaN x || abs (x - y) > tol i then
            failtestf "%s %A: c[%d] is %.9g, reference %.9g (allowed difference %.3g)" label c i x y (tol i)

/// Runs the kernel of a tile directly on an accelerator (device buffers of at least one element, like GpuTensor).
let private runKernel (acc: Accelerator) (kernel: SgemmLauncher) (tile: SgemmTile) (c: Case) (a: float32[]) (b: float32[]) (c0: float32[]) =
    let alloc (data: float32[]) =
        let buf = acc.Allocate1D<float32>(int64 (max 1 data.Length))
        if data.Length > 0 then buf.View.SubView(0L, int64 data.Length).CopyFromCPU(data)
        buf
    use da = alloc a
    use db = alloc b
    use dc = alloc c0
    kernel.Invoke(SgemmLaunch.Config(tile, c.M, c.N), da.View, db.View, dc.View, SgemmArgs(c.M, c.N, c.K, c.TransA, c.TransB, c.Alpha, c.Beta))
    acc.Synchronize()
    (dc.GetAsArray1D()).[0 .. c.M * c.N - 1]

/// Cases for a tile of side s and depth d: a shape one past the tile in m, n and k-steps crossing (k not a multiple of
/// d, several double-buffer swaps), with every transpose, beta = 0 over NaN and a general alpha/beta; plus 1×1×1,
/// k = 300 (many steps) and k = 0 (C = beta·C).
let private casesFor side depth =
    [ for transA in [ false; true ] do
        for transB in [ false; true ] do
            let shape = { M = side + 1; N = 2 * side + 1; K = 2 * depth + 3; TransA = transA; TransB = transB; Alpha = 1f; Beta = 0f; NaNC = true }
            yield shape
            yield { shape with Alpha = 0.5f; Beta = -1.5f; NaNC = false }
            yield { shape with M = 1; N = 1; K = 1 }
      yield { M = side + 1; N = 9; K = 300; TransA = true; TransB = true; Alpha = -0.75f; Beta = 0.5f; NaNC = false }
      yield { M = 3; N = 5; K = 0; TransA = false; TransB = true; Alpha = 2f; Beta = -1.5f; NaNC = false }
      yield { M = 3; N = 5; K = 0; TransA = true; TransB = false; Alpha = 2f; Beta = 0f; NaNC = true } ]

/// A CPU accelerator whose groups hold 256 threads (8 warps of 32; the shared simulator allows 16), so the 128×128 and
/// 64×64 tiles run exactly as they would on a GPU.
let private wideSimulator () = CPUDevice(32, 8, 1).CreateCPUAccelerator(GpuDevice.Context)

let private tileCase (tile: SgemmTile) side depth =
    testCase (sprintf "%A forced on a 256-thread simulator: boundaries crossed in m, n and k, all transposes, beta = 0 over NaN, k = 0 and 300" tile) <| fun () ->
        use acc = wideSimulator ()
        let kernel = SgemmLaunch.Load(acc, tile)
        for c in casesFor side depth do
            let a, b, c0 = operands c
            let want, tol = expected c a b c0
            check (string tile) c (runKernel acc kernel tile c a b c0) want tol

/// The PTX of a kernel compiled for sm_90 without a GPU (what only the GPU toolchain would otherwise see).
let private ptxOf (backend: PTXBackend) (struct (name: string, mi: Reflection.MethodInfo, explicitlyGrouped: bool)) =
    let mutable entry =
        if explicitlyGrouped then EntryPointDescription.FromExplicitlyGroupedKernel mi
        else EntryPointDescription.FromImplicitlyGroupedKernel mi
    let mutable specialization = KernelSpecialization()
    name, explicitlyGrouped, (backend.Compile(&entry, &specialization) :?> PTXCompiledKernel).PTXAssembly

/// The exception of type 'e that f raises (fails the test when it raises none).
let private raises<'e when 'e :> exn> (f: unit -> unit) : 'e =
    let result =
        try
            f ()
            None
        with :? 'e as e -> Some e
    match result with
    | Some e -> e
    | None -> failtestf "expected %s, none raised" typeof<'e>.Name

let private count (needle: string) (text: string) =
    let mutable n, i = 0, text.IndexOf(needle, StringComparison.Ordinal)
    while i >= 0 do
        n <- n + 1
        i <- text.IndexOf(needle, i + needle.Length, StringComparison.Ordinal)
    n

[<Tests>]
let tests =
    testSequenced <| testList "Gpu.Gemm" [
        tileCase SgemmTile.Tile128 128 8
        tileCase SgemmTile.Tile64 64 16
        tileCase SgemmTile.Tile32 32 2

        testCase "every SGEMM kernel compiles to PTX for sm_90: barriers, shared-memory panels, fused FMAs, registers, nothing to link" <| fun () ->
            let backend = new PTXBackend(GpuDevice.Context, CudaCapabilityContext(CudaArchitecture.SM_90), CudaArchitecture.SM_90, CudaInstructionSet.ISA_80, null)
            let micro = dict [ "Sgemm Tile128", 64; "Sgemm Tile64", 16; "Sgemm Tile32", 64 ]
            for name, explicitlyGrouped, ptx in SgemmLaunch.EntryPoints() |> Seq.map (ptxOf backend) do
                Expect.stringContains ptx ".target sm_" (name + ": a PTX module")
                // MathF.FusedMultiplyAdd compiles to an undefined `.extern .func FusedMultiplyAdd` the driver cannot link.
                Expect.isFalse (ptx.Contains ".extern") (name + ": no external function to link")
                if explicitlyGrouped then
                    Expect.stringContains ptx "bar.sync" (name + ": group barrier reached the device code")
                    Expect.stringContains ptx "ld.shared.v4.f32" (name + ": panels read from shared memory with 128-bit loads")
                    Expect.stringContains ptx "st.shared" (name + ": panels written to shared memory")
                    Expect.isGreaterThanOrEqual (count "fma.rn.f32" ptx) micro[name] (name + ": one fused FMA per micro-tile element per p")
                // Accumulators and prefetched values are struct fields in registers; the only local memory allowed is
                // the 4-byte slot of an inline-asm output, stored and immediately reloaded.
                let lines = ptx.Split('\n') |> Array.map _.Trim() |> Array.filter (fun l -> l <> "")
                for i in 0 .. lines.Length - 1 do
                    if lines[i].StartsWith "ld.local" then
                        let address = lines[i].Substring(lines[i].IndexOf '[')
                        Expect.isTrue (i > 0 && lines[i - 1].StartsWith "st.local" && lines[i - 1].Contains(address.TrimEnd(';')))
                            (sprintf "%s: local load %s not just after the inline-asm store (%s)" name lines[i] lines[i - 1])

        testCase "the tile rule: 128×128 when it gives every multiprocessor a block, else 64×64; 32×32 on small groups" <| fun () ->
            let h200 m n = SgemmLaunch.Choose(m, n, 1024, 49152L, 132)
            Expect.equal (h200 4096 4096) SgemmTile.Tile128 "4096²: 1024 blocks of 128×128"
            Expect.equal (h200 1536 1536) SgemmTile.Tile128 "1536²: 144 blocks ≥ 132"
            Expect.equal (h200 1024 1024) SgemmTile.Tile64 "1024²: 64 blocks of 128×128 < 132"
            Expect.equal (h200 128 512) SgemmTile.Tile64 "MLP forward 128×512: 4 blocks of 128×128"
            Expect.equal (h200 784 512) SgemmTile.Tile64 "weight gradient 784×512: 28 blocks of 128×128"
            Expect.equal (SgemmLaunch.Choose(4096, 4096, 16, 49152L, 1)) SgemmTile.Tile32 "16-thread groups"
            Expect.equal (SgemmLaunch.Choose(100, 100, GpuDevice.Simulator.Accelerator)) SgemmTile.Tile32 "the shared simulator"

        testCase "a tile the device cannot hold is refused by name; launches are counted" <| fun () ->
            let b = simulator ()
            let x = b.FromMatrix(Matrix<float32>(2, 2, [| 1f; 2f; 3f; 4f |]))
            let y = b.Allocate(2, 2)
            let ex = raises<ArgumentException> (fun () -> b.MatMulWith(Nullable SgemmTile.Tile128, x, false, x, false, y, 1f, 0f))
            Expect.stringContains ex.Message "Tile128 needs 256 threads per group" "names the tile and the limit"
            let before = b.KernelLaunches
            b.MatMul(x, false, x, false, y, 1f, 0f)
            Expect.equal (b.ToArray y) [| 7f; 10f; 15f; 22f |] "[[1,2],[3,4]]² (exact in float32)"
            b.MatMul(x, false, x, false, y, 0f, 2f)
            Expect.equal (b.ToArray y) [| 14f; 20f; 30f; 44f |] "alpha = 0: 2·C"
            b.MatMul(x, false, x, false, y, 0f, 1f)
            Expect.equal (b.KernelLaunches - before) 2L "one launch each; alpha = 0, beta = 1 launches nothing"

        testCase "an output sharing storage with an operand is refused by name (alpha = 0 reads neither, so it is allowed)" <| fun () ->
            let b = simulator ()
            let x = b.FromMatrix(Matrix<float32>(2, 2, [| 1f; 2f; 3f; 4f |]))
            let ex = raises<ArgumentException> (fun () -> b.MatMul(x, false, b.Allocate(2, 2), false, b.View(x, 2, 2), 1f, 0f))
            Expect.stringContains ex.Message "c shares storage with a" "names the operand"
            let ex2 = raises<ArgumentException> (fun () -> b.MatMul(b.Allocate(2, 2), false, x, true, x, 1f, 1f))
            Expect.stringContains ex2.Message "c shares storage with b" "names the operand"
            b.MatMul(x, false, x, false, x, 0f, 2f)
            Expect.equal (b.ToArray x) [| 2f; 4f; 6f; 8f |] "alpha = 0: 2·C in place"

        testCase "the SGEMM benchmark times our kernel on the simulator; cuBLAS is refused there by name" <| fun () ->
            let t = GpuBenchmarks.Sgemm(GpuDevice.Simulator, 5, 7, 3, false, true, 3, false)
            Expect.isTrue (t.OursSeconds > 0.0 && Double.IsFinite t.OursSeconds) "a positive median time"
            Expect.isTrue (Double.IsFinite t.OursGflops && t.OursGflops > 0.0) "finite GFLOP/s"
            Expect.isFalse t.CuBlasSeconds.HasValue "no cuBLAS figure"
            Expect.isFalse t.MaxRelativeDifference.HasValue "no difference without cuBLAS"
            let ex = raises<ArgumentException> (fun () -> GpuBenchmarks.Sgemm(GpuDevice.Simulator, 5, 7, 3, false, false, 1, true) |> ignore)
            Expect.stringContains ex.Message "cuBLAS needs a CUDA device" "says why"
            Expect.equal ex.ParamName "withCuBlas" "names the option"
            let bad = raises<ArgumentOutOfRangeException> (fun () -> GpuBenchmarks.Sgemm(GpuDevice.Simulator, 0, 7, 3, false, false, 1, false) |> ignore)
            Expect.equal bad.ParamName "m" "names the argument"

        cudaCase "CUDA: our SGEMM matches cuBLAS within the Higham bound at 300×200×100" <| fun _ ->
            let t = GpuBenchmarks.Sgemm(GpuDevice.Cuda 0, 300, 200, 100, true, false, 3, true)
            Expect.isTrue (t.MaxRelativeDifference.Value <= 2.0 * 102.0 * u) (sprintf "max difference %g of Σ|a||b|" t.MaxRelativeDifference.Value)
    ]
