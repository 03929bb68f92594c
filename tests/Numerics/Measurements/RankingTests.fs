module BoundLab.Numerics.Tests.Measurements.RankingTests

open System
open Expecto
open BoundLab.Numerics.Measurements.Ranking
open BoundLab.Numerics.Tests.TestUtil

// Golden values: plain python3 with fractions.Fraction (no scipy), by direct enumeration of pairs:
//   def sgn(a): return (a>0)-(a<0)
//   def counts(x,y):   # s = Σ_{i<j} sgn(Δx)sgn(Δy), tx/ty = pairs tied in x/y, p = pairs
//       s=tx=ty=p=0
//       for i in range(len(x)):
//           for j in range(i+1,len(x)):
//               a,b=sgn(x[i]-x[j]),sgn(y[i]-y[j]); s+=a*b; tx+=a==0; ty+=b==0; p+=1
//       return s,tx,ty,p
//   x=[1,2,2,3,4,4,5]; y=[1,3,2,2,5,4,4]   → (s,tx,ty,p) = (13,2,2,21): τ-b = 13/sqrt(19·19) = 13/19, τ-a = 13/21
//   Grid (width ∈ a,b,c × noise ∈ 0,1), runs (width, noise, measure, gap) as in `runs` below:
//   granulated: group by the other axes, τ-a per group with ≥ 2 runs, mean per axis, mean over axes:
//     width: groups noise=0 → 1/3, noise=1 → 2/3, mean 1/2; noise: a → 1, b → 0, c → 1, mean 2/3; Ψ = 7/12.
//   sign-error ½(1 − sgn(ΔC)sgn(Δg)) over pairs differing on the varied axis (exact gap ties skipped):
//     width|noise=0: 1/3 (3 pairs); width|noise=1: 1/6 (3); noise|a: 0; noise|b: 1/2; noise|c: 0 (1 each);
//     mean over all 9 pairs = 2/9, worst environment = 1/2.
let private x = [| 1.0; 2.0; 2.0; 3.0; 4.0; 4.0; 5.0 |]
let private y = [| 1.0; 3.0; 2.0; 2.0; 5.0; 4.0; 4.0 |]

let private axes = [| "width"; "noise" |]
let private runs =
    [| RankedRun([| "a"; "0" |], 1.0, 0.10)
       RankedRun([| "b"; "0" |], 2.0, 0.20)
       RankedRun([| "c"; "0" |], 3.0, 0.15)
       RankedRun([| "a"; "1" |], 2.0, 0.40)
       RankedRun([| "b"; "1" |], 2.0, 0.30)
       RankedRun([| "c"; "1" |], 5.0, 0.50) |]

[<Tests>]
let tests =
    testList "Measurements.Ranking" [
        testCase "Kendall τ-b and τ-a with ties in both variables (hand-computed)" <| fun () ->
            Expect.floatClose Accuracy.veryHigh (KendallTau.TauB(x, y)) (13.0 / 19.0) "τ-b"
            Expect.floatClose Accuracy.veryHigh (KendallTau.TauA(x, y)) (13.0 / 21.0) "τ-a"

        testCase "τ-b is ±1 for (reversed) monotone data and symmetric in its arguments" <| fun () ->
            let a = [| 1.0; 2.0; 3.0; 10.0 |]
            Expect.equal (KendallTau.TauB(a, Array.map (fun v -> v * v) a)) 1.0 "increasing"
            Expect.equal (KendallTau.TauB(a, Array.map (fun v -> -v) a)) -1.0 "decreasing"
            Expect.equal (KendallTau.TauB(x, y)) (KendallTau.TauB(y, x)) "symmetric"

        testCase "τ-b of a constant measure is an error, not a NaN" <| fun () ->
            let e = throwsOf<ArgumentException> (fun () -> KendallTau.TauB([| 1.0; 1.0; 1.0 |], [| 1.0; 2.0; 3.0 |]) |> ignore) "constant"
            Expect.stringContains e.Message "x is constant over all 3 runs" "says why"

        testCase "granulated τ on a 3×2 grid (hand-computed)" <| fun () ->
            let r = GranulatedTau.Compute(axes, runs)
            Expect.floatClose Accuracy.veryHigh r.Value (7.0 / 12.0) "Ψ"
            Expect.equal (r.PerAxis |> Seq.map (fun a -> a.Axis, a.Groups) |> List.ofSeq) [ "width", 2; "noise", 3 ] "groups"
            Expect.floatClose Accuracy.veryHigh r.PerAxis[0].Tau 0.5 "width"
            Expect.floatClose Accuracy.veryHigh r.PerAxis[1].Tau (2.0 / 3.0) "noise"

        testCase "sign-error and its worst environment (hand-computed)" <| fun () ->
            let r = SignError.Compute(axes, runs)
            Expect.floatClose Accuracy.veryHigh r.Mean (2.0 / 9.0) "mean over pairs"
            Expect.equal r.Worst 0.5 "worst environment"
            let env = r.Environments |> Seq.map (fun e -> e.Axis, String.Join(",", e.Fixed), e.Value, e.Pairs) |> List.ofSeq
            Expect.equal env.Length 5 "environments"
            let _, _, v, p = env |> List.find (fun (a, f, _, _) -> a = "width" && f = "1")
            Expect.floatClose Accuracy.veryHigh v (1.0 / 6.0) "width | noise = 1"
            Expect.equal p 3 "pairs"

        testCase "sign-error skips pairs whose gap difference is within the threshold" <| fun () ->
            // With threshold 0.06 the pairs (a,0)-(c,0) [Δg 0.05], (b,0)-(c,0) [0.05] and the noise=1 pairs with
            // |Δg| ≤ 0.06? none: (a,1)-(b,1) Δg 0.1. Width|noise=0 keeps (a,0)-(b,0): C up, g up → 0.
            let r = SignError.Compute(axes, runs, 0.06)
            let w0 = r.Environments |> Seq.find (fun e -> e.Axis = "width" && e.Fixed[0] = "0")
            Expect.equal (w0.Value, w0.Pairs) (0.0, 1) "one pair left, concordant"

        testCase "runs with the wrong number of hyperparameter values are rejected" <| fun () ->
            let e = throwsOf<ArgumentException> (fun () -> GranulatedTau.Compute(axes, [| RankedRun([| "a" |], 1.0, 0.0) |]) |> ignore) "short"
            Expect.stringContains e.Message "run 0 has 1 hyperparameter values" "names the run"
    ]
