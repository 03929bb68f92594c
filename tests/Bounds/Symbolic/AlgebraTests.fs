module BoundLab.Bounds.Tests.Symbolic.AlgebraTests

open Expecto
open BoundLab.Bounds.Symbolic
open BoundLab.Bounds.Tests.TestUtil

/// input, expected normal form (ASCII infix), whether the literal reading can be checked by Z3.
let normalForms = [
    "2*x + 3*x", "5*x", true
    "x*x", "x^2", true
    "x + 1 + y + 2", "3 + x + y", true
    "y + x", "x + y", true
    "x*y*x", "x^2*y", true
    "x - x", "0", true
    "x/x", "1", true
    "(x + y) + (z + x)", "2*x + y + z", true
    "2*(3*x)", "6*x", true
    "x^2*x^3", "x^5", true
    "(x*y)^2", "x^2*y^2", true
    "(x^2)^3", "x^6", true
    "1/2 + 1/3", "5/6", true
    "-(x - y)", "-(x - y)", true
    "y - x", "-x + y", true
    "x/(2*y)", "x/(2*y)", true
    "3*x*y - 2*y*x", "x*y", true
    "x*y + y*x", "2*x*y", true
    "(x + y)*2 - 2*(y + x)", "0", true
    "x/y*y", "x", true
    "0*x", "0", true
    "4^(1/2)", "2", false
    "8^(2/3)", "4", false
    "2^(1/2)*2^(1/2)", "2", false
    "x^0", "1", false
    "1^x", "1", false
    "e^x", "exp(x)", false
    "min(x, min(y, x), 3, 2)", "min(2, x, y)", false
    "max(x, 1, max(4, y))", "max(4, x, y)", false
    "min(x, x)", "x", false
    "max(x, inf)", "inf", false
    "min(x, inf)", "x", false
    "x + inf", "inf", false
    "2*inf", "inf", false
    "0*inf", "undefined", false
    "inf - inf", "undefined", false
    "ln(0)", "undefined", false
    "(-4)^(1/2)", "undefined", false
    "0^(-1)", "undefined", false
    "klinv(q, inf)", "1", false
]

[<Tests>]
let tests =
    testList "Bounds.Symbolic.Algebra" [
        testList "normal form" [
            for (input, expected, _) in normalForms ->
                testCase input <| fun () -> Expect.equal ((parse input).ToString()) expected input
        ]
        testList "normal form equals the literal reading (Z3)" [
            for (input, _, provable) in normalForms do
                if provable then
                    yield testCase input <| fun () ->
                        let normal = parse input
                        let enc = SmtLibEncoder()
                        let (raw, names) = RawSmt.read input
                        // Register every name of the literal reading, also those the normal form cancelled.
                        for n in names do enc.Term(sym n) |> ignore
                        let script = enc.Script([ $"(not (= {raw} {enc.Term normal}))" ])
                        expectUnsat script input
        ]
        testCase "the literal-reading check can fail (Z3 finds x + y ≠ 2·x)" <| fun () ->
            let enc = SmtLibEncoder()
            let (raw, names) = RawSmt.read "x + y"
            for n in names do enc.Term(sym n) |> ignore
            let wrong = enc.Term(parse "2*x")
            let r = BoundLab.Bounds.Verification.SmtSolver.Check(enc.Script([ $"(not (= {raw} {wrong}))" ]), z3Timeout)
            Expect.equal r.Verdict BoundLab.Bounds.Verification.SmtVerdict.Sat "a wrong normal form is refuted"
        testCase "only the first summand is a number; no summand is a sum" <| fun () ->
            match parse "x + (2 + (y + 3))" with
            | :? Sum as s ->
                Expect.equal (s.Terms.[0]) (Expr.Num(5L, 1L)) "number first"
                Expect.isFalse (s.Terms |> Seq.skip 1 |> Seq.exists (fun t -> t :? Number || t :? Sum)) "rest"
            | e -> failtest $"not a sum: {e}"
        testCase "only the first factor is a number; no factor is a product" <| fun () ->
            match parse "x*(2*(y*3))" with
            | :? Product as p ->
                Expect.equal (p.Factors.[0]) (Expr.Num(6L, 1L)) "number first"
                Expect.isFalse (p.Factors |> Seq.skip 1 |> Seq.exists (fun t -> t :? Number || t :? Product)) "rest"
            | e -> failtest $"not a product: {e}"
        testCase "canonical order makes construction order irrelevant" <| fun () ->
            let rng = System.Random 20261123
            let atoms : Expr[] = [| sym "a"; sym "b"; Expr.Ln(sym "c"); Expr.Sqrt(sym "d"); Expr.E; Expr.Num(3L, 2L) |]
            for _ in 1 .. 200 do
                let picked = Array.init 5 (fun _ -> atoms.[rng.Next atoms.Length])
                let shuffled = picked |> Array.sortBy (fun _ -> rng.Next())
                Expect.equal (Expr.Add(shuffled)) (Expr.Add(picked)) "sum"
                Expect.equal (Expr.Multiply(shuffled)) (Expr.Multiply(picked)) "product"
        testCase "structural equality and hashing" <| fun () ->
            let a = parse "sqrt(2*d*ln(e*n/d)/n)"
            let b = parse "(n^-1*ln(n*e/d)*d*2)^(1/2)"
            Expect.equal a b "same normal form"
            Expect.equal (a.GetHashCode()) (b.GetHashCode()) "same hash"
            Expect.notEqual (sym "x") (symIn Domain.Real "x") "domain is part of a symbol"
        testCase "instance shortcuts agree with the static services" <| fun () ->
            let e = parse "sqrt(x) + ln(y)"
            Expect.equal (e.Evaluate(values [ "x", 4.0; "y", 1.0 ])) 2.0 "Evaluate"
            Expect.equal (e.Differentiate(sym "y")) (parse "1/y") "Differentiate"
            Expect.equal (e.Substitute(bindings [ "y", Expr.E ])) (parse "sqrt(x) + 1") "Substitute"
            Expect.equal [ for s in e.FreeSymbols -> s.Name ] [ "x"; "y" ] "FreeSymbols"
            Expect.equal (e.ToUnicode()) "√(x) + ln(y)" "Unicode"
            Expect.equal (e.ToLatex()) @"\sqrt{x} + \ln\left(y\right)" "LaTeX"
            Expect.equal (e.ToSmtLib()) "(+ bl.pow.0 (bl.ln y))" "SMT-LIB"
        testCase "operators with ints and doubles from F#" <| fun () ->
            let n, d = sym "n", sym "d"
            let e = 2 * n * Expr.Ln(Expr.E * n / d)
            Expect.equal (e.ToString()) "2*n*ln(e*n/d)" "built with operators"
            Expect.equal ((0.5 * n).ToString()) "n/2" "double is exact"
            Expect.throws (fun () -> Expr.FromDouble infinity |> ignore) "non-finite double rejected"
    ]
