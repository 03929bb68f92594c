/// pbb21-kl (Pérez-Ortiz et al. 2021, as their code computes the certificate) and a full dr17 example, against
/// tests/Bounds/Catalog/pbb21_golden.py (mpmath, 60 digits, from the exact doubles the tests pass).
module BoundLab.Bounds.Tests.Catalog.Pbb21Tests

open System
open Expecto
open BoundLab.Bounds.Symbolic
open BoundLab.Bounds.Catalog

let private eval (id: string) (inputs: (string * float) list) = BoundEvaluator.Evaluate(id, readOnlyDict inputs, 2)

let private pbb (mc: float) (m: float) (kl: float) (n: float) (delta: float) (deltaMc: float) =
    [ "mc_error", mc; "mc_samples", m; "kl", kl; "n", n; "delta", delta; "delta_mc", deltaMc ]

// (label, inputs, nearest double to the exact value, exact value to 40 digits), printed by
//   python3 tests/Bounds/Catalog/pbb21_golden.py
// whose core is (mp.dps = 60; inputs mpf(float(x)), i.e. the exact doubles):
//   def kl(q, p): return (0 if q == 0 else q*log(q/p)) + (0 if q == 1 else (1-q)*log((1-q)/(1-p)))
//   def kl_inv(q, c):            # sup{p ∈ [q, 1] : kl(q‖p) ≤ c}; hi ≥ the root
//       if q == 1 or kl(q, 1 - mpf(10)**-50) <= c: return mpf(1)
//       lo, hi = q, mpf(1)
//       for _ in range(250):
//           mid = (lo + hi)/2
//           if kl(q, mid) <= c: lo = mid
//           else: hi = mid
//       return hi
//   pbb21 = kl_inv(kl_inv(mc, log(2/delta_mc)/M), (KL + log(2*sqrt(n)/delta))/n)
let private cases = [
    "typical", pbb 0.0143 150000. 480.5 30000. 0.025 0.01, 0.04883116353796548, "0.04883116353796548393693515792928984155885"
    "q = 0", pbb 0. 1000. 10. 30000. 0.025 0.01, 0.00834585446942545, "0.008345854469425450290934257724064887982388"
    "q = 1e-6", pbb 1e-6 1e6 5. 30000. 0.025 0.01, 0.0005277185672542254, "0.0005277185672542254119926625614340460765106"
    "q = 0.999", pbb 0.999 1e9 0. 1e9 0.025 0.01, 0.9990086589785594, "0.9990086589785594290430339627110072816539"
    "q = 0.999, saturated", pbb 0.999 1000. 20. 30000. 0.025 0.01, 1.0, "1"
    "q = 1", pbb 1. 1000. 20. 30000. 0.025 0.01, 1.0, "1"
    "M = 1", pbb 0.02 1. 100. 30000. 0.025 0.01, 0.9992717392497253, "0.9992717392497252918994937229810324381916"
    "M = 1e12", pbb 0.02 1e12 100. 30000. 0.025 0.01, 0.03437949005886418, "0.03437949005886418315929774267008535824690"
    "n = 8", pbb 0.1 1000. 0.5 8. 0.025 0.01, 0.7154313017837467, "0.7154313017837466744636332294873330477074"
    "n = 1e9, δ = δ′ = 1e-6", pbb 0.05 1e9 1e4 1e9 1e-6 1e-6, 0.05101938716217007, "0.05101938716217006762097844091969972489379"
]

/// Ulps from a to b (b ≥ a, same sign).
let private ulpsAbove (a: float) (b: float) =
    let mutable x, k = a, 0
    while x < b do
        x <- Math.BitIncrement x
        k <- k + 1
    k

// The 40-digit value is within 1e-40 relative of the exact one (bisection to the 60-digit working precision); the
// certified value must clear it by more than that, so it is compared with the exact value pushed up by 1e-39 relative.
// A kl inverse never exceeds 1, so the bound is capped there (a saturated case's exact value is in (1 − 10⁻⁵⁰, 1]).
let private exactUpper (s: string) =
    let up = Rational.ParseDecimal s * (Rational.One + Rational.ParseDecimal "1e-39")
    if up > Rational.One then Rational.One else up

[<Tests>]
let tests =
    testList "Bounds.Catalog.Pbb21" [
        for label, inputs, nearest, exact in cases ->
            testCase $"pbb21-kl at {label}: certified ≥ the mpmath value, within 16 ulps" <| fun () ->
                let v = (eval "pbb21-kl" inputs).Value
                Expect.isGreaterThanOrEqual (Rational.FromDouble v) (exactUpper exact) $"certified {v:R} ≥ exact {exact}"
                // Measured 0 … 8 ulps above the nearest double (2026-12-01); 16 allowed.
                Expect.isLessThanOrEqual (ulpsAbove nearest v) 16 $"{v:R} within 16 ulps of {nearest:R}"

        yield testCase "pbb21-kl is pacbayes-maurer with the Monte-Carlo correction (same formula, verified constants)" <| fun () ->
            let inputs = pbb 0.0143 150000. 480.5 30000. 0.025 0.01
            let maurer = eval "pacbayes-maurer" (("emp_risk", 0.0143) :: (inputs |> List.filter (fun (k, _) -> k <> "mc_error")))
            Expect.equal (eval "pbb21-kl" inputs).Value maurer.Value "same certified value"

        yield testCase "pbb21-kl: inputs from the vocabulary, δ and δ′ both paid, provenance verified" <| fun () ->
            let e = BoundCatalog.Get "pbb21-kl"
            Expect.equal [ for i in e.Inputs -> i.Name ] [ "mc_error"; "mc_samples"; "kl"; "n"; "delta"; "delta_mc" ] "inputs (dr17's names)"
            for i in e.Inputs do
                Expect.isSome (Option.ofObj (Vocabulary.Find i.Name)) $"{i.Name} is a vocabulary name"
            Expect.equal e.Provenance Provenance.Verified "verified against the released code"
            Expect.stringContains e.ProvenanceNote "paper text was not reached" "says what was not read"
            let r = eval "pbb21-kl" (pbb 0.0143 150000. 480.5 30000. 0.025 0.01)
            Expect.floatClose { absolute = 0.; relative = 1e-15 } r.DeltaBudget.Total 0.035 "δ + δ′"
            Expect.isFalse r.Vacuous "non-vacuous"

        yield testCase "pbb21-kl renders in LaTeX with both kl inverses" <| fun () ->
            let latex = LatexPrinter.Latex (BoundCatalog.Get "pbb21-kl").Formula
            Expect.stringContains latex "\\operatorname{kl}^{-1}" "kl⁻¹"
            Expect.equal ((latex.Split "\\operatorname{kl}^{-1}").Length - 1) 2 "two inversions"
            Expect.stringContains latex "\\delta" "δ"

        yield testCase "pbb21-kl refuses n < 8 and q outside [0, 1], naming the input, the value and what is allowed" <| fun () ->
            for inputs, param, parts in [ pbb 0.1 1000. 0.5 7. 0.025 0.01, "n", [ "n = 7"; "n ≥ 8" ]
                                          pbb 1.5 1000. 0.5 100. 0.025 0.01, "mc_error", [ "mc_error = 1.5"; "[0, 1]" ]
                                          pbb 0.1 0. 0.5 100. 0.025 0.01, "mc_samples", [ "mc_samples = 0"; "integer ≥ 1" ] ] do
                let e = try eval "pbb21-kl" inputs |> ignore; null with :? ArgumentException as a -> a
                Expect.isNotNull e $"{param} refused"
                Expect.equal e.ParamName param "parameter named"
                for p in parts do Expect.stringContains e.Message p "message"

        // Full DR17 example: 784-600-1 (P = 784·600 + 600 + 600 + 1 = 471601), j = 1300, λ_j = 0.1·exp(−13),
        // ‖w − w₀‖² = 0.0016, Σ s = 0.0959376, Σ ln s = −7266500. pbb21_golden.py (end):
        //   lam = mpf("0.1")*exp(-mpf(1300)/100); KL = ((mpf(0.0016) + mpf(0.0959376))/lam - mpf(-7266500.0) + P*log(lam) - P)/2
        //     = 4851.9861015039485908767781693
        //   dr17(0.0281, 150000, float(KL), 1300, 55000, 0.025, 0.01)
        //     = kl_inv(kl_inv(q, log(2/δ′)/M), (KL + 2 log j + log(π² n/(6δ)))/(n − 1)) = 0.1584563050068640283430189018681864764581
        //   (with the 60-digit KL instead of its double: 0.1584563050068640262369415991445323456669)
        yield testCase "dr17 certificate for a full DR17 example (KL from ‖w − w₀‖², Σs, Σ ln s, P, λ_j) matches mpmath" <| fun () ->
            let lambda = Dr17Prior.Lambda 1300
            Expect.floatClose { absolute = 0.; relative = 1e-15 } lambda 2.2603294069810543258e-7 "λ_j"
            let kl = Dr17Prior.Kl(0.0016, 0.0959376, -7266500.0, 471601L, lambda)
            // Cancellation: the terms are ~7e6 and KL ~5e3, so a few 1e-16 × 7e6 of absolute error is expected.
            Expect.floatClose { absolute = 1e-8; relative = 0. } kl 4851.9861015039485908767781693 "KL in nats"
            let d = Dr17Prior.Discretize(0.0016, 0.0959376, -7266500.0, 471601L, lambda)
            Expect.equal d.J 1300 "an on-grid λ keeps its index"
            // At the double KL the golden script used (float(KL) = 4851.986101503949): certified, within 16 ulps.
            let atGolden = eval "dr17" [ "mc_error", 0.0281; "mc_samples", 150000.; "kl", 4851.986101503949; "prior_index", 1300.; "n", 55000.; "delta", 0.025; "delta_mc", 0.01 ]
            Expect.isGreaterThanOrEqual (Rational.FromDouble atGolden.Value) (exactUpper "0.1584563050068640283430189018681864764581") "certified ≥ exact"
            Expect.isLessThanOrEqual (ulpsAbove 0.15845630500686403 atGolden.Value) 16 "within 16 ulps (measured 8)"
            // End to end from the statistics: the double KL moves the value by far less than 1e-13 relative.
            let r = eval "dr17" [ "mc_error", 0.0281; "mc_samples", 150000.; "kl", d.Kl; "prior_index", float d.J; "n", 55000.; "delta", 0.025; "delta_mc", 0.01 ]
            Expect.floatClose { absolute = 0.; relative = 1e-13 } r.Value 0.15845630500686403 "certificate (mpmath, exact KL)"
    ]
