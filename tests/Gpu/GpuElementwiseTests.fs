/// The GPU backend's element-wise operations, activations, losses and error sums beyond the conformance table:
/// the device math library against .NET's Math and mpmath, bit-identity with the CPU backend where both work in
/// float32, aliasing, NaN, empty batches, label checks, cached scratch buffers, and the PTX the kernels compile to.
module BoundLab.Gpu.Tests.GpuElementwiseTests

open System
open Expecto
open ILGPU
open ILGPU.Backends.EntryPoints
open ILGPU.Backends.PTX
open ILGPU.Runtime
open ILGPU.Runtime.Cuda
open BoundLab.Gpu
open BoundLab.Gpu.Kernels
open BoundLab.Numerics
open BoundLab.Numerics.Backends
open BoundLab.Numerics.Losses
open BoundLab.Numerics.Random
open BoundLab.Numerics.Tensors
open BoundLab.Gpu.Tests.TestUtil

let private uniform (seed: uint64) (scale: float) n =
    let s = (RngKey.FromSeed seed).Stream()
    Array.init n (fun _ -> float32 ((s.NextDouble() * 2.0 - 1.0) * scale))

let private bits32 (x: float32[]) = x |> Array.map BitConverter.SingleToInt32Bits

/// Distance in float64 ulps between a and b (both finite, same sign or zero).
let private ulps (a: float) (b: float) =
    abs (BitConverter.DoubleToInt64Bits a - BitConverter.DoubleToInt64Bits b)

/// Runs the same computation on a fresh GPU backend and on CpuBackend(1) and returns both results (host arrays).
let private both (create: unit -> GpuBackend) (run: Backend<float32> -> float32[]) = run (create ()), run (CpuBackend(1))

let private activations = [ Activation.Identity; Activation.Relu; Activation.Sigmoid; Activation.Tanh ]

let private labelsOn (b: Backend<float32>) (labels: int[]) =
    let t = b.AllocateIndices labels.Length
    b.UploadIndices(ReadOnlySpan labels, t)
    BatchTargets<float32>(t, null)

// ───────────── the device math library (plain C# methods: checked on the host at full speed) ─────────────

let private deviceMath =
    testList "device math (float64 exp, log, tanh)" [
        testCase "Exp, Log and Tanh are within 4 ulp of .NET's Math on sweeps of their range" <| fun () ->
            let sweep lo hi n = Array.init n (fun i -> lo + (hi - lo) * float i / float (n - 1))
            let check name (f: float -> float) (reference: float -> float) (xs: float[]) =
                for x in xs do
                    let got, want = f x, reference x
                    if ulps got want > 4L then failtestf "%s(%.17g) = %.17g; Math gives %.17g (%d ulp apart)" name x got want (ulps got want)
            check "Exp" DeviceMath.Exp Math.Exp (Array.concat [ sweep -708.0 709.7 40001; sweep -1.0 1.0 20001; sweep -1e-6 1e-6 2001 ])
            check "Log" DeviceMath.Log Math.Log
                (Array.concat [ sweep 1e-300 1e300 20001; sweep 0.5 2.0 20001; sweep 1.0 10.0 20001; [| for e in -1070 .. 1023 -> Math.Pow(2.0, float e) * 1.3 |] ])
            check "Tanh" DeviceMath.Tanh Math.Tanh (Array.concat [ sweep -25.0 25.0 40001; sweep -0.6 0.6 20001; [| for e in -60 .. 0 -> Math.Pow(2.0, float e) * 1.7 |] ])
        testCase "Exp's subnormal results are .NET's, to the last ulp of a subnormal" <| fun () ->
            for x in [ -708.5; -720.0; -740.25; -744.0; -745.0; -745.13 ] do
                let got, want = DeviceMath.Exp x, Math.Exp x
                Expect.isLessThanOrEqual (abs (got - want)) Double.Epsilon (sprintf "Exp(%g) = %g, Math %g" x got want)
        testCase "special values: NaN, ±∞, ±0, overflow and underflow" <| fun () ->
            Expect.isTrue (Double.IsNaN(DeviceMath.Exp nan)) "Exp NaN"
            Expect.equal (DeviceMath.Exp infinity) infinity "Exp +∞"
            Expect.equal (DeviceMath.Exp -infinity) 0.0 "Exp −∞"
            Expect.equal (DeviceMath.Exp 710.0) infinity "Exp overflows above 709.78"
            Expect.equal (DeviceMath.Exp -746.0) 0.0 "Exp underflows below −745.13"
            Expect.equal (DeviceMath.Exp 0.0) 1.0 "Exp 0"
            Expect.isTrue (Double.IsNaN(DeviceMath.Log nan)) "Log NaN"
            Expect.isTrue (Double.IsNaN(DeviceMath.Log -1.0)) "Log −1"
            Expect.equal (DeviceMath.Log 0.0) -infinity "Log 0"
            Expect.equal (DeviceMath.Log infinity) infinity "Log +∞"
            Expect.equal (DeviceMath.Log 1.0) 0.0 "Log 1"
            Expect.isTrue (Double.IsNaN(DeviceMath.Tanh nan)) "Tanh NaN"
            Expect.equal (DeviceMath.Tanh infinity) 1.0 "Tanh +∞"
            Expect.equal (DeviceMath.Tanh -infinity) -1.0 "Tanh −∞"
            Expect.equal (BitConverter.DoubleToInt64Bits(DeviceMath.Tanh -0.0)) (BitConverter.DoubleToInt64Bits -0.0) "Tanh −0 = −0"
            Expect.equal (DeviceMath.Sigmoid -800.0) 0.0 "σ(−800) = 0, no NaN"
            Expect.equal (DeviceMath.Sigmoid 800.0) 1.0 "σ(800) = 1"
        testCase "golden values from mpmath (50 digits), within 2 ulp" <| fun () ->
            // python3: from mpmath import mp, mpf, exp, log, tanh; mp.dps = 50
            //          for f, xs in [(exp, [...]), (log, [...]), (tanh, [...])]: print([float(f(mpf(x))) for x in xs])
            // (x is the float64 itself, so the golden is the correctly rounded value of f at that double.)
            let goldens =
                [ "Exp", DeviceMath.Exp, 1.0, 2.718281828459045
                  "Exp", DeviceMath.Exp, -700.5, 5.980196118639791e-305
                  "Exp", DeviceMath.Exp, 0.34657359, 1.4142135619771539
                  "Exp", DeviceMath.Exp, 709.5, 1.3549863193146328e+308
                  "Exp", DeviceMath.Exp, 1e-10, 1.0000000001
                  "Exp", DeviceMath.Exp, -20.25, 1.6052280551856116e-09
                  "Log", DeviceMath.Log, 10.0, 2.302585092994046
                  "Log", DeviceMath.Log, 1e-310, -713.8013788281542
                  "Log", DeviceMath.Log, 0.75, -0.2876820724517809
                  "Log", DeviceMath.Log, 1.4142135623730951, 0.3465735902799727
                  "Log", DeviceMath.Log, 3.5e300, 692.0282908667091
                  "Tanh", DeviceMath.Tanh, 0.3, 0.2913126124515909
                  "Tanh", DeviceMath.Tanh, -2.5, -0.9866142981514303
                  "Tanh", DeviceMath.Tanh, 1e-9, 1e-09
                  "Tanh", DeviceMath.Tanh, 0.5493, 0.49999539173530155
                  "Tanh", DeviceMath.Tanh, 21.5, 1.0 ]
            for name, f, x, golden in goldens do
                let got = f x
                Expect.isLessThanOrEqual (ulps got golden) 2L (sprintf "%s(%.17g) = %.17g; mpmath %.17g" name x got golden)
            // exp(−744) = 7.67e−324 rounds to the subnormal 2·2⁻¹⁰⁷⁴ = 1e−323 (mpmath: float(exp(mpf(-744.0)))).
            Expect.equal (DeviceMath.Exp -744.0) 1e-323 "Exp(−744)"
        testCase "MulRn off the GPU is the plain float32 product" <| fun () ->
            let xs, ys = uniform 1UL 3.0 1000, uniform 2UL 3.0 1000
            for i in 0 .. 999 do
                Expect.equal (BitConverter.SingleToInt32Bits(DeviceMath.MulRn(xs[i], ys[i]))) (BitConverter.SingleToInt32Bits(xs[i] * ys[i])) "product"
    ]

// ───────────── the backend: on the simulator always, on CUDA when present ─────────────

/// The tests of one GPU backend (a fresh one from create per case).
let private backend (name: string) (create: unit -> GpuBackend) =
    testList name [
        testCase "Fill, Scale, Axpy (also y = x), ReLU/identity BiasActivation and every ActivationBackward are bit-identical to the CPU backend" <| fun () ->
            let x, y = uniform 11UL 3.0 37, uniform 12UL 3.0 37
            let gpu, cpu =
                both create (fun b ->
                    let tx, ty = b.FromArray(ReadOnlySpan x), b.FromArray(ReadOnlySpan y)
                    b.Axpy(-0.7f, tx, ty)
                    b.Axpy(1.3f, tx, tx)
                    b.Scale(0.3f, tx)
                    let f = b.Allocate(1, 5)
                    b.Fill(f, -2.25f)
                    Array.concat [ b.ToArray tx; b.ToArray ty; b.ToArray f ])
            Expect.equal (bits32 gpu) (bits32 cpu) "Axpy, Scale, Fill"
            for act in activations do
                let z, bias, g = uniform 13UL 4.0 (5 * 7), uniform 14UL 2.0 7, uniform 15UL 2.0 (5 * 7)
                let gpu, cpu =
                    both create (fun b ->
                        let tz, out = b.FromMatrix(Matrix<float32>(5, 7, Array.copy z)), b.Allocate(5, 7)
                        b.BiasActivation(tz, b.FromArray(ReadOnlySpan bias), act, out)
                        let d = b.Allocate(5, 7)
                        b.ActivationBackward(act, tz, out, b.FromMatrix(Matrix<float32>(5, 7, Array.copy g)), d)
                        let forward = if act = Activation.Relu || act = Activation.Identity then b.ToArray out else [||]
                        Array.concat [ b.ToArray tz; forward; b.ToArray d ])
                // Sigmoid/tanh outputs differ in the last bit from the CPU's float32 exp: their backward is compared
                // below on one shared output.
                Expect.equal (bits32 gpu[0 .. 34]) (bits32 cpu[0 .. 34]) (sprintf "%A: z + bias" act)
                if act = Activation.Relu || act = Activation.Identity then
                    Expect.equal (bits32 gpu) (bits32 cpu) (sprintf "%A: output and gradPre" act)
            for act in [ Activation.Sigmoid; Activation.Tanh ] do
                let y = uniform 16UL 1.0 (3 * 11) |> Array.map (fun v -> if act = Activation.Sigmoid then abs v else v)
                let g = uniform 17UL 2.0 (3 * 11)
                let gpu, cpu =
                    both create (fun b ->
                        let ty, tg = b.FromMatrix(Matrix<float32>(3, 11, y)), b.FromMatrix(Matrix<float32>(3, 11, g))
                        b.ActivationBackward(act, ty, ty, tg, tg) // gradPre = gradOutput
                        b.ToArray tg)
                Expect.equal (bits32 gpu) (bits32 cpu) (sprintf "%A backward, gradPre = gradOutput" act)
        testCase "sigmoid and tanh are within one float32 ulp of the float64 reference (bit-identical on most elements)" <| fun () ->
            let z = uniform 21UL 12.0 (40 * 25)
            for act in [ Activation.Sigmoid; Activation.Tanh ] do
                let run (b: Backend<float32>) =
                    let out = b.Allocate(40, 25)
                    b.BiasActivation(b.FromMatrix(Matrix<float32>(40, 25, z)), null, act, out)
                    b.ToArray out
                let gpu, reference = run (create ()), run ReferenceBackend<float32>.Instance
                let mutable exact = 0
                for i in 0 .. z.Length - 1 do
                    let d = abs (BitConverter.SingleToInt32Bits gpu[i] - BitConverter.SingleToInt32Bits reference[i])
                    if d > 1 then failtestf "%A(%g): %.9g, reference %.9g" act z[i] gpu[i] reference[i]
                    if d = 0 then exact <- exact + 1
                Expect.isGreaterThan exact (z.Length * 99 / 100) (sprintf "%A: %d of %d bit-identical" act exact z.Length)
        testCase "aliasing through a view: z and output share storage as different tensors" <| fun () ->
            for act in activations do
                let z, bias = uniform 31UL 3.0 12, uniform 32UL 1.0 4
                let gpu, cpu =
                    both create (fun b ->
                        let tz = b.FromMatrix(Matrix<float32>(3, 4, Array.copy z))
                        let view = b.View(tz, 3, 4)
                        b.BiasActivation(tz, b.FromArray(ReadOnlySpan bias), act, view)
                        b.ToArray tz)
                let reference = Array.init 12 (fun i -> float32 (ActivationMath.Apply(act, float (z[i] + bias[i % 4]))))
                if act = Activation.Relu || act = Activation.Identity then Expect.equal (bits32 gpu) (bits32 cpu) (sprintf "%A" act)
                for i in 0 .. 11 do
                    Expect.isLessThanOrEqual (abs (float gpu[i] - float reference[i])) 2e-7 (sprintf "%A[%d]: act(z + b) in place" act i)
        testCase "NaN propagates as on the CPU: forward through every activation, ReLU′ masks it, losses turn NaN" <| fun () ->
            let z = [| nanf; 1f; -1f; -0f; 0f; nanf; 2f; -3f |]
            for act in activations do
                let gpu, cpu =
                    both create (fun b ->
                        let tz, out = b.FromMatrix(Matrix<float32>(2, 4, Array.copy z)), b.Allocate(2, 4)
                        b.BiasActivation(tz, null, act, out)
                        let g = b.FromArray(ReadOnlySpan [| 1f; nanf; 2f; nanf; 3f; 1f; nanf; 1f |])
                        let d = b.Allocate(1, 8)
                        b.ActivationBackward(act, b.View(tz, 1, 8), b.View(out, 1, 8), g, d)
                        Array.append (b.ToArray out) (b.ToArray d))
                Expect.isTrue (Single.IsNaN gpu[0] && Single.IsNaN gpu[5]) (sprintf "%A keeps NaN" act)
                Expect.equal (bits32 gpu[8 ..] |> Array.map (fun v -> Single.IsNaN(BitConverter.Int32BitsToSingle v))) (bits32 cpu[8 ..] |> Array.map (fun v -> Single.IsNaN(BitConverter.Int32BitsToSingle v))) (sprintf "%A backward: NaN where the CPU has NaN" act)
                if act = Activation.Relu || act = Activation.Identity then
                    Expect.equal (bits32 gpu) (bits32 cpu) (sprintf "%A: the CPU's bits (ReLU(−0) = +0, ReLU′ of NaN output = 0)" act)
            for kind in [ LossKind.CrossEntropy; LossKind.Squared; LossKind.Hinge ] do
                let f = [| 1f; nanf; 0.5f; 0.2f; -0.3f; 0.1f |]
                let gpu, cpu =
                    both create (fun b ->
                        let g = b.Allocate(2, 3)
                        let loss = b.Loss(kind, b.FromMatrix(Matrix<float32>(2, 3, f)), labelsOn b [| 0; 2 |], g)
                        let errors = b.ErrorSum(b.FromMatrix(Matrix<float32>(2, 3, f)), labelsOn b [| 0; 2 |])
                        Array.append [| float32 loss; float32 errors |] (b.ToArray g))
                Expect.isTrue (Single.IsNaN gpu[0]) (sprintf "%A: a NaN logit gives a NaN loss" kind)
                Expect.equal gpu[1] cpu[1] (sprintf "%A: errors with a NaN logit (arg-max skips NaN)" kind)
                for i in 2 .. 7 do
                    Expect.equal (Single.IsNaN gpu[i]) (Single.IsNaN cpu[i]) (sprintf "%A: gradient[%d] NaN as on the CPU" kind (i - 2))
                    if not (Single.IsNaN cpu[i]) then Expect.isLessThanOrEqual (abs (gpu[i] - cpu[i])) 1e-7f (sprintf "%A: gradient[%d]" kind (i - 2))
        testCase "an empty batch: loss 0, no errors, element-wise operations do nothing" <| fun () ->
            let b = create ()
            let launches = b.KernelLaunches
            let empty = b.Allocate(0, 3)
            Expect.equal (b.Loss(LossKind.CrossEntropy, empty, labelsOn b [||], b.Allocate(0, 3))) 0.0 "loss"
            Expect.equal (b.ErrorSum(empty, labelsOn b [||])) 0.0 "errors"
            Expect.equal (b.ErrorSum(empty, BatchTargets<float32>(null, b.Allocate(0, 3)))) 0.0 "squared error sum"
            b.BiasActivation(empty, b.Allocate(1, 3), Activation.Tanh, b.Allocate(0, 3))
            b.ActivationBackward(Activation.Relu, empty, empty, empty, empty)
            b.Fill(empty, 1f)
            b.Axpy(2f, empty, empty)
            b.Scale(2f, empty)
            Expect.equal b.KernelLaunches launches "nothing launched"
            let cpu = CpuBackend(1)
            Expect.equal (cpu.Loss(LossKind.CrossEntropy, cpu.Allocate(0, 3), labelsOn cpu [||], null)) 0.0 "the CPU agrees"
        testCase "a label outside the loss's range is refused with its row and value, as on the CPU" <| fun () ->
            for kind, cols, labels, row, allowed in
                [ LossKind.CrossEntropy, 3, [| 0; 2; 3; 1 |], 2, "0 … 2"
                  LossKind.Hinge, 3, [| 0; -1; 1; 1 |], 1, "0 … 2"
                  LossKind.Logistic, 1, [| 0; 1; 1; 2 |], 3, "0 … 1"
                  LossKind.CrossEntropy, 1, [| 0; 1 |], 1, "0 … 0" ] do
                let b = create ()
                let f = b.Allocate(labels.Length, cols)
                let e = BoundLab.Numerics.Tests.TestUtil.throwsOf<ArgumentOutOfRangeException> (fun () -> b.Loss(kind, f, labelsOn b labels, null) |> ignore) "bad label"
                Expect.equal e.ParamName "targets" "names the argument"
                Expect.stringContains e.Message (sprintf "label of row %d is outside %s" row allowed) "names the row and the allowed labels"
                Expect.equal e.ActualValue (box labels[row]) "the value"
                if cols > 1 then
                    let cpu = CpuBackend(1)
                    let c = BoundLab.Numerics.Tests.TestUtil.throwsOf<ArgumentOutOfRangeException> (fun () -> cpu.Loss(kind, cpu.Allocate(labels.Length, cols), labelsOn cpu labels, null) |> ignore) "cpu"
                    Expect.stringContains c.Message (sprintf "label of row %d" row) "the CPU refuses the same row"
        testCase "extreme logits: the max-shift and the two-branch margins keep every loss finite" <| fun () ->
            for kind, f, labels in
                [ LossKind.CrossEntropy, [| 1e4f; -1e4f; 3f; 80f; 90f; -200f |], [| 1; 0 |]
                  LossKind.Logistic, [| 800f; -800f |], [| 0; 0 |]
                  LossKind.Exponential, [| 50f; -50f |], [| 1; 0 |] ] do
                let cols = f.Length / labels.Length
                let run (b: Backend<float32>) =
                    let g = b.Allocate(labels.Length, cols)
                    let loss = b.Loss(kind, b.FromMatrix(Matrix<float32>(labels.Length, cols, f)), labelsOn b labels, g)
                    loss, b.ToArray g
                let (lg, gg), (lr, gr) = run (create ()), run ReferenceBackend<float32>.Instance
                Expect.isTrue (Double.IsFinite lg) (sprintf "%A: finite loss" kind)
                Expect.isLessThanOrEqual (abs (lg - lr)) (1e-12 * (1.0 + abs lr)) (sprintf "%A: loss %.17g vs reference %.17g" kind lg lr)
                Expect.equal (bits32 gg) (bits32 gr) (sprintf "%A: gradient" kind)
        testCase "the cached per-row buffers: a large, a small, then the large batch again give the same values" <| fun () ->
            let b = create ()
            let batch rows seed =
                let f = b.FromMatrix(Matrix<float32>(rows, 4, uniform seed 3.0 (rows * 4)))
                let labels = labelsOn b (Array.init rows (fun r -> r % 4))
                b.Loss(LossKind.CrossEntropy, f, labels, null), b.ErrorSum(f, labels)
            let first = batch 50 41UL
            let small = batch 3 42UL
            Expect.equal (batch 50 41UL) first "same loss and errors after a smaller batch"
            let fresh = create ()
            let f = fresh.FromMatrix(Matrix<float32>(3, 4, uniform 42UL 3.0 12))
            Expect.equal small (fresh.Loss(LossKind.CrossEntropy, f, labelsOn fresh [| 0; 1; 2 |], null), fresh.ErrorSum(f, labelsOn fresh [| 0; 1; 2 |])) "small batch as on a fresh backend"
        testCase "every loss agrees with the CPU backend to 1e-14 on 23 × 1 and 23 × 4 batches, with and without a gradient" <| fun () ->
            for kind in [ LossKind.CrossEntropy; LossKind.Squared; LossKind.Hinge; LossKind.Logistic; LossKind.Exponential ] do
                for cols in [ 1; 4 ] do
                    if not (kind = LossKind.CrossEntropy && cols = 1) then
                        let f = uniform 51UL 4.0 (23 * cols)
                        let labels = Array.init 23 (fun r -> (r * 5 + 1) % (if cols = 1 then 2 else cols))
                        let run (b: Backend<float32>) =
                            let g = b.Allocate(23, cols)
                            let withGrad = b.Loss(kind, b.FromMatrix(Matrix<float32>(23, cols, f)), labelsOn b labels, g)
                            let without = b.Loss(kind, b.FromMatrix(Matrix<float32>(23, cols, f)), labelsOn b labels, null)
                            withGrad, without, b.ToArray g
                        let (lg, ng, gg), (lc, _, gc) = run (create ()), run (CpuBackend(1))
                        Expect.equal lg ng (sprintf "%A %d: the gradient does not change the loss" kind cols)
                        Expect.isLessThanOrEqual (abs (lg - lc)) (1e-14 * (1.0 + abs lc)) (sprintf "%A %d: loss %.17g vs CPU %.17g" kind cols lg lc)
                        for i in 0 .. gc.Length - 1 do
                            Expect.isLessThanOrEqual (abs (gg[i] - gc[i])) (abs gc[i] * 1.2e-7f) (sprintf "%A %d: gradient[%d] %.9g vs CPU %.9g" kind cols i gg[i] gc[i])
        testCase "one launch per operation (Loss and ErrorSum one kernel each)" <| fun () ->
            let b = create ()
            let f, t = b.Allocate(4, 3), b.Allocate(4, 3)
            let start = b.KernelLaunches
            b.Fill(f, 0.5f)
            b.Axpy(1f, f, t)
            b.Scale(2f, t)
            b.BiasActivation(f, null, Activation.Relu, t)
            b.ActivationBackward(Activation.Tanh, f, t, t, t)
            b.Loss(LossKind.CrossEntropy, f, labelsOn b [| 0; 1; 2; 0 |], t) |> ignore
            b.ErrorSum(f, BatchTargets<float32>(null, t)) |> ignore
            Expect.equal (b.KernelLaunches - start) 7L "launches"
    ]

// ───────────── PTX for sm_90, compiled without a GPU ─────────────

/// Kernels that use what the device kernels must not: they show that the PTX checks below can fail.
type private Counterexamples =
    static member ApproximateExp(i: Index1D, v: ArrayView1D<float32, Stride1D.Dense>) = v[i] <- MathF.Exp v[i]
    static member ExternFma(i: Index1D, v: ArrayView1D<float32, Stride1D.Dense>) = v[i] <- MathF.FusedMultiplyAdd(v[i], v[i], 1f)
    static member CordicExp(i: Index1D, v: ArrayView1D<float, Stride1D.Dense>) = v[i] <- Math.Exp v[i]

/// Every kernel of this part, by name.
let private kernels =
    [ typeof<BoundLab.Gpu.Kernels.Elementwise>, [ "Fill"; "Axpy"; "Scale"; "BiasActivation"; "ActivationBackward" ]
      typeof<BoundLab.Gpu.Kernels.Losses>, [ "LossRows"; "ErrorRows" ] ]

/// The PTX of one implicitly grouped kernel.
let private compile (backend: PTXBackend) (m: Reflection.MethodInfo) =
    let entry = EntryPointDescription.FromImplicitlyGroupedKernel m
    let specialization = KernelSpecialization()
    (backend.Compile(&entry, &specialization) :?> PTXCompiledKernel).PTXAssembly

let private ptx =
    lazy
        (let backend = new PTXBackend(GpuDevice.Context, CudaCapabilityContext(CudaArchitecture.SM_90), CudaArchitecture.SM_90, CudaInstructionSet.ISA_80, null)
         dict [
            for t, names in kernels do
                for name in names ->
                    let m = t.GetMethod(name, Reflection.BindingFlags.Public ||| Reflection.BindingFlags.Static)
                    if isNull m then failwithf "%s has no kernel %s" t.FullName name
                    name, compile backend m ])

/// What is wrong with a kernel's PTX for these kernels: an unresolved function (a GPU driver refuses to load it;
/// MathF.FusedMultiplyAdd compiled to one before Kernels/DeviceFma.cs remapped it to fma.rn), an approximate instruction (MathF.Exp/Tanh compile to ex2/tanh.approx.f32),
/// or ILGPU.Algorithms' hyperbolic CORDIC routines (what Math.Exp/Log/Tanh in float64 compile to).
let private problems (asm: string) =
    [ if asm.Contains ".extern" then "an .extern function"
      if asm.Contains ".approx" then "an .approx instruction"
      if asm.Contains "Hyperbolic" then "ILGPU.Algorithms' CORDIC" ]

let private ptxTests =
    testList "PTX (sm_90, no GPU needed)" [
        testCase "every kernel compiles, calls no unresolved function and uses no approximate instruction" <| fun () ->
            for KeyValue(name, asm) in ptx.Value do
                Expect.stringContains asm (sprintf ".entry Kernel_%s" name) (sprintf "%s: an entry point" name)
                Expect.isEmpty (problems asm) (sprintf "%s's PTX" name)
        testCase "the check flags MathF.Exp and Math.Exp in a kernel" <| fun () ->
            let backend = new PTXBackend(GpuDevice.Context, CudaCapabilityContext(CudaArchitecture.SM_90), CudaArchitecture.SM_90, CudaInstructionSet.ISA_80, null)
            for name, expected in [ "ApproximateExp", "an .approx instruction"; "CordicExp", "ILGPU.Algorithms' CORDIC" ] do
                let asm = compile backend (typeof<Counterexamples>.GetMethod(name, Reflection.BindingFlags.Public ||| Reflection.BindingFlags.NonPublic ||| Reflection.BindingFlags.Static))
                Expect.contains (problems asm) expected name
        testCase "MathF.FusedMultiplyAdd compiles to one fma.rn.f32 and no .extern (DeviceFma's remapping)" <| fun () ->
            let backend = new PTXBackend(GpuDevice.Context, CudaCapabilityContext(CudaArchitecture.SM_90), CudaArchitecture.SM_90, CudaInstructionSet.ISA_80, null)
            let asm = compile backend (typeof<Counterexamples>.GetMethod("ExternFma", Reflection.BindingFlags.Public ||| Reflection.BindingFlags.NonPublic ||| Reflection.BindingFlags.Static))
            Expect.isEmpty (problems asm) "no unresolved function"
            Expect.stringContains asm "fma.rn.f32" "one fused multiply-add"
        testCase "the float64 accumulations and laws are f64 instructions; the unfused products are mul.rn.f32" <| fun () ->
            let has (name: string) (needle: string) = Expect.stringContains ptx.Value[name] needle (sprintf "%s has %s" name needle)
            for needle in [ "add.f64"; "mul.f64"; "div.rn.f64"; "cvt.f64.f32"; "cvt.rn.f32.f64"; "st.global.f64" ] do
                has "LossRows" needle
            for needle in [ "add.f64"; "mul.f64"; "cvt.f64.f32"; "st.global.f64" ] do
                has "ErrorRows" needle
            for needle in [ "add.f64"; "div.rn.f64"; "cvt.rn.f32.f64"; "add.f32" ] do
                has "BiasActivation" needle
            has "Axpy" "mul.rn.f32"
            has "ActivationBackward" "mul.rn.f32"
    ]

[<Tests>]
let tests =
    testSequenced <| testList "Gpu.Elementwise" [
        deviceMath
        backend "simulator" simulator
        if cudaPresent.Value then
            backend "CUDA" (fun () -> GpuBackend(GpuDevice.Cuda 0))
        else
            testCase "CUDA" <| fun () -> skiptest "no CUDA device: ILGPU finds no NVIDIA GPU here (these run on a GPU machine, see bench/gpu.sh)"
        ptxTests ]
