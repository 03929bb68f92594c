// Regenerates proofs/rewrite-rules/*.smt2: one obligation per rewrite rule of the symbolic core (assert Left ≠ Right
// under the variables' domains; unsat proves the identity). Number-only variables get one representative binding.
// Run from the repository root after a Release build:  dotnet fsi proofs/rewrite-rules.fsx
#r "../src/Bounds/bin/Release/net10.0/BoundLab.Bounds.dll"
open System.IO
open System.Collections.Generic
open BoundLab.Bounds.Symbolic

let dir = Path.Combine(__SOURCE_DIRECTORY__, "rewrite-rules")
Directory.CreateDirectory dir |> ignore
let representative = dict [ "a", Expr.Num(Rational(System.Numerics.BigInteger(2))); "b", Expr.Num(Rational(System.Numerics.BigInteger.One, System.Numerics.BigInteger(3))) ]
for rule in RewriteRules.All do
    let bindings = Dictionary<string, Expr>()
    for v in rule.Variables do
        bindings.[v.Symbol.Name] <- (if v.NumberOnly then representative.[v.Symbol.Name] else v.Symbol :> Expr)
    let left = rule.InstantiateLeft bindings
    let right = rule.InstantiateRight bindings
    let script = SmtLibEncoder.EqualityObligation(left, right)
    let numbers = rule.Variables |> Seq.filter (fun v -> v.NumberOnly) |> Seq.map (fun v -> $"{v.Symbol.Name} = {representative.[v.Symbol.Name]}") |> String.concat ", "
    let claim = if numbers = "" then rule.Identity else $"{rule.Identity}, at {numbers}"
    // Debian's cvc5 (no libpoly) times out on klinv-zero's 2(p−q)² ≤ 0 ⇒ p = q; the file says so and the test allows only that.
    let cvc5 = if rule.Name = "klinv-zero" then "; cvc5: unknown (Debian cvc5, built without libpoly, times out on 2(p−q)² ≤ 0 ⇒ p = q; Z3 proves it)\n" else ""
    File.WriteAllText(Path.Combine(dir, $"rule-{rule.Name}.smt2"), $"; expect: unsat\n; proves: rewrite rule {rule.Name}: {claim}\n{cvc5}{script}")
printfn "wrote %d rule obligations to %s" RewriteRules.All.Length dir
