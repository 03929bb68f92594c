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
