/// Backend conformance: ONE table of Backend<float32> operations, each run through the public interface on
/// every backend under test and compared with ReferenceBackend<float32> (the specification). A new backend
/// (e.g. a GPU one) joins by calling `conformance` with its own factory; the table stays the same. Inputs are
/// built on the host, uploaded to the backend under test, and results downloaded: only the public interface is used.
module BoundLab.Numerics.Tests.Backends.ConformanceTests

open System
open Expecto
open BoundLab.Numerics
open BoundLab.Numerics.Backends
open BoundLab.Numerics.Random
open BoundLab.Numerics.Tensors
open BoundLab.Numerics.Losses
open BoundLab.Numerics.Data

/// One result of an operation: its values and, per element, the largest |backend − reference| allowed.
type Output = { Label: string; Values: float[]; Tolerance: int -> float }

/// One row of the table: builds its own fresh inputs from fixed seeds, runs on the backend, returns its outputs.
type Operation = { Name: string; Run: Backend<float32> -> Output list }

let private u = Math.Pow(2.0, -24.0)

let private uniform (seed: uint64) (scale: float) n =
    let s = (RngKey.FromSeed seed).Stream()
    Array.init n (fun _ -> float32 ((s.NextDouble() * 2.0 - 1.0) * scale))

let private matrix seed scale rows cols = Matrix<float32>(rows, cols, uniform seed scale (rows * cols))

let private exact (label: string) (values: float32[]) = { Label = label; Values = Array.map float values; Tolerance = fun _ -> 0.0 }

/// The host matrix as a new tensor of the backend.
let private up (backend: Backend<float32>) (m: Matrix<float32>) = backend.FromMatrix m

/// The tensor's values, downloaded.
let private down (backend: Backend<float32>) (t: Tensor<float32>) = backend.ToArray t |> Array.map float

let private row (backend: Backend<float32>) (values: float32[]) = backend.FromArray(ReadOnlySpan values)

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
        let tc = up backend c
        backend.MatMul(up backend a, transA, up backend b, transB, tc, alpha, beta)
        [ { Label = "c"; Values = down backend tc; Tolerance = fun i -> 2.0 * float (k + 2) * u * scales[i] } ] }

/// output = act(z + bias); afterwards z holds z + bias (the pre-activation), unless z is the output.
/// z + bias is one float32 addition, so it and ReLU/identity are exact; sigmoid/tanh may be 2·10⁻⁶ off.
let private biasActivation (rows, cols) act withBias aliased =
    { Name = sprintf "BiasActivation %d×%d %A bias=%b z=output:%b" rows cols act withBias aliased
      Run = fun backend ->
        let z = matrix 21UL 6.0 rows cols
        let bias = if withBias then uniform 22UL 3.0 cols else [||]
        let tz = up backend z
        let output = if aliased then tz else backend.Allocate(rows, cols)
        backend.BiasActivation(tz, (if withBias then row backend bias else null), act, output)
        let outTol = match act with Activation.Sigmoid | Activation.Tanh -> (fun _ -> 2e-6) | _ -> (fun _ -> 0.0)
        [ yield { Label = "output"; Values = down backend output; Tolerance = outTol }
          if not aliased then yield { Label = "z after the call (the pre-activation z + bias)"; Values = down backend tz; Tolerance = fun _ -> 0.0 } ] }

/// act(pre) computed by the reference backend (host in, host out).
let private referenceOutput act (pre: Matrix<float32>) =
    let r = ReferenceBackend<float32>.Instance
    let y = r.Allocate(pre.Rows, pre.Cols)
    r.BiasActivation(r.FromMatrix pre, null, act, y)
    r.ToMatrix y

/// act′ from a consistent (pre, output) pair: pre = z + bias with exact zeros (ReLU′(0) = 0), output = act(pre)
/// made by the reference. act′ ≤ 1 and a float32 output carries ≤ 2·10⁻⁶, so gradPre is within 5·10⁻⁶·|g| + 10⁻⁷.
let private activationBackward (rows, cols) act aliased =
    { Name = sprintf "ActivationBackward %d×%d %A gradPre=gradOutput:%b" rows cols act aliased
      Run = fun backend ->
        let pre = matrix 31UL 5.0 rows cols
        for i in 0 .. 7 .. pre.Length - 1 do pre.Data[i] <- 0f
        let output = referenceOutput act pre
        let g = matrix 32UL 2.0 rows cols
        let g0 = Array.copy g.Data
        let tg = up backend g
        let gradPre = if aliased then tg else backend.Allocate(rows, cols)
        backend.ActivationBackward(act, up backend pre, up backend output, tg, gradPre)
        [ { Label = "gradPre"; Values = down backend gradPre; Tolerance = fun i -> 1e-7 + 5e-6 * abs (float g0[i]) } ] }

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
        let tz = up backend z
        let output = backend.Allocate(rows, cols)
        backend.BiasActivation(tz, row backend bias, act, output)
        let g = matrix 43UL 2.0 rows cols
        let gradPre = backend.Allocate(rows, cols)
        backend.ActivationBackward(act, tz, output, up backend g, gradPre)
        [ { Label = "gradPre"; Values = down backend gradPre; Tolerance = fun i -> 1e-7 + 5e-6 * abs (float g.Data[i]) } ] }

/// sums[j] = Σᵢ m[i, j]: float64 accumulation rounded once, within u·Σᵢ|m[i, j]| + (rows)·2⁻⁵³·Σ|m|.
let private columnSums (rows, cols) =
    { Name = sprintf "ColumnSums %d×%d" rows cols
      Run = fun backend ->
        let m = matrix 51UL 3.0 rows cols
        let sums = row backend (Array.create cols Single.NaN)
        backend.ColumnSums(up backend m, sums)
        let absSum j = Seq.sum (seq { for r in 0 .. rows - 1 -> abs (float m[r, j]) })
        [ { Label = "sums"; Values = down backend sums; Tolerance = fun j -> 2.0 * (u + float rows * Math.Pow(2.0, -52.0)) * absSum j } ] }

/// y ← αx + y (and the aliased y = x): one float32 multiply-add per element, within 2u·(|αx| + |y|).
let private axpy n aliased =
    { Name = sprintf "Axpy n=%d y=x:%b" n aliased
      Run = fun backend ->
        let x, y = uniform 71UL 3.0 n, uniform 72UL 3.0 n
        let tx = row backend x
        let ty = if aliased then tx else row backend y
        backend.Axpy(-0.75f, tx, ty)
        let y0 = if aliased then x else y
        [ { Label = "y"; Values = down backend ty; Tolerance = fun i -> 2.0 * u * (0.75 * abs (float x[i]) + abs (float y0[i])) } ] }

/// x ← αx (exact for α a power of two; one rounding otherwise), Fill and Copy (exact), and a View that shares storage.
let private memory n =
    { Name = sprintf "Scale, Fill, Copy, View, Upload/Download n=%d" n
      Run = fun backend ->
        let x = uniform 81UL 2.0 n
        let t = row backend x
        backend.Scale(0.3f, t)
        let c = backend.Allocate(1, n)
        backend.Copy(t, c)
        let f = backend.Allocate(1, n)
        backend.Fill(f, 2.5f)
        let v = backend.View(c, n, 1)
        backend.Scale(2f, v) // through the view: c doubles too
        [ { Label = "scaled"; Values = down backend t; Tolerance = fun i -> u * 0.3 * abs (float x[i]) }
          { Label = "copy doubled through a view"; Values = down backend c; Tolerance = fun i -> 2.0 * u * 0.6 * abs (float x[i]) }
          exact "filled" (backend.ToArray f) ] }

/// Σ xᵢyᵢ in float64 of float32 inputs: products exact, sums within n·2⁻⁵³·Σ|xy|.
let private dot n =
    { Name = sprintf "Dot n=%d" n
      Run = fun backend ->
        let x, y = uniform 91UL 2.0 n, uniform 92UL 2.0 n
        let s = Array.fold2 (fun acc a b -> acc + abs (float a * float b)) 0.0 x y
        [ { Label = "dot"; Values = [| backend.Dot(row backend x, row backend y) |]; Tolerance = fun _ -> 2.0 * float n * Math.Pow(2.0, -53.0) * s } ] }

/// The mean loss and its gradient for every loss on logits with labels/targets; float64 accumulation.
let private loss (kind: LossKind) rows cols =
    { Name = sprintf "Loss %A %d×%d with gradient, and ErrorSum" kind rows cols
      Run = fun backend ->
        let f = matrix 101UL 3.0 rows cols
        let classes = if cols = 1 then 2 else cols
        let labels = Array.init rows (fun r -> (r * 7 + 3) % classes)
        let yl = backend.AllocateIndices rows
        backend.UploadIndices(ReadOnlySpan labels, yl)
        let truth = BatchTargets<float32>(yl, null)
        let g = backend.Allocate(rows, cols)
        let value = backend.Loss(kind, up backend f, truth, g)
        let errors = backend.ErrorSum(up backend f, truth)
        [ { Label = "loss"; Values = [| value |]; Tolerance = fun _ -> 1e-12 * (1.0 + abs value) }
          { Label = "gradient"; Values = down backend g; Tolerance = fun _ -> 1e-7 / float rows }
          { Label = "errors"; Values = [| errors |]; Tolerance = fun _ -> 0.0 } ] }

/// Regression: squared loss against targets and ErrorSum = Σ‖f − y‖².
let private regressionLoss rows cols =
    { Name = sprintf "Loss Squared against targets %d×%d, ErrorSum" rows cols
      Run = fun backend ->
        let f, t = matrix 111UL 2.0 rows cols, matrix 112UL 2.0 rows cols
        let truth = BatchTargets<float32>(null, up backend t)
        let g = backend.Allocate(rows, cols)
        let value = backend.Loss(LossKind.Squared, up backend f, truth, g)
        let sse = backend.ErrorSum(up backend f, truth)
        [ { Label = "loss"; Values = [| value |]; Tolerance = fun _ -> 1e-12 * (1.0 + abs value) }
          { Label = "gradient"; Values = down backend g; Tolerance = fun _ -> 1e-7 }
          { Label = "sse"; Values = [| sse |]; Tolerance = fun _ -> 1e-12 * (1.0 + sse) } ] }

/// SGD with and without momentum and weight decay: a few float32 roundings of O(1) values per element.
let private sgd n momentum wd =
    { Name = sprintf "SgdStep n=%d momentum=%g wd=%g, EffectiveGradientNormSquared" n momentum wd
      Run = fun backend ->
        let w, g, v = uniform 121UL 1.0 n, uniform 122UL 1.0 n, uniform 123UL 1.0 n
        let tw, tg = row backend w, row backend g
        let tv = if momentum > 0.0 then row backend v else null
        let norm = backend.EffectiveGradientNormSquared(tw, tg, wd)
        backend.SgdStep(tw, tg, tv, 0.1, momentum, wd)
        [ yield { Label = "norm²"; Values = [| norm |]; Tolerance = fun _ -> 4.0 * float n * u * norm }
          yield { Label = "w"; Values = down backend tw; Tolerance = fun _ -> 8.0 * u * 2.0 }
          if momentum > 0.0 then yield { Label = "velocity"; Values = down backend tv; Tolerance = fun _ -> 8.0 * u * 3.0 } ] }

/// Keyed noise: FillNoise draws KeyedNormal.At(key, i) exactly; AddNoise and LangevinStep add s·ξ with a few roundings.
let private noise n =
    { Name = sprintf "FillNoise, AddNoise, LangevinStep n=%d" n
      Run = fun backend ->
        let key = NoiseKey(RngKey.FromSeed 131UL, 7UL, 2u)
        let xi = backend.Allocate(1, n)
        backend.FillNoise(xi, key)
        let w, g = uniform 132UL 1.0 n, uniform 133UL 1.0 n
        let ta = row backend w
        backend.AddNoise(ta, key, 0.01)
        let tw = row backend w
        backend.LangevinStep(tw, row backend g, 0.05, 1e-3, 0.02, key)
        [ exact "ξ" (backend.ToArray xi)
          { Label = "w + sξ"; Values = down backend ta; Tolerance = fun _ -> 4.0 * u * 1.1 }
          { Label = "Langevin w"; Values = down backend tw; Tolerance = fun _ -> 8.0 * u * 1.2 } ] }

/// Gather copies rows of a resident data set (inputs, labels; targets for regression) exactly, in the order asked.
let private gather =
    { Name = "Upload(Dataset), AllocateBatch, Gather (classification and regression)"
      Run = fun backend ->
        let x = matrix 141UL 1.0 9 5
        let labels = Array.init 9 (fun i -> i % 3)
        let cls = backend.Upload(Dataset("c", x, labels, null, 3))
        let b = backend.AllocateBatch(cls, 4)
        backend.Gather(cls, ReadOnlySpan [| 8; 0; 3; 3 |], b)
        let got = Array.zeroCreate 4
        backend.DownloadIndices(b.Labels, Span got)
        let reg = backend.Upload(Dataset("r", x, null, matrix 142UL 1.0 9 2, 0))
        let rb = backend.AllocateBatch(reg, 2)
        backend.Gather(reg, ReadOnlySpan [| 5; 1 |], rb)
        [ exact "inputs" (backend.ToArray b.Inputs)
          { Label = "labels"; Values = Array.map float got; Tolerance = fun _ -> 0.0 }
          exact "targets" (backend.ToArray rb.Targets) ] }

// ───────────── convolution and pooling (NHWC rows; Conv2dGeometry states the layout) ─────────────

/// A geometry with its label: C, H×W, kernel, stride, padding.
let private geometry c h w (kh, kw) (sh, sw) (ph, pw) = Kernels.Conv2dGeometry(c, h, w, kh, kw, sh, sw, ph, pw)

let private describe (g: Kernels.Conv2dGeometry) batch =
    sprintf "B=%d C=%d %d×%d k%d×%d s%d×%d p%d×%d" batch g.InChannels g.Height g.Width g.KernelH g.KernelW g.StrideH g.StrideW g.PadH g.PadW

/// Σ|terms| of each output of a linear map, from the float64 specification applied to |inputs|: the scale of its
/// float32 rounding error (k terms added in float32 are within k·u of that scale).
let private absScale (f: double[] -> double[]) (x: float32[]) = f (x |> Array.map (fun v -> abs (float v)))

// Geometries: odd sizes, non-square kernels, stride and padding, a kernel as large as the image, 1×1, and the
// LeNet layers at batch sizes whose work passes the kernels' parallel threshold (2¹³ values) so 2 threads split.
let private convGeometries =
    [ geometry 3 7 9 (3, 2) (2, 1) (1, 0), 3
      geometry 2 5 5 (5, 5) (1, 1) (0, 0), 2
      geometry 1 1 1 (1, 1) (1, 1) (0, 0), 1
      geometry 4 6 7 (3, 3) (3, 2) (2, 1), 2
      geometry 1 28 28 (5, 5) (1, 1) (2, 2), 4
      geometry 6 14 14 (5, 5) (1, 1) (0, 0), 3 ]

let private poolGeometries =
    [ geometry 3 7 9 (3, 2) (2, 2) (1, 1), 3
      geometry 5 6 6 (3, 3) (1, 1) (1, 1), 2
      geometry 1 1 1 (1, 1) (1, 1) (0, 0), 1
      geometry 2 5 8 (2, 3) (2, 3) (0, 1), 2
      geometry 6 28 28 (2, 2) (2, 2) (0, 0), 8 ]

/// Im2Col copies (exact); Col2Im adds at most KernelH·KernelW float32 terms per input value.
let private im2colCol2im (g: Kernels.Conv2dGeometry) batch =
    { Name = sprintf "Im2Col, Col2Im %s" (describe g batch)
      Run = fun backend ->
        let x = matrix 151UL 2.0 batch g.ImageSize
        let cols = backend.Allocate(batch * g.OutPixels, g.PatchSize)
        backend.Fill(cols, Single.NaN) // every entry must be written, padding included
        backend.Im2Col(g, up backend x, cols)
        let c = matrix 152UL 2.0 (batch * g.OutPixels) g.PatchSize
        let gx = backend.FromMatrix(matrix 153UL 1.0 batch g.ImageSize) // overwritten, not accumulated
        backend.Col2Im(g, up backend c, gx)
        let scale = absScale (fun a -> Kernels.ConvReference.Col2Im(g, a, batch)) c.Data
        let k = float (g.KernelH * g.KernelW)
        [ exact "cols" (backend.ToArray cols)
          { Label = "Col2Im"; Values = down backend gx; Tolerance = fun i -> 2.0 * k * u * scale[i] } ] }

/// MaxPool2d forward (comparisons only: values and arg-max exact) and backward (at most KernelH·KernelW float32
/// additions per input value, with overlapping windows). With ties the first maximum in (ky, kx) order wins on
/// every backend; with NaN the first NaN wins.
let private maxPool (g: Kernels.Conv2dGeometry) batch (inputs: string) =
    { Name = sprintf "MaxPool2dForward/Backward %s inputs=%s" (describe g batch) inputs
      Run = fun backend ->
        let x = matrix 161UL 2.0 batch g.ImageSize
        match inputs with
        | "ties" -> for i in 0 .. x.Length - 1 do x.Data[i] <- round (x.Data[i] * 1.5f)
        | "NaN" -> for i in 0 .. 13 .. x.Length - 1 do x.Data[i] <- Single.NaN
        | _ -> ()
        let out = backend.Allocate(batch, g.OutImageSize)
        let argmax = backend.AllocateIndices(batch * g.OutImageSize)
        backend.MaxPool2dForward(g, up backend x, out, argmax)
        let where = Array.zeroCreate argmax.Length
        backend.DownloadIndices(argmax, Span where)
        let dy = matrix 162UL 2.0 batch g.OutImageSize
        let dx = backend.FromMatrix(matrix 163UL 1.0 batch g.ImageSize)
        backend.MaxPool2dBackward(g, up backend dy, argmax, dx)
        let scale = Kernels.ConvReference.MaxPool2dBackward(g, dy.Data |> Array.map (fun v -> abs (float v)), where, batch)
        let k = float (g.KernelH * g.KernelW)
        [ exact "output" (backend.ToArray out)
          { Label = "argmax"; Values = Array.map float where; Tolerance = fun _ -> 0.0 }
          { Label = "gradInput"; Values = down backend dx; Tolerance = fun i -> 2.0 * k * u * scale[i] } ] }

/// AvgPool2d forward (KernelH·KernelW float32 additions, one division) and backward (as many divided terms added).
let private avgPool (g: Kernels.Conv2dGeometry) batch =
    { Name = sprintf "AvgPool2dForward/Backward %s" (describe g batch)
      Run = fun backend ->
        let x = matrix 171UL 2.0 batch g.ImageSize
        let out = backend.FromMatrix(matrix 172UL 1.0 batch g.OutImageSize)
        backend.AvgPool2dForward(g, up backend x, out)
        let dy = matrix 173UL 2.0 batch g.OutImageSize
        let dx = backend.FromMatrix(matrix 174UL 1.0 batch g.ImageSize)
        backend.AvgPool2dBackward(g, up backend dy, dx)
        let k = float (g.KernelH * g.KernelW)
        let fScale = absScale (fun a -> Kernels.ConvReference.AvgPool2dForward(g, a, batch)) x.Data
        let bScale = absScale (fun a -> Kernels.ConvReference.AvgPool2dBackward(g, a, batch)) dy.Data
        [ { Label = "output"; Values = down backend out; Tolerance = fun i -> 2.0 * (k + 1.0) * u * fScale[i] }
          { Label = "gradInput"; Values = down backend dx; Tolerance = fun i -> 2.0 * (k + 1.0) * u * bScale[i] } ] }

let private convOperations =
    [ for g, batch in convGeometries do
        yield im2colCol2im g batch
      for g, batch in poolGeometries do
        for inputs in [ "random"; "ties"; "NaN" ] do
            yield maxPool g batch inputs
        yield avgPool g batch ]

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
      yield columnSums (1000, 40)
      for n in [ 1; 17; 40000 ] do
        for aliased in [ false; true ] do
            yield axpy n aliased
        yield memory n
        yield dot n
        yield sgd n 0.0 0.0
        yield sgd n 0.9 1e-3
        yield noise n
      for kind in [ LossKind.CrossEntropy; LossKind.Squared; LossKind.Hinge ] do
        yield loss kind 7 3
        yield loss kind 300 10
      for kind in [ LossKind.Logistic; LossKind.Exponential; LossKind.Squared; LossKind.Hinge ] do
        yield loss kind 9 1
      yield regressionLoss 6 2
      yield gather
      yield! convOperations ]

let private compare (op: Operation) (got: Output list) (expected: Output list) =
    Expect.equal (got |> List.map _.Label) (expected |> List.map _.Label) "same outputs"
    for g, e in List.zip got expected do
        Expect.equal g.Values.Length e.Values.Length (sprintf "%s: length of %s" op.Name g.Label)
        for i in 0 .. e.Values.Length - 1 do
            let x, y = g.Values[i], e.Values[i]
            let ok =
                (Double.IsNaN x && Double.IsNaN y)
                || (not (Double.IsNaN x) && not (Double.IsNaN y) && abs (x - y) <= e.Tolerance i)
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
                let r = ReferenceBackend<float32>.Instance
                let tz = r.FromMatrix z
                let ty = r.Allocate(5, 7)
                r.BiasActivation(tz, r.FromArray(ReadOnlySpan bias), act, ty)
                let zAfter, y = r.ToArray tz, r.ToArray ty
                for i in 0 .. z.Length - 1 do
                    let pre = z0[i] + bias[i % 7]
                    Expect.equal zAfter[i] pre (sprintf "%A: z[%d] = z + b" act i)
                    Expect.equal y[i] (float32 (ActivationMath.Apply(act, float pre))) (sprintf "%A: y[%d]" act i)
        testCase "a tensor of another backend is refused by name" <| fun () ->
            let other = CpuBackend(1)
            let t = other.Allocate(2, 2)
            try
                ReferenceBackend<float32>.Instance.Scale(2f, t)
                failtest "a foreign tensor was accepted"
            with :? ArgumentException as e -> Expect.stringContains e.Message "lives on backend 'cpu'" "names the owner"
        testCase "ActivationBackward is g·act′(pre)" <| fun () ->
            for act in activations do
                let pre = Matrix<float32>(1, 4, [| -1.5f; 0f; 0.25f; 3f |])
                let r = ReferenceBackend<float32>.Instance
                let y = r.FromMatrix(referenceOutput act pre)
                let g = r.FromArray(ReadOnlySpan [| 2f; 2f; 2f; 2f |])
                let d = r.Allocate(1, 4)
                r.ActivationBackward(act, r.FromMatrix pre, y, g, d)
                let d = r.ToArray d
                for i in 0 .. 3 do
                    Expect.equal d[i] (float32 (2.0 * ActivationMath.Derivative(act, float pre.Data[i]))) (sprintf "%A at %g" act pre.Data[i])
    ]

/// The convolution and pooling argument checks every backend shares (public: the GPU backend's tests run them too).
let convChecks (name: string) (backend: Backend<float32>) =
        let g = geometry 2 5 6 (3, 3) (2, 2) (1, 1)
        let message (f: unit -> unit) = (BoundLab.Numerics.Tests.TestUtil.throwsOf<ArgumentException> f name).Message
        testList name [
            testCase "Im2Col and Col2Im check both shapes" <| fun () ->
                let m1 = message (fun () -> backend.Im2Col(g, backend.Allocate(2, 61), backend.Allocate(18, 18)))
                Expect.stringContains m1 "input is 2×61; allowed: B×60" "input width"
                let m2 = message (fun () -> backend.Col2Im(g, backend.Allocate(17, 18), backend.Allocate(2, 60)))
                Expect.stringContains m2 "cols is 17×18; allowed: 18×18" "cols rows = B·OutH·OutW"
            testCase "pooling refuses padding above kernel/2 and a wrong output shape" <| fun () ->
                let bad = geometry 1 4 4 (2, 2) (2, 2) (2, 0)
                let m1 = message (fun () -> backend.AvgPool2dForward(bad, backend.Allocate(1, 16), backend.Allocate(1, bad.OutImageSize)))
                Expect.stringContains m1 "allowed: padH ≤ kernelH/2" "padding"
                let m2 = message (fun () -> backend.AvgPool2dForward(g, backend.Allocate(2, 60), backend.Allocate(2, 17)))
                Expect.stringContains m2 "output is 2×17; allowed: 2×18" "output shape"
            testCase "MaxPool2dBackward refuses an arg-max index outside its image" <| fun () ->
                // 2 images of 60 values pooled to 18 each: outputs 18 … 35 must point into image 1, [60, 120).
                let argmax = backend.AllocateIndices 36
                backend.UploadIndices(ReadOnlySpan(Array.init 36 (fun i -> if i = 20 then 5 else (i / 18) * 60)), argmax)
                let m = message (fun () -> backend.MaxPool2dBackward(g, backend.Allocate(2, 18), argmax, backend.Allocate(2, 60)))
                Expect.stringContains m "argmax[20] is 5; allowed: an index into image 1, 60 ≤ index < 120" "names the index and its image"
            testCase "a view of the input is refused as the output (the kernels read one while writing the other)" <| fun () ->
                let x = backend.Allocate(2, 60)
                let m = message (fun () -> backend.Col2Im(geometry 2 5 6 (1, 1) (1, 1) (0, 0), backend.View(x, 60, 2), x))
                Expect.stringContains m "input" "names the tensor"
        ]

/// Convolution and pooling: the adjoint law of the specification, and the argument checks every backend shares.
let private convLaws =
    testList "convolution and pooling laws and checks" [
        testCase "Col2Im is the adjoint of Im2Col: ⟨Im2Col x, c⟩ = ⟨x, Col2Im c⟩ (float64 reference)" <| fun () ->
            let r = ReferenceBackend<float>.Instance
            for g, batch in convGeometries do
                let x = r.FromArray(ReadOnlySpan(uniform 181UL 1.0 (batch * g.ImageSize) |> Array.map float))
                let xs = r.View(x, batch, g.ImageSize)
                let c = r.FromArray(ReadOnlySpan(uniform 182UL 1.0 (batch * g.OutPixels * g.PatchSize) |> Array.map float))
                let cs = r.View(c, batch * g.OutPixels, g.PatchSize)
                let ix = r.Allocate(batch * g.OutPixels, g.PatchSize)
                r.Im2Col(g, xs, ix)
                let cx = r.Allocate(batch, g.ImageSize)
                r.Col2Im(g, cs, cx)
                let lhs, rhs = r.Dot(ix, cs), r.Dot(xs, cx)
                Expect.floatClose Accuracy.high lhs rhs (describe g batch)
        convChecks "reference" ReferenceBackend<float32>.Instance
        convChecks "cpu" (CpuBackend(2) :> Backend<float32>)
    ]

/// CpuBackend promises bit-identical results whatever its thread count: every row of the table, 1 vs 2 threads.
let private cpuThreadsAgree =
    testCase "cpu: 1 thread and 2 threads give the same bits on every operation" <| fun () ->
        for op in operations do
            for one, two in List.zip (op.Run(CpuBackend(1))) (op.Run(CpuBackend(2))) do
                let bits (x: float[]) = x |> Array.map BitConverter.DoubleToInt64Bits
                Expect.equal (bits two.Values) (bits one.Values) (sprintf "%s: %s" op.Name one.Label)

[<Tests>]
let tests =
    testList "Numerics.Backends.Conformance" [
        referenceLaws
        convLaws
        conformance "cpu, 1 thread" (fun () -> CpuBackend(1) :> Backend<float32>)
        conformance "cpu, 2 threads" (fun () -> CpuBackend(2) :> Backend<float32>)
        cpuThreadsAgree
    ]
