module BoundLab.Cli.Tests.TrainModelTests

open System.IO
open System.Text.Json.Nodes
open Expecto
open BoundLab.Cli.Tests.TestUtil

let private fixture = Path.Combine(repoRoot, "tests", "fixtures", "mnist-small")

[<Tests>]
let tests =
    testSequenced <| testList "Cli.TrainModel" [
        testCase "train --model lenet runs on MNIST and saves a LeNet weights file" <| fun () ->
            withTempDir <| fun dir ->
            let out = Path.Combine(dir, "run")
            let code, _, err =
                runCli [ "train"; "--data"; "mnist"; "--data-dir"; fixture; "--model"; "lenet"; "--epochs"; "1"; "--train-size"; "300"
                         "--test-size"; "100"; "--batch"; "32"; "--seed"; "5"; "--threads"; "2"; "--out"; out ]
            Expect.equal code 0 (sprintf "exit code; stderr: %s" err)
            Expect.stringContains err "training lenet (61,706 parameters)" "names the model and its size (progress goes to stderr)"
            let run = JsonNode.Parse(File.ReadAllText(Path.Combine(out, "run.json"))).AsObject()
            let test = run["test_error"].GetValue<float>()
            Expect.isTrue (test >= 0.0 && test <= 1.0) $"a test error in [0, 1]: {test}"
            let net = BoundLab.Numerics.Models.ModelFile.Load(Path.Combine(out, "weights.bin"))
            Expect.equal net.Spec (BoundLab.Numerics.Models.ModelSpec.LeNet()) "the weights file records the LeNet architecture"
            Expect.equal (run["weights_sha256"].GetValue<string>()) (BoundLab.Numerics.Models.ModelFile.Sha256 net) "hash of the saved weights"

        testCase "--model lenet on data that are not 28×28×1 images → exit 2 naming --model and 784" <| fun () ->
            withTempDir <| fun dir ->
            let code, _, err = runCli [ "train"; "--data"; "gaussian-mixture"; "--model"; "lenet"; "--epochs"; "1"; "--out"; Path.Combine(dir, "r") ]
            Expect.equal code 2 "exit code"
            Expect.stringContains err "--model: got 'lenet'" "names the option and the value"
            Expect.stringContains err "784 inputs" "says what lenet takes"

        testCase "train --help lists lenet under --model" <| fun () ->
            let code, stdout, _ = runCli [ "train"; "--help" ]
            Expect.equal code 0 "exit code"
            Expect.stringContains stdout "--model <M>               instead of --arch: lenet" "the --model help line"
    ]
