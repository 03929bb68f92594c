/// The depth-generic bft-spectral entry (vectors spec and l21_init of length depth) against its fixed-depth aliases
/// bft-spectral-L and the formula as it was written per depth before the generic entry existed.
module BoundLab.Bounds.Tests.Catalog.SpectralGenericTests

open System
open System.Collections.Generic
open Expecto
open BoundLab.Bounds.Symbolic
open BoundLab.Bounds.Catalog

let private scalars (pairs: (string * float) list) = readOnlyDict pairs

let private inputs (pairs: (string * float) list) (vectors: (string * float list) list) =
    BoundInputs(scalars pairs, readOnlyDict [ for k, v in vectors -> k, (List.toArray v :> IReadOnlyList<float>) ])

let private common = [ "ramp_loss", 0.05; "gamma", 8.; "x_norm", 2000.; "width", 784.; "n", 60000.; "delta", 0.05 ]
let private spec = [ 3.2; 2.1; 1.7 ]
let private l21 = [ 15.; 4.5; 3. ]

let private generic (depth: int) (extra: (string * float) list) =
    let over name = extra |> List.tryFind (fun (k, _) -> k = name) |> Option.map snd
    let scalarsAt = [ for k, v in common -> k, defaultArg (over k) v ] @ [ "depth", float depth ]
    inputs scalarsAt [ "spec", List.take depth spec; "l21_init", List.take depth l21 ]

let private fixedDepth (depth: int) (extra: (string * float) list) =
    let over name = extra |> List.tryFind (fun (k, _) -> k = name) |> Option.map snd
    [ for k, v in common -> k, defaultArg (over k) v ]
    @ [ for i in 1 .. depth -> $"s_{i}", spec.[i - 1] ] @ [ for i in 1 .. depth -> $"b_{i}", l21.[i - 1] ]

/// The formula of bft-spectral-L as Spectral.cs wrote it per depth before the generic entry (commit 9da76af).
let private handWritten (layers: int) =
    let sym name = Expr.Sym(name, Domain.PositiveReal)
    let integer name = Expr.Sym(name, Domain.PositiveInteger)
    let s = [ for i in 1 .. layers -> sym $"s_{i}" :> Expr ]
    let d = [ for i in 1 .. layers -> sym $"b_{i}" :> Expr ]
    let loss = Expr.Sym("ramp_loss", Domain.NonNegativeReal)
    let gamma, x, w, n, delta = sym "gamma", sym "x_norm", integer "width", integer "n", Expr.Sym("delta", Domain.Probability)
    let ratios = Expr.Add(List.map2 (fun (si: Expr) (bi: Expr) -> Expr.Pow(bi / si, Expr.Num(2L, 3L))) s d)
    let complexity = Expr.Multiply(s) * Expr.Pow(ratios, Expr.Num(3L, 2L))
    [ loss :> Expr; 8 / n; 48 * Expr.Ln(n) * x * Expr.Sqrt(Expr.Ln(2 * w * w)) * complexity / (gamma * n); 3 * Expr.Sqrt(Expr.Ln(1 / delta) / (2 * n)) ]

// The exact values of bft-spectral-2/3 at the golden points, from CertifiedTests.fs (certified_golden.py, mpmath intervals
// at 1000 digits): d and the residual exact − d rounded down to 30 digits.
let private exactLower =
    [ 2, "golden", 613.9736031313753, "216054536617592227142959823053e-43"
      3, "golden", 1669.603195429114, "-319984300306878011612307022502e-43"
      2, "delta=1e-300", 614.1522462991004, "-182636314690084870138090200729e-43"
      3, "delta=1e-300", 1669.7758668144913, "-254102663799927233871522692202e-43" ]

let private exact (s: string) =
    if s.StartsWith "-" then -(Rational.ParseDecimal(s.Substring 1)) else Rational.ParseDecimal s

[<Tests>]
let tests =
    testList "Bounds.Catalog.SpectralGeneric" [
        yield testCase "one generic entry in the catalog; bft-spectral-L are aliases built from it" <| fun () ->
            let ids = [ for e in BoundCatalog.All -> e.Id ]
            Expect.contains ids "bft-spectral" "generic entry listed"
            Expect.isFalse (ids |> List.exists (fun id -> id.StartsWith "bft-spectral-")) "no fixed-depth entry listed"
            let e = BoundCatalog.Get "bft-spectral"
            Expect.equal [ for i in e.Inputs -> i.Name ] [ "ramp_loss"; "gamma"; "depth"; "spec"; "l21_init"; "x_norm"; "width"; "n"; "delta" ] "inputs"
            Expect.equal [ for i in e.Inputs do if i.IsVector then i.Name, i.Length ] [ "spec", "depth"; "l21_init", "depth" ] "vectors of length depth"
            Expect.equal (BoundCatalog.Get "bft-spectral-3").Id "bft-spectral-3" "alias id"

        for layers in [ 1; 2; 3; 7 ] ->
            testCase $"bft-spectral-{layers}: the alias's terms are the hand-written per-depth formula, structurally" <| fun () ->
                let alias = BoundCatalog.Get $"bft-spectral-{layers}"
                Expect.equal [ for t in alias.Terms -> t.Expression ] (handWritten layers) "terms"
                Expect.equal alias.Formula (Expr.Add(handWritten layers)) "formula"

        for layers in [ 2; 3 ] do
            for label, extra in [ "golden", []; "delta=1e-300", [ "delta", 1e-300 ]; "n=1e308", [ "n", 1e308 ]; "gamma=0.01", [ "gamma", 0.01 ] ] ->
                testCase $"generic at depth {layers} ({label}) equals bft-spectral-{layers}: value and terms to 1 ulp, δ budget bit for bit" <| fun () ->
                    let g = BoundEvaluator.Evaluate(BoundCatalog.Get "bft-spectral", generic layers extra, 2)
                    let f = BoundEvaluator.Evaluate($"bft-spectral-{layers}", scalars (fixedDepth layers extra), 2)
                    // Not bit for bit in general: the alias multiplies s_1·…·s_L into the one outer product in canonical
                    // order, the generic form evaluates Π s_i as its own (scaled, outward-rounded) factor; both are
                    // upper ends of enclosures of the same exact value, one outward rounding apart (measured: equal bits at depth 2 but for the spectral term at n = 1e308, 1 ulp at depth 3,
                    // where the generic value is the lower, and still not below the exact value: see the next tests).
                    let ulps (a: float) (b: float) = abs (BitConverter.DoubleToInt64Bits a - BitConverter.DoubleToInt64Bits b)
                    Expect.isLessThanOrEqual (ulps g.Value f.Value) 1L $"value {g.Value:R} vs {f.Value:R}"
                    for tg, tf in List.zip (List.ofSeq g.Terms) (List.ofSeq f.Terms) do
                        Expect.equal tg.Name tf.Name "term names"
                        Expect.isLessThanOrEqual (ulps tg.Value tf.Value) 1L $"{tg.Name}: {tg.Value:R} vs {tf.Value:R}"
                    Expect.equal g.DeltaBudget.LnInverseEffective f.DeltaBudget.LnInverseEffective "ln(1/δ_eff), bit for bit"
                    Expect.equal g.DeltaBudget.Effective f.DeltaBudget.Effective "δ_eff, bit for bit"
                    Expect.equal g.DeltaBudget.Grids.Count (2 * layers + 1) "2L + 1 grid penalties"
                    Expect.equal [ for u in g.DeltaBudget.Grids -> u.Point ] [ for u in f.DeltaBudget.Grids -> u.Point ] "grid points"
                    Expect.equal [ for u in g.DeltaBudget.Grids -> u.Symbol ]
                        ([ "gamma" ] @ [ for i in 1 .. layers -> $"spec[{i}]" ] @ [ for i in 1 .. layers -> $"l21_init[{i}]" ]) "element names"
                    Expect.equal g.Vacuous f.Vacuous "vacuous"

        for layers, label, d, lower in exactLower ->
            testCase $"generic at depth {layers} ({label}) is not below the exact value (certified_golden.py)" <| fun () ->
                let extra = if label = "golden" then [] else [ "delta", 1e-300 ]
                let g = BoundEvaluator.Evaluate(BoundCatalog.Get "bft-spectral", generic layers extra, 2)
                Expect.isGreaterThanOrEqual (Rational.FromDouble g.Value) (Rational.FromDouble d + exact lower) "value ≥ exact"

        yield testCase "LaTeX of the generic entry shows Σ and Π over depth" <| fun () ->
            let latex = LatexPrinter.Latex (BoundCatalog.Get "bft-spectral").Formula
            Expect.stringContains latex @"\prod_{i=1}^{\mathrm{depth}} \mathrm{spec}_{i}" "Π s_i"
            Expect.stringContains latex @"\sum_{i=1}^{\mathrm{depth}} \left(\frac{\mathrm{l21\_init}_{i}}{\mathrm{spec}_{i}}\right)^{\frac{2}{3}}" "Σ (b_i/s_i)^(2/3)"

        yield testCase "depth 100 with large norms: finite, δ paid 201 times in log space, compiled form agrees" <| fun () ->
            let entry = BoundCatalog.Get "bft-spectral"
            let vin = BoundInputs(scalars ([ for k, v in common -> k, v ] @ [ "depth", 100. ]),
                                  readOnlyDict [ "spec", ([| for _ in 1 .. 100 -> 50. |] :> IReadOnlyList<float>); "l21_init", ([| for _ in 1 .. 100 -> 500. |] :> IReadOnlyList<float>) ])
            let r = BoundEvaluator.Evaluate(entry, vin, 2)
            Expect.isTrue (Double.IsFinite r.Value) "finite"
            Expect.equal r.DeltaBudget.Grids.Count 201 "2·100 + 1 grid indices"
            Expect.equal r.DeltaBudget.Effective 0.0 "δ_eff underflows; carried as ln(1/δ_eff)"
            let compiled = CompiledBound.For entry
            let prepared = BoundEvaluator.Prepare(entry, vin)
            let v = compiled.Invoke(compiled.Arguments prepared.Point, compiled.VectorArguments prepared)
            Expect.floatClose { absolute = 0.; relative = 1e-13 } v r.Value "compiled = certified"

        yield testCase "bad vector inputs: one clear error naming the input" <| fun () ->
            let entry = BoundCatalog.Get "bft-spectral"
            let fails (i: BoundInputs) (parts: string list) =
                let e = Expect.throwsC (fun () -> BoundEvaluator.Evaluate(entry, i, 2) |> ignore) id
                for p in parts do Expect.stringContains e.Message p $"message names {p}"
            fails (inputs (common @ [ "depth", 3. ]) [ "spec", spec; "l21_init", [ 1.; 2. ] ]) [ "l21_init has 2 elements but depth = 3" ]
            fails (inputs (common @ [ "depth", 3. ]) [ "spec", [ 3.2; -1.; 1.7 ]; "l21_init", l21 ]) [ "spec[2] = -1"; "> 0" ]
            fails (inputs (common @ [ "depth", 3.; "spec", 2. ]) [ "l21_init", l21 ]) [ "spec is a vector input"; "list" ]
            fails (inputs common [ "spec", spec; "l21_init", l21 ]) [ "needs a value for depth" ]
            fails (inputs (common @ [ "depth", 3. ]) [ "l21_init", l21 ]) [ "needs a value for spec"; "a list of depth values" ]
            let e = Expect.throwsC (fun () -> BoundEvaluator.Evaluate("bft-spectral", scalars (common @ [ "depth", 3. ]), 2) |> ignore) id
            Expect.stringContains e.Message "needs a value for spec" "the dictionary overload says what is missing"
    ]
