/// Input checking, preconditions, applicability, vacuity and warnings of BoundEvaluator.
module BoundLab.Bounds.Tests.Catalog.EvaluationTests

open System
open Expecto
open BoundLab.Bounds.Catalog


let private catch (f: unit -> unit) : exn = BoundLab.Bounds.Tests.TestUtil.catch<exn> f

let private eval (id: string) (inputs: (string * float) list) = BoundEvaluator.Evaluate(id, readOnlyDict inputs, 2)
let private vc = [ "train_error", 0.01; "n", 60000.; "vc_dim", 1000.; "delta", 0.05 ]
let private replace (key: string) (v: float) inputs = inputs |> List.map (fun (k, x) -> if k = key then k, v else k, x)

[<Tests>]
let tests =
    testList "Bounds.Catalog.Evaluation" [
        // (id, inputs, expected parameter name, substrings the message must contain)
        for id, inputs, param, parts in [
            "vc-mohri", replace "n" 60. vc, "n", [ "n = 60"; "vc_dim = 1000"; "n ≥ vc_dim" ]
            "vc-mohri", replace "delta" 1.5 vc, "delta", [ "delta = 1.5"; "(0, 1)" ]
            "vc-mohri", replace "delta" 0. vc, "delta", [ "delta = 0"; "(0, 1)" ]
            "vc-mohri", replace "train_error" -0.1 vc, "train_error", [ "train_error = -0.1"; "[0, 1]" ]
            "vc-mohri", replace "n" 60000.5 vc, "n", [ "n = 60000.5"; "integer ≥ 1" ]
            "vc-mohri", replace "n" nan vc, "n", [ "n = NaN" ]
            "vc-mohri", List.tail vc, "train_error", [ "needs a value for train_error" ]
            "vc-mohri", ("gamma", 1.) :: vc, "gamma", [ "no input named 'gamma'"; "train_error, n, vc_dim, delta" ]
            "pacbayes-maurer", [ "emp_risk", 0.1; "kl", 5.; "n", 5.; "delta", 0.05 ], "n", [ "n = 5"; "n ≥ 8" ]
            "margin-mohri-uniform", [ "ramp_loss", 0.05; "gamma", 2.; "gamma_max", 1.; "rademacher", 0.01; "n", 100.; "delta", 0.05 ], "gamma", [ "gamma = 2"; "gamma_max = 1"; "(0, r]" ]
            "dr17", [ "mc_error", 0.1; "mc_samples", 100.; "kl", 5.; "prior_index", 0.; "n", 100.; "delta", 0.025; "delta_mc", 0.01 ], "prior_index", [ "prior_index = 0"; "integer ≥ 1" ]
            "hrs16-nonconvex", [ "lipschitz", 1.; "smoothness", 1.; "step_c", 0.5; "n", 1.; "steps", 10. ], "n", [ "n = 1"; "n − 1" ]
        ] ->
            testCase $"{id}: rejects {List.head parts}" <| fun () ->
                let e = catch (fun () -> eval id inputs |> ignore)
                match e with
                | :? ArgumentException as a ->
                    Expect.equal a.ParamName param "parameter named"
                    for p in parts do Expect.stringContains a.Message p "message"
                | other -> failtest $"expected ArgumentException, got {other.GetType().Name}: {other.Message}"

        yield testCase "unknown id lists the known ids" <| fun () ->
            let e = catch (fun () -> eval "vc-unknown" vc |> ignore)
            Expect.stringContains e.Message "vc-mohri" "lists ids"

        yield testCase "a non-finite value throws instead of reporting it" <| fun () ->
            // (2cL²)^(1/(βc+1)) overflows to ∞ for L = 1e200.
            let e = catch (fun () -> eval "hrs16-nonconvex" [ "lipschitz", 1e200; "smoothness", 1.; "step_c", 0.5; "n", 100.; "steps", 10. ] |> ignore)
            Expect.isTrue (e :? InvalidOperationException) "InvalidOperationException"
            Expect.stringContains e.Message "no result is reported" "message"

        for id in [ "vc-mohri"; "vc-vapnik"; "margin-mohri"; "golowich-frobenius" ] ->
            testCase $"{id} is not applicable to 10 classes, with a reason" <| fun () ->
                let entry = BoundCatalog.Get id
                let a = BoundEvaluator.Applicability(entry, 10)
                Expect.isFalse a.IsApplicable "not applicable"
                Expect.isNotNull a.Reason "reason"
                Expect.isTrue (BoundEvaluator.Applicability(entry, 2).IsApplicable) "binary is fine"

        yield testCase "evaluating a VC bound for 10 classes throws NotApplicableException" <| fun () ->
            let e = catch (fun () -> BoundEvaluator.Evaluate("vc-mohri", readOnlyDict vc, 10) |> ignore)
            Expect.isTrue (e :? NotApplicableException) "type"
            Expect.stringContains e.Message "binary" "reason"

        yield testCase "a binary-only entry without a class count is refused, naming classes" <| fun () ->
            // Before the fix Evaluate assumed 2 classes and ran VC bounds on 10-class problems silently.
            let e = catch (fun () -> BoundEvaluator.Evaluate("vc-mohri", readOnlyDict vc) |> ignore)
            Expect.isTrue (e :? ArgumentException) "ArgumentException"
            Expect.equal (e :?> ArgumentException).ParamName "classes" "names classes"
            Expect.stringContains e.Message "binary classification only" "says why"
            Expect.isGreaterThan (BoundEvaluator.Evaluate("vc-mohri", readOnlyDict vc, 2)).Value 0.0 "with classes = 2 it evaluates"
            Expect.isGreaterThan (BoundEvaluator.Evaluate("pacbayes-maurer", readOnlyDict [ "emp_risk", 0.03; "kl", 5000.; "n", 60000.; "delta", 0.025 ])).Value 0.0
                "an entry for any number of classes needs no count"

        yield testCase "vc-mohri at n = 1e308 is finite: logarithms of products are expanded" <| fun () ->
            // e·n overflowed inside ln(e·n/d) before; the terms are now 1 + ln n − ln d over n.
            let r = eval "vc-mohri" [ "train_error", 0.01; "n", 1e308; "vc_dim", 1000.; "delta", 0.05 ]
            Expect.isTrue (Double.IsFinite r.Value) "finite"
            // mpmath: sqrt(2*1000*log(e*mpf(1e308)/1000)/mpf(1e308)) = 1.1859919505318608409e-151 (50 digits)
            let complexity = r.Terms |> Seq.find (fun t -> t.Name = "complexity")
            Expect.floatClose { absolute = 0.; relative = 1e-12 } complexity.Value 1.1859919505318608e-151 "complexity term"

        yield testCase "the multiclass margin bound rejects k = 1" <| fun () ->
            let e = catch (fun () -> eval "margin-mohri-multiclass" [ "ramp_loss", 0.05; "gamma", 2.; "rademacher_pi1", 0.001; "classes", 1.; "n", 100.; "delta", 0.05 ] |> ignore)
            Expect.stringContains e.Message "classes = 1" "names classes"

        yield testCase "PAC-Bayes entries apply to any number of classes" <| fun () ->
            Expect.isTrue (BoundEvaluator.Applicability(BoundCatalog.Get "pacbayes-maurer", 10).IsApplicable) "maurer"

        yield testCase "vacuous flag: vc-vapnik at small n is ≥ 1" <| fun () ->
            let r = eval "vc-vapnik" (replace "n" 2000. vc)
            Expect.isTrue r.Vacuous $"value {r.Value}"
            Expect.isFalse (eval "vc-mohri" vc).Vacuous "0.43 is not vacuous"

        yield testCase "llq20 is vacuous relative to the loss range C" <| fun () ->
            Expect.isTrue (eval "llq20-gld" [ "loss_max", 1.; "n", 1.; "grad_sum", 1. ]).Vacuous "2.83 ≥ C = 1"
            Expect.isFalse (eval "llq20-gld" [ "loss_max", 10.; "n", 10.; "grad_sum", 1. ]).Vacuous "2.83 < C = 10"

        yield testCase "measures are never vacuous and carry the 'not a bound' warning" <| fun () ->
            let r = eval "neyshabur2015-frobenius" [ "depth", 3.; "x_max_norm", 10.; "frob_prod", 50.; "n", 60000. ]
            Expect.isFalse r.Vacuous "a measure has no vacuous level"
            Expect.equal r.Target BoundTarget.Measure "target"
            Expect.exists r.Warnings (fun w -> w.Contains "not a bound") "warning"

        yield testCase "unverified entries warn, verified ones do not" <| fun () ->
            let maurer = eval "pacbayes-maurer" [ "emp_risk", 0.03; "kl", 5000.; "n", 60000.; "delta", 0.025 ]
            Expect.exists maurer.Warnings (fun w -> w.StartsWith "unverified") "pacbayes-maurer warns"
            Expect.isEmpty (eval "vc-mohri" vc).Warnings "vc-mohri is verified"
            let dr = eval "dr17" [ "mc_error", 0.028; "mc_samples", 150000.; "kl", 5500.; "prior_index", 1200.; "n", 55000.; "delta", 0.025; "delta_mc", 0.01 ]
            Expect.isEmpty dr.Warnings "dr17 is verified and has no unchecked assumptions"

        yield testCase "unchecked assumptions become warnings" <| fun () ->
            let r = eval "hrs16-convex" [ "lipschitz", 1.; "n", 50000.; "lr_sum", 100. ]
            Expect.exists r.Warnings (fun w -> w.Contains "α_t ≤ 2/β") "step-size condition"

        yield testCase "terms of additive entries add up to the value" <| fun () ->
            let r = eval "vc-mohri" vc
            Expect.floatClose Accuracy.veryHigh (r.Terms |> Seq.sumBy (fun t -> t.Value)) r.Value "sum of terms"
    ]
