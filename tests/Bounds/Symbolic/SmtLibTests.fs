module BoundLab.Bounds.Tests.Symbolic.SmtLibTests

open Expecto
open BoundLab.Bounds.Symbolic
open BoundLab.Bounds.Tests.TestUtil

let table = [
    "x + 2*y", "(+ x (* 2.0 y))"
    "x/y", "(* x (/ 1.0 y))"
    "x^3", "(* x x x)"
    "1/2 - x", "(+ (/ 1.0 2.0) (* (- 1.0) x))"
    "ln(x) + exp(y)", "(+ (bl.ln x) (bl.exp y))"
    "e", "(bl.exp 1.0)"
    "pi", "bl.pi"
    "sqrt(x)", "bl.pow.0"
    "min(a, b, c)", "(ite (<= (ite (<= a b) a b) c) (ite (<= a b) a b) c)"
    "max(a, b)", "(ite (>= a b) a b)"
    "klinv(q, c)", "(bl.klinv q c)"
    "exp", "|exp|"
]

[<Tests>]
let tests =
    testList "Bounds.Symbolic.SmtLib" [
        testList "terms" [
            for (input, smt) in table -> testCase input <| fun () -> Expect.equal (SmtLibEncoder.Print(parse input)) smt input
        ]
        testCase "script declares symbols, domains, the root variable and its axiom" <| fun () ->
            let enc = SmtLibEncoder()
            let t = enc.Term(parseWith [ "p", Domain.Probability; "k", Domain.PositiveInteger; "z", Domain.NonNegativeReal ] "sqrt(p + k + z)")
            let script = enc.Script([ $"(> {t} 0.0)" ])
            for line in [
                "(declare-fun k () Real)"; "(declare-fun p () Real)"; "(declare-fun bl.pow.0 () Real)"
                "(assert (and (> p 0.0) (< p 1.0)))"; "(assert (and (>= k 1.0) (is_int k)))"; "(assert (>= z 0.0))"
                "(assert (=> (>= (+ k p z) 0.0) (and (>= bl.pow.0 0.0) (= (* bl.pow.0 bl.pow.0) (+ k p z)))))"
                "(assert (> bl.pow.0 0.0))"; "(check-sat)" ] do
                Expect.stringContains script line line
        testCase "Infinity and Undefined have no encoding" <| fun () ->
            Expect.throwsT<System.NotSupportedException> (fun () -> SmtLibEncoder.Print(Expr.PositiveInfinity) |> ignore) "inf"
            Expect.throwsT<System.NotSupportedException> (fun () -> SmtLibEncoder.Print(Expr.Undefined) |> ignore) "undefined"
        testCase "Z3 proves facts through the axioms" <| fun () ->
            // ln is increasing: follows from exp monotonicity and exp(ln b) = b.
            let a, b = sym "a", sym "b"
            let enc = SmtLibEncoder()
            let la, lb = enc.Term(Expr.Ln a), enc.Term(Expr.Ln b)
            expectUnsat (enc.Script([ $"(< {enc.Term a} {enc.Term b})"; $"(>= {la} {lb})" ])) "ln monotone"
            // 2·(kl⁻¹(q, c) − q)² ≤ c, so kl⁻¹(q, c) ≤ q + sqrt(c/2).
            let q, c = symIn Domain.Probability "q", sym "c"
            let enc2 = SmtLibEncoder()
            let p = enc2.Term(Expr.KlInv(q, c))
            let bound = enc2.Term(q + Expr.Sqrt(c / 2))
            expectUnsat (enc2.Script([ $"(> {p} {bound})" ])) "Pinsker bound"
    ]
