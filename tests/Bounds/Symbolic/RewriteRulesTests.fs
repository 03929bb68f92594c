module BoundLab.Bounds.Tests.Symbolic.RewriteRulesTests

open Expecto
open BoundLab.Bounds.Symbolic
open BoundLab.Bounds.Verification
open BoundLab.Bounds.Tests.TestUtil

[<Tests>]
let tests =
    testList "Bounds.Symbolic.RewriteRules" [
        testCase "rule names are unique" <| fun () ->
            let names = RewriteRules.All |> Seq.map (fun r -> r.Name) |> List.ofSeq
            Expect.equal (List.distinct names) names "names"
        testList "each rule is proved by Z3 (left ≠ right is unsat)" [
            for rule in RewriteRules.All ->
                testCase $"{rule.Name}: {rule.Identity}" <| fun () ->
                    for b in ruleInstances rule do
                        expectProvedEqual (rule.InstantiateLeft b) (rule.InstantiateRight b) rule.Identity
        ]
        testList "the constructors apply each rule" [
            for rule in RewriteRules.All ->
                testCase rule.Name <| fun () ->
                    for b in ruleInstances rule do
                        let rebuilt = Calculus.Substitute(rule.InstantiateLeft b, bindings [])
                        Expect.equal rebuilt (rule.InstantiateRight b) $"{rule.InstantiateLeft b}"
        ]
        testCase "side conditions are respected" <| fun () ->
            let x = symIn Domain.Real "x"
            Expect.equal (Expr.Exp(Expr.Ln x).ToString()) "exp(ln(x))" "exp(ln x) kept for real x"
            Expect.equal (Expr.Sqrt(x * x).ToString()) "sqrt(x^2)" "sqrt(x^2) kept for real x"
            Expect.equal (Expr.Sqrt(symIn Domain.NonNegativeReal "y" * symIn Domain.NonNegativeReal "y").ToString()) "y" "sqrt(y^2) = y for y >= 0"
            Expect.equal (Expr.KlInv(symIn Domain.Real "q", 0).ToString()) "klinv(q, 0)" "kl⁻¹(q, 0) kept for real q"
        testCase "Z3 refutes the rule without its side condition (the proof can fail)" <| fun () ->
            let x = symIn Domain.Real "x"
            let r = SmtSolver.Check(SmtLibEncoder.EqualityObligation(Expr.Exp(Expr.Ln x), x), z3Timeout)
            Expect.equal r.Verdict SmtVerdict.Sat "exp(ln x) = x is false for x <= 0"
            let r2 = SmtSolver.Check(SmtLibEncoder.EqualityObligation(Expr.Sqrt(x * x), x), z3Timeout)
            Expect.equal r2.Verdict SmtVerdict.Sat "sqrt(x^2) = x is false for x < 0"
    ]
