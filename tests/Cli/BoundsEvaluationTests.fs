/// The study's evaluator on a real run folder trained on the fixture: RunQuantities equals the numbers read by hand
/// from run.json and measures.json, margins recomputed from the saved weights equal measure's, and CatalogEvaluator
/// gives one row per entry.
module BoundLab.Cli.Tests.BoundsEvaluationTests

open System
open System.IO
open System.Text.Json.Nodes
open Expecto
open BoundLab.Bounds.Catalog
open BoundLab.Studies.Evaluation
open BoundLab.Cli.Tests.TestUtil

let private fixture = Path.Combine(repoRoot, "tests", "fixtures", "mnist-small")
let private num (node: JsonNode) = node.GetValue<float>()

[<Tests>]
let tests =
    testSequenced <| testList "Cli.BoundsEvaluation" [
        testCase "RunQuantities and CatalogEvaluator on a trained, measured fixture run" <| fun () ->
            withTempDir <| fun dir ->
            let out = Path.Combine(dir, "run")
            let code, _, err =
                runCli [ "train"; "--data"; "mnist"; "--data-dir"; fixture; "--arch"; "784-24-10"; "--epochs"; "3"; "--seed"; "2"; "--no-bias"; "--out"; out ]
            Expect.equal code 0 (sprintf "train; stderr: %s" err)
            let code, _, err = runCli [ "measure"; out ]
            Expect.equal code 0 (sprintf "measure; stderr: %s" err)
            let runJson = JsonNode.Parse(File.ReadAllText(Path.Combine(out, "run.json")))
            let m = JsonNode.Parse(File.ReadAllText(Path.Combine(out, "measures.json")))
            let layers = [ for l in m["layers"].AsArray() -> l ]
            let q = RunQuantities.Load(out, true, 1)
            let v name = q.Values[name]
            let n = float (runJson["data"].["n_train"].GetValue<int>())
            Expect.equal (v "n") n "n = run.json data.n_train"
            Expect.equal (v "train_error") (num runJson["train_error"]) "train_error"
            Expect.equal (v "classes") 10. "classes"
            Expect.equal (v "depth") 2. "depth"
            Expect.equal (v "width") 784. "width: the input dimension is the widest"
            Expect.equal (v "hidden_units") 24. "hidden units"
            Expect.equal (v "x_norm") (num m["x_norm"]) "x_norm"
            Expect.equal (v "x_max_norm") (num m["input_norm"]) "x_max_norm = measures.json input_norm"
            Expect.floatClose Accuracy.veryHigh (v "x_rms") (num m["x_norm"] / sqrt n) "x_rms"
            let spec = [ for l in layers -> num l["spectral_norm"] ]
            let fro = [ for l in layers -> num l["frobenius_norm"] ]
            let dist = [ for l in layers -> num l["frobenius_from_init"] ]
            Expect.isGreaterThanOrEqual (v "spec_prod") (List.reduce (*) spec) "spec_prod never below the product"
            Expect.floatClose { absolute = 0.; relative = 1e-15 } (v "spec_prod") (List.reduce (*) spec) "spec_prod"
            Expect.floatClose Accuracy.veryHigh (v "frob_ratio_sum") (List.sum (List.map2 (fun f s -> f * f / (s * s)) fro spec)) "Σ F²/s²"
            Expect.floatClose Accuracy.veryHigh (v "dist_frob_sq_sum") (List.sum (List.map (fun d -> d * d) dist)) "Σ ‖W − W⁰‖_F²"
            Expect.floatClose Accuracy.veryHigh (v "log_spec_prod") (List.sum (List.map log spec)) "Σ ln s"
            Expect.equal (v "s_2") spec[1] "s_2"
            Expect.equal (v "b_1") (num layers[0].["l21_from_init"]) "b_1"
            Expect.equal (v "v_frob") fro[1] "V = W_2"
            Expect.equal (v "u_dist") dist[0] "U − U₀ = W_1 − W_1⁰"
            // Margins recomputed from weights.bin on the rebuilt training set are measure's margins.
            let margins = q.Margins |> Seq.toArray
            Expect.equal margins.Length (int n) "one margin per training example"
            Expect.equal (Array.sort margins).[margins.Length / 10] (num m["margin_q10"]) "the ⌊n/10⌋-th smallest is measures.json margin_q10"
            let errors = float (margins |> Array.filter (fun x -> x < 0.) |> Array.length) / n
            Expect.equal errors (num m["margins"].["train_error"]) "fraction of negative margins = measures.json margins.train_error"
            let g = 0.5
            let rampByHand = margins |> Array.averageBy (fun x -> if x <= 0. then 1. elif x >= g then 0. else 1. - x / g)
            let struct (rampAt, _) = (q.MarginLosses g).Value
            Expect.floatClose Accuracy.veryHigh rampAt rampByHand "ramp loss at γ = 0.5"
            Expect.isFalse q.Facts.HasBias "no biases"
            Expect.equal q.Facts.Optimizer "sgd" "optimizer"
            // The evaluator: one row per entry, the facts decide applicability, values are finite.
            let rows = CatalogEvaluator().Final(out, 1).Bounds
            Expect.equal rows.Count BoundCatalog.All.Count "one row per entry"
            let row id = rows |> Seq.find (fun r -> r.Id = id)
            Expect.equal (row "bft-spectral").Status "value" (string (row "bft-spectral").Reason)
            Expect.equal (row "bft-spectral").Delta (Nullable 0.05) "δ shown"
            Expect.stringContains (row "mou18-pacbayes").Reason "the run used sgd" "optimizer fact"
            // The posterior at the sharpness σ: KL = ‖w − w₀‖²/(2λ_j) from the flat weights equals the layers' Σ ‖W − W⁰‖_F²
            // (a no-bias run, so the weight matrices are all the parameters), and λ_j ≤ σ².
            let sigma = num m["sharpness_sigma"]
            let lambda = 0.1 * exp (-(v "prior_index") / 100.)
            Expect.isLessThanOrEqual lambda (sigma * sigma) "λ_j ≤ σ²"
            Expect.isGreaterThan (0.1 * exp (-(v "prior_index" - 1.) / 100.)) (sigma * sigma) "the smallest such j"
            Expect.floatClose { absolute = 0.; relative = 1e-9 } (v "kl") (List.sum (List.map (fun d -> d * d) dist) / (2. * lambda)) "KL"
            Expect.isTrue (v "mc_error" >= 0. && v "mc_error" <= 1.) "Monte-Carlo Gibbs error is a rate"
            Expect.equal (row "dr17").Status "value" (string (row "dr17").Reason)
            Expect.isGreaterThanOrEqual (row "dr17").Value.Value (v "mc_error") "the bound is above the Gibbs training error"
            Expect.stringContains (row "pacbayes-maurer").Reason "only dr17" "a data-chosen prior variance is not given to a fixed-prior entry"
            Expect.equal (row "jiang-params").Status "value" "a measure"
            Expect.equal (row "test-set-hoeffding").Status "value" "baseline"
    ]
