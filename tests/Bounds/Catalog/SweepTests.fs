module BoundLab.Bounds.Tests.Catalog.SweepTests

open Expecto
open BoundLab.Bounds.Catalog
open BoundLab.Bounds.Catalog.Sweep

let private facts classes = RunFacts(classes, System.Nullable 2, "relu", "sgd", "cross-entropy", true, true)

[<Tests>]
let tests =
    testList "Bounds/Catalog/Sweep" [
        test "every entry gives an outcome, none throws, on a run with few quantities" {
            let outcomes = BoundSweep.EvaluateAll(facts (System.Nullable 10), readOnlyDict [ "n", 1000.0; "n_test", 500.0; "test_error", 0.1; "delta", 0.05 ])
            Expect.equal outcomes.Count BoundCatalog.All.Count "one outcome per entry"
            let hoeffding = outcomes |> Seq.find (fun o -> o.Entry.Id = "test-set-hoeffding")
            Expect.equal hoeffding.Status "value" "the test-set bound has everything it needs"
        }
        test "a binary-only entry does not apply to 10 classes, and says why" {
            let vc = BoundCatalog.Get "vc-mohri"
            Expect.isNotNull vc.BinaryOnlyReason "vc-mohri is binary-only (precondition of this test)"
            match BoundSweep.Evaluate(vc, facts (System.Nullable 10), readOnlyDict [ "n", 1000.0 ]) with
            | :? BoundNotApplicable as na -> Expect.stringContains na.Reason "binary" "reason"
            | o -> failtestf "expected not applicable, got %s" o.Status
        }
        test "a bias-free entry does not apply to a run with biases" {
            let e = BoundCatalog.All |> Seq.find (fun e -> e.RequiresBiasFree)
            Expect.equal (BoundSweep.Evaluate(e, facts (System.Nullable 10), readOnlyDict []).Status) "not_applicable" e.Id
        }
        test "an out-of-domain quantity is an input error, not an exception" {
            let e = BoundCatalog.Get "test-set-hoeffding"
            match BoundSweep.Evaluate(e, facts (System.Nullable 10), readOnlyDict [ "n_test", 500.0; "test_error", 1.5; "delta", 0.05 ]) with
            | :? BoundInputError as err ->
                Expect.stringContains err.Message "test_error" "names the input"
                Expect.isFalse (err.Message.Contains "(Parameter '") "no .NET parameter suffix"
            | o -> failtestf "expected input error, got %s" o.Status
        }
    ]
