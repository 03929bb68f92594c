module BoundLab.Bounds.Tests.Symbolic.FunctionKindTests

open System
open Expecto
open BoundLab.Bounds.Symbolic
open BoundLab.Bounds.Tests.TestUtil

// Every FunctionKind, enumerated from the enum itself, goes through every printer, the parser, the compiler,
// the evaluator, the differentiator, substitution and the SMT encoder. A kind added to the enum without a row
// here fails the suite (and, through the exhaustive switches in src/Bounds, fails to compile elsewhere).

let private x = Expr.Sym("x", Domain.PositiveReal)
let private y = Expr.Sym("y", Domain.PositiveReal)
let private q = Expr.Sym("q", Domain.Probability)
let private domains = [ "q", Domain.Probability ]

/// A sample, its Unicode, LaTeX and SMT-LIB forms, and an independent float reference at (x, y, q).
type Row = { Sample: Expr; Unicode: string; Latex: string; Smt: string; Reference: float -> float -> float -> float }

let private row kind =
    match kind with
    | FunctionKind.Ln -> Some { Sample = Expr.Ln x; Unicode = "ln(x)"; Latex = @"\ln\left(x\right)"; Smt = "(bl.ln x)"; Reference = fun x _ _ -> log x }
    | FunctionKind.Exp -> Some { Sample = Expr.Exp x; Unicode = "exp(x)"; Latex = @"\exp\left(x\right)"; Smt = "(bl.exp x)"; Reference = fun x _ _ -> exp x }
    | FunctionKind.Expm1 ->
        Some { Sample = Expr.Expm1 x; Unicode = "expm1(x)"; Latex = @"\left(\exp\left(x\right) - 1\right)"; Smt = "(- (bl.exp x) 1.0)"
               // At the test points x ≥ 0.2 the plain exp(x) − 1 is accurate to 1e-15.
               Reference = fun x _ _ -> exp x - 1.0 }
    | FunctionKind.Min -> Some { Sample = Expr.Min(x, y); Unicode = "min(x, y)"; Latex = @"\min\left(x, y\right)"; Smt = "(ite (<= x y) x y)"; Reference = fun x y _ -> min x y }
    | FunctionKind.Max -> Some { Sample = Expr.Max(x, y); Unicode = "max(x, y)"; Latex = @"\max\left(x, y\right)"; Smt = "(ite (>= x y) x y)"; Reference = fun x y _ -> max x y }
    | FunctionKind.KlInv ->
        Some { Sample = Expr.KlInv(q, x); Unicode = "kl⁻¹(q, x)"; Latex = @"\operatorname{kl}^{-1}\left(q, x\right)"; Smt = "(bl.klinv q x)"
               // Plain bisection on the textbook kl, 200 steps: a second implementation, good to ~1e-12 here.
               Reference = fun x _ q ->
                   let kl p = q * log (q / p) + (1.0 - q) * log ((1.0 - q) / (1.0 - p))
                   let mutable lo, hi = q, 1.0
                   for _ in 1 .. 200 do
                       let mid = 0.5 * (lo + hi)
                       if kl mid > x then hi <- mid else lo <- mid
                   hi }
    | FunctionKind.BinomInv ->
        // bin⁻¹(q, 20, q): k = 20q ∈ {1, 6, 12} at the test points; x does not occur, so ∂/∂x = 0.
        Some { Sample = Expr.BinomInv(q, Expr.Num(20, 1), q); Unicode = "bin⁻¹(q, 20, q)"; Latex = @"\operatorname{Bin}^{-1}\left(q, 20, q\right)"
               Smt = "(bl.bininv q 20.0 q)"
               // Plain bisection on the binomial CDF summed term by term in floats, 200 steps: a second implementation.
               Reference = fun _ _ q ->
                   let n, k = 20, int (round (20.0 * q))
                   let choose n j = Seq.fold (fun acc i -> acc * float (n - i + 1) / float i) 1.0 (seq { 1 .. j })
                   let cdf p = Seq.sum (seq { for j in 0 .. k -> choose n j * p ** float j * (1.0 - p) ** float (n - j) })
                   let mutable lo, hi = 0.0, 1.0
                   for _ in 1 .. 200 do
                       let mid = 0.5 * (lo + hi)
                       if cdf mid >= q then lo <- mid else hi <- mid
                   hi }
    | _ -> None

let kinds = Enum.GetValues<FunctionKind>() |> List.ofArray

let private rowOf kind =
    match row kind with
    | Some r -> r
    | None -> failtestf "FunctionKind.%A has no row in FunctionKindTests: add one, then every printer, the compiler, the evaluator and the differentiator" kind

/// Test points (x, y, q).
let points = [ 0.2, 1.3, 0.05; 0.7, 0.4, 0.3; 2.5, 2.9, 0.6 ]

let private env (x, y, q) = values [ "x", x; "y", y; "q", q ]

[<Tests>]
let tests =
    testList "Bounds.Symbolic.FunctionKind" [
        yield testCase "the sample of each kind is a node of that kind" <| fun () ->
            for k in kinds do
                match (rowOf k).Sample with
                | :? Function as f -> Expect.equal f.Kind k $"{k}"
                | e -> failtestf "%A: sample normalized to %O, not a function node" k e
        for k in kinds ->
            testList (string k) [
                testCase "ASCII infix parses back to the same expression" <| fun () ->
                    let r = rowOf k
                    Expect.equal (parseWith domains (TextPrinter.Infix r.Sample)) r.Sample (TextPrinter.Infix r.Sample)
                testCase "Unicode" <| fun () -> let r = rowOf k in Expect.equal (TextPrinter.Unicode r.Sample) r.Unicode "Unicode"
                testCase "LaTeX" <| fun () -> let r = rowOf k in Expect.equal (LatexPrinter.Latex r.Sample) r.Latex "LaTeX"
                testCase "SMT-LIB" <| fun () -> let r = rowOf k in Expect.equal (SmtLibEncoder.Print r.Sample) r.Smt "SMT-LIB term"
                testCase "evaluator matches an independent reference; compiler matches the evaluator" <| fun () ->
                    let r = rowOf k
                    let ps = [| x; y; q |]
                    let compiled = Compiler.Compile<Func<float[], float>>(r.Sample, ps)
                    for (px, py, pq) as p in points do
                        let v = Evaluator.Evaluate(r.Sample, env p)
                        Expect.floatClose { absolute = 1e-12; relative = 1e-12 } v (r.Reference px py pq) $"{k} at {p}"
                        Expect.equal (compiled.Invoke [| px; py; pq |]) v $"compiled {k} at {p}"
                testCase "substitution rebuilds the same node" <| fun () ->
                    let r = rowOf k
                    let renamed = r.Sample.Substitute(bindings [ "x", Expr.Sym("z", Domain.PositiveReal) ])
                    let back = renamed.Substitute(bindings [ "z", x ])
                    Expect.equal back r.Sample "x → z → x"
                    let at = r.Sample.Substitute(bindings [ "x", Expr.Num(1, 2) ])
                    Expect.floatClose Accuracy.high (at.Evaluate(values [ "y", 1.3; "q", 0.05 ]))
                        (Evaluator.Evaluate(r.Sample, values [ "x", 0.5; "y", 1.3; "q", 0.05 ])) "x → 1/2"
                testCase "derivative in x vs central finite difference (min/max: refused)" <| fun () ->
                    let r = rowOf k
                    match k with
                    | FunctionKind.Min | FunctionKind.Max ->
                        Expect.throwsT<NotSupportedException> (fun () -> r.Sample.Differentiate x |> ignore) "not differentiable at ties"
                    | _ ->
                        let d = r.Sample.Differentiate x
                        for (px, py, pq) as p in points do
                            let h = 1e-6 * max 1.0 px
                            let f t = Evaluator.Evaluate(r.Sample, env (t, py, pq))
                            let fd = (f (px + h) - f (px - h)) / (2.0 * h)
                            Expect.floatClose { absolute = 1e-7; relative = 1e-6 } (Evaluator.Evaluate(d, env p)) fd $"∂{k}/∂x at {p}"
            ]
    ]
