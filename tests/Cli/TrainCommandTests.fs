module BoundLab.Cli.Tests.TrainCommandTests

open System.IO
open Expecto
open BoundLab.Cli.Tests.TestUtil

/// (arguments, text the error must contain): each is bad input → exit code 2, one line, no stack trace.
let private badInputs =
    [ [ "--lr"; "-1" ], "--lr: got '-1'; allowed: a finite number > 0"
      [ "--batch"; "0" ], "--batch: got '0'; allowed: an integer ≥ 1"
      [ "--label-noise"; "1.5" ], "--label-noise: got '1.5'; allowed: a finite number ≥ 0 and ≤ 1"
      [ "--data"; "cifar" ], "--data: got 'cifar'; allowed: one of mnist"
      [ "--arch"; "784-x-10" ], "--arch: got '784-x-10'"
      [ "--epochs"; "zero" ], "--epochs: got 'zero'"
      [ "--optimizer"; "adam" ], "--optimizer: got 'adam'; allowed: one of sgd, gd, sgld, pgd"
      [ "--bogus" ], "unknown option --bogus"
      [ "--resume" ], "--resume needs --out" ]

[<Tests>]
let tests =
    testSequenced <| testList "Cli.Train" [
        for args, expected in badInputs do
            testCase (sprintf "bad input %A → exit 2" args) <| fun () ->
                let code, _, err = runCli ("train" :: args)
                Expect.equal code 2 "exit code 2 for bad input"
                Expect.stringContains err expected "the message names the option, the value and what is allowed"
                Expect.isFalse (err.Contains "   at ") "no stack trace"

        testCase "unknown command → exit 2 listing the commands" <| fun () ->
            let code, _, err = runCli [ "trian" ]
            Expect.equal code 2 "exit code"
            Expect.stringContains err "allowed: train" "lists the commands"

        testCase "every command is registered once" <| fun () ->
            let names = BoundLab.Cli.CommandLine.Commands |> Seq.map (fun c -> c.Name) |> List.ofSeq
            Expect.equal (List.distinct names) names "no duplicate verbs"
            Expect.containsAll names [ "train"; "data"; "bench"; "bounds" ] "all verbs present"

        testCase "train --help lists the options and exits 0" <| fun () ->
            let code, out, _ = runCli [ "train"; "--help" ]
            Expect.equal code 0 "exit code"
            Expect.stringContains out "--label-noise" "documents the options"
    ]
