/// The declared options on System.CommandLine: help and completion come from the declarations, and what
/// System.CommandLine finds itself (unknown option, missing value, repeated option) is our one `error:` line.
module BoundLab.Cli.Tests.Framework.OptionsTests

open System
open Expecto
open BoundLab.Cli.Framework
open BoundLab.Cli.Framework.Options
open BoundLab.Cli.Tests.TestUtil

let private lr = Opt.Double("--lr", "η", "learning rate", Nullable 0.05, 0.0, Double.MaxValue, true)
let private epochs = Opt.Int("--epochs", "E", "epochs", Nullable 5, 1)
let private kind = Opt.Choice("--kind", "K", "a kind", "alpha", [| "alpha"; "beta" |])
let private force = Opt.Flag("--force", "start over")
let private set = Opt.Many("--set", "name=value", "an input")
let private dir = CliArgument("DIR", "a folder", "DIR (a folder)")
let private spec = CommandSpec("demo", "a demo", [| lr :> CliOption; epochs; kind; force; set |], [| dir |])

/// The UsageException message of reading every option of the demo command from args, then finishing.
let private error (args: string list) =
    let e =
        Expect.throwsC (fun () ->
            let a = spec.Parse(Array.ofList args)
            a.OptionalPositional dir |> ignore
            a.Get lr |> ignore
            a.Get epochs |> ignore
            a.Get kind |> ignore
            a.Flag force |> ignore
            a.Many set |> ignore
            a.Finish()) id
    match e with
    | :? UsageException as u -> u.Message
    | other -> failtestf "expected a UsageException, got %O" other

[<Tests>]
let tests =
    testSequenced <| testList "Cli.Options" [
        testCase "values convert with defaults, canonical choices and repeated --set" <| fun () ->
            let a = spec.Parse [| "d"; "--lr"; "0.5"; "--kind"; "BETA"; "--set"; "n=1"; "--set=k=2"; "--force" |]
            Expect.equal (a.Positional dir) "d" "positional"
            Expect.equal (a.Get lr) 0.5 "lr"
            Expect.equal (a.Get epochs) 5 "default"
            Expect.equal (a.GetOrNull epochs) (Nullable()) "absent"
            Expect.equal (a.Get kind) "beta" "canonical spelling"
            Expect.isTrue (a.Flag force) "flag"
            Expect.sequenceEqual (a.Many set) [ "n=1"; "k=2" ] "repeatable, attached value too"
            a.Finish()

        testCase "System.CommandLine's own findings become one line naming the option" <| fun () ->
            Expect.equal (error [ "--bogus" ]) "unknown option --bogus (see --help)." "unknown option"
            Expect.equal (error [ "--epoch"; "3" ]) "unknown option --epoch (did you mean --epochs?) (see --help)." "nearest"
            Expect.equal (error [ "--lr" ]) "--lr: a value is required." "missing value at the end"
            Expect.equal (error [ "--lr"; "--force" ]) "--lr: a value is required (got the option --force; write --lr=--force if that is the value)." "missing value"
            Expect.equal (error [ "--epochs"; "3"; "--epochs"; "4" ]) "--epochs: given twice ('3' and '4'); give it once." "repeated"
            Expect.equal (error [ "--epochs"; "x" ]) "--epochs: got 'x'; allowed: an integer ≥ 1." "wrong type"
            Expect.equal (error [ "--kind"; "gamma" ]) "--kind: got 'gamma'; allowed: one of alpha, beta." "not a choice"
            Expect.equal (error [ "--force=yes" ]) "--force: got 'yes'; allowed: nothing: it is a switch and takes no value." "switch with a value"
            Expect.equal (error [ "d"; "e" ]) "unexpected argument 'e' (see --help)." "stray word"
            Expect.equal (error [ "--lr"; "" ]) "--lr: got ''; allowed: a non-empty value." "empty"
            Expect.equal (error [ "--set" ]) "--set: a value is required." "repeatable without a value"

        testCase "a value that starts with -- is taken only when attached with =" <| fun () ->
            let a = spec.Parse [| "--set=--x"; "d" |]
            Expect.sequenceEqual (a.Many set) [ "--x" ] "attached"
            Expect.equal (error [ "--set"; "--x" ]) "--set: a value is required (got the option --x; write --set=--x if that is the value)." "not attached"

        testCase "@file is a plain value: no response files" <| fun () ->
            let a = spec.Parse [| "@args.txt" |]
            Expect.equal (a.Positional dir) "@args.txt" "kept as written"
            a.Finish()

        testCase "help is generated from the declarations: allowed values and defaults" <| fun () ->
            use w = new IO.StringWriter()
            spec.WriteHelp w
            let help = w.ToString()
            Expect.stringContains help "--lr <η>" "value name"
            Expect.stringContains help "learning rate; a finite number > 0 (default 0.05)" "range and default"
            Expect.stringContains help "one of alpha, beta (default alpha)" "choices"
            Expect.stringContains help "(repeatable)" "repeatable"

        testCase "train --help, measure --help and bench gemm --help exit 0 with generated help" <| fun () ->
            for args, expected in [ [ "train"; "--help" ], "--lr <η>"; [ "measure"; "-h" ], "<RUN_DIR>"; [ "bench"; "gemm"; "--help" ], "--transa"
                                    [ "bounds"; "eval"; "--help" ], "--set <name=value>"; [ "verify"; "gd"; "--help" ], "--smoothness <Q>"
                                    [ "train"; "--optimizer"; "admm"; "--help" ], "--unverified" ] do
                let code, out, err = runCli args
                Expect.equal code 0 $"{args}: exit 0 ({err})"
                Expect.stringContains out expected $"{args}: help"

        testCase "shell completion: the [suggest] directive lists commands, options and allowed values" <| fun () ->
            let complete (line: string) =
                let code, out, _ = runCli [ $"[suggest:{line.Length}]"; line ]
                Expect.equal code 0 $"suggest exit code for '{line}'"
                out.Split('\n', StringSplitOptions.RemoveEmptyEntries ||| StringSplitOptions.TrimEntries) |> List.ofArray
            Expect.contains (complete "boundlab tr") "train" "command name"
            Expect.contains (complete "boundlab train --lab") "--label-noise" "option name"
            let optimizers = complete "boundlab train --optimizer s"
            Expect.containsAll optimizers [ "sgd"; "sgld" ] "choice values"
            Expect.isFalse (List.contains "gd" optimizers) "filtered by the prefix"
            Expect.contains (complete "boundlab bounds show vc-") "vc-mohri" "bound ids"

        testCase "--threads has the GEMM's limit wherever it is declared" <| fun () ->
            withTempDir <| fun dir ->
            for args in [ [ "measure"; dir; "--threads"; "300" ]; [ "compress"; dir; "--threads"; "300" ]; [ "train"; "--threads"; "300" ]
                          [ "bench"; "noise"; "--threads"; "300" ] ] do
                let code, _, err = runCli args
                Expect.equal code 2 $"{args}: exit 2"
                Expect.stringContains err "--threads: got '300'; allowed: an integer in 0 … 256." $"{args}: names the limit"
    ]
