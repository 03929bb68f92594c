module BoundLab.Bounds.Tests.Symbolic.EvaluatorTests

open System
open Expecto
open BoundLab.Bounds.Symbolic
open BoundLab.Bounds.Tests.TestUtil

[<Tests>]
let tests =
    testList "Bounds.Symbolic.Evaluator" [
        testCase "evaluation names a missing symbol" <| fun () ->
            let ex = catch<ArgumentException> (fun () -> Evaluator.Evaluate(parse "x + y", values [ "x", 1.0 ]) |> ignore)
            Expect.equal (ex.GetType()) typeof<ArgumentException> "type"
            Expect.stringContains ex.Message "'y'" "names y"
        testCase "VC bound value" <| fun () ->
            let v = Evaluator.Evaluate(parse vcBound, values [ "d", 10.0; "n", 1000.0; "delta", 0.05; "train_error", 0.1 ])
            let expected = sqrt (2.0 * 10.0 * log (Math.E * 1000.0 / 10.0) / 1000.0) + sqrt (log (1.0 / 0.05) / 2000.0) + 0.1
            Expect.floatClose Accuracy.veryHigh v expected "hand-written formula"
        testCase "constants, infinity and undefined" <| fun () ->
            Expect.equal (Evaluator.Evaluate(parse "e + pi", values [])) (Math.E + Math.PI) "e + π"
            Expect.equal (Evaluator.Evaluate(Expr.PositiveInfinity, values [])) infinity "∞"
            Expect.throwsT<InvalidOperationException> (fun () -> Evaluator.Evaluate(Expr.Undefined, values []) |> ignore) "Undefined"
        testCase "kl⁻¹ nodes use the certified numeric inverse" <| fun () ->
            let e = parseWith [ "q", Domain.Probability ] "klinv(q, c)"
            Expect.equal (Evaluator.Evaluate(e, values [ "q", 0.1; "c", 0.01 ])) (KlDivergence.Inverse(0.1, 0.01)) "same value"
            let closed = Evaluator.Evaluate(Expr.KlInv(0, sym "c"), values [ "c", 0.5 ])
            Expect.floatClose Accuracy.veryHigh closed (1.0 - exp -0.5) "q = 0 closed form"
            Expect.throwsT<ArgumentOutOfRangeException> (fun () -> Evaluator.Evaluate(e, values [ "q", 1.5; "c", 0.1 ]) |> ignore) "q out of range"
    ]
