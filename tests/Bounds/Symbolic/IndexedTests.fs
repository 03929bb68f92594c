module BoundLab.Bounds.Tests.Symbolic.IndexedTests

open System
open System.Collections.Generic
open Expecto
open BoundLab.Bounds.Symbolic
open BoundLab.Bounds.Tests.TestUtil

let L = symIn Domain.PositiveInteger "L"
let s = VectorSymbol("s", L, Domain.PositiveReal)
let b = VectorSymbol("b", L, Domain.PositiveReal)
let r = VectorSymbol("r", L, Domain.Real)
let i = Expr.IndexVar "i"
let x = sym "x"

let vectors (pairs: (string * float list) list) : IReadOnlyDictionary<string, IReadOnlyList<float>> =
    Dictionary(dict [ for k, v in pairs -> k, (List.toArray v :> IReadOnlyList<float>) ]) :> IReadOnlyDictionary<_, _>

let exact (text: string) = Rational.ParseDecimal text
let num (k: int) : Expr = Expr.Num(Rational(bigint k))

/// Σ_{i=1}^{L} (b_i/s_i)^(2/3), the ratio sum of the spectral bound, and Π_{i=1}^{L} s_i.
let ratios = Expr.SumOver(i, L, Expr.Pow(b.[i] / s.[i], Expr.Num(2L, 3L)))
let prodS = Expr.ProductOver(i, L, s.[i])

/// Central differences, as in CalculusTests: h = 1e-6·max(1, |x|), agreement to 1e-6 relative.
let tolerance = { absolute = 1e-7; relative = 1e-6 }

let central (f: float -> float) (v: float) =
    let h = 1e-6 * max 1.0 (abs v)
    (f (v + h) - f (v - h)) / (2.0 * h)

// L = 100, factors 1e5 for i ≤ 65 and 1e−5 for i > 65 (and the reverse). The exact products of the doubles, from
//   from mpmath import mp, mpf, floor, ceil, log10; mp.dps = 400; a = mpf(1e5); b = mpf(1e-5)
//   for v in [a**65*b**35, b**65*a**35]: e = int(floor(log10(v)))-60; s = v/mpf(10)**e; print(int(floor(s)), int(ceil(s)), e)
let up100 = [ for k in 1 .. 100 -> if k <= 65 then 1e5 else 1e-5 ]
let down100 = [ for k in 1 .. 100 -> if k <= 65 then 1e-5 else 1e5 ]
let up100Floor = exact "1000000000000002863106886991099815690260632739206976231766155e90"
let up100Ceil = exact "1000000000000002863106886991099815690260632739206976231766156e90"
let down100Floor = exact "1000000000000005317198504412049039299480095469679128587320944e-210"
let down100Ceil = exact "1000000000000005317198504412049039299480095469679128587320945e-210"

[<Tests>]
let tests =
    testList "Bounds.Symbolic.Indexed" [
        testCase "normal forms: constant bodies fold, empty numeric ranges are 0 and 1" <| fun () ->
            Expect.equal (Expr.SumOver(i, L, x)) (L * x) "Σ x = L·x"
            Expect.equal (Expr.ProductOver(i, L, x)) (Expr.Pow(x, L)) "Π x = x^L"
            Expect.equal (Expr.SumOver(i, (num 3), (num 2), s.[i])) Expr.Zero "empty Σ"
            Expect.equal (Expr.ProductOver(i, (num 3), (num 2), s.[i])) Expr.One "empty Π"
            Expect.equal (Expr.SumOver(Expr.IndexVar "j", L, s.[Expr.IndexVar "j"])) (Expr.SumOver(Expr.IndexVar "j", L, s.[Expr.IndexVar "j"])) "structural equality"
            Expect.throwsT<ArgumentOutOfRangeException> (fun () -> s.[(num 0)] |> ignore) "index 0"

        testCase "evaluate: Σ and Π against plain loops, the length taken from the vector or checked against L" <| fun () ->
            let sv, bv = [ 3.2; 2.1; 1.7 ], [ 15.; 4.5; 3. ]
            let e = prodS * Expr.Pow(ratios, Expr.Num(3L, 2L))
            let plainRatios = List.map2 (fun bi si -> Math.Pow(bi / si, 2.0 / 3.0)) bv sv |> List.fold (+) 0.0
            let plain = (List.fold (*) 1.0 sv) * Math.Pow(plainRatios, 1.5)
            let v = Evaluator.Evaluate(e, values [], vectors [ "s", sv; "b", bv ])
            Expect.floatClose Accuracy.veryHigh v plain "no L given"
            Expect.equal (Evaluator.Evaluate(e, values [ "L", 3. ], vectors [ "s", sv; "b", bv ])) v "L = 3 given"
            let enc = Evaluator.Enclose(e, values [ "L", 3. ], vectors [ "s", sv; "b", bv ])
            Expect.isTrue (enc.Lo <= v && v <= enc.Hi) $"{enc} contains the round-to-nearest value"
            Expect.isLessThan enc.WidthInUlps 64.0 "tight"
            let err = catch<ArgumentException> (fun () -> Evaluator.Evaluate(e, values [ "L", 2. ], vectors [ "s", sv; "b", bv ]) |> ignore)
            Expect.stringContains err.Message "'b' has 3 elements but its length L = 2" "names the vector and the length"
            let err = catch<ArgumentException> (fun () -> Evaluator.Evaluate(e, values [], vectors [ "s", sv; "b", [ 1.; 2. ] ]) |> ignore)
            Expect.stringContains err.Message "share the length L" "two vectors of one length disagree"
            let err = catch<ArgumentException> (fun () -> Evaluator.Evaluate(e, values [], vectors [ "s", sv ]) |> ignore)
            Expect.stringContains err.Message "vector 'b'" "missing vector"

        testCase "Π at L = 100 with factors 1e5 and 1e-5: no overflow or underflow on the way (mpmath)" <| fun () ->
            let L100 = values [ "L", 100. ]
            for factors, lo, hi, name in [ up100, up100Floor, up100Ceil, "1e150"; down100, down100Floor, down100Ceil, "1e-150" ] do
                let naive = List.fold (*) 1.0 factors
                Expect.isTrue (naive = 0.0 || Double.IsInfinity naive) $"{name}: the plain running product leaves the double range ({naive})"
                let v = Evaluator.Evaluate(prodS, L100, vectors [ "s", factors ])
                let mid = ((Rational.FromDouble(v) - lo) / lo).ToDouble()
                Expect.isLessThan (abs mid) 1e-13 $"{name}: round-to-nearest {v} within 1e-13 of exact"
                let enc = Evaluator.Enclose(prodS, L100, vectors [ "s", factors ])
                Expect.isLessThanOrEqual (Rational.FromDouble enc.Lo) lo $"{name}: lower end ≤ exact"
                Expect.isGreaterThanOrEqual (Rational.FromDouble enc.Hi) hi $"{name}: upper end ≥ exact"
                Expect.isLessThan enc.WidthInUlps 512.0 $"{name}: {enc} is tight"
                let f = Compiler.Compile<Func<float[], float[][], float>>(prodS, [| L |], [| s |])
                Expect.equal (f.Invoke([| 100. |], [| List.toArray factors |])) v $"{name}: compiled = evaluated"

        testCase "compile: both delegate forms agree with the evaluator; lengths and indices are checked" <| fun () ->
            let e = x * prodS * Expr.Pow(ratios, Expr.Num(3L, 2L)) + Expr.SumOver(i, L, Expr.Ln(s.[i]))
            let sv, bv = [| 3.2; 2.1; 1.7 |], [| 15.; 4.5; 3. |]
            let expected = Evaluator.Evaluate(e, values [ "x", 2.5 ], vectors [ "s", List.ofArray sv; "b", List.ofArray bv ])
            let f = Compiler.Compile<Func<float[], float[][], float>>(e, [| L; x |], [| b; s |])
            Expect.equal (f.Invoke([| 3.; 2.5 |], [| bv; sv |])) expected "arrays"
            let g = Compiler.Compile<Func<float, float[], float[], float>>(e, [| x |], [| b; s |])
            Expect.equal (g.Invoke(2.5, bv, sv)) expected "one argument each, L from the array"
            let err = catch<ArgumentException> (fun () -> f.Invoke([| 2.; 2.5 |], [| bv; sv |]) |> ignore)
            Expect.stringContains err.Message "'b' has 3 elements but its length L = 2" "length check"
            let shifted = Expr.SumOver(i, L, s.[i + 1])
            let h = Compiler.Compile<Func<float[], float[][], float>>(shifted, [| L |], [| s |])
            let err = catch<ArgumentException> (fun () -> h.Invoke([| 3. |], [| sv |]) |> ignore)
            Expect.stringContains err.Message "s_4 does not exist" "index check"

        testCase "nested: Σ_i Σ_{j ≤ i} s_j over a shadowing-free pair of indices" <| fun () ->
            let j = Expr.IndexVar "j"
            let e = Expr.SumOver(i, L, Expr.SumOver(j, Expr.One, i, s.[j]))
            let sv = [ 1.; 10.; 100. ]
            Expect.equal (Evaluator.Evaluate(e, values [], vectors [ "s", sv ])) (1. + 11. + 111.) "prefix sums"
            let unrolled = Calculus.Unroll(Calculus.Substitute(e, bindings [ "L", (num 3) ]))
            Expect.equal unrolled (3 * s.[(num 1)] + 2 * s.[(num 2)] + s.[(num 3)]) "unrolled at L = 3"

        testCase "derivatives in a scalar and in each element against central differences" <| fun () ->
            // f = x · Π s_i · (Σ (b_i/s_i)^(2/3))^(3/2) + Π (r_i − 2)/x: a positive product and one of unknown sign.
            let e = x * prodS * Expr.Pow(ratios, Expr.Num(3L, 2L)) + Expr.ProductOver(i, L, r.[i] - 2) / x
            let sv, bv, rv = [ 3.2; 2.1; 1.7 ], [ 15.; 4.5; 3. ], [ 0.5; 3.5; -1.25 ]
            let eval xv (sv: float list) (rv: float list) = Evaluator.Evaluate(e, values [ "x", xv ], vectors [ "s", sv; "b", bv; "r", rv ])
            let at (d: Expr) = Evaluator.Evaluate(d, values [ "x", 1.3 ], vectors [ "s", sv; "b", bv; "r", rv ])
            Expect.floatClose tolerance (at (Calculus.Differentiate(e, x))) (central (fun v -> eval v sv rv) 1.3) "∂/∂x"
            for j in 1 .. 3 do
                let bump (xs: float list) v = xs |> List.mapi (fun k y -> if k = j - 1 then v else y)
                Expect.floatClose tolerance (at (Calculus.Differentiate(e, s, j))) (central (fun v -> eval 1.3 (bump sv v) rv) sv.[j - 1]) $"∂/∂s_{j}"
                Expect.floatClose tolerance (at (Calculus.Differentiate(e, r, j))) (central (fun v -> eval 1.3 sv (bump rv v)) rv.[j - 1]) $"∂/∂r_{j}"
            // Σ over a Π of unknown sign in x: the product rule Σ_k (Π_{i<k}) f'_k (Π_{i>k}).
            let g = Expr.ProductOver(i, L, r.[i] - x)
            let dg = Calculus.Differentiate(g, x)
            let gv v = Evaluator.Evaluate(g, values [ "x", v ], vectors [ "r", rv ])
            Expect.floatClose tolerance (Evaluator.Evaluate(dg, values [ "x", 0.7 ], vectors [ "r", rv ])) (central gv 0.7) "product rule in x"
            Expect.throwsT<NotSupportedException> (fun () -> Calculus.Differentiate(Expr.SumOver(i, L, s.[i + 1]), s, 2) |> ignore) "shifted index refused"
            Expect.throwsT<NotSupportedException> (fun () -> Calculus.Differentiate(Expr.SumOver(i, L, s.[i]), L) |> ignore) "range depends on L"

        testCase "substitute inside bodies and limits" <| fun () ->
            let e = Expr.SumOver(i, L, x * s.[i])
            let e2 = Calculus.Substitute(e, bindings [ "x", (num 2); "L", (num 2) ])
            Expect.equal (Calculus.Unroll e2) (2 * s.[(num 1)] + 2 * s.[(num 2)]) "x := 2, L := 2"
            Expect.equal (Calculus.FreeVectors e |> Seq.map (fun v -> v.Name) |> List.ofSeq) [ "s" ] "free vectors"
            Expect.equal (Calculus.FreeSymbols e |> Seq.map (fun v -> v.Name) |> List.ofSeq) [ "L"; "x" ] "free symbols (i is bound)"

        testCase "printing: LaTeX and Unicode show Σ/Π with limits and subscripts" <| fun () ->
            Expect.equal (LatexPrinter.Latex ratios) @"\sum_{i=1}^{L} \left(\frac{b_{i}}{s_{i}}\right)^{\frac{2}{3}}" "LaTeX Σ"
            Expect.equal (LatexPrinter.Latex (x * prodS)) @"x \left(\prod_{i=1}^{L} s_{i}\right)" "LaTeX Π as a factor"
            Expect.equal (TextPrinter.Unicode ratios) "Σ_{i=1}^{L} (b_i/s_i)^(2/3)" "Unicode Σ"
            Expect.equal (TextPrinter.Unicode (Expr.ProductOver(i, L, s.[i]) + 1)) "1 + (Π_{i=1}^{L} s_i)" "Unicode Π, parenthesized after an operator"
            Expect.equal (TextPrinter.Infix ratios) "sum(i, 1, L, (b[i]/s[i])^(2/3))" "ASCII"
            let vs = Dictionary(dict [ "s", s; "b", b; "r", r ]) :> IReadOnlyDictionary<_, _>
            let domains = Dictionary(dict [ "L", Domain.PositiveInteger ]) :> IReadOnlyDictionary<_, _>
            for e in [ ratios; x * prodS * Expr.Pow(ratios, Expr.Num(3L, 2L)); Expr.SumOver(i, L, Expr.ProductOver(Expr.IndexVar "j", i, L, r.[Expr.IndexVar "j"] - i)) ] do
                Expect.equal (Parser.Parse(TextPrinter.Infix e, domains, vs)) e $"{e} parses back"
            let err = catch<ParseException> (fun () -> Parser.Parse("q[1]", domains, vs) |> ignore)
            Expect.stringContains err.Message "a vector before '['" "unknown vector"

        testCase "SMT-LIB: written out at a concrete length (Z3 proves the unrolled identity), refused without one" <| fun () ->
            let lengths = Dictionary(dict [ "L", 3 ]) :> IReadOnlyDictionary<_, _>
            let explicitSum = Expr.Add([ for k in 1L .. 3L -> s.[num (int k)] * s.[num (int k)] ])
            let e = Expr.SumOver(i, L, s.[i] * s.[i])
            expectUnsat (SmtLibEncoder.EqualityObligation(e, explicitSum, lengths)) "Σ s_i² = s_1² + s_2² + s_3²"
            Expect.stringContains (SmtLibEncoder.Print(e, lengths)) "|s[1]|" "elements are variables"
            let err = catch<NotSupportedException> (fun () -> SmtLibEncoder.Print e |> ignore)
            Expect.stringContains err.Message "without a concrete length" "says why"
            Expect.stringContains err.Message "of L" "names the length"
    ]
