/// `boundlab bounds eval ID --run RUN_DIR`: inputs taken from a saved run equal the same inputs given by hand
/// (read here straight from run.json / measures.json), and the refusals name the option and the reason.
module BoundLab.Cli.Tests.BoundsRunTests

open System.IO
open System.Text.Json.Nodes
open Expecto
open BoundLab.Cli.Tests.TestUtil

let private fixture = Path.Combine(repoRoot, "tests", "fixtures", "mnist-small")

let private trainRun (dir: string) (name: string) (extra: string list) =
    let out = Path.Combine(dir, name)
    let code, _, err =
        runCli ([ "train"; "--data"; "mnist"; "--data-dir"; fixture; "--arch"; "784-24-10"; "--epochs"; "1"; "--seed"; "2"; "--out"; out ] @ extra)
    Expect.equal code 0 (sprintf "train; stderr: %s" err)
    out

let private evalJson (args: string list) =
    let code, out, err = runCli ("bounds" :: "eval" :: args @ [ "--json" ])
    Expect.equal code 0 (sprintf "bounds eval; stderr: %s" err)
    JsonNode.Parse(out).AsObject()

let private num (node: JsonNode) = node.GetValue<float>()

/// Prints a double so that it parses back to the same double.
let private r (x: float) = x.ToString("R", System.Globalization.CultureInfo.InvariantCulture)

[<Tests>]
let tests =
    testSequenced <| testList "Cli.BoundsRun" [
        testCase "--run fills the test-set, spectral and norm inputs exactly as --set with the run's own numbers" <| fun () ->
            withTempDir <| fun dir ->
            let run = trainRun dir "nobias" [ "--no-bias" ]
            let code, _, err = runCli [ "measure"; run ]
            Expect.equal code 0 (sprintf "measure; stderr: %s" err)
            let runJson = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "run.json"))).AsObject()
            let m = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "measures.json"))).AsObject()
            // Test-set bound: test_error and n_test from run.json.
            let fromRun = evalJson [ "test-set-binomial"; "--run"; run; "--set"; "delta=0.05" ]
            let byHand =
                evalJson [ "test-set-binomial"; "--set"; sprintf "test_error=%s" (r (num runJson["test_error"]))
                           "--set"; sprintf "n_test=%d" (runJson["data"].["n_test"].GetValue<int>()); "--set"; "delta=0.05" ]
            Expect.equal (num fromRun["value"]) (num byHand["value"]) "same value"
            Expect.equal (fromRun["from_run"].AsObject().Count) 2 "test_error and n_test came from the run"
            // BFT with two weight matrices: s_i, b_i, x_norm from measures.json, n from run.json.
            let layers = m["layers"].AsArray()
            let common = [ "--set"; "ramp_loss=0.2"; "--set"; "gamma=2"; "--set"; "width=784"; "--set"; "delta=0.05" ]
            let bftRun = evalJson ([ "bft-spectral-2"; "--run"; run ] @ common)
            let bftHand =
                evalJson ([ "bft-spectral-2"
                            for i in 0 .. 1 do
                                "--set"; sprintf "s_%d=%s" (i + 1) (r (num layers[i].["spectral_norm"]))
                                "--set"; sprintf "b_%d=%s" (i + 1) (r (num layers[i].["l21_from_init"]))
                            "--set"; sprintf "x_norm=%s" (r (num m["x_norm"]))
                            "--set"; sprintf "n=%d" (runJson["data"].["n_train"].GetValue<int>()) ] @ common)
            Expect.equal (num bftRun["value"]) (num bftHand["value"]) "same value"
            // The depth-generic entry fills depth from run.json and spec, l21_init from measures.json layers[i].
            let genericRun = evalJson ([ "bft-spectral"; "--run"; run ] @ common)
            let ulps = abs (System.BitConverter.DoubleToInt64Bits(num genericRun["value"]) - System.BitConverter.DoubleToInt64Bits(num bftRun["value"]))
            Expect.isLessThanOrEqual ulps 1L "bft-spectral --run = bft-spectral-2 --run to 1 ulp"
            let fromRun = genericRun["from_run"].AsObject()
            Expect.equal (fromRun["depth"].["value"].GetValue<float>()) 2.0 "depth from run.json"
            Expect.equal [ for v in fromRun["spec"].["value"].AsArray() -> num v ] [ for i in 0 .. 1 -> num layers[i].["spectral_norm"] ] "spec from measures.json"
            Expect.equal [ for v in fromRun["l21_init"].["value"].AsArray() -> num v ] [ for i in 0 .. 1 -> num layers[i].["l21_from_init"] ] "l21_init from measures.json"
            // An explicit --set wins over the run.
            let overridden = evalJson ([ "bft-spectral-2"; "--run"; run; "--set"; "n=100000" ] @ common)
            Expect.isLessThan (num overridden["value"]) (num bftRun["value"]) "more samples, smaller bound"
            Expect.isFalse (overridden["from_run"].AsObject().ContainsKey "n") "n was given, not taken"

        testCase "--run refusals: biases, depth, class count, no measures, no run" <| fun () ->
            withTempDir <| fun dir ->
            let biased = trainRun dir "bias" []
            let code, _, err = runCli [ "measure"; biased ]
            Expect.equal code 0 (sprintf "measure; stderr: %s" err)
            let common = [ "--set"; "ramp_loss=0.2"; "--set"; "gamma=2"; "--set"; "width=784"; "--set"; "delta=0.05" ]
            let refused (args: string list) (expected: string list) =
                let code, out, err = runCli ("bounds" :: "eval" :: args)
                Expect.equal code 2 (sprintf "exit code for %A; stdout %s" args out)
                let line = err.Trim()
                Expect.isFalse (line.Contains '\n') (sprintf "one line: %s" line)
                for e in expected do Expect.stringContains line e "names the problem"
            refused ([ "bft-spectral-2"; "--run"; biased ] @ common) [ "--run"; "biases"; "--no-bias" ]
            let nobias = trainRun dir "nobias" [ "--no-bias" ]
            refused ([ "bft-spectral-2"; "--run"; nobias ] @ common) [ "--set"; "boundlab measure" ]
            let code, _, err = runCli [ "measure"; nobias ]
            Expect.equal code 0 (sprintf "measure; stderr: %s" err)
            refused ([ "bft-spectral-3"; "--run"; nobias ] @ common) [ "--run"; "3 weight matrices"; "bft-spectral-2" ]
            refused [ "test-set-binomial"; "--run"; nobias; "--set"; "delta=0.05"; "--classes"; "3" ] [ "--classes"; "10" ]
            refused [ "test-set-binomial"; "--run"; Path.Combine(dir, "none"); "--set"; "delta=0.05" ] [ "--run"; "run.json" ]
            // A binary-only entry on a 10-class run: the class count comes from the run, so it is not applicable.
            let code, out, _ = runCli [ "bounds"; "eval"; "vc-mohri"; "--run"; nobias; "--set"; "delta=0.05"; "--set"; "vc_dim=10" ]
            Expect.equal code 0 "not applicable is an answer"
            Expect.stringContains out "not applicable to 10 classes" "says why"
    ]
