module BoundLab.Bounds.Tests.Verification.SmtSolverTests

open System
open System.Threading.Tasks
open Expecto
open BoundLab.Bounds.Verification
open BoundLab.Bounds.Tests.TestUtil

[<Tests>]
let tests =
    testList "Bounds.Verification.SmtSolver" [
        testCase "libz3 is available here" <| fun () ->
            Expect.isTrue SmtSolver.IsAvailable "apt-get install libz3-dev"
            Expect.stringStarts SmtSolver.Version "Z3 4." "version"
        testCase "sat with a model" <| fun () ->
            let r = SmtSolver.Check("(declare-fun x () Real)(assert (> (* x x) 2.0))(assert (< x 0.0))(check-sat)(get-model)", z3Timeout)
            Expect.equal r.Verdict SmtVerdict.Sat "x² > 2, x < 0"
            Expect.stringContains r.Output "define-fun x" "model printed"
        testCase "unsat" <| fun () ->
            let r = SmtSolver.Check("(declare-fun x () Real)(assert (< (* x x) 0.0))(check-sat)", z3Timeout)
            Expect.equal r.Verdict SmtVerdict.Unsat "x² < 0"
        testCase "get-model after unsat does not hide the verdict" <| fun () ->
            let r = SmtSolver.Check("(declare-fun x () Real)(assert (< (* x x) 0.0))(check-sat)(get-model)", z3Timeout)
            Expect.equal r.Verdict SmtVerdict.Unsat "verdict comes first"
        testCase "unknown on a timeout" <| fun () ->
            // x³ + y³ = z³ in positive integers (Fermat, n = 3): Z3 cannot settle it in 200 ms.
            let script = "(declare-fun x () Int)(declare-fun y () Int)(declare-fun z () Int)(assert (> x 0))(assert (> y 0))(assert (> z 0))(assert (= (+ (* x x x) (* y y y)) (* z z z)))(check-sat)"
            let r = SmtSolver.Check(script, TimeSpan.FromMilliseconds 200.0)
            Expect.equal r.Verdict SmtVerdict.Unknown "timeout"
        testCase "garbage input throws SmtException with Z3's message" <| fun () ->
            let ex = catch<SmtException> (fun () -> SmtSolver.Check("(assert (foo", z3Timeout) |> ignore)
            Expect.stringContains ex.Message "error" "Z3 message"
            let ex2 = catch<SmtException> (fun () -> SmtSolver.Check("(assert (> y 0.0))(check-sat)", z3Timeout) |> ignore)
            Expect.stringContains ex2.Message "unknown constant" "undeclared symbol"
            Expect.throwsT<SmtException> (fun () -> SmtSolver.Check("(declare-fun x () Real)", z3Timeout) |> ignore) "no check-sat"
            // The process survived the errors and the solver still works.
            Expect.equal (SmtSolver.Check("(check-sat)", z3Timeout).Verdict) SmtVerdict.Sat "still usable"
        testCase "argument checks" <| fun () ->
            Expect.throwsT<ArgumentOutOfRangeException> (fun () -> SmtSolver.Check("(check-sat)", TimeSpan.Zero) |> ignore) "zero timeout"
        testCase "thread-safe: parallel checks" <| fun () ->
            let results =
                Parallel.For(0, 16, fun i ->
                    let script = $"(declare-fun x () Real)(assert (= (* x x) {i}.0))(assert (< x 0.0))(check-sat)"
                    let r = SmtSolver.Check(script, z3Timeout)
                    let expected = if i = 0 then SmtVerdict.Unsat else SmtVerdict.Sat
                    if r.Verdict <> expected then failwith $"i={i}: {r.Verdict}")
            Expect.isTrue results.IsCompleted "all finished"
    ]
