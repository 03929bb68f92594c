module BoundLab.Cli.Tests.Commands.GibbsBenchmarkTests

open Expecto
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
    testList "Cli.Commands.Bench.Gibbs" [
        testCase "gibbs rejects a bad --arch and a zero --rows with the allowed values" <| fun () ->
            Expect.stringContains (usageMessage [ "gibbs"; "--arch"; "784-x-1" ]) "--arch: got '784-x-1'" "bad arch"
            Expect.stringContains (usageMessage [ "gibbs"; "--rows"; "0" ]) "--rows: got '0'" "zero rows"

        // Redirects the console: sequenced, after the parallel tests.
        testSequenced <| testCase "gibbs --json reports the three rates measured in one run" (fun () ->
            let code, out, _ =
                BoundLab.Cli.Tests.TestUtil.runCli
                    [ "bench"; "gibbs"; "--arch"; "20-30-1"; "--rows"; "50"; "--batch"; "16"; "--passes"; "2"; "--repeats"; "1"; "--threads"; "1"; "--json" ]
            Expect.equal code 0 "exit code"
            let d = System.Text.Json.JsonDocument.Parse(out).RootElement
            Expect.equal (d.GetProperty("arch").GetString()) "20-30-1" "arch"
            for name in [ "per_example_examples_per_sec"; "per_example_later_pass_examples_per_sec"; "per_batch_examples_per_sec"; "deterministic_examples_per_sec" ] do
                Expect.isGreaterThan (d.GetProperty(name).GetDouble()) 0.0 name
            Expect.floatClose Accuracy.high (d.GetProperty("per_example_slowdown").GetDouble())
                (d.GetProperty("deterministic_examples_per_sec").GetDouble() / d.GetProperty("per_example_examples_per_sec").GetDouble()) "slowdown = ratio of the rates")
    ]
