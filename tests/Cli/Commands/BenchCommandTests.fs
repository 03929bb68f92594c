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

        testCase "bench is registered in the command table" <| fun () ->
            Expect.isTrue (CommandLine.Commands |> Seq.exists (fun c -> c.Name = "bench")) "registered"
    ]
