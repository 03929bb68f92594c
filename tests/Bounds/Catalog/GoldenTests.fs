/// Catalog values against literals computed independently by tests/Bounds/Catalog/golden.py
/// (mpmath at 50 digits; kl-inverses by 400-step bisection; formulas re-typed from SOURCES.md).
module BoundLab.Bounds.Tests.Catalog.GoldenTests

open Expecto
open BoundLab.Bounds.Catalog

let private eval (id: string) (inputs: (string * float) list) =
    // Every golden case is a binary problem (the multiclass entry takes k as an input).
    BoundEvaluator.Evaluate(id, readOnlyDict inputs, 2)

// (id, inputs, golden value from golden.py). Relative tolerance 1e-12: the catalog evaluates in doubles,
// and kl⁻¹ returns the upper end of a bracket of adjacent doubles.
let private cases : (string * (string * float) list * float) list = [
    "test-set-hoeffding", [ "test_error", 0.02; "n_test", 10000.; "delta", 0.05 ], 0.032238734153404083
    "test-set-binomial", [ "test_error", 0.02; "n_test", 10000.; "delta", 0.05 ], 0.023620646854743715
    "vc-mohri", [ "train_error", 0.01; "n", 60000.; "vc_dim", 1000.; "delta", 0.05 ], 0.42707833392319595
    "vc-vapnik", [ "train_error", 0.01; "n", 60000.; "vc_dim", 1000.; "delta", 0.05 ], 0.88877746666731807
    "margin-mohri", [ "ramp_loss", 0.05; "gamma", 0.5; "rademacher", 0.01; "n", 10000.; "delta", 0.05 ], 0.13074304547221858
    "margin-mohri-uniform", [ "ramp_loss", 0.05; "gamma", 0.5; "gamma_max", 1.; "rademacher", 0.01; "n", 10000.; "delta", 0.05 ], 0.18273176173060093
    "margin-mohri-multiclass", [ "ramp_loss", 0.05; "gamma", 2.; "rademacher_pi1", 0.001; "classes", 10.; "n", 60000.; "delta", 0.05 ], 0.074996442295568911
    "pacbayes-maurer", [ "emp_risk", 0.03; "kl", 5000.; "n", 60000.; "delta", 0.025 ], 0.15389207662355898
    "pacbayes-mcallester", [ "emp_risk", 0.03; "kl", 5000.; "n", 60000.; "delta", 0.025 ], 0.2344654165012155
    "pacbayes-catoni", [ "emp_risk", 0.03; "kl", 5000.; "n", 60000.; "catoni_c", 2.; "delta", 0.025 ], 0.15449696070650736
    "dr17", [ "mc_error", 0.028; "mc_samples", 150000.; "kl", 5500.; "prior_index", 1200.; "n", 55000.; "delta", 0.025; "delta_mc", 0.01 ], 0.17025532111521724
    // pbb21-kl: golden.py, after dr17 (the same point, from the exact doubles, in Pbb21Tests.fs / pbb21_golden.py).
    "pbb21-kl", [ "mc_error", 0.0143; "mc_samples", 150000.; "kl", 480.5; "n", 30000.; "delta", 0.025; "delta_mc", 0.01 ], 0.048831163537965484
    "hrs16-convex", [ "lipschitz", 1.; "n", 50000.; "lr_sum", 100. ], 0.004
    "hrs16-nonconvex", [ "lipschitz", 1.; "smoothness", 1.; "step_c", 0.5; "n", 50000.; "steps", 100000. ], 0.0027850090003476743
    "llq20-gld", [ "loss_max", 1.; "n", 10000.; "grad_sum", 50. ], 0.002
    "llq20-sgld", [ "loss_max", 1.; "n", 10000.; "grad_sum", 50. ], 0.0057417070632347659
    "golowich-frobenius", [ "ramp_loss", 0.04; "gamma", 2.5; "frob_prod", 37.; "x_norm", 2000.; "depth", 3.; "n", 60000.; "delta", 0.05 ], 3.2922231704627629
    "bft-spectral-2", [ "ramp_loss", 0.05; "gamma", 8.; "s_1", 3.2; "s_2", 2.1; "b_1", 15.; "b_2", 4.5; "x_norm", 2000.; "width", 784.; "n", 60000.; "delta", 0.05 ], 613.97360313137464
    "bft-spectral-3", [ "ramp_loss", 0.05; "gamma", 8.; "s_1", 3.2; "s_2", 2.1; "s_3", 1.7; "b_1", 15.; "b_2", 4.5; "b_3", 3.; "x_norm", 2000.; "width", 784.; "n", 60000.; "delta", 0.05 ], 1669.6031954291116
    "neyshabur2015-frobenius", [ "depth", 3.; "x_max_norm", 10.; "frob_prod", 50.; "n", 60000. ], 16.329931618554521
    "nbs18-spectral", [ "x_max_norm", 10.; "depth", 3.; "width", 512.; "spec_prod", 20.; "frob_ratio_sum", 6.; "gamma", 5.; "n", 60000.; "delta", 0.05 ], 73.548466046564482
    "bft-normalized-margin", [ "margin", 2.; "spectral_complexity", 1000.; "x_norm", 3000.; "n", 60000. ], 0.04
    "mou18-stability", [ "k0", 10.; "lipschitz", 1.; "sgld_beta", 100.; "eta_sum", 5.; "n", 50000. ], 0.00064721359549995794
    "mou18-pacbayes", [ "sgld_beta", 100.; "weighted_grad_sum", 0.3; "n", 50000. ], 0.024494897427831781
    // Issue 12 entries: golden.py, section "issue 12 entries" (test-set-binomial-exact: binom_inv, mpmath betainc).
    "test-set-binomial-exact", [ "test_error", 0.02; "n_test", 10000.; "delta", 0.05 ], 0.022459353017102349
    // golden.py, section "issue 12 entries, part 2".
    "vc-relu-bhlm19", [ "train_error", 0.01; "n", 1e6; "depth", 2.; "cumulative_params", 15711.; "weighted_units", 12.; "delta", 0.05 ], 0.98261447343243425
    "nlbls19-two-layer", [ "margin_loss", 0.01; "gamma", 5.; "v_frob", 3.; "u_dist", 4.; "x_rms", 9.3; "init_hidden_rms", 6.; "classes", 10.; "hidden_units", 1024.; "n", 60000.; "delta", 0.01 ], 4.2387851524304377
    "nbs18-pacbayes-spectral", [ "margin_loss", 0.02; "gamma", 5.; "spec_prod", 20.; "frob_ratio_sum", 6.; "input_domain_norm", 10.; "depth", 3.; "width", 784.; "n", 60000.; "delta", 0.05 ], 13869.317296037423
    "cmi-sz20", [ "cmi", 50.; "n", 60000. ], 0.040824829046386302
    "haghifam20-ld", [ "incoherence_sum", 2.5e5; "n", 20000. ], 0.017677669529663688
    "graf22-conv", [ "ramp_loss", 0.05; "gamma", 4.; "x_norm", 3000.; "lip_prod", 50.; "ratio_sum", 7.; "depth", 6.; "max_params", 36864.; "n", 50000.; "delta", 0.05 ], 56483.123523535898
    "ledent21-conv", [ "ramp_loss", 0.05; "ledent_r", 40.; "ledent_gamma", 1e6; "ledent_bar_w", 65536.; "n", 50000.; "delta", 0.05 ], 22277.377619497147
    "pacbayes-catoni-grid", [ "emp_risk", 0.03; "kl", 5000.; "n", 60000.; "catoni_c", 2.; "delta", 0.025 ], 0.15489504926899058
    "margin-mohri-grid", [ "ramp_loss", 0.05; "gamma", 0.5; "rademacher", 0.01; "n", 10000.; "delta", 0.05 ], 0.15904798597722213
    "margin-mohri-multiclass-grid", [ "ramp_loss", 0.05; "gamma", 2.; "rademacher_pi1", 0.001; "classes", 10.; "n", 60000.; "delta", 0.05 ], 0.079142942868145048
    "occam-kl", [ "train_error", 0.02; "code_length_bits", 20000.; "n", 60000.; "delta", 0.05 ], 0.26567577362530032
    "lotfi22-compression", [ "train_error", 0.02; "code_length_bits", 20000.; "n", 60000.; "catoni_c", 3.; "delta", 0.05 ], 0.26611629682143554
    // Jiang et al. (2020) measures: tests/Bounds/Catalog/jiang_golden.py (mpmath, 50 digits).
    "jiang-params", [ "params", 50000.; "n", 1000. ], 7.0710678118654752440
    "jiang-inverse-margin", [ "margin_q10", 2.5; "n", 1000. ], 0.012649110640673517328
    "jiang-log-prod-spec-over-margin", [ "log_spec_prod", 1.7; "margin_q10", 2.5; "n", 1000. ], -2.6701683713652236356
    "jiang-log-prod-spec", [ "log_spec_prod", 1.7; "n", 1000. ], -1.7538776394910685704
    "jiang-log-sum-spec-over-margin", [ "log_spec_prod", 1.7; "margin_q10", 2.5; "depth", 3.; "n", 1000. ], -2.6433350724483987169
    "jiang-log-sum-spec", [ "log_spec_prod", 1.7; "depth", 3.; "n", 1000. ], -2.3379048284903470285
    "jiang-log-spec-init-main", [ "log_spec_prod", 1.7; "margin_q10", 2.5; "dist_frob_ratio_sum", 0.8; "n", 1000. ], -2.7817401470223284857
    "jiang-log-spec-orig-main", [ "log_spec_prod", 1.7; "margin_q10", 2.5; "frob_ratio_sum", 6.; "n", 1000. ], -1.7742886367511961352
    "jiang-log-prod-fro-over-margin", [ "log_frob_prod", 2.3; "margin_q10", 2.5; "n", 1000. ], -2.0701683713652237688
    "jiang-log-prod-fro", [ "log_frob_prod", 2.3; "n", 1000. ], -1.1538776394910687037
    "jiang-log-sum-fro-over-margin", [ "log_frob_prod", 2.3; "margin_q10", 2.5; "depth", 3.; "n", 1000. ], -2.4433350724483987613
    "jiang-log-sum-fro", [ "log_frob_prod", 2.3; "depth", 3.; "n", 1000. ], -2.1379048284903470729
    "jiang-fro-over-spec", [ "frob_ratio_sum", 6.; "n", 1000. ], 0.077459666924148337704
    "jiang-fro-dist", [ "dist_frob_sq_sum", 12.5; "n", 1000. ], 0.11180339887498948482
    "jiang-spec-dist", [ "dist_spec_sq_sum", 3.5; "n", 1000. ], 0.059160797830996160426
    "jiang-param-norm", [ "frob_sq_sum", 40.; "n", 1000. ], 0.20000000000000000000
    "jiang-path-norm-over-margin", [ "path_norm", 7.5; "margin_q10", 2.5; "n", 1000. ], 0.094868329805051379960
    "jiang-path-norm", [ "path_norm", 7.5; "n", 1000. ], 0.23717082451262844990
    "jiang-pacbayes-init", [ "dist_frob_sq_sum", 12.5; "sharpness_sigma", 0.03; "n", 1000. ], 1.8688596885262747295
    "jiang-pacbayes-orig", [ "frob_sq_sum", 40.; "sharpness_sigma", 0.03; "n", 1000. ], 3.3363940750887647583
    "jiang-pacbayes-flatness", [ "sharpness_sigma", 0.03; "n", 1000. ], 1.0540925533894598163
    "jiang-pacbayes-mag-init", [ "mag_log_ratio_init", 1500.; "sharpness_sigma_mag", 0.2; "n", 1000. ], 0.62730948756687574697
    "jiang-pacbayes-mag-orig", [ "mag_log_ratio_orig", 2600.; "sharpness_sigma_mag", 0.2; "n", 1000. ], 0.81762900706336014713
    "jiang-pacbayes-mag-flatness", [ "sharpness_sigma_mag", 0.2; "n", 1000. ], 0.15811388300841895782
]

[<Tests>]
let tests =
    testList "Bounds.Catalog.Golden" [
        for id, inputs, golden in cases ->
            testCase id <| fun () ->
                let r = eval id inputs
                Expect.floatClose { absolute = 0.; relative = 1e-12 } r.Value golden $"{id} against golden.py"

        yield testCase "every catalog entry has a golden value" <| fun () ->
            // bft-spectral is covered through its aliases bft-spectral-2/3, whose terms are its own at depth 2 and 3
            // (SpectralGenericTests checks the two against each other).
            let generic (id: string) = if id.StartsWith "bft-spectral-" then "bft-spectral" else id
            let covered = cases |> List.map (fun (id, _, _) -> generic id) |> Set.ofList
            // graf22-conv-grid and ledent21-conv-grid take per-layer vectors: ConvGridTests.fs holds their golden values.
            let vectorOnly = set [ "graf22-conv-grid"; "ledent21-conv-grid" ]
            let all = BoundCatalog.All |> Seq.map (fun e -> e.Id) |> Set.ofSeq
            Expect.equal covered (all - vectorOnly) "golden cases cover the catalog"
            Expect.isTrue (Set.isSubset vectorOnly all) "the vector-only entries are catalog entries"

        yield testCase "dr17 Monte-Carlo term equals kl⁻¹(0.028, ln(2/0.01)/150000) from golden.py" <| fun () ->
            let r = eval "dr17" [ "mc_error", 0.028; "mc_samples", 150000.; "kl", 5500.; "prior_index", 1200.; "n", 55000.; "delta", 0.025; "delta_mc", 0.01 ]
            let mc = r.Terms |> Seq.find (fun t -> t.Name.StartsWith "Monte-Carlo")
            Expect.floatClose { absolute = 0.; relative = 1e-12 } mc.Value 0.029408890728872747 "Monte-Carlo upper bound"

        yield testCase "bft-spectral-2 term by term and its effective δ (golden.py bft())" <| fun () ->
            let r = eval "bft-spectral-2" [ "ramp_loss", 0.05; "gamma", 8.; "s_1", 3.2; "s_2", 2.1; "b_1", 15.; "b_2", 4.5; "x_norm", 2000.; "width", 784.; "n", 60000.; "delta", 0.05 ]
            let golden = [ 0.05; 0.00013333333333333333; 613.86841562623197; 0.055054171809337255 ]
            for t, g in List.zip (List.ofSeq r.Terms) golden do
                Expect.floatClose { absolute = 0.; relative = 1e-12 } t.Value g t.Name
            Expect.floatClose { absolute = 0.; relative = 1e-12 } r.DeltaBudget.Effective 2.8114692901036579e-18 "δ after 5 grid weights"
            Expect.equal r.DeltaBudget.Grids.Count 5 "gamma, s_1, s_2, b_1, b_2"

        yield testCase "bft-spectral-L is built on demand for other depths and rejected beyond 64" <| fun () ->
            let e = BoundCatalog.Get "bft-spectral-5"
            Expect.equal (e.Inputs |> Seq.filter (fun i -> i.Name.StartsWith "s_") |> Seq.length) 5 "five spectral norms"
            Expect.throwsT<System.ArgumentException> (fun () -> BoundCatalog.Get "bft-spectral-65" |> ignore) "L = 65"

        yield testCase "binomial test-set bound lies between the exact binomial inversion and Hoeffding (golden.py)" <| fun () ->
            // golden.py: exact inversion of P(X ≤ 200 | n = 10000, p) = 0.05 gives 0.022459353017102349.
            let kl = (eval "test-set-binomial" [ "test_error", 0.02; "n_test", 10000.; "delta", 0.05 ]).Value
            let hoeffding = (eval "test-set-hoeffding" [ "test_error", 0.02; "n_test", 10000.; "delta", 0.05 ]).Value
            Expect.isGreaterThan kl 0.022459353017102349 "kl form is looser than the exact tail"
            let exact = (eval "test-set-binomial-exact" [ "test_error", 0.02; "n_test", 10000.; "delta", 0.05 ]).Value
            Expect.isGreaterThanOrEqual exact 0.022459353017102349 "exact entry is never below the exact root"
            Expect.isLessThan exact kl "and tighter than the kl (Chernoff) form"
            Expect.isLessThan kl hoeffding "kl form is tighter than Hoeffding here"
    ]
