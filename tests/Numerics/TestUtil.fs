/// Helpers shared by the Numerics tests.
module BoundLab.Numerics.Tests.TestUtil

open System
open System.IO
open BoundLab.Numerics.Random
open BoundLab.Numerics.Tensors

/// Anchor type so the runner can find this assembly.
type Marker = class end

/// The repository root: the nearest folder above the test binaries that holds BoundLab.slnx.
let repoRoot =
    lazy
        (let rec up (dir: DirectoryInfo) =
            if isNull dir then failwithf "no BoundLab.slnx above %s" AppContext.BaseDirectory
            elif File.Exists(Path.Combine(dir.FullName, "BoundLab.slnx")) then dir.FullName
            else up dir.Parent
         up (DirectoryInfo AppContext.BaseDirectory))

/// A folder under tests/fixtures.
let fixtureDir (name: string) = Path.Combine(repoRoot.Value, "tests", "fixtures", name)

/// A fresh empty temporary folder, deleted (with its content) on Dispose.
type TempDir() =
    let path = Directory.CreateTempSubdirectory("boundlab-test-").FullName
    /// The folder's full path.
    member _.Path = path
    interface IDisposable with
        member _.Dispose() = if Directory.Exists path then Directory.Delete(path, true)

/// Runs f and returns the exception of type 'E it throws (Expecto's throwsT does not return it),
/// so a test can check the message; fails when nothing or something else is thrown.
let throwsOf<'E when 'E :> exn> (f: unit -> unit) (what: string) : 'E =
    let caught =
        try
            f ()
            None
        with
        | :? 'E as e -> Some e
        | e -> Expecto.Tests.failtestf "%s: expected %s, got %s: %s" what typeof<'E>.Name (e.GetType().Name) e.Message
    match caught with
    | Some e -> e
    | None -> Expecto.Tests.failtestf "%s: expected %s, nothing was thrown" what typeof<'E>.Name

/// The exception f throws, of any type (fails the test when it throws none).
let thrown (f: unit -> unit) : exn = throwsOf<exn> f "expected an exception"

/// A matrix of N(0, std²) draws from a fixed seed.
let randomMatrix (seed: uint64) rows cols (std: float) : Matrix<float> =
    let s = (RngKey.FromSeed seed).Stream()
    Matrix<float>(rows, cols, Array.init (rows * cols) (fun _ -> std * s.NextGaussian()))

/// The same as float32.
let randomMatrix32 seed rows cols std : Matrix<float32> =
    (randomMatrix seed rows cols std).Convert<float32>()

/// Largest |a_i − b_i| / (atol + rtol·|b_i|) — ≤ 1 means "close".
let relErr (atol: float) (rtol: float) (a: float[]) (b: float[]) =
    Array.fold2 (fun m (x: float) (y: float) -> max m (abs (x - y) / (atol + rtol * abs y))) 0.0 a b

open BoundLab.Numerics.Data

/// A k-class Gaussian blob problem (class c centred at 5·e_c; Bayes error ≈ 3·Φ(−5/√2) ≈ 0.06%), for fast training tests.
let blobs (seed: uint64) (n: int) (d: int) (k: int) : Dataset =
    let s = (RngKey.FromSeed seed).Stream()
    let labels = Array.init n (fun i -> i % k)
    let x = Matrix<float32>(n, d)
    for i in 0 .. n - 1 do
        for j in 0 .. d - 1 do
            let centre = if j = labels[i] then 5.0 else 0.0
            x[i, j] <- float32 (centre + s.NextGaussian())
    Dataset(sprintf "blobs-%d" seed, x, labels, null, k)

/// A linear regression problem y = X·w* + small noise.
let linearRegression (seed: uint64) (n: int) (d: int) : Dataset =
    let s = (RngKey.FromSeed seed).Stream()
    let w = Array.init d (fun _ -> s.NextGaussian())
    let x = Matrix<float32>(n, d)
    let y = Matrix<float32>(n, 1)
    for i in 0 .. n - 1 do
        let mutable acc = 0.0
        for j in 0 .. d - 1 do
            let v = s.NextGaussian()
            x[i, j] <- float32 v
            acc <- acc + v * w[j]
        y[i, 0] <- float32 (acc + 0.01 * s.NextGaussian())
    Dataset(sprintf "linreg-%d" seed, x, null, y, 0)

/// Gaussian elimination with partial pivoting (float64), for small reference solutions in tests.
module MathNetFreeSolve =
    let solve (a: float[,]) (b: float[]) =
        let n = b.Length
        let m = Array2D.copy a
        let v = Array.copy b
        for col in 0 .. n - 1 do
            let pivot = [ col .. n - 1 ] |> List.maxBy (fun r -> abs m[r, col])
            for j in 0 .. n - 1 do
                let t = m[col, j]
                m[col, j] <- m[pivot, j]
                m[pivot, j] <- t
            let t = v[col]
            v[col] <- v[pivot]
            v[pivot] <- t
            for r in col + 1 .. n - 1 do
                let f = m[r, col] / m[col, col]
                for j in col .. n - 1 do
                    m[r, j] <- m[r, j] - f * m[col, j]
                v[r] <- v[r] - f * v[col]
        let x = Array.zeroCreate n
        for r in n - 1 .. -1 .. 0 do
            let s = Seq.sum (seq { for j in r + 1 .. n - 1 -> m[r, j] * x[j] })
            x[r] <- (v[r] - s) / m[r, r]
        x

/// Helpers for models on a backend: host matrices in, host arrays out.
module ModelTest =
    open BoundLab.Numerics.Backends
    open BoundLab.Numerics.Losses
    open BoundLab.Numerics.Models

    /// Labels or targets of a batch, uploaded to the backend.
    let truth (backend: Backend<'T>) (labels: int[]) (targets: Matrix<'T>) =
        let l =
            if isNull labels then null
            else
                let t = backend.AllocateIndices labels.Length
                backend.UploadIndices(ReadOnlySpan labels, t)
                t
        BatchTargets<'T>(l, (if isNull targets then null else backend.FromMatrix targets))

    /// The model's outputs for host inputs, as a host matrix.
    let forward (net: Model<'T>) (x: Matrix<'T>) = net.Backend.ToMatrix(net.Forward(net.Backend.FromMatrix x))

    /// Mean loss of the model on a host batch.
    let loss (net: Model<'T>) kind (x: Matrix<'T>) labels targets =
        let b = net.Backend
        b.Loss(kind, net.Forward(b.FromMatrix x), truth b labels targets, null)

    /// Forward, loss gradient and backward on a host batch; returns the loss (gradients are in the model).
    let lossAndGradient (net: Model<'T>) kind (x: Matrix<'T>) labels targets =
        let b = net.Backend
        let out = net.Forward(b.FromMatrix x)
        let g = b.Allocate(out.Rows, out.Cols)
        let v = b.Loss(kind, out, truth b labels targets, g)
        net.Backward g |> ignore
        v

    /// Sets every bias (parameters named b…) to 0.1·(i + 1)·(−1)^i so kinks sit away from the origin.
    let setBiases (net: Model<'T>) =
        for p in net.Parameters do
            if p.Name.StartsWith "b" then
                let v = Array.init p.Length (fun i -> 'T.CreateChecked(0.1 * float (i + 1) * (if i % 2 = 0 then 1.0 else -1.0)))
                net.Backend.Upload(ReadOnlySpan v, p.Value)

    /// Central finite differences (h = 1e-6) of the mean loss on every parameter vs the analytic gradient, float64:
    /// the worst |numeric − analytic| / (1e-6 + 1e-5·|numeric|) (≤ 1 passes).
    let gradCheck (net: Model<float>) kind (x: Matrix<float>) labels targets =
        lossAndGradient net kind x labels targets |> ignore
        let analytic = net.FlatGradients()
        let theta = net.FlatValues()
        let h = 1e-6
        let mutable worst = 0.0
        for i in 0 .. theta.Length - 1 do
            let orig = theta[i]
            theta[i] <- orig + h
            net.SetFlatValues(ReadOnlySpan theta)
            let up = loss net kind x labels targets
            theta[i] <- orig - h
            net.SetFlatValues(ReadOnlySpan theta)
            let down = loss net kind x labels targets
            theta[i] <- orig
            let numeric = (up - down) / (2.0 * h)
            worst <- max worst (abs (numeric - analytic[i]) / (1e-6 + 1e-5 * abs numeric))
        net.SetFlatValues(ReadOnlySpan theta)
        worst

/// The posterior step's gradient check, shared by the weight-sampling and the local-reparameterization tests.
module PosteriorCheck =
    open Expecto
    open BoundLab.Numerics.Stochastic
    open BoundLab.Numerics.Backends

    /// ∂F/∂μ, ∂F/∂ρ and ∂F/∂θ of <c>step</c> on <c>batch</c> at its current (fixed) noise against float64 central
    /// differences (h = 1e-5; |analytic − numeric| ≤ 1e-7 + 1e-6·|numeric|); returns the evaluation and Σ(∂F/∂μ)², Σ(∂F/∂ρ)².
    let finiteDifferences (step: PosteriorStep<float>) (batch: Batch<float>) =
        let e = step.Evaluate(batch)
        let gradMu = step.GradMu |> Array.map Array.copy
        let gradRho = step.GradRho |> Array.map Array.copy
        let gradScalars = Array.copy step.ScalarGradient
        let value () = step.Evaluate(batch, false).Objective.Value
        let h = 1e-5
        let fd (arr: float[]) i =
            let x = arr[i]
            arr[i] <- x + h
            let up = value ()
            arr[i] <- x - h
            let down = value ()
            arr[i] <- x
            (up - down) / (2.0 * h)
        let close what (analytic: float) (numeric: float) =
            let tol = 1e-7 + 1e-6 * abs numeric
            Expect.isLessThanOrEqual (abs (analytic - numeric)) tol (sprintf "%s: analytic %.12g vs finite difference %.12g" what analytic numeric)
        for k in 0 .. step.Mu.Length - 1 do
            for i in 0 .. step.Mu[k].Length - 1 do
                close $"∂F/∂μ[{k}][{i}]" gradMu.[k].[i] (fd step.Mu.[k] i)
                close $"∂F/∂ρ[{k}][{i}]" gradRho.[k].[i] (fd step.Rho.[k] i)
        for j in 0 .. step.Scalars.Length - 1 do
            close $"∂F/∂θ[{j}]" gradScalars.[j] (fd step.Scalars j)
        let sq (g: float[][]) = g |> Array.sumBy (Array.sumBy (fun x -> x * x))
        e, sq gradMu, sq gradRho
