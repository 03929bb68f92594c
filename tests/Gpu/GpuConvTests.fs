/// Resident data, batch gathering, convolution and pooling on the GPU backend (ILGPU's CPU accelerator): the CPU
/// backend's bits, the adjoint law, the argument checks every backend shares, and PTX for sm_90 of every kernel.
module BoundLab.Gpu.Tests.GpuConvTests

open System
open System.Reflection
open Expecto
open ILGPU.Backends.EntryPoints
open ILGPU.Backends.PTX
open ILGPU.Runtime
open ILGPU.Runtime.Cuda
open BoundLab.Gpu
open BoundLab.Numerics.Backends
open BoundLab.Numerics.Data
open BoundLab.Numerics.Kernels
open BoundLab.Numerics.Random
open BoundLab.Numerics.Tensors
open BoundLab.Numerics.Tests.Backends
open BoundLab.Gpu.Tests.TestUtil

let private uniform (seed: uint64) (scale: float) n =
    let s = (RngKey.FromSeed seed).Stream()
    Array.init n (fun _ -> float32 ((s.NextDouble() * 2.0 - 1.0) * scale))

let private matrix seed scale rows cols = Matrix<float32>(rows, cols, uniform seed scale (rows * cols))

let private bits (x: float32[]) = x |> Array.map BitConverter.SingleToInt32Bits

let private indices (b: Backend<float32>) (t: IndexTensor) =
    let a = Array.zeroCreate t.Length
    b.DownloadIndices(t, Span a)
    a

/// Each row index i ↦ (i·37 + 11) mod n: a fixed permutation-like pattern with repeats when rows > n.
let private rowsOf n count = Array.init count (fun i -> (i * 37 + 11) % n)

// Odd sizes, non-square kernels, stride and padding; for pooling padding ≤ kernel/2.
let private convGeometries =
    [ Conv2dGeometry(3, 7, 9, 3, 2, 2, 1, 1, 0), 2
      Conv2dGeometry(2, 5, 5, 5, 5), 2
      Conv2dGeometry(4, 6, 7, 3, 3, 3, 2, 2, 1), 2 ]

let private poolGeometries =
    [ Conv2dGeometry(3, 7, 9, 3, 2, 2, 2, 1, 1), 2
      Conv2dGeometry(5, 6, 6, 3, 3, 1, 1, 1, 1), 2
      Conv2dGeometry(2, 5, 8, 2, 3, 2, 3, 0, 1), 2 ]

let private describe (g: Conv2dGeometry) batch =
    sprintf "B=%d C=%d %d×%d k%d×%d s%d×%d p%d×%d" batch g.InChannels g.Height g.Width g.KernelH g.KernelW g.StrideH g.StrideW g.PadH g.PadW

/// Runs f on the simulator backend and on CpuBackend(1) and expects the same bits for every output.
let private sameBitsAsCpu (what: string) (f: Backend<float32> -> float32[] list) =
    let gpu = f (simulator ())
    let cpu = f (CpuBackend(1))
    List.iteri2 (fun i (a: float32[]) (b: float32[]) -> Expect.equal (bits a) (bits b) (sprintf "%s: output %d" what i)) gpu cpu

let private gatherTests =
    [ testCase "UploadDataset + Gather of a classification set equal the CPU backend's (repeats, a batch larger than the cached index buffer)" <| fun () ->
        let x = matrix 201UL 3.0 37 11
        let labels = Array.init 37 (fun i -> (i * 5) % 4)
        let data = Dataset("c", x, labels, null, 4)
        let run (b: Backend<float32>) (rows: int[]) =
            let resident = b.Upload data
            let batch = b.AllocateBatch(resident, rows.Length)
            b.Gather(resident, ReadOnlySpan rows, batch)
            b.ToArray batch.Inputs, indices b batch.Labels, b.ToArray resident.Inputs, indices b resident.Labels
        for rows in [ [| 36; 0; 5; 5; 17 |]; rowsOf 37 300; rowsOf 37 3 ] do
            let gx, gy, gdx, gdy = run (simulator ()) rows
            let cx, cy, _, _ = run (CpuBackend(1)) rows
            Expect.equal (bits gx) (bits cx) (sprintf "inputs, %d rows" rows.Length)
            Expect.equal gy cy (sprintf "labels, %d rows" rows.Length)
            Expect.equal (bits gdx) (bits x.Data) "resident inputs are the data set's bits"
            Expect.equal gdy labels "resident labels"
      testCase "UploadDataset + Gather of a regression set (targets wider than inputs) equal the CPU backend's" <| fun () ->
        let data = Dataset("r", matrix 202UL 2.0 23 3, null, matrix 203UL 5.0 23 5, 0)
        let run (b: Backend<float32>) =
            let resident = b.Upload data
            Expect.isNull resident.Labels "no labels"
            let rows = rowsOf 23 9
            let batch = b.AllocateBatch(resident, rows.Length)
            b.Gather(resident, ReadOnlySpan rows, batch)
            [ b.ToArray batch.Inputs; b.ToArray batch.Targets; b.ToArray resident.Targets ]
        sameBitsAsCpu "regression gather" run
        let resident = (run (simulator ())).[2]
        Expect.equal (bits resident) (bits data.Targets.Data) "resident targets are the data set's bits"
      testCase "70 gathers in a row (the row-index ring wraps twice, then grows) each copy the rows asked" <| fun () ->
        let x = matrix 205UL 1.0 50 3
        let data = Dataset("c", x, Array.init 50 (fun i -> i % 7), null, 7)
        let b = simulator ()
        let resident = b.Upload data
        for step in 0 .. 69 do
            let n = if step < 64 then 1 + step % 5 else 400 + step
            let rows = Array.init n (fun i -> (i * 13 + step * 7) % 50)
            let batch = b.AllocateBatch(resident, n)
            b.Gather(resident, ReadOnlySpan rows, batch)
            Expect.equal (indices b batch.Labels) (rows |> Array.map (fun r -> r % 7)) (sprintf "labels of gather %d" step)
            let expected = rows |> Array.collect (fun r -> x.Data[r * 3 .. r * 3 + 2])
            Expect.equal (bits (b.ToArray batch.Inputs)) (bits expected) (sprintf "inputs of gather %d" step)
      testCase "Upload makes tensors this backend owns; one Gather is one kernel launch" <| fun () ->
        let b = simulator ()
        let resident = b.Upload(Dataset("c", matrix 204UL 1.0 10 4, Array.init 10 (fun i -> i % 2), null, 2))
        Expect.isTrue (resident.Inputs :? GpuTensor) "inputs are device tensors"
        Expect.isTrue (resident.Labels :? GpuIndexTensor) "labels are a device index vector"
        Expect.isTrue (Object.ReferenceEquals(resident.Inputs.Owner, b)) "owned by this backend"
        let batch = b.AllocateBatch(resident, 4)
        let before = b.KernelLaunches
        b.Gather(resident, ReadOnlySpan [| 9; 1; 1; 0 |], batch)
        Expect.equal (b.KernelLaunches - before) 1L "inputs and labels in one launch"
        Expect.equal (indices b batch.Labels) [| 1; 1; 1; 0 |] "labels"
        Expect.equal (b.ToArray batch.Inputs).[0..3] (resident.Source.Inputs.Data.[36..39]) "row 9 first" ]

let private convTests =
    [ for g, batch in convGeometries do
        yield testCase (sprintf "adjoint law ⟨Im2Col x, c⟩ = ⟨x, Col2Im c⟩ on the simulator, %s" (describe g batch)) <| fun () ->
            let b = simulator ()
            let x = matrix 211UL 1.0 batch g.ImageSize
            let c = matrix 212UL 1.0 (batch * g.OutPixels) g.PatchSize
            let cols = b.Allocate(batch * g.OutPixels, g.PatchSize)
            b.Im2Col(g, b.FromMatrix x, cols)
            let back = b.Allocate(batch, g.ImageSize)
            b.Col2Im(g, b.FromMatrix c, back)
            let ix, cx = b.ToArray cols, b.ToArray back
            let lhs = Seq.sum (Seq.map2 (fun (p: float32) (q: float32) -> float p * float q) ix c.Data)
            let rhs = Seq.sum (Seq.map2 (fun (p: float32) (q: float32) -> float p * float q) x.Data cx)
            // Im2Col copies exactly and the float64 sums are exact to ~1e-16 relative; Col2Im adds at most
            // KernelH·KernelW float32 terms per value, each value within k·u·Σ|terms| (u = 2⁻²⁴) of exact.
            let k = float (g.KernelH * g.KernelW)
            let scale = ConvReference.Col2Im(g, c.Data |> Array.map (fun v -> abs (float v)), batch)
            let tol = (Seq.map2 (fun (p: float32) s -> abs (float p) * s) x.Data scale |> Seq.sum) * k * Math.Pow(2.0, -24.0) + 1e-12
            Expect.isLessThanOrEqual (abs (lhs - rhs)) tol (sprintf "lhs %.17g rhs %.17g" lhs rhs)
        yield testCase (sprintf "Im2Col and Col2Im give the CPU backend's bits, %s" (describe g batch)) <| fun () ->
            sameBitsAsCpu (describe g batch) (fun b ->
                let cols = b.Allocate(batch * g.OutPixels, g.PatchSize)
                b.Im2Col(g, b.FromMatrix(matrix 213UL 2.0 batch g.ImageSize), cols)
                let back = b.FromMatrix(matrix 214UL 1.0 batch g.ImageSize) // overwritten, not accumulated
                b.Col2Im(g, b.FromMatrix(matrix 215UL 2.0 (batch * g.OutPixels) g.PatchSize), back)
                [ b.ToArray cols; b.ToArray back ])
      for g, batch in poolGeometries do
        for inputs in [ "random"; "ties"; "NaN" ] do
            yield testCase (sprintf "MaxPool2d forward/backward give the CPU backend's bits and arg-max, %s inputs=%s" (describe g batch) inputs) <| fun () ->
                let x = matrix 221UL 2.0 batch g.ImageSize
                match inputs with
                | "ties" -> for i in 0 .. x.Length - 1 do x.Data[i] <- round (x.Data[i] * 1.5f)
                | "NaN" -> for i in 0 .. 7 .. x.Length - 1 do x.Data[i] <- Single.NaN
                | _ -> ()
                sameBitsAsCpu (describe g batch) (fun b ->
                    let out = b.Allocate(batch, g.OutImageSize)
                    let argmax = b.AllocateIndices(batch * g.OutImageSize)
                    b.MaxPool2dForward(g, b.FromMatrix x, out, argmax)
                    let dx = b.FromMatrix(matrix 222UL 1.0 batch g.ImageSize)
                    b.MaxPool2dBackward(g, b.FromMatrix(matrix 223UL 2.0 batch g.OutImageSize), argmax, dx)
                    [ b.ToArray out; indices b argmax |> Array.map float32; b.ToArray dx ])
        yield testCase (sprintf "AvgPool2d forward/backward give the CPU backend's bits, %s" (describe g batch)) <| fun () ->
            sameBitsAsCpu (describe g batch) (fun b ->
                let out = b.FromMatrix(matrix 231UL 1.0 batch g.OutImageSize)
                b.AvgPool2dForward(g, b.FromMatrix(matrix 232UL 2.0 batch g.ImageSize), out)
                let dx = b.FromMatrix(matrix 233UL 1.0 batch g.ImageSize)
                b.AvgPool2dBackward(g, b.FromMatrix(matrix 234UL 2.0 batch g.OutImageSize), dx)
                [ b.ToArray out; b.ToArray dx ])
      yield testCase "MaxPool2dBackward with arg-max indices inside their image but outside their window (the per-image path) gives the CPU backend's bits" <| fun () ->
        let g, batch = Conv2dGeometry(2, 5, 6, 3, 3, 2, 2, 1, 1), 2
        // Output i of image b points at (i·7) mod ImageSize in image b: repeats and far-away pixels.
        let where = Array.init (batch * g.OutImageSize) (fun i -> (i / g.OutImageSize) * g.ImageSize + (i * 7) % g.ImageSize)
        let dy = matrix 241UL 2.0 batch g.OutImageSize
        sameBitsAsCpu "per-image" (fun b ->
            let argmax = b.AllocateIndices where.Length
            b.UploadIndices(ReadOnlySpan where, argmax)
            let dx = b.FromMatrix(matrix 242UL 1.0 batch g.ImageSize)
            b.MaxPool2dBackward(g, b.FromMatrix dy, argmax, dx)
            [ b.ToArray dx ])
        // And the float64 definition, added in output order: every in-image value receives its terms.
        let b = simulator ()
        let argmax = b.AllocateIndices where.Length
        b.UploadIndices(ReadOnlySpan where, argmax)
        let dx = b.Allocate(batch, g.ImageSize)
        b.MaxPool2dBackward(g, b.FromMatrix dy, argmax, dx)
        let expected = ConvReference.MaxPool2dBackward(g, dy.Data |> Array.map float, where, batch)
        let got = b.ToArray dx
        for i in 0 .. got.Length - 1 do
            Expect.floatClose Accuracy.medium (float got[i]) expected[i] (sprintf "gradInput[%d]" i)
      yield testCase "MaxPool2dBackward trusts only the arg-max MaxPool2dForward wrote with the same geometry: indices uploaded or gathered into it later are checked again" <| fun () ->
        let b = simulator ()
        let g = Conv2dGeometry(2, 5, 6, 3, 3, 2, 2, 1, 1)
        let n = 2 * g.OutImageSize
        let x, dy = b.FromMatrix(matrix 261UL 1.0 2 g.ImageSize), b.FromMatrix(matrix 262UL 1.0 2 g.OutImageSize)
        let out, dx = b.Allocate(2, g.OutImageSize), b.Allocate(2, g.ImageSize)
        let count f = (let before = b.KernelLaunches in f (); b.KernelLaunches - before)
        let refused (argmax: IndexTensor) what =
            let e = BoundLab.Numerics.Tests.TestUtil.throwsOf<ArgumentException> (fun () -> b.MaxPool2dBackward(g, dy, argmax, dx)) what
            Expect.stringContains e.Message "argmax[" what
        let argmax = b.AllocateIndices n
        b.MaxPool2dForward(g, x, out, argmax)
        Expect.equal (count (fun () -> b.MaxPool2dBackward(g, dy, argmax, dx))) 1L "written by the forward pass: the gather alone"
        b.UploadIndices(ReadOnlySpan(Array.create n 0), argmax) // image 1's outputs now point into image 0
        refused argmax "uploaded after the forward pass"
        // The same check after a Gather writes the tensor (a batch's labels used as the arg-max buffer).
        let resident = b.Upload(Dataset("c", matrix 263UL 1.0 3 2, [| 0; 1; 2 |], null, 3))
        let batch = b.AllocateBatch(resident, n)
        b.MaxPool2dForward(g, x, out, batch.Labels)
        b.Gather(resident, ReadOnlySpan(Array.create n 0), batch)
        refused batch.Labels "gathered after the forward pass"
        // And a forward pass with another geometry of the same sizes is not trusted for this one.
        let other = Conv2dGeometry(2, 5, 6, 3, 3, 2, 2, 1, 1) // equal: trusted
        b.MaxPool2dForward(other, x, out, argmax)
        Expect.equal (count (fun () -> b.MaxPool2dBackward(g, dy, argmax, dx))) 1L "an equal geometry is the same geometry"
        let wider = Conv2dGeometry(2, 5, 6, 3, 4, 2, 2, 1, 1)
        Expect.equal wider.OutImageSize g.OutImageSize "same output size, other windows"
        b.MaxPool2dForward(wider, x, out, argmax)
        Expect.equal (count (fun () -> b.MaxPool2dBackward(g, dy, argmax, dx))) 2L "another geometry: checked (check, then a backward kernel)"
      yield testCase "launches: one kernel per Im2Col, Col2Im, pooling pass; two for MaxPool2dBackward on uploaded indices (check, then gather)" <| fun () ->
        let b = simulator ()
        let g = Conv2dGeometry(2, 4, 4, 2, 2, 2, 2)
        let x = b.FromMatrix(matrix 251UL 1.0 1 g.ImageSize)
        let count f = (let before = b.KernelLaunches in f (); b.KernelLaunches - before)
        let cols = b.Allocate(g.OutPixels, g.PatchSize)
        Expect.equal (count (fun () -> b.Im2Col(g, x, cols))) 1L "Im2Col"
        Expect.equal (count (fun () -> b.Col2Im(g, cols, b.Allocate(1, g.ImageSize)))) 1L "Col2Im"
        let out, argmax = b.Allocate(1, g.OutImageSize), b.AllocateIndices g.OutImageSize
        Expect.equal (count (fun () -> b.MaxPool2dForward(g, x, out, argmax))) 1L "MaxPool2dForward"
        Expect.equal (count (fun () -> b.MaxPool2dBackward(g, out, argmax, b.Allocate(1, g.ImageSize)))) 1L "MaxPool2dBackward after the forward pass"
        b.UploadIndices(ReadOnlySpan(indices b argmax), argmax)
        Expect.equal (count (fun () -> b.MaxPool2dBackward(g, out, argmax, b.Allocate(1, g.ImageSize)))) 2L "MaxPool2dBackward on uploaded indices"
        Expect.equal (count (fun () -> b.AvgPool2dForward(g, x, out))) 1L "AvgPool2dForward"
        Expect.equal (count (fun () -> b.AvgPool2dBackward(g, out, b.Allocate(1, g.ImageSize)))) 1L "AvgPool2dBackward" ]

/// The kernels of Kernels/Conv.cs and Kernels/Gather.cs.
let private kernelNames =
    [ "Im2Col"; "Col2Im"; "MaxPoolForward"; "MaxPoolCheck"; "MaxPoolBackward"; "MaxPoolBackwardPerImage"
      "AvgPoolForward"; "AvgPoolBackward"; "GatherRows" ]

let private ptxTests =
    [ testCase "every conv, pooling and gather kernel compiles to PTX for sm_90 (no GPU needed), with IEEE division and no float multiply" <| fun () ->
        let kernels = typeof<GpuBackend>.Assembly.GetType("BoundLab.Gpu.Kernels.ConvKernels", true)
        use backend = new PTXBackend(GpuDevice.Context, CudaCapabilityContext(CudaArchitecture.SM_90), CudaArchitecture.SM_90, CudaInstructionSet.ISA_80, null)
        for name in kernelNames do
            let m = kernels.GetMethod(name, BindingFlags.Static ||| BindingFlags.NonPublic)
            Expect.isNotNull m (sprintf "kernel %s exists" name)
            let mutable entry = EntryPointDescription.FromImplicitlyGroupedKernel m
            let mutable specialization = KernelSpecialization()
            let compiled = backend.Compile(&entry, &specialization) :?> PTXCompiledKernel
            let ptx = compiled.PTXAssembly
            // ILGPU 1.5.3's PTX backend writes ".target sm_80" for SM_90 (the newest target it names); the driver
            // JIT-compiles that PTX for sm_90.
            Expect.stringContains ptx ".target sm_" (sprintf "%s: a PTX target" name)
            Expect.stringContains ptx ".entry" (sprintf "%s: an entry point" name)
            // Approximate division would break bit-identity with the CPU (AvgPool's division), and with no f32 multiply
            // in the PTX ptxas has nothing to contract into an FMA.
            for bad in [ "div.approx"; "div.full"; "mul.f32"; "mul.rn.f32"; "fma.rn.f32" ] do
                Expect.isFalse (ptx.Contains bad) (sprintf "%s: no %s" name bad) ]

[<Tests>]
let tests =
    testSequenced <| testList "Gpu.Conv" [
        testList "gather" gatherTests
        testList "convolution and pooling" convTests
        ConformanceTests.convChecks "argument checks (ILGPU CPU accelerator)" (simulator () :> Backend<float32>)
        testList "PTX" ptxTests
    ]
