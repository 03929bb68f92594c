module BoundLab.Cli.Tests.TrainRunTests

open System.IO
open System.Text.Json.Nodes
open Expecto
open BoundLab.Cli.Tests.TestUtil

let private fixture = Path.Combine(repoRoot, "tests", "fixtures", "mnist-small")

[<Tests>]
let tests =
    testSequenced <| testList "Cli.TrainRun" [
        testCase "a short run on the MNIST fixture reaches ≤ 15% test error and writes a complete run.json" <| fun () ->
            withTempDir <| fun dir ->
            let out = Path.Combine(dir, "run")
            let code, _, err =
                runCli [ "train"; "--data"; "mnist"; "--data-dir"; fixture; "--arch"; "784-128-10"; "--epochs"; "4"
                         "--lr"; "0.05"; "--batch"; "64"; "--seed"; "3"; "--threads"; "2"; "--out"; out ]
            Expect.equal code 0 (sprintf "exit code; stderr: %s" err)
            let run = JsonNode.Parse(File.ReadAllText(Path.Combine(out, "run.json"))).AsObject()
            let num (k: string) = run[k].GetValue<float>()
            // 2,000 training digits, 4 epochs: a 784-128-10 net typically lands near 9–11% test error.
            Expect.isLessThanOrEqual (num "test_error") 0.15 "test error on the 1,000 fixture test digits"
            Expect.floatClose Accuracy.veryHigh (num "gap") (num "test_error" - num "train_error") "gap = test − train"
            Expect.equal (run["epochs"].AsArray().Count) 4 "one record per epoch"
            Expect.isGreaterThan (num "samples_per_sec") 0.0 "throughput recorded"
            Expect.equal (run["data"].["n_train"].GetValue<int>()) 2000 "fixture size"
            let net = BoundLab.Numerics.Models.ModelFile.Load(Path.Combine(out, "weights.bin"))
            Expect.equal (run["weights_sha256"].GetValue<string>()) (BoundLab.Numerics.Models.ModelFile.Sha256 net) "hash of the saved weights"
            Expect.isFalse (Directory.Exists(Path.Combine(out, "checkpoint"))) "checkpoint removed after success"
            // A finished run is not overwritten by accident.
            let code2, _, err2 = runCli [ "train"; "--data"; "mnist"; "--data-dir"; fixture; "--arch"; "784-16-10"; "--epochs"; "1"; "--out"; out ]
            Expect.equal code2 2 "refuses to overwrite"
            Expect.stringContains err2 "--force" "says how to overwrite"

        testCase "an --arch whose input size does not match the data → exit 2 naming both" <| fun () ->
            withTempDir <| fun dir ->
            let code, _, err = runCli [ "train"; "--data"; "mnist"; "--data-dir"; fixture; "--arch"; "100-10"; "--out"; Path.Combine(dir, "r") ]
            Expect.equal code 2 "exit code"
            Expect.stringContains err "--arch 100-10 takes 100 inputs" "names the option and value"
            Expect.stringContains err "784" "says what would fit"

        testCase "an --arch whose output size does not match the classes → exit 2" <| fun () ->
            withTempDir <| fun dir ->
            let code, _, err = runCli [ "train"; "--data"; "mnist"; "--data-dir"; fixture; "--arch"; "784-5"; "--out"; Path.Combine(dir, "r") ]
            Expect.equal code 2 "exit code"
            Expect.stringContains err "needs 10" "says what would fit"

        testCase "corrupt data files → exit 2 naming the file" <| fun () ->
            withTempDir <| fun dir ->
            let data = Path.Combine(dir, "mnist")
            Directory.CreateDirectory data |> ignore
            for f in Directory.GetFiles fixture do
                if f.EndsWith ".gz" then File.Copy(f, Path.Combine(data, Path.GetFileName f))
            // Truncate the training labels: the header still promises 2,000.
            let labels = Path.Combine(data, "train-labels-idx1-ubyte.gz")
            use gz = new System.IO.Compression.GZipStream(File.OpenRead labels, System.IO.Compression.CompressionMode.Decompress)
            use ms = new MemoryStream()
            gz.CopyTo ms
            gz.Dispose()
            let raw = ms.ToArray()
            File.Delete labels
            File.WriteAllBytes(Path.Combine(data, "train-labels-idx1-ubyte"), raw[0 .. raw.Length - 101])
            let code, _, err = runCli [ "train"; "--data"; "mnist"; "--data-dir"; dir; "--arch"; "784-10"; "--out"; Path.Combine(dir, "r") ]
            Expect.equal code 2 "exit code"
            Expect.stringContains err "train-labels-idx1-ubyte" "names the file"

        testCase "diverging training → exit 1 naming epoch and step" <| fun () ->
            withTempDir <| fun dir ->
            let code, _, err =
                runCli [ "train"; "--data"; "mnist"; "--data-dir"; fixture; "--arch"; "784-32-10"; "--loss"; "squared"
                         "--lr"; "1e8"; "--epochs"; "1"; "--out"; Path.Combine(dir, "r") ]
            Expect.equal code 1 "a failure while running"
            Expect.stringContains err "diverged at epoch 1, step" "names where"
            Expect.isFalse (File.Exists(Path.Combine(dir, "r", "run.json"))) "no run.json for a failed run"
    ]
