/// Catalog values where floating-point evaluation used to lose the certificate: cancellation, underflow, overflow.
module BoundLab.Bounds.Tests.Catalog.PrecisionTests

open Expecto
open BoundLab.Bounds.Catalog

let private eval (id: string) (inputs: (string * float) list) =
    BoundEvaluator.Evaluate(id, readOnlyDict inputs, 2)

// Catoni (1 − e^(−x))/(1 − e^(−C)), x = C R̂ + (KL + ln(1/δ))/n, at 60 digits, inputs the exact binary doubles:
//   from mpmath import mp, mpf, exp, log; mp.dps = 60
//   def catoni(r, kl, n, C, d):
//       r, kl, n, C, d = map(mpf, (r, kl, n, C, d)); x = C*r + (kl + log(1/d))/n
//       return (1 - exp(-x))/(1 - exp(-C))
// With 1 − exp(·) in doubles the first case came out 1.7e-8 relative BELOW this value.
let private catoni = [
    [ "emp_risk", 0.; "kl", 0.; "n", 1e9; "catoni_c", 1e-6; "delta", 0.05 ], 0.0029957337669331693
    [ "emp_risk", 0.01; "kl", 3.; "n", 1e6; "catoni_c", 1e-4; "delta", 0.05 ], 0.06996057594695962
    [ "emp_risk", 0.2; "kl", 100.; "n", 1e7; "catoni_c", 1e-3; "delta", 0.01 ], 0.21054360847999137
    [ "emp_risk", 0.03; "kl", 5000.; "n", 60000.; "catoni_c", 2.; "delta", 0.025 ], 0.15449696070650734
]

// bft-spectral-40 with γ = 0.01, every s_i = 50, every b_i = 500 (grid indices 98, 85, 133): the product of
// the 81 grid weights is e^-799, below the smallest double, so δ_eff used to underflow to 0 and the bound to ∞.
// Golden values (mpmath, 50 digits): γ, s, b snapped on the grid 1.1^k as BoundEvaluator does, then
//   lninv = -log(mpf(0.05)) + (log(pi**2/6) + 2*log(98)) + 40*(log(pi**2/6) + 2*log(85)) + 40*(log(pi**2/6) + 2*log(133))
//   conf = 3*sqrt(lninv/(2*60000)); comp = s**40 * (40*(b/s)**(2/3))**(3/2) (snapped s, b)
//   total = 0.05 + 8/60000 + 48*log(60000)*2000*sqrt(log(2*1000**2))*comp/(gamma*60000) + conf
let private spectral40 =
    [ "ramp_loss", 0.05; "gamma", 0.01; "x_norm", 2000.; "width", 1000.; "n", 60000.; "delta", 0.05 ]
    @ [ for i in 1 .. 40 -> $"s_{i}", 50. ] @ [ for i in 1 .. 40 -> $"b_{i}", 500. ]

let private maurer = [ "emp_risk", 0.028; "kl", 5000.; "n", 60000.; "delta", 0.025 ]

[<Tests>]
let tests =
    testList "Bounds.Catalog.Precision" [
        testCase "pacbayes-maurer with a Monte-Carlo Gibbs risk applies kl⁻¹(R̂_MC, ln(2/δ′)/M) first (mpmath)" <| fun () ->
            // mpmath, 60 digits, 400-step bisections: inner = klinv(0.028, log(2/0.01)/150000) = 0.029408890728872747,
            // outer = klinv(inner, (5000 + log(2*sqrt(60000)/0.025))/60000) = 0.1527886555938217.
            let r = eval "pacbayes-maurer" (maurer @ [ "mc_samples", 150000.; "delta_mc", 0.01 ])
            Expect.floatClose { absolute = 0.; relative = 1e-12 } r.Value 0.1527886555938217 "value"
            Expect.isGreaterThanOrEqual r.Value 0.1527886555938217 "not below the exact value"
            Expect.equal [ for s in r.DeltaBudget.Shares -> s.Symbol, s.Delta ] [ "delta", 0.025; "delta_mc", 0.01 ] "δ′ is charged"
            let exact = (eval "pacbayes-maurer" maurer).Value
            Expect.isLessThan exact r.Value "the exact-risk value is smaller"
            Expect.equal [ for s in (eval "pacbayes-maurer" maurer).DeltaBudget.Shares -> s.Symbol ] [ "delta" ] "no δ′ without Monte Carlo"
        testCase "mc_samples without delta_mc is refused, naming delta_mc" <| fun () ->
            let e =
                try eval "pacbayes-catoni" [ "emp_risk", 0.03; "kl", 50.; "n", 60000.; "catoni_c", 2.; "delta", 0.025; "mc_samples", 1000. ] |> ignore; None
                with :? System.ArgumentException as e -> Some e
            match e with
            | Some e ->
                Expect.equal e.ParamName "delta_mc" "names the missing one"
                Expect.stringContains e.Message "go together" "says why"
            | None -> failtest "expected ArgumentException"
        testCase "pacbayes-mcallester is never below pacbayes-maurer (Maurer + Pinsker implies it), n ≥ 8 (seed 11)" <| fun () ->
            let rng = System.Random 11
            for _ in 1 .. 2000 do
                let inputs = [ "emp_risk", rng.NextDouble() * 0.5; "kl", 10.0 ** (rng.NextDouble() * 5.0 - 1.0)
                               "n", float (8 + rng.Next 1000000); "delta", 0.001 + 0.2 * rng.NextDouble() ]
                let m = (eval "pacbayes-maurer" inputs).Value
                let a = (eval "pacbayes-mcallester" inputs).Value
                Expect.isGreaterThanOrEqual a m $"{inputs}"
            Expect.throwsT<System.ArgumentException> (fun () -> eval "pacbayes-mcallester" [ "emp_risk", 0.1; "kl", 1.; "n", 5.; "delta", 0.05 ] |> ignore) "n = 5"
        testCase "bias-free networks are a stated assumption of golowich-frobenius and bft-spectral-L" <| fun () ->
            for id in [ "golowich-frobenius"; "bft-spectral-3" ] do
                let w = BoundEvaluator.Warnings(BoundCatalog.Get id)
                Expect.exists w (fun s -> s.Contains "no biases") $"{id}: {w}"
            Expect.exists (BoundEvaluator.Warnings(BoundCatalog.Get "pacbayes-maurer")) (fun s -> s.Contains "exact empirical Gibbs risk") "Gibbs risk assumption"
        testCase "bft-spectral-40 with large norms is finite: δ is carried as ln(1/δ_eff)" <| fun () ->
            let r = eval "bft-spectral-40" spectral40
            Expect.floatClose { absolute = 0.; relative = 1e-12 } r.DeltaBudget.LnInverseEffective 799.1194225079911 "ln(1/δ_eff)"
            Expect.equal r.DeltaBudget.Effective 0.0 "δ_eff itself underflows (reported as 0)"
            let conf = r.Terms |> Seq.find (fun t -> t.Name = "confidence")
            Expect.floatClose { absolute = 0.; relative = 1e-12 } conf.Value 0.244814126814813 "confidence term"
            Expect.floatClose { absolute = 0.; relative = 1e-10 } r.Value 6.178403269250667e+76 "value (vacuous, but a number)"
            Expect.isTrue r.Vacuous "vacuous"
        testCase "bft-spectral-40: the compiled form reads ln(1/δ_eff) and agrees with the evaluator" <| fun () ->
            let entry = BoundCatalog.Get "bft-spectral-40"
            let compiled = CompiledBound.For entry
            Expect.contains compiled.Parameters "ln_inv_delta" "λ replaces δ in the compiled form"
            let point = BoundEvaluator.Prepare(entry, readOnlyDict spectral40).Point
            let v = compiled.Invoke(compiled.Arguments point)
            Expect.floatClose { absolute = 0.; relative = 1e-13 } v (eval "bft-spectral-40" spectral40).Value "compiled = evaluated"
        testCase "bft-spectral-40 sensitivity: ∂/∂δ is finite, with respect to the δ given" <| fun () ->
            let report = Sensitivity.Report(BoundCatalog.Get "bft-spectral-40", readOnlyDict spectral40)
            Expect.isEmpty report.Unavailable "all partials finite"
            let d = report.Partials |> Seq.find (fun p -> p.Symbol = "delta")
            // ∂conf/∂δ = 3/(2 sqrt(2 n λ)) · (−1/δ), λ = 799.1194225079911.
            let expected = -3.0 / (2.0 * sqrt (2.0 * 60000.0 * 799.1194225079911)) / 0.05
            Expect.floatClose { absolute = 0.; relative = 1e-12 } d.Derivative expected "∂/∂δ"
        testList "pacbayes-catoni at small C against mpmath (relative 1e-14)" [
            for inputs, exact in catoni ->
                testCase (string (List.find (fun (k, _) -> k = "catoni_c") inputs |> snd)) <| fun () ->
                    let v = (eval "pacbayes-catoni" inputs).Value
                    Expect.floatClose { absolute = 0.; relative = 1e-14 } v exact $"catoni {inputs}"
        ]
    ]
