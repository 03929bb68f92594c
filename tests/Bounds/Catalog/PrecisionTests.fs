/// Catalog values where floating-point evaluation used to lose the certificate: cancellation, underflow, overflow.
module BoundLab.Bounds.Tests.Catalog.PrecisionTests

open Expecto
open BoundLab.Bounds.Catalog

let private eval (id: string) (inputs: (string * float) list) =
    BoundEvaluator.Evaluate(id, readOnlyDict inputs)

// Catoni (1 − e^(−x))/(1 − e^(−C)), x = C R̂ + (KL + ln(1/δ))/n, at 60 digits, inputs the exact binary doubles:
//   from mpmath import mp, mpf, exp, log; mp.dps = 60
//   def catoni(r, kl, n, C, d):
//       r, kl, n, C, d = map(mpf, (r, kl, n, C, d)); x = C*r + (kl + log(1/d))/n
//       return (1 - exp(-x))/(1 - exp(-C))
// With 1 − exp(·) in doubles the first case came out 1.7e-8 relative BELOW this value.
let private catoni = [
    [ "emp_risk", 0.; "kl", 0.; "n", 1e9; "C", 1e-6; "delta", 0.05 ], 0.0029957337669331693
    [ "emp_risk", 0.01; "kl", 3.; "n", 1e6; "C", 1e-4; "delta", 0.05 ], 0.06996057594695962
    [ "emp_risk", 0.2; "kl", 100.; "n", 1e7; "C", 1e-3; "delta", 0.01 ], 0.21054360847999137
    [ "emp_risk", 0.03; "kl", 5000.; "n", 60000.; "C", 2.; "delta", 0.025 ], 0.15449696070650734
]

[<Tests>]
let tests =
    testList "Bounds.Catalog.Precision" [
        testList "pacbayes-catoni at small C against mpmath (relative 1e-14)" [
            for inputs, exact in catoni ->
                testCase (string (List.find (fun (k, _) -> k = "C") inputs |> snd)) <| fun () ->
                    let v = (eval "pacbayes-catoni" inputs).Value
                    Expect.floatClose { absolute = 0.; relative = 1e-14 } v exact $"catoni {inputs}"
        ]
    ]
