/// The SQLite results store: what is written is what Load gives back, bit for bit; runs being trained are left out.
module BoundLab.Studies.Tests.StoreTests

open System.Collections.Generic
open Expecto
open BoundLab.Studies.Results
open BoundLab.Studies.Store

let private numbers (pairs: (string * float) list) = Dictionary<string, float>(dict pairs) :> IReadOnlyDictionary<_, _>
let private axes (pairs: (string * string) list) = Dictionary<string, string>(dict pairs) :> IReadOnlyDictionary<_, _>

let private bounds =
    [ BoundRow("vc-mohri", "vc", "verified", "test-error", "value", System.Nullable 1.2345678901234567, System.Nullable true, null, System.Nullable 0.05)
      BoundRow("bft-spectral", "spectral", "unverified", "test-error", "not_applicable", System.Nullable(), System.Nullable(), "needs spec_prod", System.Nullable())
      BoundRow("jiang-measure", "measures", "measure", "measure", "value", System.Nullable 3e-300, System.Nullable(), null, System.Nullable())
      BoundRow("bad", "pac-bayes", "verified", "test-error", "input_error", System.Nullable(), System.Nullable(), "kl: got -1; allowed: ≥ 0", System.Nullable()) ]

let private epoch e = EpochRow(e, 1.0 / float e, 0.1 * float e, 0.3 / 7.0, numbers [ "frob", 0.1 + float e; "x_norm", 5e-324 ], bounds |> List.take e)

/// The rows as plain F# values, for structural comparison.
let private flat (b: BoundRow) = b.Id, b.Family, b.Provenance, b.Target, b.Status, b.Value, b.Vacuous, b.Reason, b.Delta
let private flatRun (r: StudyRun) =
    r.Id, List.ofSeq r.Axes |> List.map (fun kv -> kv.Key, kv.Value) |> List.sort, r.ConfigJson, r.Status, r.Error, r.TrainError, r.TestError,
    List.ofSeq r.Measures |> List.map (fun kv -> kv.Key, kv.Value) |> List.sort, List.map flat (List.ofSeq r.Bounds),
    r.Epochs |> Seq.map (fun e -> e.Epoch, e.TrainLoss, e.TrainError, e.TestError,
                                   (List.ofSeq e.Measures |> List.map (fun kv -> kv.Key, kv.Value) |> List.sort), List.map flat (List.ofSeq e.Bounds)) |> List.ofSeq

[<Tests>]
let tests =
    testList "Studies/Store" [
        test "round trip: write, Load, equal (finished, failed; a running run is left out)" {
            TestUtil.withTempDir <| fun dir ->
            let finished =
                StudyRun("aaaa000000000001", axes [ "width", "64"; "label_noise", "0.5" ], """{"width":64}""", "finished", null,
                         System.Nullable 0.1, System.Nullable(1.0 / 3.0), numbers [ "n", 2000.0; "margin_q10", -0.0 ],
                         bounds, [ epoch 1; epoch 2; epoch 3 ])
            let failed =
                StudyRun("aaaa000000000002", axes [ "width", "128"; "label_noise", "0" ], """{"width":128}""", "failed", "training diverged at epoch 2",
                         System.Nullable(), System.Nullable(), numbers [], [], [ epoch 1 ])
            do
                use s = ResultsStore.Open dir
                s.SetStudy("quick", """{"name": "quick"}""", [ "width"; "label_noise" ])
                s.Begin(finished.Id, finished.Axes, finished.ConfigJson, true)
                for e in finished.Epochs do s.WriteEpoch(finished.Id, e)
                s.Finish(finished.Id, 0.1, 1.0 / 3.0, numbers [ "train_loss", 0.05 ], numbers [ "wall_seconds", 1.5 ], RunEvaluation(finished.Measures, finished.Bounds))
                s.Begin(failed.Id, failed.Axes, failed.ConfigJson, true)
                s.WriteEpoch(failed.Id, epoch 1)
                s.Fail(failed.Id, "training diverged at epoch 2")
                s.Begin("aaaa000000000003", axes [], "{}", true)
                s.WriteEpoch("aaaa000000000003", epoch 1)
            let r = ResultsStore.Load dir
            Expect.equal r.Name "quick" "name"
            Expect.equal r.SpecJson """{"name": "quick"}""" "spec"
            Expect.sequenceEqual r.Axes [ "width"; "label_noise" ] "axes in order"
            Expect.equal (r.Runs |> Seq.map flatRun |> List.ofSeq) [ flatRun finished; flatRun failed ] "runs in id order, bit-identical values"
            // SQLite stores a REAL that is a whole number as an integer, so −0 reads back as +0 (equal as numbers; documented).
            Expect.equal r.Runs[0].Measures["margin_q10"] 0.0 "−0 reads back as 0"
            Expect.equal r.Runs[0].Epochs[0].Measures["x_norm"] 5e-324 "subnormals kept"
        }

        test "an epoch written twice (a resumed run retrains it) is stored once; a fresh Begin clears an earlier attempt" {
            TestUtil.withTempDir <| fun dir ->
            use s = ResultsStore.Open dir
            s.SetStudy("a", "{}", [])
            s.Begin("r", axes [], "{}", true)
            for e in [ 1; 2; 2; 3 ] do s.WriteEpoch("r", epoch e)
            s.TruncateEpochs("r", 2)
            s.WriteEpoch("r", epoch 3)
            s.Finish("r", 0.3, 0.3, numbers [], numbers [], RunEvaluation(numbers [], []))
            Expect.equal (s.Load().Runs[0].Epochs |> Seq.map (fun e -> e.Epoch) |> List.ofSeq) [ 1; 2; 3 ] "no duplicates"
            s.Begin("r", axes [], "{}", true)
            s.WriteEpoch("r", epoch 1)
            s.Fail("r", "x")
            Expect.equal (s.Load().Runs[0].Epochs.Count) 1 "fresh start cleared the old epochs"
            Expect.equal (s.Statuses()["r"]) "failed" "status"
        }

        test "runs the current study no longer has are superseded: kept in the store, left out of Load" {
            TestUtil.withTempDir <| fun dir ->
            use s = ResultsStore.Open dir
            s.SetStudy("a", "{}", [])
            for id in [ "old"; "new"; "broken" ] do
                s.Begin(id, axes [], "{}", true)
                if id = "broken" then s.Fail(id, "x") else s.Finish(id, 0.1, 0.2, numbers [], numbers [], RunEvaluation(numbers [], []))
            Expect.equal (s.Supersede(HashSet<string>([ "new" ]))) 2 "two runs superseded"
            Expect.equal (s.Load().Runs |> Seq.map (fun r -> r.Id) |> List.ofSeq) [ "new" ] "only the current run is loaded"
            Expect.equal (s.Statuses()["old"]) "finished" "kept with its status"
            Expect.equal (s.Supersede(HashSet<string>([ "new" ]))) 2 "idempotent"
            Expect.equal (s.Supersede(HashSet<string>([ "new"; "old" ]))) 1 "a run current again is loaded again"
            Expect.equal (s.Load().Runs |> Seq.map (fun r -> r.Id) |> List.ofSeq) [ "new"; "old" ] "old is back"
        }
        test "non-finite numbers are refused, not stored" {
            TestUtil.withTempDir <| fun dir ->
            use s = ResultsStore.Open dir
            s.Begin("r", axes [], "{}", true)
            Expect.throwsT<System.ArgumentException> (fun () -> s.WriteEpoch("r", EpochRow(1, nan, 0.0, 0.0, numbers [], []))) "NaN loss"
            Expect.throwsT<System.ArgumentException> (fun () -> s.Finish("r", 0.0, 0.0, numbers [], numbers [], RunEvaluation(numbers [ "m", infinity ], []))) "∞ measure"
            Expect.equal (s.Statuses()["r"]) "running" "the failed transaction left the run as it was"
        }

        test "Load of a folder without a store names it" {
            TestUtil.withTempDir <| fun dir ->
            Expect.throwsT<System.IO.FileNotFoundException> (fun () -> ResultsStore.Load dir |> ignore) "no store"
        }
    ]
