module BoundLab.Bounds.Tests.Catalog.Jiang20Tests

open Expecto
open BoundLab.Bounds.Catalog

let private eval (id: string) (inputs: (string * float) list) = BoundEvaluator.Evaluate(id, readOnlyDict inputs)

// Golden values: mpmath at 50 digits, the inputs being the binary doubles,
//   from mpmath import mp, mpf, log, sqrt; mp.dps = 50
//   mu = mpf(12.5)/(4*mpf(0.03)**2) + log(mpf(1000)/mpf(0.03)) + 10; sqrt(mu/1000)   # pacbayes-init, eq. (48)
//   mu = log(3) + (2*mpf(1.7) - 2*log(mpf(2.5)))/3; (mu - log(1000))/2               # log-sum-spec-over-margin, eq. (34)
//   mu = 2*mpf(1.7) - 2*log(mpf(2.5)) + log(mpf(0.8)); (mu - log(1000))/2            # log-spec-init-main, eq. (29)
//   sqrt(1/(mpf(2.5)**2*1000))                                                       # inverse margin, eq. (22)
let private golden = [
    "jiang-pacbayes-init", [ "dist_frob_sq_sum", 12.5; "sharpness_sigma", 0.03; "n", 1000. ], 1.8688596885262747295
    "jiang-log-sum-spec-over-margin", [ "log_spec_prod", 1.7; "margin_q10", 2.5; "depth", 3.; "n", 1000. ], -2.6433350724483987169
    "jiang-log-spec-init-main", [ "log_spec_prod", 1.7; "margin_q10", 2.5; "dist_frob_ratio_sum", 0.8; "n", 1000. ], -2.7817401470223284857
    "jiang-inverse-margin", [ "margin_q10", 2.5; "n", 1000. ], 0.012649110640673517328
]

[<Tests>]
let tests =
    testList "Bounds/Catalog/Jiang20" [
        for id, inputs, exact in golden ->
            test $"{id} against mpmath" {
                let r = eval id inputs
                Expect.floatClose { absolute = 0.; relative = 1e-14 } r.Value exact id
                Expect.equal r.Target BoundTarget.Measure "a measure"
            }
        yield test "every Jiang measure is a measure, cites its equation and says how it differs from the reference code" {
            let jiang = BoundCatalog.All |> Seq.filter (fun e -> e.Id.StartsWith "jiang-") |> List.ofSeq
            Expect.equal jiang.Length 24 "the 24 measures of Appendix C listed in jiang_golden.py"
            for e in jiang do
                Expect.equal e.Provenance Provenance.Measure e.Id
                Expect.equal e.Target BoundTarget.Measure e.Id
                Expect.stringContains e.Citation.Location "eq. (" e.Id
                Expect.stringContains e.ProvenanceNote "measures.py" e.Id
                Expect.isTrue (e.ProvenanceNote.Contains "reference") e.Id
        }
        yield test "log measures take the (μ − ln m)/2 adjustment, the others sqrt(μ/m)" {
            // log Π‖W‖₂² = 2·0.5 = 1 at m = 1: (1 − ln 1)/2 = 0.5; parameter count 400 at m = 100: sqrt(4) = 2.
            Expect.floatClose Accuracy.veryHigh (eval "jiang-log-prod-spec" [ "log_spec_prod", 0.5; "n", 1. ]).Value 0.5 "log"
            Expect.floatClose Accuracy.veryHigh (eval "jiang-params" [ "params", 400.; "n", 100. ]).Value 2. "plain"
        }
    ]
