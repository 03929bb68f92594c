module BoundLab.Bounds.Tests.Symbolic.CompilerTests

open System
open Expecto
open BoundLab.Bounds.Symbolic
open BoundLab.Bounds.Tests.TestUtil

/// Expressions over a, b, q, c with a, b ∈ [1, 10], q ∈ (0, 0.9), c ∈ (0, 2).
let formulas = [
    vcBound
    "a^3 - 2*a*b + b^(-2) + 1/3"
    "exp(-a/b) * ln(1 + a) / sqrt(b)"
    "min(a, b, 4) + max(a^2, 2*b) - pi"
    "klinv(q, c/a) + a^(1/3) + b^(5/2)"
    "(a + b)^b"
]

[<Tests>]
let tests =
    testList "Bounds.Symbolic.Compiler" [
        testList "compiled == evaluated on random inputs (seed 42, relative 1e-12)" [
            for f in formulas ->
                testCase f <| fun () ->
                    let e = parseWith [ "q", Domain.Probability ] f
                    let ps = Calculus.FreeSymbols e
                    let compiled = Compiler.Compile<Func<float[], float>>(e, ps)
                    let rng = Random 42
                    for _ in 1 .. 500 do
                        let xs = ps |> Seq.map (fun s ->
                                    match s.Name with
                                    | "q" -> 0.9 * rng.NextDouble() + 1e-3
                                    | "c" -> 2.0 * rng.NextDouble() + 1e-3
                                    | "delta" -> 0.998 * rng.NextDouble() + 1e-3
                                    | "n" -> 1000.0 + 1e5 * rng.NextDouble()
                                    | _ -> 1.0 + 9.0 * rng.NextDouble()) |> Array.ofSeq
                        let env = values [ for (s, x) in Seq.zip ps xs -> s.Name, x ]
                        let expected = Evaluator.Evaluate(e, env)
                        Expect.floatClose { absolute = 1e-12; relative = 1e-12 } (compiled.Invoke xs) expected f
        ]
        testCase "typed delegate with one double per parameter" <| fun () ->
            let e = parse "x^2 + 3*y"
            let f = Compiler.Compile<Func<float, float, float>>(e, [ sym "x"; sym "y" ])
            Expect.equal (f.Invoke(2.0, 5.0)) 19.0 "4 + 15"
        testCase "fails loudly" <| fun () ->
            let ex = catch<NotSupportedException> (fun () -> Compiler.Compile<Func<float[], float>>(Expr.Undefined, []) |> ignore)
            Expect.equal (ex.GetType()) typeof<NotSupportedException> "Undefined"
            Expect.stringContains ex.Message "Undefined" "names the node"
            let ex2 = catch<ArgumentException> (fun () -> Compiler.Compile<Func<float[], float>>(parse "x + y", [ sym "x" ]) |> ignore)
            Expect.stringContains ex2.Message "'y'" "names the missing symbol"
            Expect.throws (fun () -> Compiler.Compile<Func<float, float>>(parse "x + y", [ sym "x"; sym "y" ]) |> ignore) "arity mismatch"
    ]
