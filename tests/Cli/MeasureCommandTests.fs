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
