module BoundLab.Numerics.Tests.Stochastic.GibbsErrorTests

open System
open System.Threading
open Expecto
open BoundLab.Numerics
open BoundLab.Numerics.Backends
open BoundLab.Numerics.Data
open BoundLab.Numerics.Kernels
open BoundLab.Numerics.Models
open BoundLab.Numerics.Models.Layers
open BoundLab.Numerics.Random
open BoundLab.Numerics.Stochastic
open BoundLab.Numerics.Tensors
open BoundLab.Numerics.Tests.TestUtil

let private spec name (layers: LayerSpec list) = ModelSpec(name, SpecList<LayerSpec>(layers))

/// Φ(x) = erfc(−x/√2)/2 with MathNet's erfc (checked against mpmath in a test below).
let private phi (x: float) = 0.5 * MathNet.Numerics.SpecialFunctions.Erfc(-x / sqrt 2.0)

/// Arrays of the spec's parameter tensors (Model.Parameters order) filled by f tensorIndex elementIndex.
let private parameterArrays (s: ModelSpec) (f: int -> int -> float) =
    let m = Model<float32>.Zeros(s, ReferenceBackend<float32>.Instance)
    m.Parameters |> Seq.mapi (fun k p -> Array.init p.Length (fun i -> float32 (f k i))) |> Seq.toArray

let private gaussians (seed: uint64) (s: ModelSpec) (scale: float) (offset: float) =
    let st = (RngKey.FromSeed seed).Stream()
    parameterArrays s (fun _ _ -> offset + scale * st.NextGaussian())

let private uniforms (seed: uint64) (s: ModelSpec) (lo: float) (hi: float) =
    let st = (RngKey.FromSeed seed).Stream()
    parameterArrays s (fun _ _ -> lo + (hi - lo) * st.NextDouble())

/// n inputs N(0, 1) in d dimensions with labels uniform in [0, classes) (2 for a binary task).
let private randomData (seed: uint64) n d classes =
    let st = (RngKey.FromSeed seed).Stream()
    let x = Matrix<float32>(n, d)
    for i in 0 .. n - 1 do
        for j in 0 .. d - 1 do
            x[i, j] <- float32 (st.NextGaussian())
    Dataset(sprintf "random-%d" seed, x, Array.init n (fun _ -> st.NextInt classes), null, classes)

/// The error rule written out independently: margin (2y − 1)·f or f_y − max_{j≠y} f_j; an error iff not (finite and ≥ 0).
let private errs (row: float[]) (label: int) =
    let margin =
        if row.Length = 1 then (if label = 1 then row[0] else -row[0])
        else row[label] - (row |> Array.indexed |> Array.filter (fun (j, _) -> j <> label) |> Array.map snd |> Array.max)
    not (Double.IsFinite margin && margin >= 0.0)

/// The plain forward pass in float64 of a model of dense and activation layers, from float32 weights.
let private forward64 (s: ModelSpec) (w: float32[][]) (x: float[]) =
    let act a (z: float) =
        match a with
        | Activation.Relu -> max z 0.0
        | Activation.Tanh -> tanh z
        | Activation.Sigmoid -> 1.0 / (1.0 + exp -z)
        | _ -> z
    let mutable h = x
    let mutable k = 0
    for layer in s.Layers do
        match layer with
        | :? DenseSpec as d ->
            let wk = w[k]
            let b = if d.Bias then Some w[k + 1] else None
            k <- k + (if d.Bias then 2 else 1)
            h <- Array.init d.Out (fun u ->
                let mutable z = match b with Some b -> float b[u] | None -> 0.0
                for i in 0 .. d.In - 1 do
                    z <- z + float wk[u * d.In + i] * h[i]
                act d.Activation z)
        | :? ActivationSpec as a -> h <- h |> Array.map (act a.Activation)
        | _ -> ()
    h

let private row (data: Dataset) i = data.Inputs.Row(i).ToArray() |> Array.map float

let private estimate (s: ModelSpec) (mean: float32[][]) (std: float32[][]) (data: Dataset) (o: GibbsOptions) (seed: uint64) (threads: int) =
    GibbsError.Estimate(s, mean, std, data, o, RngKey.FromSeed seed, threads)

/// |a − b| within z standard deviations sd.
let private within (z: float) (sd: float) (a: float) (b: float) what =
    Expect.isTrue (abs (a - b) <= z * sd) (sprintf "%s: %.6f vs %.6f differ by %.3g > %g·sd (sd %.3g)" what a b (abs (a - b)) z sd)

let private tiny = spec "tiny 3-4-3" [ DenseSpec(3, 4, Activation.Relu); DenseSpec(4, 3) ]

let private linear = spec "linear 5-1" [ DenseSpec(5, 1) ]

/// The linear binary model of the exact test: μ, σ per tensor (W1: 5 values, b1: 1) and the exact P(error on x_j).
let private linearCase () =
    let mean = gaussians 11UL linear 0.6 0.0
    mean[1][0] <- 0.3f
    let std = uniforms 12UL linear 0.05 0.5
    std[1][0] <- 0.4f
    let data = randomData 13UL 40 5 2
    let exact =
        Array.init data.Count (fun j ->
            let x = row data j
            let mu = float (mean[1][0]) + Array.fold2 (fun acc (m: float32) xi -> acc + float m * xi) 0.0 mean[0] x
            let var = float (std[1][0]) ** 2.0 + Array.fold2 (fun acc (s: float32) xi -> acc + (float s * xi) ** 2.0) 0.0 std[0] x
            let sign = if data.Labels[j] = 1 then 1.0 else -1.0
            phi (-sign * mu / sqrt var))
    mean, std, data, exact

[<Tests>]
let tests =
    testList "Numerics.Stochastic.GibbsError" [
        testCase "Φ through MathNet's erfc matches mpmath" <| fun () ->
            // python3: from mpmath import mp, ncdf; mp.dps = 50; [ncdf(x) for x in (-0.3, -1.7, -4.2, 0.8)]
            for x, expected in [ -0.3, 0.3820885778110473669277264; -1.7, 0.04456546275854304366405105
                                 -4.2, 0.00001334574901590632788269996; 0.8, 0.7881446014166033272893575 ] do
                Expect.floatClose { absolute = 0.0; relative = 1e-13 } (phi x) expected (sprintf "Φ(%g)" x)

        testCase "per-example draws agree with brute force (a full weight sample per example, plain forward) example by example" <| fun () ->
            let mean = gaussians 1UL tiny 0.8 0.0
            // Non-zero bias means, so the bias terms of the local reparameterization are exercised.
            mean[1] <- [| 0.5f; -0.4f; 0.3f; 0.6f |]
            mean[3] <- [| 0.2f; -0.3f; 0.4f |]
            let std = uniforms 2UL tiny 0.3 0.7
            let data = randomData 3UL 6 3 3
            let draws = 20000
            let key = RngKey.FromSeed 4UL
            let sample = mean |> Array.map (fun a -> Array.zeroCreate<float32> a.Length)
            let mutable decisive = 0
            let bruteRates = Array.zeroCreate<float> data.Count
            for j in 0 .. data.Count - 1 do
                let x = row data j
                let mutable brute = 0
                for t in 0 .. draws - 1 do
                    for k in 0 .. mean.Length - 1 do
                        GaussianNoise.Sample(NoiseKey(key, uint64 (j * draws + t), uint32 k), mean[k], std[k], sample[k], 1)
                    if errs (forward64 tiny sample x) data.Labels[j] then brute <- brute + 1
                let one = data.SelectRows([| j |], "one")
                let e = estimate tiny mean std one (GibbsOptions(Passes = draws, Sampling = GibbsSampling.PerExample)) (uint64 (100 + j)) 1
                Expect.equal e.Terms (int64 draws) "one term per draw"
                let pBrute = float brute / float draws
                bruteRates[j] <- pBrute
                let p = (e.Error + pBrute) / 2.0
                if p > 0.1 && p < 0.9 then decisive <- decisive + 1
                // Two independent binomial proportions over 20,000 draws each: sd of the difference √(2p(1−p)/T).
                within 5.0 (sqrt (2.0 * p * (1.0 - p) / float draws) + 1e-9) e.Error pBrute (sprintf "example %d" j)
            Expect.isGreaterThanOrEqual decisive 3 "at least three examples have an error probability in (0.1, 0.9), so the test can tell"
            // All six examples at once, in batches of 4 (a full batch and a tail): the mean over examples agrees too.
            let all = estimate tiny mean std data (GibbsOptions(Passes = draws, BatchRows = 4, Sampling = GibbsSampling.PerExample)) 200UL 2
            Expect.equal all.Terms (int64 (draws * data.Count)) "M = n × passes"
            let sd = sqrt (bruteRates |> Array.sumBy (fun p -> 2.0 * p * (1.0 - p) / float draws)) / float data.Count
            within 5.0 (sd + 1e-9) all.Error (Array.average bruteRates) "all examples, batches of 4"

        testCase "per-example mean matches the exact error probabilities of a linear binary model" <| fun () ->
            let mean, std, data, exact = linearCase ()
            let passes = 5000
            let e = estimate linear mean std data (GibbsOptions(Passes = passes, BatchRows = 16)) 5UL 0
            Expect.equal e.Sampling GibbsSampling.PerExample "Auto picks per-example for a dense model"
            Expect.equal e.Terms (int64 (data.Count * passes)) "M = n × passes"
            Expect.equal e.Examples e.Terms "every example of every pass evaluated once"
            let target = Array.average exact
            Expect.isTrue (target > 0.1 && target < 0.5) (sprintf "the exact mean error %.3f is far from 0 and 1" target)
            // Var(mean of M independent Bernoulli(p_j) terms) = Σ_j passes·p_j(1 − p_j) / M².
            let sd = sqrt (exact |> Array.sumBy (fun p -> float passes * p * (1.0 - p))) / float e.Terms
            within 5.0 sd e.Error target "MC mean vs mean of Φ(−m/s)"

        testCase "per-batch mean matches the exact error probabilities of a linear binary model (batches that do not divide n)" <| fun () ->
            let mean, std, data, exact = linearCase ()
            let target = Array.average exact
            for rows in [ 7; 8; 40 ] do
                let passes = 4000
                let e = estimate linear mean std data (GibbsOptions(Passes = passes, BatchRows = rows, Sampling = GibbsSampling.PerBatch)) 6UL 0
                let perPass = (data.Count + rows - 1) / rows
                Expect.equal e.Terms (int64 (perPass * passes)) "M = ⌈n/B⌉ × passes"
                Expect.equal e.Examples (e.Terms * int64 rows) "B examples per term"
                // Terms are i.i.d. in [0, 1] with mean R̂(Q): variance at most R̂(1 − R̂).
                within 5.0 (sqrt (target * (1.0 - target) / float e.Terms)) e.Error target (sprintf "per-batch, B = %d" rows)

        testCase "per-batch mean agrees with brute force on the tiny two-layer net" <| fun () ->
            let mean = gaussians 21UL tiny 0.8 0.0
            mean[1] <- [| 0.5f; -0.4f; 0.3f; 0.6f |]
            mean[3] <- [| 0.2f; -0.3f; 0.4f |]
            let std = uniforms 22UL tiny 0.3 0.7
            let data = randomData 23UL 12 3 3
            let draws = 4000
            let key = RngKey.FromSeed 24UL
            let sample = mean |> Array.map (fun a -> Array.zeroCreate<float32> a.Length)
            let mutable brute = 0
            for t in 0 .. draws - 1 do
                for k in 0 .. mean.Length - 1 do
                    GaussianNoise.Sample(NoiseKey(key, uint64 t, uint32 k), mean[k], std[k], sample[k], 1)
                for j in 0 .. data.Count - 1 do
                    if errs (forward64 tiny sample (row data j)) data.Labels[j] then brute <- brute + 1
            let pBrute = float brute / float (draws * data.Count)
            let e = estimate tiny mean std data (GibbsOptions(Passes = 3000, BatchRows = 5, Sampling = GibbsSampling.PerBatch)) 25UL 1
            let p = (pBrute + e.Error) / 2.0
            Expect.isTrue (p > 0.1 && p < 0.9) (sprintf "mean error %.3f is far from 0 and 1" p)
            // Each side is a mean of independent [0, 1] terms with mean R̂(Q) (brute force: per draw, the error rate over
            // the 12 examples): variance of each mean at most p(1 − p)/terms.
            within 5.0 (sqrt (p * (1.0 - p) * (1.0 / float e.Terms + 1.0 / float draws))) e.Error pBrute "per-batch vs brute force"

        testCase "σ = 0 gives exactly the deterministic error (both samplings, binary and multi-class)" <| fun () ->
            let cases =
                [ spec "4-8-3 tanh" [ DenseSpec(4, 8, Activation.Tanh); DenseSpec(8, 3) ], 3
                  spec "4-6-1 relu" [ DenseSpec(4, 6, Activation.Relu); DenseSpec(6, 1) ], 2
                  spec "4-6-act-1" [ DenseSpec(4, 6); ActivationSpec(6, Activation.Sigmoid); DenseSpec(6, 1, Bias = false) ], 2 ]
            for s, classes in cases do
                let mean = gaussians 31UL s 1.0 0.1
                let zero = parameterArrays s (fun _ _ -> 0.0)
                let data = randomData 32UL 300 4 classes
                let logits = Model<float32>.FromValues(s, CpuBackend(1), mean).Predict(data.Inputs)
                let wrong = Array.init data.Count (fun i -> errs (logits.Row(i).ToArray() |> Array.map float) data.Labels[i]) |> Array.filter id |> Array.length
                Expect.isTrue (wrong > 30 && wrong < 270) (sprintf "%s: %d of 300 wrong, far from 0 and 300" s.Name wrong)
                for sampling, rows in [ GibbsSampling.PerExample, 64; GibbsSampling.PerExample, 300; GibbsSampling.PerBatch, 1000 ] do
                    let e = estimate s mean zero data (GibbsOptions(Passes = 3, BatchRows = rows, Sampling = sampling)) 33UL 0
                    if sampling = GibbsSampling.PerExample then
                        Expect.equal e.Errors (float (3 * wrong)) (sprintf "%s %A B=%d: errors" s.Name sampling rows)
                    Expect.floatClose Accuracy.veryHigh e.Error (float wrong / 300.0) (sprintf "%s %A B=%d: error rate" s.Name sampling rows)

        testCase "a tie (margin 0) is not an error, as in train_error and the sharpness measure" <| fun () ->
            for s, classes in [ linear, 2; tiny, 3 ] do
                let zero = parameterArrays s (fun _ _ -> 0.0)
                let data = randomData 41UL 20 s.InputDim classes
                for sampling in [ GibbsSampling.PerExample; GibbsSampling.PerBatch ] do
                    let e = estimate s zero zero data (GibbsOptions(Passes = 2, Sampling = sampling)) 42UL 1
                    Expect.equal e.Error 0.0 (sprintf "%s %A: all logits 0" s.Name sampling)

        testCase "bit-identical for 1 and 2 threads, and per-example draws do not depend on the batch size" <| fun () ->
            let s = spec "20-300-300-10" [ DenseSpec(20, 300, Activation.Relu); DenseSpec(300, 300, Activation.Relu); DenseSpec(300, 10) ]
            let mean = gaussians 51UL s 0.08 0.0
            let std = uniforms 52UL s 0.0 0.05
            let data = blobs 53UL 700 20 10
            for sampling in [ GibbsSampling.PerExample; GibbsSampling.PerBatch ] do
                let o = GibbsOptions(Passes = 3, BatchRows = 256, Sampling = sampling)
                let one = estimate s mean std data o 54UL 1
                let two = estimate s mean std data o 54UL 2
                Expect.isTrue (one.Error > 0.02 && one.Error < 0.98) (sprintf "%A: error %.3f is not trivial" sampling one.Error)
                Expect.equal (BitConverter.DoubleToInt64Bits two.Errors) (BitConverter.DoubleToInt64Bits one.Errors) (sprintf "%A: errors" sampling)
                Expect.equal two.Terms one.Terms (sprintf "%A: terms" sampling)
            let whole = estimate s mean std data (GibbsOptions(Passes = 3, BatchRows = 700)) 54UL 2
            let parts = estimate s mean std data (GibbsOptions(Passes = 3, BatchRows = 256)) 54UL 2
            Expect.equal parts.Errors whole.Errors "per-example: same errors with batches of 256 (and a tail of 188) as with one batch"
            let uncached = estimate s mean std data (GibbsOptions(Passes = 3, BatchRows = 256, CacheMegabytes = 0)) 54UL 1
            Expect.equal uncached.Errors parts.Errors "per-example: the cached first layer gives the same draws as recomputing it every pass"
            let other = estimate s mean std data (GibbsOptions(Passes = 3, BatchRows = 256)) 55UL 2
            Expect.notEqual other.Errors whole.Errors "another key gives other draws"

        testCase "conv models use per-batch sampling; per-example is refused for them" <| fun () ->
            let s = spec "conv" [ Conv2dSpec(4, 4, 1, 2, 3, 1, 1, Activation.Relu); FlattenSpec(4, 4, 2); DenseSpec(32, 3) ]
            let mean = gaussians 61UL s 0.5 0.0
            let std = uniforms 62UL s 0.1 0.3
            let data = randomData 63UL 30 16 3
            let e = estimate s mean std data (GibbsOptions(Passes = 2, BatchRows = 8)) 64UL 1
            Expect.equal e.Sampling GibbsSampling.PerBatch "Auto on a conv model"
            Expect.equal e.Terms 8L "⌈30/8⌉ = 4 batches × 2 passes"
            let ex = thrown (fun () -> estimate s mean std data (GibbsOptions(Sampling = GibbsSampling.PerExample)) 64UL 1 |> ignore)
            Expect.stringContains ex.Message "PerExample" "names the option value"
            Expect.stringContains ex.Message "conv 4×4×1→4×4×2" "names the layer"

        testCase "progress once per pass; cancellation stops the estimate" <| fun () ->
            let mean, std, data, _ = linearCase ()
            let seen = Collections.Generic.List<int>()
            let progress = { new IProgress<int> with member _.Report p = seen.Add p }
            GibbsError.Estimate(linear, mean, std, data, GibbsOptions(Passes = 4), RngKey.FromSeed 1UL, 1, progress) |> ignore
            Expect.sequenceEqual seen [ 1; 2; 3; 4 ] "passes reported in order"
            use cts = new CancellationTokenSource()
            cts.Cancel()
            for sampling in [ GibbsSampling.PerExample; GibbsSampling.PerBatch ] do
                throwsOf<OperationCanceledException> (fun () ->
                    GibbsError.Estimate(linear, mean, std, data, GibbsOptions(Sampling = sampling), RngKey.FromSeed 1UL, 1, null, cts.Token) |> ignore)
                    "a cancelled token" |> ignore

        testCase "bad inputs name the argument, the value and what is allowed" <| fun () ->
            let mean, std, data, _ = linearCase ()
            let o = GibbsOptions()
            let withStd k i (v: float32) = std |> Array.mapi (fun kk a -> if kk = k then (let c = Array.copy a in c[i] <- v; c) else a)
            let withMean k i (v: float32) = mean |> Array.mapi (fun kk a -> if kk = k then (let c = Array.copy a in c[i] <- v; c) else a)
            let regression = Dataset("reg", data.Inputs, null, Matrix<float32>(data.Count, 1), 0)
            let cases : (string * (unit -> GibbsEstimate) * string list) list =
                [ "σ < 0", (fun () -> estimate linear mean (withStd 0 2 -0.1f) data o 1UL 1), [ "std"; "W1"; "element 2"; "-0.1"; "finite σ ≥ 0" ]
                  "σ NaN", (fun () -> estimate linear mean (withStd 1 0 nanf) data o 1UL 1), [ "std"; "b1"; "NaN"; "finite σ ≥ 0" ]
                  "σ ∞", (fun () -> estimate linear mean (withStd 0 0 infinityf) data o 1UL 1), [ "std"; "W1"; "element 0"; "finite σ ≥ 0" ]
                  "μ NaN", (fun () -> estimate linear (withMean 0 1 nanf) std data o 1UL 1), [ "mean"; "W1"; "NaN"; "finite" ]
                  "missing tensor", (fun () -> estimate linear mean (Array.take 1 std) data o 1UL 1), [ "std"; "1 arrays"; "allowed: 2"; "W1, b1" ]
                  "wrong length", (fun () -> estimate linear (Array.append [| Array.zeroCreate 4 |] (Array.skip 1 mean)) std data o 1UL 1), [ "mean[0]"; "4 values"; "allowed: 5" ]
                  "regression data", (fun () -> estimate linear mean std regression o 1UL 1), [ "data"; "regression"; "classification" ]
                  "input width", (fun () -> estimate linear mean std (randomData 5UL 10 4 2) o 1UL 1), [ "data"; "4 input features"; "allowed: 5" ]
                  "classes", (fun () -> estimate linear mean std (randomData 5UL 10 5 3) o 1UL 1), [ "data"; "3 classes"; "1 output" ]
                  "passes 0", (fun () -> estimate linear mean std data (GibbsOptions(Passes = 0)) 1UL 1), [ "Passes"; "0"; "allowed: 1" ]
                  "batch rows 0", (fun () -> estimate linear mean std data (GibbsOptions(BatchRows = 0)) 1UL 1), [ "BatchRows"; "0"; "allowed: 1" ]
                  "cache -1", (fun () -> estimate linear mean std data (GibbsOptions(CacheMegabytes = -1)) 1UL 1), [ "CacheMegabytes"; "-1"; "allowed: 0" ]
                  "sampling 7", (fun () -> estimate linear mean std data (GibbsOptions(Sampling = enum<GibbsSampling> 7)) 1UL 1), [ "Sampling"; "7"; "PerExample" ]
                  "threads -1", (fun () -> estimate linear mean std data o 1UL -1), [ "threads"; "-1"; "allowed: 0" ] ]
            for name, f, parts in cases do
                let ex = thrown (fun () -> f () |> ignore)
                Expect.isTrue (ex :? ArgumentException) (sprintf "%s: an ArgumentException, got %s" name (ex.GetType().Name))
                for p in parts do
                    Expect.stringContains ex.Message p (sprintf "%s: message %s" name ex.Message)
    ]
