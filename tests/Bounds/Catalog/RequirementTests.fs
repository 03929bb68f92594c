module BoundLab.Bounds.Tests.Catalog.RequirementTests

open Expecto
open BoundLab.Bounds.Catalog
open BoundLab.Bounds.Catalog.Sweep

let private facts depth activation optimizer loss =
    RunFacts(System.Nullable 10, System.Nullable depth, activation, optimizer, loss, false, true, Batch = System.Nullable 100, NTrain = System.Nullable 1000)

let private reason id (f: RunFacts) (q: (string * float) list) =
    match BoundSweep.Evaluate(BoundCatalog.Get id, f, readOnlyDict q) with
    | :? BoundNotApplicable as na -> na.Reason
    | o -> failtestf "%s: expected not applicable, got %s" id o.Status

[<Tests>]
let tests =
    testList "Bounds/Catalog/Requirements" [
        test "optimizer: SGLD entries on an SGD run name the fact and its value" {
            let r = reason "mou18-pacbayes" (facts 2 "relu" "sgd" "cross-entropy") [ "sgld_beta", 100.; "weighted_grad_sum", 0.3; "n", 1000. ]
            Expect.stringContains r "needs optimizer sgld" "needed"
            Expect.stringContains r "the run used sgd" "value"
        }
        test "optimizer: the same entry with everything on an SGLD run has a value" {
            let o = BoundSweep.Evaluate(BoundCatalog.Get "mou18-pacbayes", facts 2 "relu" "sgld" "cross-entropy", readOnlyDict [ "sgld_beta", 100.; "weighted_grad_sum", 0.3; "n", 1000. ])
            Expect.equal o.Status "value" "applies"
        }
        test "depth: the two-layer bound on a depth-3 run" {
            let r = reason "nlbls19-two-layer" (facts 3 "relu" "sgd" "cross-entropy") []
            Expect.stringContains r "needs depth 2" "needed"
            Expect.stringContains r "the run has depth 3" "value"
        }
        test "activation: BFT needs 1-Lipschitz σ with σ(0) = 0, so not sigmoid" {
            let r = reason "bft-spectral-2" (facts 2 "sigmoid" "sgd" "cross-entropy") []
            Expect.stringContains r "1-Lipschitz with σ(0) = 0" "why"
            Expect.stringContains r "the run used sigmoid" "value"
            // tanh qualifies: the failure is then the missing quantities, not the activation.
            match BoundSweep.Evaluate(BoundCatalog.Get "bft-spectral-2", facts 2 "tanh" "sgd" "cross-entropy", readOnlyDict []) with
            | :? BoundNotApplicable as na -> Expect.stringContains na.Reason "which the run does not determine" "missing inputs"
            | o -> failtestf "got %s" o.Status
        }
        test "convex loss: hrs16-convex never applies to a neural network" {
            let r = reason "hrs16-convex" (facts 2 "relu" "sgd" "cross-entropy") []
            Expect.stringContains r "never convex" "says so"
            Expect.stringContains r "depth 2" "value"
            let linear = reason "hrs16-convex" (facts 1 "identity" "sgd" "cross-entropy") []
            Expect.stringContains linear "needs lipschitz" "a linear model passes the predicate and stops at the missing constant"
        }
        test "training loss bounded in [0, 1]: hrs16-nonconvex on a cross-entropy run" {
            let r = reason "hrs16-nonconvex" (facts 2 "relu" "sgd" "cross-entropy") []
            Expect.stringContains r "bounded in [0, 1]" "needed"
            Expect.stringContains r "cross-entropy" "value"
        }
        test "gap loss bounded: the CMI bound on a regression run" {
            let f = RunFacts(System.Nullable(), System.Nullable 2, "relu", "sgd", "squared", false, true)
            let r = reason "cmi-sz20" f []
            Expect.stringContains r "regression" "value"
        }
        test "batch: llq20-gld needs full batches, llq20-sgld batch ≤ n/2" {
            let r = reason "llq20-gld" (facts 2 "relu" "sgld" "cross-entropy") []
            Expect.stringContains r "batch 100 with n = 1000" "value"
            let big = RunFacts(System.Nullable 10, System.Nullable 2, "relu", "sgld", "cross-entropy", false, true, Batch = System.Nullable 600, NTrain = System.Nullable 1000)
            Expect.stringContains (reason "llq20-sgld" big []) "needs batch ≤ n/2" "sgld"
        }
        test "model: a layer-wise entry on a named model" {
            let f = RunFacts(System.Nullable 10, System.Nullable(), "mixed", "sgd", "cross-entropy", false, false)
            Expect.stringContains (reason "neyshabur2015-frobenius" f []) "plain MLP" "model"
        }
        test "every requirement has a description, and bounds show can print it" {
            for e in BoundCatalog.All do
                for r in e.Requirements do
                    Expect.isNotEmpty r.Description e.Id
            Expect.isNonEmpty (BoundCatalog.Get "llq20-sgld").Requirements "llq20-sgld declares some"
        }
    ]
