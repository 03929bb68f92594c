module BoundLab.Cli.Tests.Commands.BenchCommandTests

open Expecto
open BoundLab.Cli
open BoundLab.Cli.Commands
open BoundLab.Cli.Framework

let private usageMessage (args: string list) =
    try
        BenchCommand().Run(args) |> ignore
        failtest "expected a UsageException"
    with
    | :? UsageException as e -> e.Message

[<Tests>]
let tests =
    testList "Cli.Commands.Bench" [
        testCase "a missing sub-verb lists the allowed ones" <| fun () ->
            Expect.stringContains (usageMessage []) "allowed: gemm" "message"

        testCase "an unknown sub-verb is named and the allowed ones listed" <| fun () ->
            let msg = usageMessage [ "conv" ]
            Expect.stringContains msg "'conv'" "names it"
            Expect.stringContains msg "allowed: gemm" "lists the allowed"

        testCase "gemm rejects a zero dimension with the option's range" <| fun () ->
            Expect.stringContains (usageMessage [ "gemm"; "--m"; "0" ]) "--m: got '0'" "message"

        testCase "gemm runs a tiny product and exits 0" <| fun () ->
            let code = BenchCommand().Run([ "gemm"; "--m"; "5"; "--n"; "7"; "--k"; "3"; "--transb"; "--repeats"; "1"; "--threads"; "1" ])
            Expect.equal code 0 "exit code"

        testCase "noise rejects a length below one group with the option's range" <| fun () ->
            Expect.stringContains (usageMessage [ "noise"; "--length"; "5" ]) "--length: got '5'" "message"

        // Redirects the console: sequenced, after the parallel tests.
        testSequenced <| testCase "noise --json reports normals_per_sec" (fun () ->
            let code, out, _ = BoundLab.Cli.Tests.TestUtil.runCli [ "bench"; "noise"; "--length"; "4096"; "--repeats"; "1"; "--threads"; "1"; "--json" ]
            Expect.equal code 0 "exit code"
            let d = System.Text.Json.JsonDocument.Parse(out).RootElement
            Expect.isGreaterThan (d.GetProperty("normals_per_sec").GetDouble()) 0.0 "a positive rate"
            Expect.equal (d.GetProperty("length").GetInt32()) 4096 "length")

        testCase "mlp --model: an unknown name, a bad resmlp width and --arch with --model are usage errors" <| fun () ->
            Expect.stringContains (usageMessage [ "mlp"; "--model"; "foo" ]) "--model: got 'foo'" "unknown model"
            Expect.stringContains (usageMessage [ "mlp"; "--model"; "resmlp-0x2" ]) "--model: got 'resmlp-0x2'" "width 0"
            Expect.stringContains (usageMessage [ "mlp"; "--model"; "lenet"; "--arch"; "784-10" ]) "give one of them" "both"

        // Redirects the console: sequenced, after the parallel tests.
        testSequenced <| testCase "mlp --model lenet --json times LeNet training steps" (fun () ->
            let code, out, _ =
                BoundLab.Cli.Tests.TestUtil.runCli
                    [ "bench"; "mlp"; "--model"; "lenet"; "--batch"; "3"; "--steps"; "1"; "--repeats"; "1"; "--threads"; "1"; "--json" ]
            Expect.equal code 0 "exit code"
            let d = System.Text.Json.JsonDocument.Parse(out).RootElement
            Expect.equal (d.GetProperty("arch").GetString()) "lenet" "the model's name"
            Expect.equal (d.GetProperty("batch").GetInt32()) 3 "batch"
            Expect.isGreaterThan (d.GetProperty("samples_per_sec").GetDouble()) 0.0 "a positive rate")

        testCase "bench is registered in the command table" <| fun () ->
            Expect.isTrue (CommandLine.Commands |> Seq.exists (fun c -> c.Name = "bench")) "registered"
    ]
