/// The convolution-aware bounds end to end: a LeNet without biases trained on the fixture, measured (param_layers in
/// measures.json), and graf22-conv-grid and ledent21-conv-grid evaluated from the run folder by `bounds eval --run` and
/// by the study's CatalogEvaluator.
module BoundLab.Cli.Tests.ConvBoundsRunTests

open System.IO
open System.Text.Json.Nodes
open Expecto
open BoundLab.Bounds.Catalog.Sweep
open BoundLab.Studies.Evaluation
open BoundLab.Cli.Tests.TestUtil

let private fixture = Path.Combine(repoRoot, "tests", "fixtures", "mnist-small")
let private num (node: JsonNode) = node.GetValue<float>()

[<Tests>]
let tests =
    testSequenced <| testList "Cli.ConvBoundsRun" [
        testCase "lenet --no-bias: run.json records bias false, measure writes param_layers, both conv entries evaluate from the run" <| fun () ->
            withTempDir <| fun dir ->
            let out = Path.Combine(dir, "run")
            let code, _, err =
                runCli [ "train"; "--data"; "mnist"; "--data-dir"; fixture; "--model"; "lenet"; "--no-bias"; "--epochs"; "6"; "--train-size"; "300"
                         "--test-size"; "100"; "--seed"; "3"; "--out"; out ]
            Expect.equal code 0 (sprintf "train; stderr: %s" err)
            let runJson = JsonNode.Parse(File.ReadAllText(Path.Combine(out, "run.json")))
            // A named model's biases were recorded as true whatever --no-bias said (the bug this fixes).
            Expect.isFalse (runJson["config"].["bias"].GetValue<bool>()) "run.json config.bias of lenet --no-bias"
            let code, _, err = runCli [ "measure"; out; "--sharpness"; "off" ]
            Expect.equal code 0 (sprintf "measure; stderr: %s" err)
            let m = JsonNode.Parse(File.ReadAllText(Path.Combine(out, "measures.json")))
            let layers = [ for l in m["param_layers"].AsArray() -> l ]
            Expect.equal [ for l in layers -> l["kind"].GetValue<string>() ] [ "conv"; "conv"; "dense"; "dense"; "dense" ] "param_layers"
            Expect.stringContains (m["layers_cover"].GetValue<string>()) "param_layers" "layers_cover points at param_layers"
            let q = RunQuantities.Load(out, true, 1)
            Expect.equal (q.Values.["conv_depth"]) 5. "conv_depth"
            Expect.equal (q.Values.["max_params"]) 48000. "W = the 400 → 120 layer's kernel"
            Expect.equal (List.ofSeq q.Vectors.["lip"]) [ for l in layers -> num l["lipschitz"] ] "lip = measures.json lipschitz"
            Expect.equal (List.ofSeq q.Vectors.["kernel_l21_init"]) [ for l in layers -> num l["kernel_l21_from_init"] ] "kernel_l21_init"
            Expect.equal (q.Vectors.["ledent_a"].[4]) (num layers.[4].["frobenius_from_init"]) "Ledent's last a_L is the Frobenius distance"
            Expect.equal (List.ofSeq q.Vectors.["spatial_in"]) [ 28.; 14.; 1.; 1.; 1. ] "d_l"
            Expect.equal (List.ofSeq q.Vectors.["out_units"]) [ 4704.; 1600.; 120.; 84.; 10. ] "O_l m_l"
            Expect.isFalse (q.Values.ContainsKey "lip_prod") "no aggregate for the fixed-constraint graf22-conv"
            for id in [ "graf22-conv-grid"; "ledent21-conv-grid" ] do
                // The study's evaluator picks γ among the margin quantiles and computes the ramp loss at the snapped γ.
                let e = CatalogEvaluator.Evaluate(BoundLab.Bounds.Catalog.BoundCatalog.Get id, q)
                let value =
                    match e.Outcome with
                    | :? BoundEvaluated as ev -> ev.Result.Value
                    | o -> failtestf "%s: %A" id o
                Expect.isGreaterThan value 1.0 $"{id} from CatalogEvaluator is a (vacuous) number"
                // `bounds eval --run` fills every per-layer vector and scalar from the run; γ and the ramp loss are the user's.
                let at = e.GammaEvaluated.Value
                let struct (ramp, _) = (q.MarginLosses at).Value
                let r (x: float) = x.ToString("R", System.Globalization.CultureInfo.InvariantCulture)
                let code, stdout, err =
                    runCli [ "bounds"; "eval"; id; "--run"; out; "--set"; $"gamma={r at}"; "--set"; $"ramp_loss={r ramp}"; "--set"; "delta=0.05"; "--json" ]
                Expect.equal code 0 (sprintf "%s: stderr %s" id err)
                let v = (JsonNode.Parse stdout).["value"].GetValue<float>()
                Expect.floatClose { absolute = 0.; relative = 1e-15 } v value $"{id}: bounds eval --run = CatalogEvaluator"
            let fixedGraf = CatalogEvaluator.Evaluate(BoundLab.Bounds.Catalog.BoundCatalog.Get "graf22-conv", q)
            Expect.isFalse (fixedGraf.Outcome :? BoundEvaluated) "graf22-conv (norms fixed in advance) is not fed the run's measured norms"

        testCase "lenet with biases: the conv entries refuse the run, naming the biases" <| fun () ->
            withTempDir <| fun dir ->
            let out = Path.Combine(dir, "run")
            let code, _, err =
                runCli [ "train"; "--data"; "mnist"; "--data-dir"; fixture; "--model"; "lenet"; "--epochs"; "1"; "--train-size"; "200"
                         "--test-size"; "100"; "--seed"; "4"; "--out"; out ]
            Expect.equal code 0 (sprintf "train; stderr: %s" err)
            let runJson = JsonNode.Parse(File.ReadAllText(Path.Combine(out, "run.json")))
            Expect.isTrue (runJson["config"].["bias"].GetValue<bool>()) "run.json config.bias of lenet with biases"
            let code, _, err = runCli [ "measure"; out; "--sharpness"; "off" ]
            Expect.equal code 0 (sprintf "measure; stderr: %s" err)
            let code, _, err = runCli [ "bounds"; "eval"; "graf22-conv-grid"; "--run"; out ]
            Expect.equal code 2 "usage error"
            Expect.stringContains err "trained with biases" "names the reason"
    ]
