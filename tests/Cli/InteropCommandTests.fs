/// boundlab export / import: a run's weights leave as safetensors in PyTorch's layout and come back as a run folder on
/// which measure (and everything else that reads a run) gives the same numbers as on the original run.
module BoundLab.Cli.Tests.InteropCommandTests


open System.IO
open System.Text.Json.Nodes
open Expecto
open BoundLab.Cli.Tests.TestUtil

let private fixture = Path.Combine(repoRoot, "tests", "fixtures", "mnist-small")

let private fst3 (a, _, _) = a

[<Tests>]
let tests =
    testSequenced <| testList "Cli.Interop" [
        testCase "export → import → measure gives the original run's measures and errors" <| fun () ->
            withTempDir <| fun dir ->
            let run = Path.Combine(dir, "run")
            let code, _, err =
                runCli [ "train"; "--data"; "mnist"; "--data-dir"; fixture; "--arch"; "784-16-10"; "--epochs"; "1"; "--label-noise"; "0.1"; "--seed"; "3"; "--out"; run ]
            Expect.equal code 0 (sprintf "train; stderr: %s" err)
            let final, init = Path.Combine(dir, "w.safetensors"), Path.Combine(dir, "w0.safetensors")
            let code1, out1, err1 = runCli [ "export"; run; "--format"; "safetensors"; "--out"; final ]
            Expect.equal code1 0 (sprintf "export; stderr: %s" err1)
            Expect.stringContains (out1 + err1) "0.weight" "names the tensors"
            Expect.equal (fst3 (runCli [ "export"; run; "--out"; init; "--init" ])) 0 "export --init"
            let imported = Path.Combine(dir, "imported")
            let code2, _, err2 =
                runCli [ "import"; final; "--init"; init; "--data"; "mnist"; "--data-dir"; fixture; "--label-noise"; "0.1"; "--seed"; "3"; "--out"; imported ]
            Expect.equal code2 0 (sprintf "import; stderr: %s" err2)
            for r in [ run; imported ] do
                Expect.equal (fst3 (runCli [ "measure"; r; "--threads"; "1" ])) 0 (sprintf "measure %s" r)
            let load (r: string) (name: string) = JsonNode.Parse(File.ReadAllText(Path.Combine(r, name))).AsObject()
            let strip (o: JsonObject) = o.Remove "run" |> ignore; o.ToJsonString()
            Expect.equal (strip (load imported "measures.json")) (strip (load run "measures.json")) "same measures"
            let a, b = load imported "run.json", load run "run.json"
            for key in [ "train_error"; "test_error"; "weights_sha256" ] do
                Expect.equal (a[key].ToJsonString()) (b[key].ToJsonString()) key
            Expect.equal (a["config"].["optimizer"].GetValue<string>()) "imported" "says where it came from"

        testCase "bad input: one line naming the option" <| fun () ->
            withTempDir <| fun dir ->
            let code, _, err = runCli [ "export"; dir; "--format"; "onnx"; "--out"; Path.Combine(dir, "x") ]
            Expect.equal code 2 "unknown format"
            Expect.stringContains err "--format" "names the option"
            Expect.equal (err.Trim().Split('\n').Length) 1 "one line"
            let code2, _, err2 = runCli [ "import"; Path.Combine(dir, "missing.safetensors"); "--out"; Path.Combine(dir, "r") ]
            Expect.equal code2 2 "no --init"
            Expect.stringContains err2 "--init" "names the option"
            File.WriteAllBytes(Path.Combine(dir, "junk.safetensors"), [| 1uy; 2uy; 3uy |])
            let code3, _, err3 = runCli [ "import"; Path.Combine(dir, "junk.safetensors"); "--init"; Path.Combine(dir, "junk.safetensors"); "--out"; Path.Combine(dir, "r") ]
            Expect.equal code3 2 "a malformed file is bad input"
            Expect.stringContains err3 "junk.safetensors" "names the file"
            Expect.isFalse (Directory.Exists(Path.Combine(dir, "r"))) "no half-made run folder"
    ]
