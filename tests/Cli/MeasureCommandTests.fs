module BoundLab.Cli.Tests.MeasureCommandTests

open System.IO
open System.Text.Json.Nodes
open Expecto
open BoundLab.Numerics.Measurements
open BoundLab.Numerics.Models
open BoundLab.Cli.Tests.TestUtil

let private fixture = Path.Combine(repoRoot, "tests", "fixtures", "mnist-small")

/// Trains a small run on the committed fixture into dir/run (1 epoch: the test is about measuring, not fitting).
let private train (dir: string) =
    let out = Path.Combine(dir, "run")
    let code, _, err =
        runCli [ "train"; "--data"; "mnist"; "--data-dir"; fixture; "--arch"; "784-16-10"; "--epochs"; "1"
                 "--batch"; "64"; "--seed"; "5"; "--threads"; "2"; "--label-noise"; "0.2"; "--out"; out ]
    Expect.equal code 0 (sprintf "train exit code; stderr: %s" err)
    out

[<Tests>]
let tests =
    testSequenced <| testList "Cli.Measure" [
        testCase "measure a run trained on the fixture: measures.json has the fixed keys and consistent values" <| fun () ->
            withTempDir <| fun dir ->
            let run = train dir
            let code, out, err = runCli [ "measure"; run; "--json"; "--threads"; "1" ]
            Expect.equal code 0 (sprintf "measure exit code; stderr: %s" err)
            let m = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "measures.json"))).AsObject()
            Expect.equal (JsonNode.Parse(out).ToJsonString()) (m.ToJsonString()) "--json prints the same document"
            let runJson = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "run.json"))).AsObject()
            let net = ModelFile.Load(Path.Combine(run, "weights.bin"))
            let init = ModelFile.Load(Path.Combine(run, "weights-init.bin"))
            let netW, initW = net.DenseWeights(), init.DenseWeights()
            let layers = m["layers"].AsArray()
            Expect.equal layers.Count 2 "W_1, W_2"
            for i in 0 .. 1 do
                let l = layers[i].AsObject()
                let v (k: string) = l[k].GetValue<float>()
                let w, w0 = netW[i], initW[i]
                // Independent: plain float64 sums over the saved weights.
                let fro = sqrt (Array.sumBy (fun (x: float32) -> float x * float x) w.Data)
                let dist = sqrt (Array.fold2 (fun s (a: float32) (b: float32) -> s + (float a - float b) ** 2.0) 0.0 w.Data w0.Data)
                let l21 =
                    Seq.sum (seq { for r in 0 .. w.Rows - 1 ->
                                    sqrt (Seq.sum (seq { for c in 0 .. w.Cols - 1 -> (float w[r, c] - float w0[r, c]) ** 2.0 })) })
                Expect.floatClose Accuracy.veryHigh (v "frobenius_norm") fro $"‖W_{i + 1}‖_F"
                Expect.floatClose Accuracy.veryHigh (v "frobenius_from_init") dist $"‖W_{i + 1} − W⁰‖_F"
                Expect.floatClose Accuracy.veryHigh (v "l21_from_init") l21 $"(2,1) from init, layer {i + 1}"
                Expect.isLessThanOrEqual (v "spectral_norm") (fro * (1.0 + 1e-12)) "σ_max ≤ ‖·‖_F"
                Expect.isGreaterThanOrEqual (v "spectral_norm") (fro / sqrt (float (min w.Rows w.Cols)) * (1.0 - 1e-12)) "σ_max ≥ ‖·‖_F/√rank"
            let num (k: string) = m[k].GetValue<float>()
            // x_norm is the catalog's sqrt(Σ_i ‖x_i‖²) (BFT's ‖X‖₂), computed here from the rebuilt data independently.
            let xs = (BoundLab.Numerics.Data.Datasets.Load(BoundLab.Numerics.Data.DataOptions("mnist", fixture))).Train.Inputs
            let xFro = sqrt (Array.sumBy (fun (x: float32) -> float x * float x) xs.Data)
            let xMax = Seq.max (seq { for r in 0 .. xs.Rows - 1 -> sqrt (Seq.sum (seq { for c in 0 .. xs.Cols - 1 -> float xs[r, c] ** 2.0 })) })
            Expect.floatClose Accuracy.veryHigh (num "x_norm") xFro "x_norm = sqrt(Σ ‖x_i‖²)"
            Expect.floatClose Accuracy.veryHigh (num "input_norm") xMax "input_norm = max ‖x_i‖"
            Expect.isLessThan (num "x_spectral_norm") (num "x_norm") "σ_max(X) < ‖X‖_F (strict for 2,000 digits)"
            Expect.isGreaterThan (num "x_spectral_norm") (num "input_norm") "σ_max(X) > max ‖x_i‖ (strict for 2,000 digits)"
            Expect.floatClose Accuracy.veryHigh (num "path_norm") (PathNorm.Value(netW, net.DenseBiases())) "path norm"
            Expect.equal (m["parameter_count"].GetValue<int64>()) (runJson["parameter_count"].GetValue<int64>()) "parameter count"
            // The margins come from the rebuilt training set (label noise included): their error must be the
            // run's final training error, up to exact ties (none expected).
            let margins = m["margins"].AsObject()
            let ties = margins["ties"].GetValue<int>()
            Expect.isLessThanOrEqual (abs (margins["train_error"].GetValue<float>() - runJson["train_error"].GetValue<float>()))
                                     (float ties / 2000.0 + 1e-12) "training error from the margins = run.json's"
            let q = margins["quantiles"].AsObject()
            Expect.isGreaterThanOrEqual (num "margin_q10") (q["0.1"].GetValue<float>()) "index 200 ≥ type-7 position 199.9"
            Expect.isLessThanOrEqual (num "margin_q10") (q["0.25"].GetValue<float>()) "below the quartile"
            // Sharpness with Jiang et al.'s defaults on the 2,000 fixture points (the whole set), seeded by the run's seed.
            Expect.equal (num "sharpness_target") 0.1 "target"
            Expect.equal (m["sharpness_draws"].GetValue<int>()) 10 "draws"
            Expect.equal (m["sharpness_subsample"].GetValue<int>()) 2000 "subsample = the whole fixture"
            Expect.equal (num "sharpness_mag_eps") 1e-3 "ε"
            for key in [ "sharpness_sigma"; "sharpness_sigma_mag" ] do
                Expect.isTrue (num key > 0.0 && num key < 2.0) (sprintf "%s = %g inside the bracket (0, 2)" key (num key))
            let sh = m["sharpness"].AsObject()
            Expect.equal (sh["seed"].GetValue<uint64>()) 5UL "run.json's seed"
            Expect.floatClose Accuracy.veryHigh (sh["base_error"].GetValue<float>()) (margins["train_error"].GetValue<float>()) "base error on the whole set = train error"
            Expect.isNull m["trajectory"] "an sgd run without --record-steps has no trajectory"
            let _, out2, _ = runCli [ "measure"; run; "--json"; "--threads"; "2" ]
            Expect.equal (JsonNode.Parse(out2).ToJsonString()) (m.ToJsonString()) "bit-identical with 2 threads"

        testCase "sgld run with --grad-subsample and --supersample: trajectory sums from trajectory.csv, n = the used half" <| fun () ->
            withTempDir <| fun dir ->
            let run = Path.Combine(dir, "sgld")
            let code, _, err =
                runCli [ "train"; "--data"; "mnist"; "--data-dir"; fixture; "--arch"; "784-8-10"; "--epochs"; "2"; "--batch"; "100"
                         "--train-size"; "300"; "--optimizer"; "sgld"; "--lr"; "0.05"; "--beta"; "1e5"; "--grad-subsample"; "12"
                         "--grad-every"; "2"; "--supersample"; "--seed"; "3"; "--threads"; "2"; "--out"; run ]
            Expect.equal code 0 (sprintf "train; stderr: %s" err)
            let code1, _, err1 = runCli [ "measure"; run; "--sharpness"; "off"; "--lipschitz"; "0.01" ]
            Expect.equal code1 0 (sprintf "measure; stderr: %s" err1)
            let m = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "measures.json"))).AsObject()
            Expect.equal (m["n_train"].GetValue<int>()) 300 "the n points trained on, not the 2n loaded"
            Expect.isNull m["sharpness_sigma"] "--sharpness off: null"
            Expect.isNull m["sharpness"] "--sharpness off: null"
            let t = m["trajectory"].AsObject()
            // Recomputed here from the CSV's cells: 6 steps (300/100 × 2 epochs), statistics at steps 0, 2, 4.
            let rows =
                File.ReadAllLines(Path.Combine(run, "trajectory.csv"))[1..]
                |> Array.map (fun l -> l.Split ',')
            Expect.equal rows.Length 6 "6 steps"
            let cell (r: string[]) i = if r[i] = "" then nan else float r[i]
            let mutable held, heldXi, gradSum, xiSum, eta = nan, nan, 0.0, 0.0, 0.0
            for r in rows do
                let lr = float r[2]
                if r[5] <> "" then held <- cell r 5
                if r[6] <> "" then heldXi <- cell r 6
                gradSum <- gradSum + 1e5 * lr / 4.0 * held
                xiSum <- xiSum + 1e5 * lr * heldXi
                eta <- eta + lr
            Expect.equal [ for r in rows -> r[5] <> "" ] [ true; false; true; false; true; false ] "every 2 steps"
            Expect.floatClose Accuracy.veryHigh (t["eta_sum"].GetValue<float>()) eta "Σ η"
            Expect.floatClose Accuracy.veryHigh (t["grad_sum"].GetValue<float>()) gradSum "Σ (β η/4) g_e"
            Expect.floatClose Accuracy.veryHigh (t["incoherence_sum"].GetValue<float>()) xiSum "Σ β η ‖ξ‖²"
            Expect.equal (t["beta"].GetValue<float>()) 1e5 "β from run.json"
            // η β L² = 0.05 · 1e5 · 1e-4 = 0.5 < 1 at the first step: k₀ = 1.
            Expect.equal (t["k0"].GetValue<int>()) 1 "k₀"
            Expect.floatClose Accuracy.veryHigh (t["eta_sum_after_k0"].GetValue<float>()) (eta - 0.05) "Σ_{k>k₀} η"
            let sup = File.ReadAllLines(Path.Combine(run, "supersample.csv"))
            Expect.equal sup.Length 301 "header + 300 pairs"
            // A tampered selector file is refused: the folder no longer matches its data.
            File.WriteAllLines(Path.Combine(run, "supersample.csv"), sup[0 .. 299])
            let code2, _, err2 = runCli [ "measure"; run; "--sharpness"; "off" ]
            Expect.equal code2 2 "tampered supersample.csv"
            Expect.stringContains err2 "supersample.csv" "names the file"

        testCase "bad measure and train options: exit 2, one line naming the option" <| fun () ->
            withTempDir <| fun dir ->
            let run = train dir
            for args, name in [ [ "--sharpness"; "off"; "--sharpness-draws"; "3" ], "--sharpness-draws"
                                [ "--sharpness-draws"; "0" ], "--sharpness-draws"
                                [ "--sharpness-tolerance"; "0.5" ], "--sharpness-tolerance"
                                [ "--lipschitz"; "1" ], "--lipschitz" ] do
                let code, _, err = runCli ([ "measure"; run ] @ args)
                Expect.equal code 2 (sprintf "%A" args)
                Expect.stringContains err name "names the option"
                Expect.equal (err.Trim().Split('\n').Length) 1 "one line"
            let common = [ "train"; "--data"; "mnist"; "--data-dir"; fixture; "--arch"; "784-8-10"; "--epochs"; "1"; "--out"; Path.Combine(dir, "x") ]
            for args, name in [ [ "--grad-subsample"; "8" ], "--grad-subsample"
                                [ "--optimizer"; "sgld"; "--grad-every"; "2" ], "--grad-every"
                                [ "--optimizer"; "sgld"; "--supersample"; "--grad-subsample"; "4" ], "--supersample"
                                [ "--optimizer"; "sgld"; "--grad-subsample"; "5000" ], "--grad-subsample" ] do
                let code, _, err = runCli (common @ args)
                Expect.equal code 2 (sprintf "%A" args)
                Expect.stringContains err name "names the option"

        testCase "missing folder, missing weights and mismatched architecture: exit 2, one line naming the argument" <| fun () ->
            withTempDir <| fun dir ->
            let code, _, err = runCli [ "measure"; Path.Combine(dir, "nope") ]
            Expect.equal code 2 "missing folder"
            Expect.stringContains err "RUN_DIR" "names the argument"
            let code0, _, err0 = runCli [ "measure"; dir ]
            Expect.equal code0 2 "no run.json"
            Expect.stringContains err0 "run.json" "says what is missing"
            let run = train dir
            File.Move(Path.Combine(run, "weights-init.bin"), Path.Combine(dir, "init.bak"))
            let code1, _, err1 = runCli [ "measure"; run ]
            Expect.equal code1 2 "missing weights-init.bin"
            Expect.stringContains err1 "weights-init.bin" "names the file"
            Expect.equal (err1.Trim().Split('\n').Length) 1 "one line"
            let other = Model<float32>.Create(ModelSpec.FromMlp(MlpSpec.Parse "784-8-10"), BoundLab.Numerics.Backends.CpuBackend(1), BoundLab.Numerics.Random.RngKey.FromSeed 1UL)
            ModelFile.Save(other, Path.Combine(run, "weights-init.bin"))
            let code2, _, err2 = runCli [ "measure"; run ]
            Expect.equal code2 2 "mismatched architecture"
            Expect.stringContains err2 "784-16-10" "names the run's architecture"
            Expect.stringContains err2 "784-8-10" "and the other one"
            Expect.isFalse (File.Exists(Path.Combine(run, "measures.json"))) "nothing written"
    ]
