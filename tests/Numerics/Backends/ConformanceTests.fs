/// Backend conformance: ONE table of Backend<float32> operations, each run through the public interface on
/// every backend under test and compared with ReferenceBackend<float32> (the specification). A new backend
/// (e.g. a GPU one) joins by calling `conformance` with its own factory; the table stays the same.
module BoundLab.Numerics.Tests.Backends.ConformanceTests

open System
open Expecto
open BoundLab.Numerics
open BoundLab.Numerics.Backends
open BoundLab.Numerics.Random
open BoundLab.Numerics.Tensors

/// One result of an operation: its values and, per element, the largest |backend − reference| allowed.
type Output = { Label: string; Values: float32[]; Tolerance: int -> float }

/// One row of the table: builds its own fresh inputs from fixed seeds, runs on the backend, returns its outputs.
type Operation = { Name: string; Run: Backend<float32> -> Output list }

let private u = Math.Pow(2.0, -24.0)

let private uniform (seed: uint64) (scale: float) n =
    let s = (RngKey.FromSeed seed).Stream()
    Array.init n (fun _ -> float32 ((s.NextDouble() * 2.0 - 1.0) * scale))

let private matrix seed scale rows cols = Matrix<float32>(rows, cols, uniform seed scale (rows * cols))

let private exact (label: string) (values: float32[]) = { Label = label; Values = values; Tolerance = fun _ -> 0.0 }

let private activations = [ Activation.Identity; Activation.Relu; Activation.Sigmoid; Activation.Tanh ]

// Odd shapes on purpose: 1×1, fewer rows than a vector, columns not a multiple of 8 or 16, and sizes above
// the element-wise kernels' parallel threshold (2¹⁵ elements) so 2 threads really split the rows.
let private elementwiseShapes = [ 1, 1; 3, 17; 2, 1025; 300, 131 ]

/// c = alpha·op(a)·op(b) + beta·c. Each result is within (k + 2)·u·(|alpha|·Σₚ|a||b| + |beta·c|) of the exact
/// value (float32 summation, Higham's γₖ bound), so two backends differ by at most twice that.
let private matMul (m, n, k) transA transB (alpha: float32) (beta: float32) (cInit: string) =
    { Name = sprintf "MatMul %d×%d×%d transA=%b transB=%b alpha=%g beta=%g c=%s" m n k transA transB alpha beta cInit
      Run = fun backend ->
        let a = if transA then matrix 11UL 1.0 k m else matrix 11UL 1.0 m k
        let b = if transB then matrix 12UL 1.0 n k else matrix 12UL 1.0 k n
        let c =
            match cInit with
            | "NaN" -> Matrix<float32>(m, n, Array.create (m * n) Single.NaN)
            | _ -> matrix 13UL 1.0 m n
        if alpha = 0f then Array.fill a.Data 0 a.Length Single.NaN // alpha = 0 must not read a
        let c0 = Array.copy c.Data
        let absProduct i j =
            let mutable s = 0.0
            if alpha <> 0f then
                for p in 0 .. k - 1 do
                    s <- s + abs (float (if transA then a[p, i] else a[i, p]) * float (if transB then b[j, p] else b[p, j]))
            s
        let scales = Array.init (m * n) (fun idx ->
            let beta_c = if beta = 0f then 0.0 else abs (float beta * float c0[idx])
            abs (float alpha) * absProduct (idx / n) (idx % n) + beta_c)
        backend.MatMul(a, transA, b, transB, c, alpha, beta)
        [ { Label = "c"; Values = c.Data; Tolerance = fun i -> 2.0 * float (k + 2) * u * scales[i] } ] }

/// output = act(z + bias); afterwards z holds z + bias (the pre-activation), unless z is the output.
/// z + bias is one float32 addition, so it and ReLU/identity are exact; sigmoid/tanh may be 2·10⁻⁶ off.
let private biasActivation (rows, cols) act withBias aliased =
    { Name = sprintf "BiasActivation %d×%d %A bias=%b z=output:%b" rows cols act withBias aliased
      Run = fun backend ->
        let z = matrix 21UL 6.0 rows cols
        let bias = if withBias then uniform 22UL 3.0 cols else [||]
        let output = if aliased then z else Matrix<float32>(rows, cols)
        backend.BiasActivation(z, ReadOnlySpan bias, act, output)
        let outTol = match act with Activation.Sigmoid | Activation.Tanh -> (fun _ -> 2e-6) | _ -> (fun _ -> 0.0)
        [ yield { Label = "output"; Values = output.Data; Tolerance = outTol }
          if not aliased then yield exact "z after the call (the pre-activation z + bias)" z.Data ] }

/// act′ from a consistent (pre, output) pair: pre = z + bias with exact zeros (ReLU′(0) = 0), output = act(pre)
/// made by the reference. act′ ≤ 1 and a float32 output carries ≤ 2·10⁻⁶, so gradPre is within 5·10⁻⁶·|g| + 10⁻⁷.
let private activationBackward (rows, cols) act aliased =
    { Name = sprintf "ActivationBackward %d×%d %A gradPre=gradOutput:%b" rows cols act aliased
      Run = fun backend ->
        let pre = matrix 31UL 5.0 rows cols
        for i in 0 .. 7 .. pre.Length - 1 do pre.Data[i] <- 0f
        let output = Matrix<float32>(rows, cols)
        ReferenceBackend<float32>.Instance.BiasActivation(pre.Clone(), ReadOnlySpan.Empty, act, output)
        let g = matrix 32UL 2.0 rows cols
        let g0 = Array.copy g.Data
        let gradPre = if aliased then g else Matrix<float32>(rows, cols)
        backend.ActivationBackward(act, pre, output, g, gradPre)
        [ { Label = "gradPre"; Values = gradPre.Data; Tolerance = fun i -> 1e-7 + 5e-6 * abs (float g0[i]) } ] }

/// The pair as a layer uses it: BiasActivation with a non-zero bias, then ActivationBackward on the z and output
/// it left. The derivative must be that of act(z + bias): ReLU's mask is [z + bias > 0], not [z > 0].
let private layerBackward (rows, cols) act =
    { Name = sprintf "BiasActivation then ActivationBackward %d×%d %A (non-zero bias)" rows cols act
      Run = fun backend ->
        let z = matrix 41UL 4.0 rows cols
        let bias = uniform 42UL 3.0 cols
        // Make some pre-activations exactly 0: z = −bias is exact in float32.
        for r in 0 .. rows - 1 do
            z[r, (r * 5) % cols] <- -bias[(r * 5) % cols]
        let output = Matrix<float32>(rows, cols)
        backend.BiasActivation(z, ReadOnlySpan bias, act, output)
        let g = matrix 43UL 2.0 rows cols
        let gradPre = Matrix<float32>(rows, cols)
        backend.ActivationBackward(act, z, output, g, gradPre)
        [ { Label = "gradPre"; Values = gradPre.Data; Tolerance = fun i -> 1e-7 + 5e-6 * abs (float g.Data[i]) } ] }

/// sums[j] = Σᵢ m[i, j]: float64 accumulation rounded once, within u·Σᵢ|m[i, j]| + (rows)·2⁻⁵³·Σ|m|.
let private columnSums (rows, cols) =
    { Name = sprintf "ColumnSums %d×%d" rows cols
      Run = fun backend ->
        let m = matrix 51UL 3.0 rows cols
        let sums = Array.create cols Single.NaN
        backend.ColumnSums(m, Span sums)
        let absSum j = Seq.sum (seq { for r in 0 .. rows - 1 -> abs (float m[r, j]) })
        [ { Label = "sums"; Values = sums; Tolerance = fun j -> 2.0 * (u + float rows * Math.Pow(2.0, -52.0)) * absSum j } ] }

/// The table: every operation of Backend<T> with the cases that matter.
let operations : Operation list =
    [ for shape in [ 1, 1, 1; 3, 5, 1; 17, 9, 33; 129, 257, 70; 33, 65, 300 ] do
        for transA in [ false; true ] do
            for transB in [ false; true ] do
                yield matMul shape transA transB 1f 0f "NaN"
                yield matMul shape transA transB 0.5f -1.5f "random"
      yield matMul (17, 9, 33) false true 0f 2f "random"
      for shape in elementwiseShapes do
        for act in activations do
            for withBias in [ true; false ] do
                for aliased in [ false; true ] do
                    yield biasActivation shape act withBias aliased
            for aliased in [ false; true ] do
                yield activationBackward shape act aliased
            yield layerBackward shape act
        yield columnSums shape
      yield columnSums (1000, 40) ]

let private compare (op: Operation) (got: Output list) (expected: Output list) =
    Expect.equal (got |> List.map _.Label) (expected |> List.map _.Label) "same outputs"
    for g, e in List.zip got expected do
        Expect.equal g.Values.Length e.Values.Length (sprintf "%s: length of %s" op.Name g.Label)
        for i in 0 .. e.Values.Length - 1 do
            let x, y = g.Values[i], e.Values[i]
            let ok =
                (Single.IsNaN x && Single.IsNaN y)
                || (not (Single.IsNaN x) && not (Single.IsNaN y) && abs (float x - float y) <= e.Tolerance i)
            if not ok then
                failtestf "%s: %s[%d] is %.9g, reference %.9g (allowed difference %.3g)" op.Name g.Label i x y (e.Tolerance i)

/// The conformance tests of one backend: every row of `operations` against ReferenceBackend<float32>.
let conformance (name: string) (create: unit -> Backend<float32>) =
    testList name [
        for op in operations ->
            testCase op.Name <| fun () ->
                let expected = op.Run ReferenceBackend<float32>.Instance
                compare op (op.Run(create ())) expected
    ]

/// The reference itself, on laws that need no second backend (so the specification is not taken on trust).
let private referenceLaws =
    testList "reference laws" [
        testCase "BiasActivation writes z + bias into z and act(z + bias) into output" <| fun () ->
            for act in activations do
                let z = matrix 61UL 4.0 5 7
                let z0 = Array.copy z.Data
                let bias = uniform 62UL 2.0 7
                let y = Matrix<float32>(5, 7)
                ReferenceBackend<float32>.Instance.BiasActivation(z, ReadOnlySpan bias, act, y)
                for i in 0 .. z.Length - 1 do
                    let pre = z0[i] + bias[i % 7]
                    Expect.equal z.Data[i] pre (sprintf "%A: z[%d] = z + b" act i)
                    Expect.equal y.Data[i] (float32 (ActivationMath.Apply(act, float pre))) (sprintf "%A: y[%d]" act i)
        testCase "ActivationBackward is g·act′(pre)" <| fun () ->
            for act in activations do
                let pre = Matrix<float32>(1, 4, [| -1.5f; 0f; 0.25f; 3f |])
                let y = Matrix<float32>(1, 4)
                ReferenceBackend<float32>.Instance.BiasActivation(pre.Clone(), ReadOnlySpan.Empty, act, y)
                let g = Matrix<float32>(1, 4, [| 2f; 2f; 2f; 2f |])
                let d = Matrix<float32>(1, 4)
                ReferenceBackend<float32>.Instance.ActivationBackward(act, pre, y, g, d)
                for i in 0 .. 3 do
                    Expect.equal d.Data[i] (float32 (2.0 * ActivationMath.Derivative(act, float pre.Data[i]))) (sprintf "%A at %g" act pre.Data[i])
    ]

/// CpuBackend promises bit-identical results whatever its thread count: every row of the table, 1 vs 2 threads.
let private cpuThreadsAgree =
    testCase "cpu: 1 thread and 2 threads give the same bits on every operation" <| fun () ->
        for op in operations do
            for one, two in List.zip (op.Run(CpuBackend(1))) (op.Run(CpuBackend(2))) do
                let bits (x: float32[]) = x |> Array.map BitConverter.SingleToInt32Bits
                Expect.equal (bits two.Values) (bits one.Values) (sprintf "%s: %s" op.Name one.Label)

[<Tests>]
let tests =
    testList "Numerics.Backends.Conformance" [
        referenceLaws
        conformance "cpu, 1 thread" (fun () -> CpuBackend(1) :> Backend<float32>)
        conformance "cpu, 2 threads" (fun () -> CpuBackend(2) :> Backend<float32>)
        cpuThreadsAgree
    ]
