module BoundLab.Numerics.Tests.Training.TrainerTests

open System
open System.IO
open Expecto
open BoundLab.Numerics
open BoundLab.Numerics.Data
open BoundLab.Numerics.Losses
open BoundLab.Numerics.Models
open BoundLab.Numerics.Optimizers
open BoundLab.Numerics.Training
open BoundLab.Numerics.Tests.TestUtil

let private split = DataSplit(blobs 1UL 600 20 4, blobs 2UL 300 20 4)

/// The options the CLI would build for `--optimizer opt --weight-decay 1e-4 --beta 1e5` (β only for sgld).
let private algorithm (opt: string) : AlgorithmOptions =
    match opt with
    | "sgd" -> SgdOptions(0.9, 1e-4)
    | "gd" -> GdOptions(0.9, 1e-4)
    | "sgld" -> SgldOptions(1e5, 1e-4)
    | _ -> PgdOptions()

let private mlp (arch: string) = ModelSpec.FromMlp(MlpSpec.Parse arch)

let private configFull (opt: string) epochs threads seed lr loss (arch: string) =
    TrainConfig(mlp arch, loss, algorithm opt,
                Schedule(ScheduleKind.Constant, lr), 32, epochs, seed, Threads = threads, RecordSteps = true)

let private config opt epochs threads =
    configFull opt epochs threads 17UL 0.05 LossKind.CrossEntropy "20-32-16-4"

let private tempDir () =
    let d = Path.Combine(Path.GetTempPath(), "boundlab-test-" + Guid.NewGuid().ToString("N"))
    Directory.CreateDirectory d |> ignore
    d

[<Tests>]
let tests =
    testList "Numerics.Training" [
        for opt in [ "sgd"; "sgld"; "gd" ] do
            testCase (sprintf "%s: bit-identical weights with 1 and 2 threads" opt) <| fun () ->
                let a = Trainer(config opt 2 1, split).Run()
                let b = Trainer(config opt 2 2, split).Run()
                Expect.equal (ModelFile.Sha256 a.Model) (ModelFile.Sha256 b.Model) "same seed, any thread count"

        testCase "sgd learns the blobs (test error < 2%) and records every step" <| fun () ->
            let r = Trainer(config "sgd" 3 2, split).Run()
            let last = r.History[r.History.Count - 1]
            Expect.isLessThan last.TestError 0.02 (sprintf "test error %.3f" last.TestError)
            Expect.equal r.Steps.Count (3 * 19) "600/32 → 19 steps per epoch"
            Expect.isTrue (r.Steps |> Seq.forall (fun s -> s.GradNormSquared > 0.0)) "gradient norms recorded"

        testCase "resume from a checkpoint is bit-identical to an uninterrupted run" <| fun () ->
            let dir = tempDir ()
            try
                let straight = Trainer(config "sgld" 3 2, split).Run()
                let ck = Checkpoint(Path.Combine(dir, "ck"))
                Trainer(config "sgld" 1 2, split).Run(checkpoint = ck) |> ignore
                let resumed = Trainer(config "sgld" 3 2, split).Run(checkpoint = ck, resume = true)
                Expect.equal (ModelFile.Sha256 resumed.Model) (ModelFile.Sha256 straight.Model) "same weights"
                Expect.equal resumed.History.Count 3 "history carried over"
                Expect.equal resumed.Steps.Count straight.Steps.Count "trajectory carried over"
            finally Directory.Delete(dir, true)

        for opt in [ "sgd"; "gd"; "pgd" ] do
            testCase (sprintf "%s: resume from a checkpoint is bit-identical to an uninterrupted run" opt) <| fun () ->
                let dir = tempDir ()
                try
                    // pgd with thresholds that make it perturb and test its anchor inside the run (radius 0.05, g_thres large).
                    let cfg epochs =
                        let c = config opt epochs 1
                        if opt = "pgd" then
                            TrainConfig(c.Model, c.Loss, PgdOptions(0.05, 10.0, 2, 1e-9), c.Schedule, c.BatchSize, epochs, c.Seed, Threads = 1, RecordSteps = true)
                        else c
                    let straight = Trainer(cfg 6, split).Run()
                    let ck = Checkpoint(Path.Combine(dir, "ck"))
                    Trainer(cfg 3, split).Run(checkpoint = ck) |> ignore
                    let resumed = Trainer(cfg 6, split).Run(checkpoint = ck, resume = true)
                    Expect.equal (ModelFile.Sha256 resumed.Model) (ModelFile.Sha256 straight.Model) "same weights"
                    Expect.equal resumed.StoppedEarly straight.StoppedEarly "same stopping decision"
                    Expect.equal [ for h in resumed.History -> h.TrainLoss ] [ for h in straight.History -> h.TrainLoss ] "same losses"
                finally Directory.Delete(dir, true)

        testCase "resume refuses a checkpoint of another run" <| fun () ->
            let dir = tempDir ()
            try
                let ck = Checkpoint(Path.Combine(dir, "ck"))
                Trainer(config "sgd" 1 1, split).Run(checkpoint = ck) |> ignore
                let other = configFull "sgd" 2 1 99UL 0.05 LossKind.CrossEntropy "20-32-16-4"
                let e = throwsOf<ArgumentException> (fun () -> Trainer(other, split).Run(checkpoint = ck, resume = true) |> ignore) "expected error"
                Expect.stringContains e.Message "another run" "explains the mismatch"
            finally Directory.Delete(dir, true)

        testCase "full-batch GD on least squares converges to the normal-equation solution" <| fun () ->
            let data = linearRegression 5UL 200 3
            let cfg = TrainConfig(ModelSpec.FromMlp(MlpSpec([| 3; 1 |], Activation.Identity, false)), LossKind.Squared,
                                  GdOptions(0.0, 0.0), Schedule(ScheduleKind.Constant, 0.3), 64, 200, 1UL)
            let r = Trainer(cfg, DataSplit(data, data)).Run()
            // Normal equations (XᵀX) w = Xᵀy solved in float64.
            let x = data.Inputs.Convert<float>()
            let y = data.Targets.Convert<float>()
            let xtx = Array2D.init 3 3 (fun i j -> Seq.sum (seq { for r in 0 .. 199 -> x[r, i] * x[r, j] }))
            let xty = Array.init 3 (fun i -> Seq.sum (seq { for r in 0 .. 199 -> x[r, i] * y[r, 0] }))
            let m = MathNetFreeSolve.solve xtx xty
            let w = (r.Model.Values())[0] |> Array.map float
            for i in 0 .. 2 do
                Expect.floatClose { absolute = 1e-4; relative = 1e-4 } w[i] m[i] (sprintf "w[%d]" i)
            let losses = r.History |> Seq.map (fun h -> h.TrainLoss) |> Array.ofSeq
            Expect.isTrue (Array.pairwise losses |> Array.forall (fun (a, b) -> b <= a + 1e-7)) "GD loss is non-increasing at η < 2/ℓ"

        testCase "perturbed GD escapes the saddle at zero weights where GD stays" <| fun () ->
            let data = linearRegression 6UL 100 4
            let cfg (opt: string) =
                TrainConfig(ModelSpec.FromMlp(MlpSpec([| 4; 8; 1 |], Activation.Tanh, false)), LossKind.Squared,
                            (if opt = "gd" then GdOptions(0.0, 0.0) :> AlgorithmOptions else PgdOptions(0.1, 1e-3, 20, 1e-4)),
                            Schedule(ScheduleKind.Constant, 0.05), 100, 60, 3UL, Init = Initialization.Gaussian, InitStd = 1e-30)
            let gd = Trainer(cfg "gd", DataSplit(data, data)).Run()
            let pgd = Trainer(cfg "pgd", DataSplit(data, data)).Run()
            let first = gd.History[0].TrainLoss
            Expect.floatClose { absolute = 1e-9; relative = 1e-6 } gd.History[gd.History.Count - 1].TrainLoss first "GD sits at the saddle"
            Expect.isLessThan (pgd.History[pgd.History.Count - 1].TrainLoss) (0.5 * first) "PGD escapes and descends"

        testCase "divergence stops with the epoch and step" <| fun () ->
            let cfg = configFull "sgd" 2 1 17UL 1e6 LossKind.Squared "20-32-16-4"
            let e = throwsOf<TrainingDivergedException> (fun () -> Trainer(cfg, split).Run() |> ignore) "expected error"
            Expect.stringContains e.Message "epoch 1, step" "names where"

        testCase "an architecture that does not fit the data names both sizes" <| fun () ->
            let cfg = configFull "sgd" 1 1 17UL 0.05 LossKind.CrossEntropy "784-10-4"
            let e = throwsOf<ArgumentException> (fun () -> Trainer(cfg, split) |> ignore) "expected error"
            Expect.stringContains e.Message "784" "the arch's input"
            Expect.stringContains e.Message "20 features" "the data's width"

        testCase "weights file round-trips and a truncated file is rejected" <| fun () ->
            let dir = tempDir ()
            try
                let r = Trainer(config "sgd" 1 1, split).Run()
                let path = Path.Combine(dir, "w.bin")
                ModelFile.Save(r.Model, path)
                let back = ModelFile.Load path
                Expect.equal (ModelFile.Sha256 back) (ModelFile.Sha256 r.Model) "same parameters"
                Expect.equal back.Spec.Name "20-32-16-4" "same architecture"
                Expect.equal back.Spec r.Model.Spec "same layers"
                let bytes = File.ReadAllBytes path
                File.WriteAllBytes(path, bytes[0 .. bytes.Length - 5])
                let e = throwsOf<InvalidDataException> (fun () -> ModelFile.Load path |> ignore) "expected error"
                Expect.stringContains e.Message path "names the file"
            finally Directory.Delete(dir, true)
    ]

let private noState = AlgorithmState("sgd", [], Collections.Generic.Dictionary<string, float>())

let private state (fp: RunFingerprint) (history: EpochRecord list) =
    CheckpointState(fp, history.Length, 0L, 0.0, 0L, history, [])

[<Tests>]
let checkpointTests =
    testList "Numerics.Training.Checkpoint" [
        testCase "resume with other data options is refused naming each differing field" <| fun () ->
            let dir = tempDir ()
            try
                let ck = Checkpoint(Path.Combine(dir, "ck"))
                let opts (noise: float) (seed: uint64) (size: int) (dataDir: string) =
                    DataOptions("blobs", dataDir, Nullable size, Nullable(), noise, seed)
                Trainer(config "sgd" 1 1, split, dataOptions = opts 0.2 17UL 600 null).Run(checkpoint = ck) |> ignore
                for changed, field in
                    [ opts 0.5 17UL 600 null, "Data.LabelNoise"; opts 0.2 18UL 600 null, "Data.Seed"
                      opts 0.2 17UL 500 null, "Data.TrainSize"; opts 0.2 17UL 600 "/elsewhere", "Data.DataDir" ] do
                    let e = throwsOf<CheckpointMismatchException> (fun () ->
                                Trainer(config "sgd" 2 1, split, dataOptions = changed).Run(checkpoint = ck, resume = true) |> ignore) field
                    Expect.equal [ for d in e.Differences -> d.Name ] [ field ] "exactly the changed field"
                    Expect.stringContains e.Message field "the message names it"
            finally Directory.Delete(dir, true)

        testCase "resume with fewer epochs than the checkpoint holds is refused" <| fun () ->
            let dir = tempDir ()
            try
                let ck = Checkpoint(Path.Combine(dir, "ck"))
                Trainer(config "sgd" 2 1, split).Run(checkpoint = ck) |> ignore
                let e = throwsOf<ArgumentException> (fun () -> Trainer(config "sgd" 1 1, split).Run(checkpoint = ck, resume = true) |> ignore) "expected"
                Expect.stringContains e.Message "--epochs 1 is fewer than the 2 epochs" "names the option and both counts"
            finally Directory.Delete(dir, true)

        testCase "resume on data whose content changed is refused (TrainData)" <| fun () ->
            let dir = tempDir ()
            try
                let ck = Checkpoint(Path.Combine(dir, "ck"))
                Trainer(config "sgd" 1 1, split).Run(checkpoint = ck) |> ignore
                let labels = Array.copy split.Train.Labels
                labels[0] <- (labels[0] + 1) % 4
                let other = DataSplit(Dataset(split.Train.Name, split.Train.Inputs, labels, null, 4), split.Test)
                let e = throwsOf<CheckpointMismatchException> (fun () -> Trainer(config "sgd" 2 1, other).Run(checkpoint = ck, resume = true) |> ignore) "expected"
                Expect.equal [ for d in e.Differences -> d.Name ] [ "TrainData" ] "only the content differs"
            finally Directory.Delete(dir, true)

        testCase "every config field is in the fingerprint (a changed optimizer field is named)" <| fun () ->
            let a = RunFingerprint.Of(config "sgd" 1 1, split, null)
            let c = TrainConfig(mlp "20-32-16-4", LossKind.CrossEntropy, SgdOptions(0.9, 0.5),
                                Schedule(ScheduleKind.Constant, 0.05), 32, 1, 17UL, Threads = 1, RecordSteps = true)
            Expect.equal [ for d in RunFingerprint.Of(c, split, null).Compare a -> d.Name ] [ "Algorithm.WeightDecay" ] "named"
            Expect.isEmpty (RunFingerprint.Of(config "sgd" 5 2, split, null).Compare a) "threads and epochs do not change the result"
            Expect.isTrue (a.Fields |> Seq.exists (fun f -> f.Name = "Numerics")) "the numerics build"

        testCase "the fingerprint covers list-valued algorithm options element by element (ADMM's β) and the layers" <| fun () ->
            let admm (b2: float) =
                TrainConfig(mlp "20-8-4", LossKind.Squared,
                            BoundLab.Numerics.Optimizers.Admm.AdmmAlgorithmOptions(BoundLab.Numerics.Models.Layers.SpecList<float>([ 1.0; b2 ]), 1e-6),
                            Schedule(ScheduleKind.Constant, 1.0), 32, 1, 1UL)
            let names (a: TrainConfig) (b: TrainConfig) = [ for d in RunFingerprint.Of(a, split, null).Compare(RunFingerprint.Of(b, split, null)) -> d.Name ]
            Expect.equal (names (admm 2.0) (admm 1.0)) [ "Algorithm.Beta" ] "β₂ changed"
            Expect.isEmpty (names (admm 1.0) (admm 1.0)) "same β, same fingerprint"
            let resmlp (w: int) = TrainConfig(ModelSpec.ResMlp(20, w, 2, 4), LossKind.CrossEntropy, SgdOptions(), Schedule(ScheduleKind.Constant, 0.1), 32, 1, 1UL)
            Expect.equal (names (resmlp 8) (resmlp 16)) [ "Model.Name"; "Model" ] "a named model: its name and its layers"

        testCase "divergence right after a full-batch step stops before any checkpoint is written" <| fun () ->
            let dir = tempDir ()
            try
                let ck = Checkpoint(Path.Combine(dir, "ck"))
                let cfg = TrainConfig(mlp "20-32-4", LossKind.Squared, GdOptions(0.0, 0.0),
                                      Schedule(ScheduleKind.Constant, 1e30), 600, 3, 1UL)
                let e = throwsOf<TrainingDivergedException> (fun () -> Trainer(cfg, split).Run(checkpoint = ck) |> ignore) "expected"
                Expect.stringContains e.Message "epoch 1, step 0" "names where"
                Expect.stringContains e.Message "after step 0" "the first non-finite loss is the one after the step"
                Expect.isFalse (Directory.Exists(ck.Directory + ".new")) "no pending checkpoint"
                Expect.isFalse ck.Exists "nothing non-finite was saved"
            finally Directory.Delete(dir, true)

        testCase "a state that cannot be written leaves the previous checkpoint and no pending folder" <| fun () ->
            let dir = tempDir ()
            try
                let ck = Checkpoint(Path.Combine(dir, "ck"))
                let net = Model<float32>.Create(mlp "3-2", BoundLab.Numerics.Backends.CpuBackend(1), BoundLab.Numerics.Random.RngKey.FromSeed 1UL)
                let fp = RunFingerprint.Of(config "sgd" 1 1, split, null)
                ck.Save(state fp [ EpochRecord(1, 0.1, 1.0, 0.5, 1.0, 0.5, 0.1) ], net, noState)
                let bad = state fp [ EpochRecord(1, 0.1, nan, 0.5, 1.0, 0.5, 0.1); EpochRecord(2, 0.1, 1.0, 0.5, 1.0, 0.5, 0.1) ]
                Expect.throws (fun () -> ck.Save(bad, net, noState)) "NaN cannot be written"
                Expect.isFalse (Directory.Exists(ck.Directory + ".new")) "no pending folder"
                Expect.equal (ck.ReadState().CompletedEpochs) 1 "the previous checkpoint is intact"
            finally Directory.Delete(dir, true)

        testCase "clean-up after a kill: a complete pending folder is promoted, a partial one and temp files removed" <| fun () ->
            let dir = tempDir ()
            try
                let ck = Checkpoint(Path.Combine(dir, "ck"))
                let net = Model<float32>.Create(mlp "3-2", BoundLab.Numerics.Backends.CpuBackend(1), BoundLab.Numerics.Random.RngKey.FromSeed 1UL)
                let fp = RunFingerprint.Of(config "sgd" 1 1, split, null)
                ck.Save(state fp [ EpochRecord(1, 0.1, 1.0, 0.5, 1.0, 0.5, 0.1) ], net, noState)
                // Killed between deleting the old folder and moving the new one in.
                Directory.Move(ck.Directory, ck.Directory + ".new")
                ck.CleanUp()
                Expect.isTrue (File.Exists(Path.Combine(ck.Directory, "state.json"))) "promoted"
                Expect.isFalse (Directory.Exists(ck.Directory + ".new")) "pending gone"
                // Killed while writing the next one.
                Directory.CreateDirectory(ck.Directory + ".new") |> ignore
                File.WriteAllBytes(Path.Combine(ck.Directory + ".new", "weights.bin"), Array.zeroCreate 100)
                File.WriteAllBytes(Path.Combine(ck.Directory, "weights.bin.77.tmp"), Array.zeroCreate 100)
                ck.CleanUp()
                Expect.isFalse (Directory.Exists(ck.Directory + ".new")) "partial pending folder removed"
                Expect.isFalse (File.Exists(Path.Combine(ck.Directory, "weights.bin.77.tmp"))) "temp file removed"
                Expect.equal (ck.ReadState().CompletedEpochs) 1 "checkpoint intact"
            finally Directory.Delete(dir, true)

        testCase "a checkpoint of the old one-string format is refused with a clear message" <| fun () ->
            let dir = tempDir ()
            try
                let ck = Checkpoint(Path.Combine(dir, "ck"))
                Directory.CreateDirectory ck.Directory |> ignore
                File.WriteAllText(Path.Combine(ck.Directory, "state.json"),
                                  """{"Fingerprint":"20-32-16-4|Relu","CompletedEpochs":1,"GlobalStep":19,"TrainSeconds":0.1,"SamplesSeen":600,"History":[],"Steps":[]}""")
                let e = throwsOf<InvalidDataException> (fun () -> ck.ReadState() |> ignore) "expected"
                Expect.stringContains e.Message "start the run over" "says what to do"
            finally Directory.Delete(dir, true)
    ]
