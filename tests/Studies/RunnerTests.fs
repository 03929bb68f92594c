/// The study runner on the committed MNIST fixture: end to end in seconds, resume skips what is finished, the stopping
/// rule, failures recorded while the study goes on, --fail-fast, and shards merged equal to one unsharded study.
module BoundLab.Studies.Tests.RunnerTests

open System
open System.Collections.Generic
open System.IO
open Expecto
open BoundLab.Numerics.Runs
open BoundLab.Studies.Results
open BoundLab.Studies.Runner
open BoundLab.Studies.Specs
open BoundLab.Studies.Store

/// A tiny study: 4 SGD runs (width × seed) and one SGLD run, 2 epochs each on 300 fixture images.
let tinySpec (extra: string) =
    sprintf """{"name": "tiny", "settings": {"dataset": "mnist", "data_dir": %s, "train_size": 300, "test_size": 200, "batch": 50, "epochs": 2%s},
               "groups": [{"name": "sgd", "grid": {"width": [8, 16], "seed": [0, 1]}},
                          {"name": "sgld", "settings": {"optimizer": "sgld", "width": 8}}]}""" (TestUtil.jsonString TestUtil.fixture) extra

/// Records the calls; its measures come from the network itself, so a wrong network shows.
type RecordingEvaluator(?failFinal: string -> bool) =
    let calls = List<string * int>()
    member _.Calls = calls
    interface IRunEvaluator with
        member _.Epoch(runDir, net, init, train, threads) =
            calls.Add(Path.GetFileName runDir, 1)
            let sq = net.Values() |> Seq.sumBy (fun a -> a |> Array.sumBy (fun x -> float x * float x))
            let d0 = Seq.zip (net.Values()) (init.Values()) |> Seq.sumBy (fun (a, b) -> Array.fold2 (fun s x y -> s + float (x - y) * float (x - y)) 0.0 a b)
            RunEvaluation(Dictionary(dict [ "w_sq", sq; "dist_sq", d0; "n", float train.Count ]),
                          [ BoundRow("toy", "baseline", "verified", "test-error", "value", Nullable(sq / 1e4), Nullable false, null, Nullable 0.05) ])
        member _.Final(runDir, threads) =
            calls.Add(Path.GetFileName runDir, 0)
            match failFinal with
            | Some f when f runDir -> failwith "the evaluator failed on purpose"
            | _ -> ()
            let d = RunDocument.Read(Path.Combine(runDir, "run.json"))
            RunEvaluation(Dictionary(dict [ "test_error_seen", d.Results.TestError ]), [])

type RecordingProgress() =
    let lines = List<string>()
    member _.Lines = lines
    interface IStudyProgress with
        member _.Skipped(k, n, run) = lines.Add(sprintf "skipped %d/%d %s" k n run.Id)
        member _.Starting(k, n, run, note) = lines.Add(sprintf "start %d/%d %s %s" k n run.Id note)
        member _.Step _ = ()
        member _.Epoch(row, maxEpochs) = lines.Add(sprintf "epoch %d/%d" row.Epoch maxEpochs)
        member _.Finished(k, n, run, tr, te, epochs, s) = lines.Add(sprintf "finished %d/%d %s" k n run.Id)
        member _.Failed(k, n, run, error) = lines.Add(sprintf "failed %d/%d %s %s" k n run.Id error)

/// Runs a study into dir; returns the outcome, the evaluator and the progress.
let runStudy (dir: string) (json: string) (resume: bool) (shard: (int * int) option) (evaluator: RecordingEvaluator) (failFast: bool) =
    let spec = StudySpec.Parse(json, "tiny.json")
    let progress = RecordingProgress()
    use folder = StudyFolder.Open(dir, resume, spec)
    let plan = StudyPlan.Build(spec, "tiny.json")
    let plan = match shard with Some(i, n) -> plan.Shard(i, n) | None -> plan
    let outcome = StudyRunner(folder, evaluator, progress, 1, failFast).Run(plan)
    outcome, progress

/// Every run of a store as canonical text.
let canonical (dir: string) = (ResultsStore.Load dir).Runs |> Seq.map StoreMerge.Canonical |> List.ofSeq

[<Tests>]
let tests =
    testSequenced <| testList "Studies/Runner" [
        test "a tiny study on the fixture runs end to end: store, run folders, per-epoch records" {
            TestUtil.withTempDir <| fun root ->
            let dir = Path.Combine(root, "study")
            let ev = RecordingEvaluator()
            let clock = Diagnostics.Stopwatch.StartNew()
            let outcome, progress = runStudy dir (tinySpec "") false None ev false
            Expect.isLessThan clock.Elapsed.TotalSeconds 60.0 "seconds, not minutes"
            Expect.equal (outcome.Total, outcome.Trained, outcome.Skipped, outcome.Failed.Count) (5, 5, 0, 0) "5 runs trained"
            let r = ResultsStore.Load dir
            Expect.equal r.Name "tiny" "name"
            Expect.sequenceEqual r.Axes [ "width"; "seed"; "optimizer" ] "axes"
            Expect.equal r.Runs.Count 5 "5 runs"
            Expect.equal (r.Runs |> Seq.map (fun x -> x.Id) |> List.ofSeq) (r.Runs |> Seq.map (fun x -> x.Id) |> Seq.sort |> List.ofSeq) "id order"
            for run in r.Runs do
                Expect.equal run.Status "finished" "finished"
                Expect.equal (run.Epochs |> Seq.map (fun e -> e.Epoch) |> List.ofSeq) [ 1; 2 ] "one record per epoch"
                let runDir = Path.Combine(dir, "runs", run.Id)
                let doc = RunDocument.Read(Path.Combine(runDir, "run.json"))
                Expect.equal run.TrainError (Nullable doc.Results.TrainError) "final train error = run.json's"
                Expect.equal run.TestError (Nullable doc.Results.TestError) "final test error = run.json's"
                Expect.equal run.Measures["test_error_seen"] doc.Results.TestError "Final measured the finished folder"
                for e, h in Seq.zip run.Epochs doc.History do
                    Expect.equal (e.TrainLoss, e.TrainError, e.TestError) (h.TrainLoss, h.TrainError, h.TestError) "epoch rows = run.json's history"
                    Expect.equal e.Measures["n"] 300.0 "epoch evaluator saw the training set"
                    Expect.equal e.Bounds.Count 1 "epoch bounds stored"
                Expect.isTrue (File.Exists(Path.Combine(runDir, "weights.bin")) && File.Exists(Path.Combine(runDir, "weights-init.bin"))) "weights"
                Expect.isFalse (Directory.Exists(Path.Combine(runDir, "checkpoint"))) "no checkpoint left"
                Expect.equal doc.Config.TrainSize (Nullable 300) "run.json records the subset"
            let sgld = r.Runs |> Seq.find (fun x -> x.Axes["optimizer"] = "sgld")
            Expect.isTrue (File.Exists(Path.Combine(dir, "runs", sgld.Id, "trajectory.csv"))) "SGLD writes its trajectory"
            // Distance from init grows from 0: the evaluator got the live network and its initialization.
            Expect.isGreaterThan r.Runs[0].Epochs[0].Measures["dist_sq"] 0.0 "network moved"
            let perRun = ev.Calls |> Seq.countBy id |> Map.ofSeq
            for run in r.Runs do
                Expect.equal (perRun.TryFind(run.Id, 1)) (Some 2) "Epoch once per epoch"
                Expect.equal (perRun.TryFind(run.Id, 0)) (Some 1) "Final once per run"
            Expect.equal (progress.Lines |> Seq.filter (fun l -> l.StartsWith "finished") |> Seq.length) 5 "progress per run"
            // Resume: everything is finished, nothing is trained again.
            let ev2 = RecordingEvaluator()
            let again, p2 = runStudy dir (tinySpec "") true None ev2 false
            Expect.equal (again.Trained, again.Skipped) (0, 5) "all skipped"
            Expect.isEmpty ev2.Calls "nothing evaluated again"
            Expect.equal (p2.Lines |> Seq.filter (fun l -> l.StartsWith "skipped") |> Seq.length) 5 "says so"
        }

        test "a non-empty folder is refused without --resume, another study's store with it, a folder in use" {
            TestUtil.withTempDir <| fun root ->
            let dir = Path.Combine(root, "study")
            Directory.CreateDirectory dir |> ignore
            File.WriteAllText(Path.Combine(dir, "notes.txt"), "x")
            let spec = StudySpec.Parse(tinySpec "", "tiny.json")
            let e = Expect.throwsC (fun () -> StudyFolder.Open(dir, false, spec).Dispose()) id
            Expect.stringContains e.Message "--out: " "names --out"
            Expect.stringContains e.Message "is not empty" "says why"
            let e2 = Expect.throwsC (fun () -> StudyFolder.Open(dir, true, spec).Dispose()) id
            Expect.stringContains e2.Message "holds no study store" "--resume needs a study"
            let dir2 = Path.Combine(root, "study2")
            (StudyFolder.Open(dir2, false, spec)).Dispose()
            let e3 = Expect.throwsC (fun () -> StudyFolder.Open(dir2, false, spec).Dispose()) id
            Expect.stringContains e3.Message "already holds a study; continue it with --resume" "existing study"
            do
                use held = StudyFolder.Open(dir2, true, spec)
                let e5 = Expect.throwsC (fun () -> StudyFolder.Open(dir2, true, spec).Dispose()) id
                Expect.stringContains e5.Message "is in use by another boundlab study" "one process per study folder"
            (StudyFolder.Open(dir2, true, spec)).Dispose() // the lock went with its holder
            let other = StudySpec.Parse(tinySpec ", \"lr\": 0.01", "other.json")
            let e4 = Expect.throwsC (fun () -> StudyFolder.Open(dir2, true, other).Dispose()) id
            Expect.stringContains e4.Message "from another study file" "other study refused"
        }

        test "the stopping rule stops at the first epoch whose full training loss is at most the target" {
            TestUtil.withTempDir <| fun root ->
            let dir = Path.Combine(root, "study")
            let json =
                sprintf """{"name": "stop", "settings": {"dataset": "mnist", "data_dir": %s, "train_size": 300, "test_size": 100, "batch": 25,
                            "width": 64, "lr": 0.1, "stop_train_loss": 0.3, "max_epochs": 40}}""" (TestUtil.jsonString TestUtil.fixture)
            let outcome, _ = runStudy dir json false None (RecordingEvaluator()) false
            Expect.equal outcome.Trained 1 "trained"
            let run = (ResultsStore.Load dir).Runs[0]
            let losses = run.Epochs |> Seq.map (fun e -> e.TrainLoss) |> List.ofSeq
            Expect.isLessThan losses.Length 40 "stopped before the cap"
            Expect.isLessThanOrEqual (List.last losses) 0.3 "last epoch reached the target"
            Expect.isTrue (losses |> List.take (losses.Length - 1) |> List.forall (fun l -> l > 0.3)) "no earlier epoch did"
        }

        test "a failed run is recorded with its error and the study goes on; --fail-fast stops; --resume retries it" {
            TestUtil.withTempDir <| fun root ->
            let plan = StudyPlan.Build(StudySpec.Parse(tinySpec "", "tiny.json"), "tiny.json")
            let victim = plan.Runs[1].Id
            let fails (d: string) = Path.GetFileName d = victim
            let dir = Path.Combine(root, "study")
            let outcome, progress = runStudy dir (tinySpec "") false None (RecordingEvaluator(fails)) false
            Expect.sequenceEqual outcome.Failed [ victim ] "one failure"
            Expect.equal outcome.Trained 4 "the others finished"
            Expect.isTrue (progress.Lines |> Seq.exists (fun l -> l.StartsWith(sprintf "failed 2/5 %s the evaluator failed on purpose" victim))) "reported as it happened"
            let r = ResultsStore.Load dir
            let failed = r.Runs |> Seq.find (fun x -> x.Id = victim)
            Expect.equal (failed.Status, failed.Error) ("failed", "the evaluator failed on purpose") "stored with its error"
            // --fail-fast stops at the failure.
            let dir2 = Path.Combine(root, "study2")
            let ff, _ = runStudy dir2 (tinySpec "") false None (RecordingEvaluator(fails)) true
            Expect.equal (ff.Trained, ff.Failed.Count, ff.NotRun) (1, 1, 3) "stopped after run 2"
            // --resume retries the failed run (now the evaluator works) and records it once, without retraining it.
            let ok, p3 = runStudy dir (tinySpec "") true None (RecordingEvaluator()) false
            Expect.equal (ok.Trained, ok.Skipped, ok.Failed.Count) (1, 4, 0) "retried"
            Expect.isTrue (p3.Lines |> Seq.exists (fun l -> l.Contains "trained earlier; recording it")) "its finished folder is reused"
            Expect.isTrue ((ResultsStore.Load dir).Runs |> Seq.forall (fun x -> x.Status = "finished")) "all finished now"
        }

        test "two shards merged equal one unsharded study; identical runs are kept once; a conflicting run is refused" {
            TestUtil.withTempDir <| fun root ->
            let json = tinySpec ""
            let whole, a, b, merged = Path.Combine(root, "whole"), Path.Combine(root, "a"), Path.Combine(root, "b"), Path.Combine(root, "merged")
            runStudy whole json false None (RecordingEvaluator()) false |> ignore
            let oa, _ = runStudy a json false (Some(1, 2)) (RecordingEvaluator()) false
            let ob, _ = runStudy b json false (Some(2, 2)) (RecordingEvaluator()) false
            Expect.equal (oa.Total, ob.Total) (3, 2) "5 runs split 3 + 2"
            let ids (d: string) = (ResultsStore.Load d).Runs |> Seq.map (fun r -> r.Id) |> Set.ofSeq
            Expect.isEmpty (Set.intersect (ids a) (ids b)) "shards are disjoint"
            let m = StoreMerge.Merge([ a; b ], merged)
            Expect.equal (m.Runs, m.Duplicates) (5, 0) "merged"
            Expect.equal (canonical merged) (canonical whole) "merged shards = the unsharded study, bit for bit"
            let rm, rw = ResultsStore.Load merged, ResultsStore.Load whole
            Expect.equal (rm.Name, rm.SpecJson, List.ofSeq rm.Axes) (rw.Name, rw.SpecJson, List.ofSeq rw.Axes) "study meta"
            for r in rm.Runs do
                Expect.isTrue (File.Exists(Path.Combine(merged, "runs", r.Id, "run.json"))) "run folders copied"
            // Merging the whole study with a shard: the shard's runs are duplicates.
            let again = Path.Combine(root, "again")
            let m2 = StoreMerge.Merge([ whole; a ], again)
            Expect.equal (m2.Runs, m2.Duplicates) (5, 3) "identical runs kept once"
            Expect.equal (canonical again) (canonical whole) "same content"
            // A run whose results differ between stores is refused, naming it.
            let victim = (ResultsStore.Load a).Runs[0].Id
            do
                use c = new Microsoft.Data.Sqlite.SqliteConnection(sprintf "Data Source=%s;Pooling=False" (Path.Combine(a, "study.sqlite")))
                c.Open()
                use cmd = c.CreateCommand()
                cmd.CommandText <- sprintf "UPDATE runs SET test_error = 0.5 WHERE id = '%s'" victim
                cmd.ExecuteNonQuery() |> ignore
            let bad = Path.Combine(root, "bad")
            let e = Expect.throwsC (fun () -> StoreMerge.Merge([ whole; a ], bad) |> ignore) id
            Expect.stringContains e.Message (sprintf "run %s differs between" victim) "names the run"
            Expect.stringContains e.Message "train/test error" "names the difference"
            Expect.isFalse (Directory.Exists bad) "nothing written"
            // Another study is refused too.
            let other = Path.Combine(root, "other")
            runStudy other (tinySpec ", \"lr\": 0.01") false (Some(1, 5)) (RecordingEvaluator()) false |> ignore
            let e2 = Expect.throwsC (fun () -> StoreMerge.Merge([ whole; other ], Path.Combine(root, "x")) |> ignore) id
            Expect.stringContains e2.Message "of another study file" "other study"
        }
    ]
