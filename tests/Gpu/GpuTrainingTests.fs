/// Training on the GPU backend against the CPU backend, same seed: the whole run loop (init, minibatch gathering,
/// forward, backward, every algorithm's update, keyed noise, evaluation) through GpuBackend's kernels on ILGPU's CPU
/// accelerator. The two backends round differently (GEMM summation order, transcendental functions), so weights agree
/// within stated tolerances, not bit for bit; the Langevin noise itself is bit-identical (Gpu.Optimizer tests).
module BoundLab.Gpu.Tests.GpuTrainingTests

open Expecto
open BoundLab.Gpu
open BoundLab.Numerics
open BoundLab.Numerics.Backends
open BoundLab.Numerics.Data
open BoundLab.Numerics.Losses
open BoundLab.Numerics.Models
open BoundLab.Numerics.Optimizers
open BoundLab.Numerics.Training
open BoundLab.Numerics.Tests.TestUtil
open BoundLab.Gpu.Tests.TestUtil

let private mlp (arch: string) = ModelSpec.FromMlp(MlpSpec.Parse arch)

/// A small CNN on 8×8×1 images: conv 1→3 3×3 pad 1 + ReLU → max-pool 2 → conv 3→4 3×3 + ReLU → avg-pool 2 → flatten → dense 4→4.
let private tinyCnn =
    let layers: Models.Layers.LayerSpec[] =
        [| Models.Layers.Conv2dSpec(8, 8, 1, 3, Kernel = 3, Stride = 1, Padding = 1, Activation = Activation.Relu, Bias = true)
           Models.Layers.PoolSpec(Models.Layers.PoolKind.Max, 8, 8, 3, Kernel = 2, Stride = 2)
           Models.Layers.Conv2dSpec(4, 4, 3, 4, Kernel = 3, Stride = 1, Padding = 0, Activation = Activation.Relu, Bias = true)
           Models.Layers.PoolSpec(Models.Layers.PoolKind.Average, 2, 2, 4, Kernel = 2, Stride = 2)
           Models.Layers.FlattenSpec(1, 1, 4)
           Models.Layers.DenseSpec(4, 4, Activation.Identity, true) |]
    ModelSpec("tiny-cnn", layers)

let private config model loss (algorithm: AlgorithmOptions) lr batch epochs =
    TrainConfig(model, loss, algorithm, Schedule(ScheduleKind.Constant, lr), batch, epochs, 5UL, Threads = 1, RecordSteps = true)

/// Runs the same config on the CPU backend and on the simulator; returns both results.
let private both (cfg: TrainConfig) (split: DataSplit) =
    let cpu = Trainer(cfg, split, CpuBackend(1)).Run()
    let gpu = Trainer(cfg, split, simulator ()).Run()
    cpu, gpu

/// Every parameter within `tol`·(1 + |w_cpu|) of the CPU run's; every epoch's losses within `tol` relative.
let private agree (tol: float) (cpu: TrainResult) (gpu: TrainResult) =
    let a, b = cpu.Model.FlatValues(), gpu.Model.FlatValues()
    Expect.equal b.Length a.Length "parameter count"
    let worst = Array.map2 (fun (x: float) y -> abs (x - y) / (1.0 + abs x)) a b |> Array.max
    Expect.isLessThanOrEqual worst tol (sprintf "largest parameter difference %.3g (allowed %.3g)" worst tol)
    for c, g in Seq.zip cpu.History gpu.History do
        Expect.floatClose { absolute = tol; relative = tol } g.TrainLoss c.TrainLoss (sprintf "epoch %d train loss" c.Epoch)
        Expect.floatClose { absolute = tol; relative = tol } g.TestLoss c.TestLoss (sprintf "epoch %d test loss" c.Epoch)
        // Classification: the same number of misclassified points; regression: the squared error, within tol.
        Expect.floatClose { absolute = tol; relative = tol } g.TrainError c.TrainError (sprintf "epoch %d train error" c.Epoch)
    for c, g in Seq.zip cpu.Steps gpu.Steps do
        Expect.floatClose { absolute = tol; relative = tol } g.Loss c.Loss (sprintf "step %d loss" c.Step)

[<Tests>]
let tests =
    let blobsSplit = DataSplit(blobs 1UL 96 12 3, blobs 2UL 48 12 3)
    testSequenced <| testList "Gpu.Training" [
        testCase "SGD with momentum and weight decay: the simulator's run equals the CPU's within 1e-5" <| fun () ->
            let cpu, gpu = both (config (mlp "12-16-8-3") LossKind.CrossEntropy (SgdOptions(0.9, 1e-4)) 0.05 16 2) blobsSplit
            agree 1e-5 cpu gpu
        testCase "SGLD: same keyed noise on both backends, weights within 1e-5 after 12 steps" <| fun () ->
            let cpu, gpu = both (config (mlp "12-16-8-3") LossKind.CrossEntropy (SgldOptions(1e4, 1e-4)) 0.02 16 2) blobsSplit
            agree 1e-5 cpu gpu
        testCase "full-batch GD and perturbed GD agree within 1e-5" <| fun () ->
            for algorithm in [ GdOptions(0.5, 0.0) :> AlgorithmOptions; PgdOptions(0.05, 10.0, 2, 1e-9) ] do
                let cpu, gpu = both (config (mlp "12-8-3") LossKind.CrossEntropy algorithm 0.1 96 4) blobsSplit
                agree 1e-5 cpu gpu
        testCase "regression with the squared loss and tanh units agrees within 1e-5" <| fun () ->
            let data = linearRegression 5UL 64 6
            let split = DataSplit(data, data)
            let model = ModelSpec.FromMlp(MlpSpec([| 6; 10; 1 |], Activation.Tanh, true))
            let cpu, gpu = both (config model LossKind.Squared (SgdOptions(0.0, 0.0)) 0.05 16 2) split
            agree 1e-5 cpu gpu
        testCase "a small CNN (conv, max and average pooling, flatten) agrees within 1e-5" <| fun () ->
            let split = DataSplit(blobs 3UL 32 64 4, blobs 4UL 16 64 4)
            let cpu, gpu = both (config tinyCnn LossKind.CrossEntropy (SgdOptions(0.9, 0.0)) 0.05 8 1) split
            agree 1e-5 cpu gpu
    ]
