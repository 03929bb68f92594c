module BoundLab.Bounds.Tests.Symbolic.CalculusTests

open System
open Expecto
open BoundLab.Bounds.Symbolic
open BoundLab.Bounds.Tests.TestUtil

/// Formulas over a, b ∈ [1, 3], q ∈ [0.05, 0.6], c ∈ [0.05, 1].
let formulas = [
    "a^3 - 2*a*b + b^(-2)"
    "exp(-a/b) * ln(1 + a) / sqrt(b)"
    "sqrt(2*a*ln(e*b/a)/b)"
    "a^(1/3) * b^(5/2)"
    "(a + b)^b"
    "klinv(q, c)"
    "klinv(q, c/a) * b"
    "ln(klinv(q, c))"
]

/// Central difference (f(x+h) − f(x−h)) / 2h with h = 1e-6·max(1, |x|): truncation O(h²) ≈ 1e-12 and
/// rounding ≈ 1e-16/h ≈ 1e-10, so agreement to 1e-6 relative (plus 1e-7 absolute) is a strict check.
let tolerance = { absolute = 1e-7; relative = 1e-6 }

[<Tests>]
let tests =
    testList "Bounds.Symbolic.Calculus" [
        testList "derivative vs central finite difference (seed 3)" [
            for f in formulas ->
                testCase f <| fun () ->
                    let e = parseWith [ "q", Domain.Probability ] f
                    let ps = Calculus.FreeSymbols e |> List.ofSeq
                    let rng = Random 3
                    for _ in 1 .. 50 do
                        let point =
                            [ for s in ps ->
                                s.Name,
                                match s.Name with
                                | "q" -> 0.05 + 0.55 * rng.NextDouble()
                                | "c" -> 0.05 + 0.95 * rng.NextDouble()
                                | _ -> 1.0 + 2.0 * rng.NextDouble() ]
                        for x in ps do
                            let d = Calculus.Differentiate(e, x)
                            let at (shift: float) =
                                Evaluator.Evaluate(e, values [ for (n, v) in point -> n, (if n = x.Name then v + shift else v) ])
                            let x0 = point |> List.find (fun (n, _) -> n = x.Name) |> snd
                            let h = 1e-6 * max 1.0 (abs x0)
                            let numeric = (at h - at -h) / (2.0 * h)
                            Expect.floatClose tolerance (Evaluator.Evaluate(d, values point)) numeric $"∂/∂{x.Name} at {point}"
        ]
        testCase "symbolic derivatives in normal form" <| fun () ->
            for (f, x, expected) in [
                "x^3", "x", "3*x^2"
                "ln(x)", "x", "1/x"
                "exp(2*x)", "x", "2*exp(2*x)"
                "sqrt(x)", "x", "1/(2*sqrt(x))"
                "a*x + b", "x", "a"
                "y", "x", "0" ] do
                Expect.equal ((Calculus.Differentiate(parse f, sym x)).ToString()) expected f
        testCase "min and max are rejected with a clear error when they depend on x" <| fun () ->
            let ex = catch<NotSupportedException> (fun () -> Calculus.Differentiate(parse "min(x, y)", sym "x") |> ignore)
            Expect.equal (ex.GetType()) typeof<NotSupportedException> "type"
            Expect.stringContains ex.Message "not differentiable" "message"
            Expect.equal (Calculus.Differentiate(parse "min(y, 2) * x", sym "x")) (parse "min(y, 2)") "constant min is fine"
        testCase "substitute renormalizes" <| fun () ->
            let e = parse "sqrt(x) + ln(y) + x"
            let s = Calculus.Substitute(e, bindings [ "x", parse "z^2"; "y", Expr.E ])
            Expect.equal (s.ToString()) "1 + z + z^2" "sqrt(z²) = z for z > 0, ln(e) = 1"
            Expect.equal (Calculus.Substitute(parse "x*y", sym "y", parse "1/x")) Expr.One "single symbol"
        testCase "free symbols are sorted and unique" <| fun () ->
            let names = Calculus.FreeSymbols(parse "klinv(q, ln(1/delta)/n) + n*b + sqrt(b)") |> Seq.map (fun s -> s.Name) |> List.ofSeq
            Expect.equal names [ "b"; "delta"; "n"; "q" ] "names"
    ]
