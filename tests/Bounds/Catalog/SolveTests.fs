/// Sample complexity and sensitivity. Literals from tests/Bounds/Catalog/golden.py (exact integer bisection
/// on the mpmath formula; derivatives by sympy.diff).
module BoundLab.Bounds.Tests.Catalog.SolveTests

open System
open Expecto
open BoundLab.Bounds.Catalog


let private catch (f: unit -> unit) : exn = BoundLab.Bounds.Tests.TestUtil.catch<exn> f

let private solve id symbol target (inputs: (string * float) list) =
    // Binary problems throughout (vc-mohri is binary-only and needs the class count).
    SampleComplexity.Solve(BoundCatalog.Get id, symbol, target, readOnlyDict inputs, 2)

[<Tests>]
let tests =
    testList "Bounds.Catalog.Solve" [
        yield testCase "vc-mohri: least n for 0.1 at d = 100, δ = 0.05 is 180170 (golden.py)" <| fun () ->
            let r = solve "vc-mohri" "n" 0.1 [ "train_error", 0.; "vc_dim", 100.; "delta", 0.05 ]
            Expect.equal r.Value 180170L "n"
            Expect.isLessThanOrEqual r.Achieved 0.1 "achieved"

        yield testCase "test-set-hoeffding: least n_test for 0.06 at error 0.05 is 14979 (golden.py)" <| fun () ->
            let r = solve "test-set-hoeffding" "n_test" 0.06 [ "test_error", 0.05; "delta", 0.05 ]
            Expect.equal r.Value 14979L "n_test"

        yield testCase "the answer is certified: a target equal to the round-to-nearest value at n = 180170 needs n = 180171" <| fun () ->
            // The compiled (round-to-nearest) value at 180170 meets this target exactly; the certified value there is
            // a few ulps above it, so the least n whose certificate meets the target is the next one.
            let inputs = [ "train_error", 0.; "vc_dim", 100.; "delta", 0.05 ]
            let entry = BoundCatalog.Get "vc-mohri"
            let compiled = CompiledBound.For entry
            let at n = readOnlyDict (("n", float n) :: inputs)
            let target = compiled.Invoke(compiled.Arguments(BoundEvaluator.Prepare(entry, at 180170L).Point))
            Expect.isGreaterThan (BoundEvaluator.Evaluate(entry, at 180170L, 2).Value) target "certified value at 180170 is above it"
            let r = solve "vc-mohri" "n" target inputs
            Expect.equal r.Value 180171L "n"
            Expect.equal r.Achieved (BoundEvaluator.Evaluate(entry, at 180171L, 2).Value) "achieved is the certified value"
            Expect.isLessThanOrEqual r.Achieved target "meets"

        yield testCase "the answer is least: one fewer sample misses the target" <| fun () ->
            let r = solve "pacbayes-maurer" "n" 0.2 [ "emp_risk", 0.05; "kl", 1000.; "delta", 0.05 ]
            let at n = (BoundEvaluator.Evaluate("pacbayes-maurer", readOnlyDict [ "emp_risk", 0.05; "kl", 1000.; "n", float n; "delta", 0.05 ])).Value
            Expect.isLessThanOrEqual (at r.Value) 0.2 "meets"
            Expect.isGreaterThan (at (r.Value - 1L)) 0.2 "one fewer misses"

        yield testCase "the search starts where the preconditions hold (n ≥ vc_dim)" <| fun () ->
            let r = solve "vc-mohri" "n" 0.99 [ "train_error", 0.; "vc_dim", 1000.; "delta", 0.05 ]
            Expect.isGreaterThanOrEqual r.Value 1000L "n ≥ d"

        yield testCase "an unreachable target is an error naming the target" <| fun () ->
            // The limit n → ∞ of vc-mohri is train_error = 0.01 > 0.005.
            let e = catch (fun () -> solve "vc-mohri" "n" 0.005 [ "train_error", 0.01; "vc_dim", 10.; "delta", 0.05 ] |> ignore)
            Expect.isTrue (e :? ArgumentException) "ArgumentException"
            Expect.stringContains e.Message "does not reach target 0.005" "message"

        yield testCase "a bound increasing in the count is refused (hrs16-nonconvex in T)" <| fun () ->
            let e = catch (fun () -> solve "hrs16-nonconvex" "steps" 1e-5 [ "lipschitz", 1.; "smoothness", 1.; "step_c", 0.5; "n", 50000. ] |> ignore)
            Expect.isTrue (e :? InvalidOperationException) "InvalidOperationException"
            Expect.stringContains e.Message "not non-increasing in steps" "message"

        yield testCase "only count inputs can be solved for" <| fun () ->
            let e = catch (fun () -> solve "vc-mohri" "delta" 0.1 [ "train_error", 0.; "vc_dim", 10.; "n", 100. ] |> ignore)
            Expect.stringContains e.Message "integer count" "message"

        yield testCase "solve and sensitivity refuse a binary-only entry without a class count, naming classes" <| fun () ->
            let vc = readOnlyDict [ "train_error", 0.01; "n", 60000.; "vc_dim", 1000.; "delta", 0.05 ]
            let e1 = catch (fun () -> SampleComplexity.Solve(BoundCatalog.Get "vc-mohri", "n", 0.1, readOnlyDict [ "train_error", 0.; "vc_dim", 100.; "delta", 0.05 ]) |> ignore)
            let e2 = catch (fun () -> Sensitivity.Report(BoundCatalog.Get "vc-mohri", vc) |> ignore)
            for e in [ e1; e2 ] do
                Expect.equal (e :?> ArgumentException).ParamName "classes" "names classes"
            let e3 = catch (fun () -> Sensitivity.Report(BoundCatalog.Get "vc-mohri", vc, 10) |> ignore)
            Expect.isTrue (e3 :? NotApplicableException) "10 classes: not applicable"

        yield testCase "solve names a missing input used by a precondition instead of a dictionary error" <| fun () ->
            let e = catch (fun () -> solve "vc-mohri" "n" 0.1 [ "train_error", 0.; "delta", 0.05 ] |> ignore)
            Expect.stringContains e.Message "vc_dim" "names vc_dim"
            Expect.isFalse (e.Message.Contains "dictionary") e.Message

        yield testCase "solve for a count the bound increases in returns the smallest value with a note saying so" <| fun () ->
            let r = solve "vc-mohri" "vc_dim" 0.5 [ "train_error", 0.; "n", 60000.; "delta", 0.05 ]
            Expect.equal r.Value 1L "smallest allowed"
            Expect.isSome (Option.ofObj r.Note) "note"
            Expect.stringContains r.Note "increases with vc_dim" "says it is increasing"
            Expect.isNull (solve "vc-mohri" "n" 0.1 [ "train_error", 0.; "vc_dim", 100.; "delta", 0.05 ]).Note "no note for n"

        yield testCase "vc-mohri partial derivatives match sympy (golden.py)" <| fun () ->
            let ps = Sensitivity.At(BoundCatalog.Get "vc-mohri", readOnlyDict [ "train_error", 0.01; "n", 60000.; "vc_dim", 1000.; "delta", 0.05 ], 2)
            let expected = [ "train_error", 1.0; "n", -0.0000028015688604888548; "vc_dim", 0.00016559591048154683; "delta", -0.016678534125619225 ]
            for (name, golden), p in List.zip expected (List.ofSeq ps) do
                Expect.equal p.Symbol name "order"
                Expect.floatClose { absolute = 0.; relative = 1e-10 } p.Derivative golden name

        yield testCase "kl⁻¹ sensitivity: ∂/∂kl of pacbayes-maurer matches a central difference" <| fun () ->
            let at kl = (BoundEvaluator.Evaluate("pacbayes-maurer", readOnlyDict [ "emp_risk", 0.03; "kl", kl; "n", 60000.; "delta", 0.025 ])).Value
            let fd = (at 5001. - at 4999.) / 2.
            let ps = Sensitivity.At(BoundCatalog.Get "pacbayes-maurer", readOnlyDict [ "emp_risk", 0.03; "kl", 5000.; "n", 60000.; "delta", 0.025 ])
            let d = (ps |> Seq.find (fun p -> p.Symbol = "kl")).Derivative
            Expect.floatClose { absolute = 0.; relative = 1e-5 } d fd "∂/∂kl"
    ]
