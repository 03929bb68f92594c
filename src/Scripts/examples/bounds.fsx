// Explore the bound catalog from F# Interactive.
// Build first:  dotnet build src/Scripts -c Release
// Then run:     dotnet fsi src/Scripts/examples/bounds.fsx
#r "../bin/Release/net10.0/BoundLab.Bounds.dll"
#r "../bin/Release/net10.0/BoundLab.Scripts.dll"

open BoundLab.Bounds.Symbolic
open BoundLab.Scripts

// 1. A bound built by hand with the symbolic core: the VC bound of Mohri et al. (2018) Cor. 3.19.
let n = Expr.Sym("n", Domain.PositiveInteger)
let d = Expr.Sym("vc_dim", Domain.PositiveInteger)
let delta = Expr.Sym("delta", Domain.Probability)
let err = Expr.Sym("train_error", Domain.NonNegativeReal)
let myVc = err + Expr.Sqrt(2 * d * Expr.Ln(Expr.E * n / d) / n) + Expr.Sqrt(Expr.Ln(1 / delta) / (2 * n))
printfn "hand-built:  %s" (LatexPrinter.Latex myVc)
printfn "catalog:     %s" (Bounds.latex "vc-mohri")

// 2. Evaluate the catalog entry over a grid of n and compare with the hand-built expression.
let inputs = [ "train_error", 0.01; "vc_dim", 1000.; "delta", 0.05 ]
printfn "%10s %12s %12s" "n" "vc-mohri" "hand-built"
for x, v in Bounds.sweep "vc-mohri" "n" [ 1e4; 3e4; 1e5; 3e5; 1e6 ] inputs do
    printfn "%10.0f %12.6f %12.6f" x v (Bounds.evalExpr myVc (("n", x) :: inputs))

// 3. A full evaluation with its terms, δ budget and warnings; then the sample complexity.
let r = Bounds.eval "pacbayes-maurer" [ "emp_risk", 0.03; "kl", 5000.; "n", 60000.; "delta", 0.025 ]
printfn "pacbayes-maurer = %.6f (%A, vacuous: %b)" r.Value r.Provenance r.Vacuous
for w in r.Warnings do printfn "  warning: %s" w
printfn "least n for vc-mohri ≤ 0.1: %d" (Bounds.solve "vc-mohri" "n" 0.1 [ "train_error", 0.; "vc_dim", 100.; "delta", 0.05 ])
