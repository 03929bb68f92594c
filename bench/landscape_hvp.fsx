// Issue 7 item 4, performance sanity: one exact Hessian-vector product (R-operator, float64) of the 784-512-512-10
// ReLU MLP over 1000 MNIST training samples against one gradient of the same objective — the float64 gradient by the
// same code (no R-pass) and the float32 gradient of the training path (Objective.Full on CpuBackend). Expected ratio
// H v / float64 gradient ≈ 2 (the R-passes roughly double the products). Needs MNIST cached (boundlab data mnist)
// and a Release build: dotnet build src/Cli -c Release; then: dotnet fsi bench/landscape_hvp.fsx [threads=2] [reps=3]
#r "../src/Cli/bin/Release/net10.0/BoundLab.Numerics.dll"
#r "../src/Cli/bin/Release/net10.0/System.Numerics.Tensors.dll"
open System
open System.Diagnostics
open BoundLab.Numerics
open BoundLab.Numerics.Backends
open BoundLab.Numerics.Data
open BoundLab.Numerics.Landscape
open BoundLab.Numerics.Losses
open BoundLab.Numerics.Models
open BoundLab.Numerics.Random
open BoundLab.Numerics.Training

let args = fsi.CommandLineArgs |> Array.skip 1
let threads = if args.Length > 0 then int args[0] else 2
let reps = if args.Length > 1 then int args[1] else 3
let cpu = IO.File.ReadLines "/proc/cpuinfo" |> Seq.tryFind (fun l -> l.StartsWith "model name") |> Option.defaultValue "?"
printfn "%s; %d threads, %d repetitions (median)" cpu threads reps
let data = (Datasets.Load(DataOptions("mnist", TrainSize = Nullable 1000))).Train
let spec = ModelSpec.FromMlp(MlpSpec.Parse("784-512-512-10", Activation.Relu, true))
let backend = CpuBackend(threads)
let model = Model<float32>.Create(spec, backend, RngKey.FromSeed 1UL)
let objective = Objective<float32>(model, backend.Upload data, LossKind.CrossEntropy)
let hessian = HessianVectorProduct.Create(model, data, LossKind.CrossEntropy, threads = threads)
let median name (f: unit -> unit) =
    f ()
    let times = Array.init reps (fun _ -> let sw = Stopwatch.StartNew() in f (); sw.Elapsed.TotalSeconds) |> Array.sort
    let t = times[reps / 2]
    printfn "%-52s %8.3f s" name t
    t
let g32 = median "gradient, float32 (Objective.Full, CpuBackend)" (fun () -> objective.Full(1000, true) |> ignore)
let buffer = Array.zeroCreate hessian.Dimension
let g64 = median "gradient, float64 (HessianVectorProduct.Gradient)" (fun () -> hessian.Gradient(Span buffer) |> ignore)
let v = Array.init hessian.Dimension (fun i -> sin (float i))
let hv = median "H v, float64 (HessianVectorProduct.Apply)" (fun () -> hessian.Apply(ReadOnlySpan v, Span buffer))
printfn "H v / float64 gradient = %.2f×; H v / float32 gradient = %.2f×" (hv / g64) (hv / g32)
