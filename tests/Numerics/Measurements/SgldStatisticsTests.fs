module BoundLab.Numerics.Tests.Measurements.SgldStatisticsTests

open System
open System.IO
open Expecto
open BoundLab.Numerics
open BoundLab.Numerics.Backends
open BoundLab.Numerics.Data
open BoundLab.Numerics.Losses
open BoundLab.Numerics.Measurements
open BoundLab.Numerics.Models
open BoundLab.Numerics.Optimizers
open BoundLab.Numerics.Training
open BoundLab.Numerics.Tests.TestUtil

let private train = blobs 1UL 240 12 3
let private split = DataSplit(train, blobs 2UL 120 12 3)
let private reference = ReferenceBackend<float>()

let private config (sgld: SgldOptions) epochs threads =
    TrainConfig(ModelSpec.FromMlp(MlpSpec.Parse("12-10-3", Activation.Tanh, true)), LossKind.CrossEntropy, sgld,
                Schedule(ScheduleKind.Constant, 0.05), 40, epochs, 17UL, Threads = threads, RecordSteps = true)

/// g_e at the initial weights over the whole training set, in float64 on the reference backend (independent of the
/// float32 CPU path the trainer takes).
let private referenceGradStat (initial: Model<float32>) (data: Dataset) =
    let m = initial.To<float>(reference)
    PerExampleGradients.MeanSquaredNorm(Objective<float>(m, reference.Upload data, LossKind.CrossEntropy), ReadOnlySpan(Array.init data.Count id))

[<Tests>]
let tests =
    testList "Numerics.Measurements.SgldStatistics" [
        testCase "recording g_e changes no weight; 1 and 2 threads record the same statistics" <| fun () ->
            let plain = Trainer(config (SgldOptions(1e5, 0.0)) 2 1, split).Run()
            let a = Trainer(config (SgldOptions(1e5, 0.0, 240, 1)) 2 1, split).Run()
            let b = Trainer(config (SgldOptions(1e5, 0.0, 240, 1)) 2 2, split).Run()
            Expect.equal (ModelFile.Sha256 a.Model) (ModelFile.Sha256 plain.Model) "same weights with and without statistics"
            Expect.sequenceEqual b.Steps a.Steps "same steps (statistics included) for any thread count"
            Expect.isTrue (a.Steps |> Seq.forall (fun s -> s.GradStat.HasValue && s.GradStat.Value > 0.0)) "recorded at every step"
            Expect.isTrue (plain.Steps |> Seq.forall (fun s -> not s.GradStat.HasValue)) "none without the option"

        testCase "g_e at step 0 equals the float64 reference at the initial weights (subsample = the whole set)" <| fun () ->
            let r = Trainer(config (SgldOptions(1e5, 0.0, 240, 1)) 1 1, split).Run()
            let want = referenceGradStat r.Initial train
            Expect.floatClose { absolute = 1e-7; relative = 1e-4 } r.Steps[0].GradStat.Value want "g_e(0)"

        testCase "every 3 steps: recorded at steps 0, 3, 6, … only" <| fun () ->
            let r = Trainer(config (SgldOptions(1e5, 0.0, 32, 3)) 2 1, split).Run()
            for s in r.Steps do
                Expect.equal s.GradStat.HasValue (s.Step % 3L = 0L) (sprintf "step %d" s.Step)

        testCase "resume carries the statistics: 1 epoch + resume to 3 equals 3 straight" <| fun () ->
            use dir = new TempDir()
            let o = SgldOptions(1e5, 1e-4, 50, 2)
            let straight = Trainer(config o 3 1, split).Run()
            let ck = Checkpoint(Path.Combine(dir.Path, "ck"))
            Trainer(config o 1 1, split).Run(checkpoint = ck) |> ignore
            let resumed = Trainer(config o 3 1, split).Run(checkpoint = ck, resume = true)
            Expect.equal (ModelFile.Sha256 resumed.Model) (ModelFile.Sha256 straight.Model) "same weights"
            Expect.sequenceEqual resumed.Steps straight.Steps "same trajectory, statistics included"
            let other = Trainer(config (SgldOptions(1e5, 1e-4, 60, 2)) 3 1, split)
            let e = thrown (fun () -> other.Run(checkpoint = ck, resume = true) |> ignore)
            Expect.stringContains e.Message "GradStatSubsample" "another subsample is refused by name"

        testCase "supersample: selector bits split 2n points into pairs; the incoherence at step 0 equals the float64 reference" <| fun () ->
            let superset = blobs 5UL 200 12 3
            let s = Supersample.Split(superset, 17UL)
            Expect.equal s.Train.Count 100 "n"
            for i in 0 .. 99 do
                let u = s.Selectors[i]
                Expect.isTrue (u = 0 || u = 1) "a bit"
                Expect.sequenceEqual (s.Train.Inputs.Row(i).ToArray()) (superset.Inputs.Row(i + 100 * u).ToArray()) "trained on z_{i,U_i}"
                Expect.sequenceEqual (s.Ghost.Inputs.Row(i).ToArray()) (superset.Inputs.Row(i + 100 * (1 - u)).ToArray()) "ghost z_{i,1−U_i}"
            let ones = s.Selectors |> Seq.sum
            Expect.isTrue (ones > 30 && ones < 70) (sprintf "about half the bits are 1 (%d of 100)" ones)
            Expect.equal (Supersample.Split(superset, 17UL).Format()) (s.Format()) "deterministic"
            Expect.notEqual (Supersample.Split(superset, 18UL).Format()) (s.Format()) "seeded"
            let cfg = config (SgldOptions(1e5, 0.0, 100, 1, true)) 1 1
            let r = Trainer(cfg, DataSplit(s.Train, split.Test), ghost = s.Ghost).Run()
            let m = r.Initial.To<float>(reference)
            let want = PerExampleGradients.MeanPairDifference(Objective<float>(m, reference.Upload s.Train, LossKind.CrossEntropy),
                                                              Objective<float>(m, reference.Upload s.Ghost, LossKind.CrossEntropy))
            Expect.floatClose { absolute = 1e-7; relative = 1e-4 } r.Steps[0].Incoherence.Value want "mean ‖∇ℓ(z_{j,0}) − ∇ℓ(z_{j,1})‖² at w_0"
            let e = thrown (fun () -> Trainer(cfg, DataSplit(s.Train, split.Test)).Run() |> ignore)
            Expect.stringContains e.Message "--supersample" "no ghost half: named"

        testCase "bad statistics options name the option" <| fun () ->
            for o, name in [ SgldOptions(1e5, 0.0, -1, 1), "--grad-subsample"; SgldOptions(1e5, 0.0, 5, 0), "--grad-every"
                             SgldOptions(1e5, 0.0, 0, 1, true), "--supersample" ] do
                let e = thrown (fun () -> o.Validate())
                Expect.stringContains e.Message name name
            let e = thrown (fun () -> Trainer(config (SgldOptions(1e5, 0.0, 241, 1)) 1 1, split).Run() |> ignore)
            Expect.stringContains e.Message "1 … 240" "subsample larger than the set"
    ]
