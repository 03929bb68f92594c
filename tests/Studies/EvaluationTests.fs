module BoundLab.Studies.Tests.EvaluationTests

open System
open Expecto
open BoundLab.Bounds.Catalog
open BoundLab.Bounds.Catalog.Sweep
open BoundLab.Studies.Evaluation

let private facts = RunFacts(Nullable 10, Nullable 2, "relu", "sgd", "cross-entropy", false, true, Batch = Nullable 100, NTrain = Nullable 60000)

// Plain float64 reference for the ramp loss (BFT's ℓ_γ).
let private ramp (ms: float[]) g = ms |> Array.averageBy (fun m -> if m <= 0. then 1. elif m >= g then 0. else 1. - m / g)

let private margins = [| -0.3; 0.2; 0.45; 0.8; 0.95; 1.02; 1.07; 1.3; 1.6; 1.75; 2.2; 2.9; 3.3; 4.0; 4.4; 5.1; 6.0; 7.5; 8.0; 9.9 |]

let private run (extra: (string * float) list) =
    let values = [ "s_1", 3.2; "s_2", 2.1; "b_1", 15.; "b_2", 4.5; "x_norm", 2000.; "width", 784.; "n", 60000.; "test_error", 0.1 ]
    let d = dict (values @ extra |> List.rev |> List.distinctBy fst)
    RunQuantities(facts, readOnlyDict [ for kv in d -> kv.Key, kv.Value ], readOnlyDict [ for kv in d -> kv.Key, "test" ], [||], margins, true)

let private evaluate id q = CatalogEvaluator.Evaluate(BoundCatalog.Get id, q)

[<Tests>]
let tests =
    testList "Studies/Evaluation" [
        test "a snapped-down γ gets the ramp loss at the grid point, never at the measured γ" {
            let e = evaluate "bft-spectral-2" (run [])
            Expect.equal e.Outcome.Status "value" (string e.Row.Reason)
            let gamma, at = e.Gamma.Value, e.GammaEvaluated.Value
            let snapped = (GeometricGrid 1.1).Snap(gamma, SnapDirection.Down).Value
            Expect.equal at snapped "losses at the grid point γ_k = 1.1^k ≤ γ"
            Expect.isLessThan at gamma "snapped strictly down here"
            let r = (e.Outcome :?> BoundEvaluated).Result
            Expect.equal r.Inputs["ramp_loss"] (ramp margins at) "ramp loss at γ_k (float64 reference)"
            Expect.notEqual (ramp margins at) (ramp margins gamma) "the rule matters on this data"
            Expect.equal r.DeltaBudget.Grids[0].Point.Value at "the evaluator's grid point is the one the loss was computed at"
            Expect.equal e.Row.Delta (Nullable 0.05) "δ shown"
        }
        test "γ is the best candidate: no other margin quantile gives a smaller value" {
            let e = evaluate "bft-spectral-2" (run [])
            let best = e.Row.Value.Value
            for g in [ for q in CatalogEvaluator.GammaQuantiles -> BoundLab.Numerics.Measurements.Margins.Quantile(margins, q) ] do
                if g > 0. then
                    let at = (GeometricGrid 1.1).Snap(g, SnapDirection.Down).Value
                    let inputs = [ "ramp_loss", ramp margins at; "gamma", g; "s_1", 3.2; "s_2", 2.1; "b_1", 15.; "b_2", 4.5; "x_norm", 2000.; "width", 784.; "n", 60000.; "delta", 0.05 ]
                    Expect.isLessThanOrEqual best (BoundEvaluator.Evaluate("bft-spectral-2", readOnlyDict inputs, 10)).Value $"γ = {g}"
        }
        test "a test-error bound below the measured test error is flagged in the row" {
            let q = run [ "s_1", 1e-3; "s_2", 1e-3; "b_1", 1e-3; "b_2", 1e-3; "x_norm", 1.; "test_error", 0.99 ]
            let e = evaluate "bft-spectral-2" q
            Expect.equal e.Outcome.Status "value" "evaluated"
            Expect.isLessThan e.Row.Value.Value 0.99 "below (precondition)"
            Expect.stringContains e.Row.Reason CatalogEvaluator.BelowTestErrorFlag "flagged"
            Expect.isNull (evaluate "bft-spectral-2" (run [])).Row.Reason "not flagged when above"
        }
        test "PAC-Bayes entries without a posterior are not applicable, and say no KL is invented" {
            let e = evaluate "pacbayes-maurer" (run [])
            Expect.equal e.Row.Status "not_applicable" "status"
            Expect.stringContains e.Row.Reason "no posterior was sampled" "reason"
        }
        // Golden indices from mpmath (50 digits): j = max(1, ⌈100 ln(0.1/v)⌉), checked λ_j ≤ v < λ_{j−1}:
        //   for v in ['0.0025','0.1','0.05','1e-6']: j = max(1, int(mp.ceil(100*mp.log(mp.mpf('0.1')/mp.mpf(v)))))
        test "the posterior's prior-variance grid index is the smallest j with λ_j ≤ σ²" {
            for (v, j) in [ 0.0025, 369; 0.1, 1; 0.05, 70; 1e-6, 1152; 0.5, 1 ] do
                Expect.equal (GibbsPosterior.PriorIndexFor v) j (sprintf "variance %g" v)
            Expect.throwsT<System.ArgumentOutOfRangeException> (fun () -> GibbsPosterior.PriorIndexFor 0.0 |> ignore) "zero variance refused"
        }
        test "an entry whose margin must be fixed before the data does not take one from the run" {
            let e = evaluate "margin-mohri-multiclass" (run [ "classes", 10. ])
            Expect.equal e.Row.Status "not_applicable" "status"
            Expect.stringContains e.Row.Reason "fixed before seeing the data" "reason"
        }
        test "a margin measure with a non-positive 10th-percentile margin is not applicable" {
            let e = evaluate "jiang-inverse-margin" (run [ "margin_q10", -0.5 ])
            Expect.equal e.Row.Status "not_applicable" "status"
            Expect.stringContains e.Row.Reason "-0.5" "names the value"
            let ok = evaluate "jiang-inverse-margin" (run [ "margin_q10", 2.5 ])
            Expect.equal ok.Row.Status "value" "positive margin"
            Expect.isFalse ok.Row.Vacuous.HasValue "measures have no vacuous level"
        }
        test "every catalog entry gets a row, none throws" {
            let rows = CatalogEvaluator.EvaluateAll(run [])
            Expect.equal rows.Count BoundCatalog.All.Count "one per entry"
            for e in rows do
                if e.Row.Status = "value" then Expect.isTrue (Double.IsFinite e.Row.Value.Value) e.Row.Id
                else Expect.isNotNull e.Row.Reason e.Row.Id
        }
    ]

// A two-layer ReLU net without biases small enough to measure by hand:
//   W1 = I (2×2), W2 = diag(2, 1), init = 0; x = (1, 0) → f = (2, 0), label 0, margin 2; x = (0, 1) → (0, 1), label 1,
//   margin 1; x = (0.5, 0.25) → (1, 0.25), label 1, margin −0.75. ‖W1‖₂ = 1, ‖W2‖₂ = 2, ‖W1‖_F = √2, ‖W2‖_F = √5;
//   path norm² = 1ᵀ(W2∘W2)(W1∘W1)1 = 4 + 1 = 5; ‖X‖ = sqrt(1 + 1 + 0.3125); margin_q10 = the 0-th smallest = −0.75.
[<Tests>]
let epochTests =
    testList "Studies/Evaluation/Epoch" [
        test "Epoch measures the in-memory network by hand and evaluates every entry" {
            let backend = BoundLab.Numerics.Backends.CpuBackend(1)
            let spec = BoundLab.Numerics.Models.MlpSpec([| 2; 2; 2 |], BoundLab.Numerics.Activation.Relu, false)
            let m (rows: int) (cols: int) (xs: float32[]) = BoundLab.Numerics.Tensors.Matrix<float32>(rows, cols, xs)
            let net = BoundLab.Numerics.Models.Model<float32>.FromDense(spec, backend, [| m 2 2 [| 1f; 0f; 0f; 1f |]; m 2 2 [| 2f; 0f; 0f; 1f |] |], [| [||]; [||] |])
            let init = BoundLab.Numerics.Models.Model<float32>.Zeros(BoundLab.Numerics.Models.ModelSpec.FromMlp spec, backend)
            let train = BoundLab.Numerics.Data.Dataset("toy", m 3 2 [| 1f; 0f; 0f; 1f; 0.5f; 0.25f |], [| 0; 1; 1 |], null, 2)
            let facts = RunFacts(Nullable 2, Nullable 2, "relu", "sgd", "cross-entropy", false, true)
            let e = CatalogEvaluator(null, Func<string, RunFacts>(fun _ -> facts)).Epoch("unused", net, init, train, 1)
            let v name = e.Measures[name]
            Expect.floatClose Accuracy.veryHigh (v "spec_prod") 2. "Π ‖W_i‖₂"
            Expect.floatClose Accuracy.veryHigh (v "frob_prod") (sqrt 10.) "Π ‖W_i‖_F"
            Expect.floatClose Accuracy.veryHigh (v "path_norm") (sqrt 5.) "path norm"
            Expect.floatClose Accuracy.veryHigh (v "x_norm") (sqrt 2.3125) "‖X‖"
            Expect.equal (v "x_max_norm") 1. "max ‖x_i‖"
            Expect.floatClose Accuracy.veryHigh (v "dist_frob_sq_sum") 7. "Σ ‖W_i − 0‖_F² = 2 + 5"
            Expect.equal (v "margin_q10") -0.75 "margin_q10"
            Expect.isFalse (e.Measures.ContainsKey "sharpness_sigma") "no sharpness after an epoch"
            Expect.equal e.Bounds.Count BoundCatalog.All.Count "a row per entry"
            let row id = e.Bounds |> Seq.find (fun r -> r.Id = id)
            Expect.equal (row "jiang-inverse-margin").Status "not_applicable" "q10 < 0"
            Expect.equal (row "jiang-params").Status "value" "parameter count"
            Expect.floatClose Accuracy.veryHigh (row "jiang-params").Value.Value (sqrt (8. / 3.)) "sqrt(ω/m), ω = 8 weights, m = 3"
        }
    ]

// Jiang et al. (2020) eqs. (56)/(57): Σ_i ln((ε² + (σ′² + 1)‖r‖²/ω)/(ε² + σ′²(w_i − w⁰_i)²)), a plain loop over the four
// weights of a 2-2 linear layer (r = w − w⁰ for init, r = w for orig).
[<Tests>]
let magnitudeTests =
    testList "Studies/Evaluation/Magnitude" [
        test "the magnitude-aware log-ratio sums against a direct loop" {
            let backend = BoundLab.Numerics.Backends.CpuBackend(1)
            let spec = BoundLab.Numerics.Models.MlpSpec([| 2; 2 |], BoundLab.Numerics.Activation.Relu, false)
            let m (xs: float32[]) = BoundLab.Numerics.Tensors.Matrix<float32>(2, 2, xs)
            let w, w0 = [| 0.5f; -1.25f; 2f; 0.125f |], [| 0.25f; -1f; 1f; 0f |]
            let net = BoundLab.Numerics.Models.Model<float32>.FromDense(spec, backend, [| m w |], [| [||] |])
            let init = BoundLab.Numerics.Models.Model<float32>.FromDense(spec, backend, [| m w0 |], [| [||] |])
            let sigma, eps = 0.5, 1e-3
            let d = Array.map2 (fun (a: float32) (b: float32) -> float a - float b) w w0
            let sq xs = xs |> Array.sumBy (fun x -> x * x)
            let sum (r: float[]) = d |> Array.sumBy (fun di -> log ((eps * eps + (sigma * sigma + 1.) * sq r / 4.) / (eps * eps + sigma * sigma * di * di)))
            let struct (init', orig) = RunQuantities.MagnitudeSums(net, init, sigma)
            Expect.floatClose Accuracy.veryHigh init' (sum d) "init (eq. 56)"
            Expect.floatClose Accuracy.veryHigh orig (sum (Array.map float w)) "orig (eq. 57)"
        }
    ]

// ‖[U₀X]_+‖_F/√n by hand: U₀ = [[1, −1], [0.5, 2]]; x = (1, 0) → (1, 0.5): 1.25; (0, 1) → (−1, 2) → (0, 2): 4;
// (0.5, 0.25) → (0.25, 0.75): 0.625; sqrt(5.875/3).
[<Tests>]
let initHiddenTests =
    testList "Studies/Evaluation/InitHidden" [
        test "init_hidden_rms of a two-layer net by hand" {
            let backend = BoundLab.Numerics.Backends.CpuBackend(1)
            let spec = BoundLab.Numerics.Models.MlpSpec([| 2; 2; 2 |], BoundLab.Numerics.Activation.Relu, false)
            let m (rows: int) (cols: int) (xs: float32[]) = BoundLab.Numerics.Tensors.Matrix<float32>(rows, cols, xs)
            let init = BoundLab.Numerics.Models.Model<float32>.FromDense(spec, backend, [| m 2 2 [| 1f; -1f; 0.5f; 2f |]; m 2 2 [| 1f; 0f; 0f; 1f |] |], [| [||]; [||] |])
            let train = BoundLab.Numerics.Data.Dataset("toy", m 3 2 [| 1f; 0f; 0f; 1f; 0.5f; 0.25f |], [| 0; 1; 1 |], null, 2)
            Expect.floatClose Accuracy.veryHigh (RunQuantities.InitHiddenRms(init, train)) (sqrt (5.875 / 3.)) "by hand"
        }
    ]
