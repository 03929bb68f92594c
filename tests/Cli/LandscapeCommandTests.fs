module BoundLab.Cli.Tests.LandscapeCommandTests

open System.IO
open System.Text.Json.Nodes
open Expecto
open BoundLab.Numerics.Data
open BoundLab.Numerics.Models
open BoundLab.Cli.Tests.TestUtil

let private fixture = Path.Combine(repoRoot, "tests", "fixtures", "mnist-small")

/// Trains a small run on the committed fixture into dir/name (1 epoch: the test is about the landscape, not fitting).
let private train (dir: string) (name: string) (arch: string) (seed: int) =
    let out = Path.Combine(dir, name)
    let code, _, err =
        runCli [ "train"; "--data"; "mnist"; "--data-dir"; fixture; "--arch"; arch; "--epochs"; "1"
                 "--batch"; "64"; "--seed"; string seed; "--threads"; "2"; "--out"; out ]
    Expect.equal code 0 (sprintf "train exit code; stderr: %s" err)
    out

/// Mean cross-entropy of a ReLU MLP (weights W1, b1, W2, b2 as ModelFile stores them) over the fixture's training set,
/// in plain float64 loops: independent of the library's forward pass.
let private meanCrossEntropy (values: float32[][]) (widths: int list) =
    let data = (Datasets.Load(DataOptions("mnist", fixture))).Train
    let x = data.Inputs
    let layers = List.length widths - 1
    let mutable total = 0.0
    for r in 0 .. x.Rows - 1 do
        let mutable h = Array.init x.Cols (fun c -> float x[r, c])
        for l in 0 .. layers - 1 do
            let w, b = values[2 * l], values[2 * l + 1]
            let din, dout = widths[l], widths[l + 1]
            let z = Array.init dout (fun o -> float b[o] + Seq.sum (seq { for i in 0 .. din - 1 -> float w[o * din + i] * h[i] }))
            h <- if l < layers - 1 then Array.map (max 0.0) z else z
        let m = Array.max h
        total <- total + (log (Array.sumBy (fun v -> exp (v - m)) h) + m - h[data.Labels[r]])
    total / float x.Rows

let private landscapeJson (run: string) = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "landscape.json"))).AsObject()

[<Tests>]
let tests =
    testSequenced <| testList "Cli.Landscape" [
        testCase "landscape of a run: the fixed keys, the grid, the end-point losses by hand, the same numbers on 1 and 2 threads" <| fun () ->
            withTempDir <| fun dir ->
            let run = train dir "run" "784-16-10" 5
            let args threads = [ "landscape"; run; "--json"; "--top"; "2"; "--probes"; "4"; "--points"; "5"; "--from"; "-0.5"; "--to"; "1.5"
                                 "--train-size"; "300"; "--seed"; "3"; "--threads"; threads ]
            let code, out, err = runCli (args "1")
            Expect.equal code 0 (sprintf "exit code; stderr: %s" err)
            let doc = landscapeJson run
            Expect.equal (JsonNode.Parse(out).ToJsonString()) (doc.ToJsonString()) "--json prints landscape.json"
            let num (k: string) = doc[k].GetValue<float>()
            let tops = doc["top_eigenvalues"].AsArray() |> Seq.map (fun n -> n.GetValue<float>()) |> Array.ofSeq
            Expect.equal tops.Length 2 "--top 2"
            Expect.equal (num "top_eigenvalue") tops[0] "top_eigenvalue = top_eigenvalues[0]"
            Expect.isGreaterThanOrEqual tops[0] tops[1] "descending"
            Expect.isGreaterThan tops[0] 0.0 "a trained cross-entropy net has positive curvature"
            Expect.equal (doc["hessian_samples"].GetValue<int>()) 300 "--train-size"
            Expect.equal (doc["hessian_trace_probes"].GetValue<int>()) 4 "--probes"
            Expect.isTrue (System.Double.IsFinite(num "hessian_trace")) "trace"
            Expect.isGreaterThan (num "hessian_trace_standard_error") 0.0 "standard error"
            let curve = doc["interpolation"].AsArray()
            Expect.sequenceEqual [ for p in curve -> p["t"].GetValue<float>() ] [ -0.5; 0.0; 0.5; 1.0; 1.5 ] "t grid"
            let lossAt (i: int) = curve[i].["loss"].GetValue<float>()
            let struct (_, init) = ModelFile.Read(Path.Combine(run, "weights-init.bin"))
            let struct (_, final) = ModelFile.Read(Path.Combine(run, "weights.bin"))
            Expect.floatClose { absolute = 1e-6; relative = 1e-5 } (lossAt 1) (meanCrossEntropy init [ 784; 16; 10 ]) "t = 0: the initial loss"
            Expect.floatClose { absolute = 1e-6; relative = 1e-5 } (lossAt 3) (meanCrossEntropy final [ 784; 16; 10 ]) "t = 1: the final loss"
            Expect.isLessThan (lossAt 3) (lossAt 1) "training lowered the loss"
            let code2, _, err2 = runCli (args "2")
            Expect.equal code2 0 (sprintf "exit code (2 threads); stderr: %s" err2)
            let doc2 = landscapeJson run
            for k in [ "top_eigenvalues"; "eigenvalue_residuals"; "hessian_trace"; "hessian_trace_standard_error"; "interpolation"; "lanczos_steps" ] do
                Expect.equal (doc2[k].ToJsonString()) (doc[k].ToJsonString()) (sprintf "%s: same on 2 threads" k)
            // The summary (without --json) is readable text on stdout.
            let code3, out3, _ = runCli [ "landscape"; run; "--probes"; "2"; "--points"; "2"; "--train-size"; "50" ]
            Expect.equal code3 0 "summary run"
            Expect.stringContains out3 "top eigenvalue" "summary"
            Expect.stringContains out3 "Hessian trace" "summary"

        testCase "--other: the line from this run's end to another run's end" <| fun () ->
            withTempDir <| fun dir ->
            let a = train dir "a" "784-16-10" 5
            let b = train dir "b" "784-16-10" 6
            let code, _, err = runCli [ "landscape"; a; "--other"; b; "--points"; "3"; "--probes"; "2"; "--train-size"; "50" ]
            Expect.equal code 0 (sprintf "exit code; stderr: %s" err)
            let doc = landscapeJson a
            let curve = doc["interpolation"].AsArray()
            let struct (_, fa) = ModelFile.Read(Path.Combine(a, "weights.bin"))
            let struct (_, fb) = ModelFile.Read(Path.Combine(b, "weights.bin"))
            Expect.floatClose { absolute = 1e-6; relative = 1e-5 } (curve[0].["loss"].GetValue<float>()) (meanCrossEntropy fa [ 784; 16; 10 ]) "t = 0: run a"
            Expect.floatClose { absolute = 1e-6; relative = 1e-5 } (curve[2].["loss"].GetValue<float>()) (meanCrossEntropy fb [ 784; 16; 10 ]) "t = 1: run b"
            Expect.stringContains (doc["interpolation_to"].GetValue<string>()) (Path.Combine("b", "weights.bin")) "names the other run"

        testCase "bad input: exit 2, one error line naming the option, the value and what is allowed" <| fun () ->
            withTempDir <| fun dir ->
            let run = train dir "run" "784-16-10" 5
            let other = train dir "other" "784-8-10" 5
            let fails (args: string list) (expected: string list) =
                let code, _, err = runCli ("landscape" :: args)
                Expect.equal code 2 (sprintf "%A: exit code; stderr: %s" args err)
                let lines = err.Trim().Split('\n') |> Array.filter (fun l -> l.StartsWith "error:")
                Expect.equal lines.Length 1 (sprintf "%A: one error line in %s" args err)
                for e in expected do
                    Expect.stringContains lines[0] e (sprintf "%A names %s" args e)
            fails [ Path.Combine(dir, "nope") ] [ "RUN_DIR"; "nope" ]
            fails [ dir ] [ "RUN_DIR"; "run.json" ]
            fails [ run; "--top"; "0" ] [ "--top"; "'0'"; "1 … 50" ]
            fails [ run; "--probes"; "1" ] [ "--probes"; "'1'"; "2" ]
            fails [ run; "--points"; "1" ] [ "--points"; "'1'" ]
            fails [ run; "--from"; "1"; "--to"; "0" ] [ "--to"; "'0'"; "--from" ]
            fails [ run; "--train-size"; "0" ] [ "--train-size"; "'0'"; "1 … 2000" ]
            fails [ run; "--train-size"; "2001" ] [ "--train-size"; "'2001'"; "1 … 2000" ]
            fails [ run; "--tolerance"; "1" ] [ "--tolerance"; "'1'" ]
            fails [ run; "--other"; other ] [ "--other"; "784-16-10"; "784-8-10" ]
            fails [ run; "--other"; Path.Combine(dir, "missing") ] [ "--other"; "missing" ]
            fails [ run; "--bogus" ] [ "--bogus" ]
    ]
