/// Posterior training end to end (float32, CpuBackend): it lowers the objective, is bit-identical for 1 and 2 threads and
/// across a checkpoint resume, and refuses a checkpoint of another run by name.
module BoundLab.Numerics.Tests.Stochastic.PosteriorTrainerTests

open System
open System.IO
open Expecto
open BoundLab.Numerics
open BoundLab.Numerics.Backends
open BoundLab.Numerics.Data
open BoundLab.Numerics.Models
open BoundLab.Numerics.Random
open BoundLab.Numerics.Stochastic
open BoundLab.Numerics.Training
open BoundLab.Numerics.Tests.TestUtil

/// A copy of C# record options with some fields replaced (F# has no `with` for C# records).
let options' (o: PosteriorTrainingOptions) (epochs: int option) (batch: int option) (lr: float option) (drop: Nullable<int> option) =
    PosteriorTrainingOptions(o.Method, defaultArg epochs o.Epochs, defaultArg batch o.BatchSize, defaultArg lr o.LearningRate, o.Momentum,
                             defaultArg drop o.DropEpoch, o.DropFactor, o.PriorVariance, o.Delta, o.PMin, o.KlPenalty, o.InitialLambda)

let private binary = blobs 3UL 400 10 2
let private tenClass = blobs 4UL 300 10 3

/// A trained-looking starting point: a He-initialized net (the prior centre) and DR17's σ = 2|w| around it.
let private dr17Start (arch: string) (data: Dataset) =
    let spec = ModelSpec.FromMlp(MlpSpec.Parse arch)
    let w0 = Model<float32>.Create(spec, ReferenceBackend<float32>.Instance, RngKey.FromSeed 8UL).Values()
    let options = options' (PosteriorTrainingOptions.For(PacBayesMethod.Dr17, 6)) None (Some 50) (Some 0.01) None
    PosteriorInitialization.Dr17(spec, w0), GaussianPrior(w0, options.PriorVariance), options

let private pbbStart (method: PacBayesMethod) =
    let spec = ModelSpec.FromMlp(MlpSpec.Parse "10-16-3")
    let w0 = Model<float32>.Create(spec, ReferenceBackend<float32>.Instance, RngKey.FromSeed 8UL).Values()
    let options = options' (PosteriorTrainingOptions.For(method, 6)) None (Some 50) (Some 0.01) None
    PosteriorInitialization.AtPrior(spec, w0, 0.03), GaussianPrior(w0, options.PriorVariance), options

let private same (a: PosteriorResult) (b: PosteriorResult) what =
    for k in 0 .. a.Posterior.Mean.Count - 1 do
        Expect.sequenceEqual b.Posterior.Mean[k] a.Posterior.Mean[k] $"{what}: μ[{k}] bit-identical"
        Expect.sequenceEqual b.Posterior.Rho[k] a.Posterior.Rho[k] $"{what}: ρ[{k}] bit-identical"
    Expect.equal (BitConverter.DoubleToInt64Bits b.PriorVariance) (BitConverter.DoubleToInt64Bits a.PriorVariance) $"{what}: λ"
    Expect.sequenceEqual (b.History |> Seq.map (fun e -> e.Objective, e.Kl, e.StochasticError)) (a.History |> Seq.map (fun e -> e.Objective, e.Kl, e.StochasticError)) $"{what}: history"

[<Tests>]
let tests =
    testList "Numerics.Stochastic.PosteriorTrainer" [
        testCase "dr17 lowers its objective on a binary set, λ moves, the history has one record per epoch" <| fun () ->
            let initial, prior, options = dr17Start "10-16-1" binary
            let seen = ResizeArray<PosteriorEpoch>()
            let r = PosteriorTrainer.Train(initial, prior, binary, binary.Count, options, RngKey.FromSeed 1UL, 1, progress = { new IProgress<PosteriorEpoch> with member _.Report e = seen.Add e })
            Expect.equal r.History.Count 6 "6 epochs"
            Expect.equal seen.Count 6 "progress per epoch"
            let first, last = r.History[0], r.History[5]
            Expect.isLessThan last.Objective first.Objective $"objective {first.Objective} → {last.Objective}"
            Expect.isTrue (r.History |> Seq.forall (fun e -> Double.IsFinite e.Objective && e.Kl > 0.0 && e.StochasticError >= 0.0 && e.StochasticError <= 1.0)) "finite records"
            Expect.notEqual r.PriorVariance options.PriorVariance "λ is trained"
            Expect.isFalse r.ObjectiveLambda.HasValue "no f_lambda λ"
            Expect.equal r.Posterior.Parameterization SigmaParameterization.Exp "σ = e^ρ"

        for method in [ PacBayesMethod.PbbQuad; PacBayesMethod.PbbLambda; PacBayesMethod.PbbClassic ] do
            testCase $"{PacBayesMethods.Name method} lowers its objective on a 3-class set; the prior variance stays fixed" <| fun () ->
                let initial, prior, options = pbbStart method
                let r = PosteriorTrainer.Train(initial, prior, tenClass, tenClass.Count, options, RngKey.FromSeed 2UL, 1)
                Expect.isLessThan r.History[5].Objective r.History[0].Objective "objective lowered"
                Expect.equal r.PriorVariance options.PriorVariance "fixed σ₀²"
                if method = PacBayesMethod.PbbLambda then
                    Expect.isTrue (r.ObjectiveLambda.HasValue && r.ObjectiveLambda.Value > 0.0 && r.ObjectiveLambda.Value < 1.0) $"λ = {r.ObjectiveLambda} in (0, 1)"
                else
                    Expect.isFalse r.ObjectiveLambda.HasValue "only f_lambda has a λ"

        for method in [ PacBayesMethod.Dr17; PacBayesMethod.PbbLambda ] do
            testCase $"{PacBayesMethods.Name method}: 1 and 2 threads give bit-identical posteriors and histories" <| fun () ->
                let initial, prior, options, data =
                    if method = PacBayesMethod.Dr17 then let i, p, o = dr17Start "10-16-1" binary in i, p, o, binary
                    else let i, p, o = pbbStart method in i, p, o, tenClass
                let options = options' options (Some 3) None None None
                let a = PosteriorTrainer.Train(initial, prior, data, data.Count, options, RngKey.FromSeed 3UL, 1)
                let b = PosteriorTrainer.Train(initial, prior, data, data.Count, options, RngKey.FromSeed 3UL, 2)
                same a b "threads 1 vs 2"

        for method in [ PacBayesMethod.Dr17; PacBayesMethod.PbbLambda ] do
            testCase $"{PacBayesMethods.Name method}: resuming from the epoch checkpoint is bit-identical to an uninterrupted run (across the learning-rate drop)" <| fun () ->
                let initial, prior, options, data =
                    if method = PacBayesMethod.Dr17 then let i, p, o = dr17Start "10-16-1" binary in i, p, o, binary
                    else let i, p, o = pbbStart method in i, p, o, tenClass
                // DR17: DropEpoch = 1, so epochs 3 and 4 (0-based 2, 3) run at the dropped rate with fresh RMSprop slots.
                let options = options' options (Some 4) None None (Some (if method = PacBayesMethod.Dr17 then Nullable 1 else Nullable()))
                let whole = PosteriorTrainer.Train(initial, prior, data, data.Count, options, RngKey.FromSeed 4UL, 1)
                let dir = Path.Combine(Path.GetTempPath(), "boundlab-posterior-" + Guid.NewGuid().ToString("N"))
                try
                    let part = PosteriorTrainer.Train(initial, prior, data, data.Count, (options' options (Some 2) None None None), RngKey.FromSeed 4UL, 1, dir)
                    Expect.equal part.History.Count 2 "first part"
                    let resumed = PosteriorTrainer.Train(initial, prior, data, data.Count, options, RngKey.FromSeed 4UL, 2, dir)
                    Expect.equal resumed.ResumedFromEpoch 2 "resumed after epoch 2"
                    same whole resumed "uninterrupted vs resumed"
                    // The same call again finds all 4 epochs done and returns the same result.
                    let again = PosteriorTrainer.Train(initial, prior, data, data.Count, options, RngKey.FromSeed 4UL, 1, dir)
                    Expect.equal again.ResumedFromEpoch 4 "nothing left to train"
                    same whole again "completed checkpoint"
                    // Another run's arguments are refused by name.
                    let e = throwsOf<CheckpointMismatchException> (fun () -> PosteriorTrainer.Train(initial, prior, data, data.Count, (options' options None None (Some 0.02) None), RngKey.FromSeed 4UL, 1, dir) |> ignore) "other lr"
                    Expect.stringContains e.Message "--lr is 0.01 there and 0.02 here" "names the option"
                    let e = throwsOf<CheckpointMismatchException> (fun () -> PosteriorTrainer.Train(initial, prior, data, data.Count - 1, options, RngKey.FromSeed 4UL, 1, dir) |> ignore) "other n"
                    Expect.stringContains e.Message "n is" "names n"
                    let other = data.SelectRows([| 0 .. data.Count - 2 |], "fewer")
                    let e = throwsOf<CheckpointMismatchException> (fun () -> PosteriorTrainer.Train(initial, prior, other, data.Count, options, RngKey.FromSeed 4UL, 1, dir) |> ignore) "other data"
                    Expect.stringContains e.Message "data is" "names the data"
                    let moved = GaussianPosterior.FromRho(initial.Spec, initial.Mean, initial.Rho |> Seq.map (Array.map (fun r -> r + 0.5f)) |> Array.ofSeq, initial.Parameterization)
                    let e = throwsOf<CheckpointMismatchException> (fun () -> PosteriorTrainer.Train(moved, prior, data, data.Count, options, RngKey.FromSeed 4UL, 1, dir) |> ignore) "other initial posterior"
                    Expect.stringContains e.Message "initial posterior is" "names the initial posterior"
                    let e = throwsOf<ArgumentException> (fun () -> PosteriorTrainer.Train(initial, prior, data, data.Count, (options' options (Some 3) None None None), RngKey.FromSeed 4UL, 1, dir) |> ignore) "fewer epochs"
                    Expect.stringContains e.Message "--epochs 3 is fewer than the 4 epochs" "names --epochs"
                finally
                    if Directory.Exists dir then Directory.Delete(dir, true)

        testCase "a diverging run stops with TrainingDivergedException, not a NaN posterior" <| fun () ->
            let initial, prior, options = dr17Start "10-16-1" binary
            let options = options' options (Some 2) None (Some 1e4) None
            throwsOf<TrainingDivergedException> (fun () -> PosteriorTrainer.Train(initial, prior, binary, binary.Count, options, RngKey.FromSeed 1UL, 1) |> ignore) "diverged" |> ignore

        testCase "cancellation stops between steps" <| fun () ->
            let initial, prior, options = dr17Start "10-16-1" binary
            use cts = new System.Threading.CancellationTokenSource()
            cts.Cancel()
            throwsOf<OperationCanceledException> (fun () -> PosteriorTrainer.Train(initial, prior, binary, binary.Count, options, RngKey.FromSeed 1UL, 1, cancel = cts.Token) |> ignore) "cancelled" |> ignore
    ]
