module BoundLab.Bounds.Tests.Symbolic.ParserTests

open Expecto
open BoundLab.Bounds.Symbolic
open BoundLab.Bounds.Tests.TestUtil

let roundTrips = [
    "sqrt(2*d*ln(e*n/d)/n) + sqrt(ln(1/delta)/(2*n))"
    "klinv(q, ln(1/delta)/n) + min(a, b, 3) - max(a, 2*b)"
    "x^(1/3) - 2*x/(3*y) + exp(-x) + pi"
    "(a + b)^c + 2^x + x^(-y)"
    "-x^2 + 0.125*x"
    "1e-3*n + 2.5E2"
]

[<Tests>]
let tests =
    testList "Bounds.Symbolic.Parser" [
        testList "round trip: parse(print(e)) = e" [
            for text in roundTrips ->
                testCase text <| fun () ->
                    let e = parse text
                    Expect.equal (parse (e.ToString())) e (e.ToString())
        ]
        testCase "random expressions round trip (seed 11)" <| fun () ->
            let rng = System.Random 11
            let leaves : Expr[] = [| sym "a"; sym "b"; symIn Domain.Real "x"; Expr.E; Expr.Pi; Expr.Num(3L, 4L); Expr.Num(-2L, 1L) |]
            let rec gen depth : Expr =
                if depth = 0 then leaves.[rng.Next leaves.Length]
                else
                    match rng.Next 8 with
                    | 0 -> gen (depth - 1) + gen (depth - 1)
                    | 1 -> gen (depth - 1) * gen (depth - 1)
                    | 2 -> gen (depth - 1) / gen (depth - 1)
                    | 3 -> Expr.Pow(gen (depth - 1), Expr.Num(int64 (rng.Next 5) - 2L, int64 (rng.Next 3) + 1L))
                    | 4 -> Expr.Ln(gen (depth - 1))
                    | 5 -> Expr.Sqrt(gen (depth - 1))
                    | 6 -> Expr.Min(gen (depth - 1), gen (depth - 1))
                    | _ -> gen (depth - 1) - gen (depth - 1)
            for _ in 1 .. 300 do
                let e = gen 3
                // Undefined (e.g. ln of a negative number) has no parseable form; everything else must round-trip.
                if e <> Expr.Undefined then
                  Expect.equal (parseWith [ "x", Domain.Real ] (e.ToString())) e (e.ToString())
        testCase "precedence and associativity" <| fun () ->
            for (text, expected) in [
                "2^3^2", "512"
                "-2^2", "-4"
                "2*3^2", "18"
                "8/2/2", "2"
                "1 - 2 - 3", "-4"
                "log(x)", "ln(x)"
                "x^-1", "1/x" ] do
                Expect.equal ((parse text).ToString()) expected text
        testCase "numbers are exact" <| fun () ->
            Expect.equal (parse "0.1") (Expr.Num(1L, 10L)) "0.1 is 1/10"
            Expect.equal (parse "1e-3") (Expr.Num(1L, 1000L)) "1e-3"
        testCase "domains come from the dictionary, default positive real" <| fun () ->
            let syms = Calculus.FreeSymbols(parseWith [ "q", Domain.Probability ] "q + n")
            Expect.equal [ for s in syms -> s.Name, s.Domain ] [ "n", Domain.PositiveReal; "q", Domain.Probability ] "domains"
        testList "errors name the position and what was expected" [
            for (text, position, expected) in [
                "2 +", 3, "a number, a name or '('"
                "(x + 1", 6, "')'"
                "x $ y", 2, "an operator or the end of input"
                "foo(x)", 0, "a function (ln, log, exp, expm1, sqrt, min, max, klinv, bininv)"
                "klinv(q)", 0, "2 argument(s) for klinv"
                "ln(x, y)", 0, "1 argument(s) for ln"
                "2e", 1, "an operator or the end of input"
                "1.2.3", 0, "a number" ] ->
                testCase text <| fun () ->
                    let ex = catch<ParseException> (fun () -> parse text |> ignore)
                    Expect.equal ex.Position position "position"
                    Expect.equal ex.Expected expected "expected"
                    Expect.stringContains ex.Message $"position {position}" "message"
        ]
    ]
