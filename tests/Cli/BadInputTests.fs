/// Every command's bad input: exit code 2 (1 for a failure while running), one error line that names the
/// option, and none of .NET's exception text.
module BoundLab.Cli.Tests.BadInputTests

open System
open System.IO
open Expecto
open BoundLab.Cli.Tests.TestUtil

let private fixture = Path.Combine(repoRoot, "tests", "fixtures", "mnist-small")

/// Placeholders in the table: OUT is a fresh path in the test's temporary folder, FILE an existing file
/// there, FULL a folder with unrelated files, MISSING a path that does not exist, DATA the committed MNIST fixture.
let private cases : (string list * string) list =
    [ // train: numbers
      [ "train"; "--lr"; "-1" ], "--lr: got '-1'"
      [ "train"; "--lr"; "0" ], "--lr: got '0'; allowed: a finite number > 0."
      [ "train"; "--lr"; "abc" ], "--lr: got 'abc'"
      [ "train"; "--lr"; "NaN" ], "--lr: got 'NaN'"
      [ "train"; "--lr"; "Infinity" ], "--lr: got 'Infinity'"
      [ "train"; "--batch"; "0" ], "--batch: got '0'"
      [ "train"; "--batch"; "1.5" ], "--batch: got '1.5'"
      [ "train"; "--epochs"; "0" ], "--epochs: got '0'"
      [ "train"; "--epochs"; "zero" ], "--epochs: got 'zero'"
      [ "train"; "--epochs"; "99999999999" ], "--epochs: got '99999999999'"
      [ "train"; "--label-noise"; "1.5" ], "--label-noise: got '1.5'"
      [ "train"; "--label-noise"; "-0.1" ], "--label-noise: got '-0.1'"
      [ "train"; "--momentum"; "1" ], "--momentum: got '1'"
      [ "train"; "--weight-decay"; "-1" ], "--weight-decay: got '-1'"
      [ "train"; "--seed"; "-1" ], "--seed: got '-1'"
      [ "train"; "--seed"; "1e3" ], "--seed: got '1e3'"
      [ "train"; "--threads"; "1000" ], "--threads: got '1000'; allowed: an integer in 0 … 256"
      [ "train"; "--threads"; "-1" ], "--threads: got '-1'"
      [ "train"; "--train-size"; "0" ], "--train-size: got '0'"
      [ "train"; "--train-size"; "abc" ], "--train-size: got 'abc'"
      [ "train"; "--test-size"; "-5" ], "--test-size: got '-5'"
      // train: words and shapes
      [ "train"; "--data"; "cifar" ], "--data: got 'cifar'"
      [ "train"; "--arch"; "784-x-10" ], "--arch: got '784-x-10'"
      [ "train"; "--arch"; "784" ], "--arch: got '784'"
      [ "train"; "--arch"; "784--10" ], "--arch: got '784--10'"
      [ "train"; "--arch"; "" ], "--arch: got ''"
      [ "train"; "--arch"; "784-100000-100000-10" ], "--arch: got '784-100000-100000-10'"
      [ "train"; "--optimizer"; "adam" ], "--optimizer: got 'adam'"
      [ "train"; "--activation"; "gelu" ], "--activation: got 'gelu'"
      [ "train"; "--loss"; "mae" ], "--loss: got 'mae'"
      [ "train"; "--init"; "xavier" ], "--init: got 'xavier'"
      [ "train"; "--schedule"; "cosine" ], "--schedule: got 'cosine'"
      // train: options that do not apply
      [ "train"; "--init-std"; "0.1" ], "--init-std: applies only with --init gaussian"
      [ "train"; "--init"; "gaussian"; "--init-std"; "0" ], "--init-std: got '0'"
      [ "train"; "--decay-factor"; "0.5" ], "--decay-factor: applies only with --schedule"
      [ "train"; "--schedule"; "step"; "--decay-factor"; "0" ], "--decay-factor: got '0'"
      [ "train"; "--schedule"; "step"; "--decay-every"; "0" ], "--decay-every: got '0'"
      [ "train"; "--schedule"; "step"; "--decay-at"; "3" ], "--decay-at: applies only with --schedule large-then-decay"
      [ "train"; "--optimizer"; "sgld"; "--momentum"; "0.5" ], "--momentum: applies only with --optimizer sgd or gd"
      [ "train"; "--beta"; "100" ], "--beta: applies only with --optimizer sgld"
      [ "train"; "--optimizer"; "sgld"; "--beta"; "0" ], "--beta: got '0'"
      [ "train"; "--pgd-radius"; "0.1" ], "--pgd-radius: applies only with --optimizer pgd"
      [ "train"; "--optimizer"; "pgd"; "--pgd-steps"; "0" ], "--pgd-steps: got '0'"
      [ "train"; "--optimizer"; "pgd"; "--weight-decay"; "0.1" ], "--weight-decay: applies only with"
      [ "train"; "--data"; "teacher"; "--label-noise"; "0.1" ], "--label-noise: applies only with classification datasets"
      [ "train"; "--data"; "teacher"; "--data-dir"; "DATA" ], "--data-dir: applies only with the MNIST datasets"
      [ "train"; "--data"; "teacher"; "--train-size"; "2000000000" ], "--train-size: got '2000000000'"
      [ "train"; "--data"; "gaussian-mixture"; "--test-size"; "1000000000" ], "--test-size: got '1000000000'"
      // train: the parser
      [ "train"; "--bogus" ], "unknown option --bogus"
      [ "train"; "--epoch"; "3" ], "unknown option --epoch (did you mean --epochs?)"
      [ "train"; "--epochs"; "3"; "--epochs"; "4" ], "--epochs: given twice"
      [ "train"; "--force=yes" ], "--force: got 'yes'"
      [ "train"; "--no-bias=1" ], "--no-bias: got '1'"
      [ "train"; "--lr" ], "--lr: a value is required"
      [ "train"; "--lr"; "--epochs"; "3" ], "--lr: a value is required"
      [ "train"; "stray" ], "unexpected argument 'stray'"
      [ "train"; "--resume" ], "--resume needs --out"
      [ "train"; "--resume"; "--force"; "--out"; "OUT" ], "--resume and --force"
      // train: the run folder and the data folder, checked before any data is loaded
      [ "train"; "--out"; "" ], "--out: got ''"
      [ "train"; "--out"; "--force" ], "--out: a value is required"
      [ "train"; "--out"; "/dev/null" ], "--out: got '/dev/null'"
      [ "train"; "--out"; "FILE" ], "this path is a file"
      [ "train"; "--out"; "FULL" ], "this folder holds other files and no run"
      [ "train"; "--out"; "/proc/boundlab-test/run" ], "--out: got '/proc/boundlab-test/run'"
      [ "train"; "--data-dir"; "MISSING" ], "allowed: an existing folder (this one does not exist)"
      [ "train"; "--data-dir"; "/dev/null" ], "--data-dir: got '/dev/null'"
      // train: checks that need the data
      [ "train"; "--data-dir"; "DATA"; "--train-size"; "3000"; "--out"; "OUT" ], "--train-size: got '3000'; allowed: 1 … 2000"
      [ "train"; "--data-dir"; "DATA"; "--test-size"; "5000"; "--out"; "OUT" ], "--test-size: got '5000'; allowed: 1 … 1000"
      [ "train"; "--data-dir"; "DATA"; "--arch"; "100-10"; "--out"; "OUT" ], "--arch 100-10 takes 100 inputs"
      [ "train"; "--data-dir"; "DATA"; "--arch"; "784-5"; "--out"; "OUT" ], "--arch 784-5 with --loss cross-entropy"
      [ "train"; "--data-dir"; "DATA"; "--arch"; "784-10"; "--loss"; "logistic"; "--out"; "OUT" ], "--loss logistic"
      [ "train"; "--data"; "teacher"; "--arch"; "50-10-1"; "--out"; "OUT" ], "--loss cross-entropy"
      // data
      [ "data" ], "missing sub-command (allowed: fetch)"
      [ "data"; "get" ], "data: got 'get'"
      [ "data"; "fetch"; "extra" ], "unexpected argument 'extra'"
      [ "data"; "fetch"; "--data-dir" ], "--data-dir: a value is required"
      [ "data"; "fetch"; "--data-dir"; "" ], "--data-dir: got ''"
      [ "data"; "fetch"; "--data-dir"; "/dev/null" ], "--data-dir: got '/dev/null'"
      [ "data"; "fetch"; "--dta-dir"; "x" ], "unknown option --dta-dir (did you mean --data-dir?)"
      // bench
      [ "bench" ], "bench: a sub-verb is required"
      [ "bench"; "conv" ], "unknown sub-verb 'conv'"
      [ "bench"; "gemm"; "--m"; "0" ], "--m: got '0'"
      [ "bench"; "gemm"; "--m"; "65536"; "--n"; "65536" ], "--m × --n"
      [ "bench"; "gemm"; "--threads"; "300" ], "--threads: got '300'"
      [ "bench"; "gemm"; "--repeats"; "0" ], "--repeats: got '0'"
      [ "bench"; "gemm"; "--transa=yes" ], "--transa: got 'yes'"
      [ "bench"; "mlp"; "--arch"; "784-x" ], "--arch: got '784-x'"
      [ "bench"; "mlp"; "--threads"; "1000" ], "--threads: got '1000'"
      [ "bench"; "mlp"; "--batch"; "0" ], "--batch: got '0'"
      [ "bench"; "mlp"; "--batch"; "1000000" ], "--batch: got '1000000'"
      [ "bench"; "mlp"; "--steps"; "--json" ], "--steps: a value is required"
      // bounds (the ones that already answer well)
      [ "bounds"; "bogus" ], "bounds: got 'bogus'"
      [ "bounds"; "show" ], "missing bound id"
      [ "bounds"; "show"; "nope" ], "'nope'"
      [ "bounds"; "list"; "--bogus" ], "unknown option --bogus"
      [ "bounds"; "eval"; "vc-mohri"; "--set"; "n=abc" ], "--set n: got 'abc'"
      [ "bounds"; "eval"; "vc-mohri"; "--set"; "n" ], "--set: got 'n'"
      // the verb
      [ "trian" ], "unknown command 'trian'" ]

let private dotnetText = [ "Parameter '"; "Actual value was"; "Exception"; "   at "; "System." ]

/// Replaces the table's placeholders with paths in <paramref name="dir"/>.
let private concrete (dir: string) (args: string list) =
    let file = Path.Combine(dir, "a-file")
    File.WriteAllText(file, "x")
    let full = Path.Combine(dir, "full")
    Directory.CreateDirectory full |> ignore
    File.WriteAllText(Path.Combine(full, "notes.txt"), "mine")
    args |> List.map (function
        | "OUT" -> Path.Combine(dir, "run")
        | "FILE" -> file
        | "FULL" -> full
        | "MISSING" -> Path.Combine(dir, "no-such-folder")
        | "DATA" -> fixture
        | a -> a)

[<Tests>]
let tests =
    testSequenced <| testList "Cli.BadInput" [
        testCase "the table covers every command with at least 60 cases" <| fun () ->
            Expect.isGreaterThanOrEqual cases.Length 60 "size"
            for verb in [ "train"; "data"; "bench"; "bounds" ] do
                Expect.isTrue (cases |> List.exists (fun (a, _) -> List.head a = verb)) verb

        for args, expected in cases do
            testCase (sprintf "%s → exit 2, one line naming %s" (String.Join(" ", args)) expected) <| fun () ->
                withTempDir <| fun dir ->
                let code, out, err = runCli (concrete dir args)
                let lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries ||| StringSplitOptions.TrimEntries)
                Expect.equal code 2 (sprintf "exit code 2; stderr: %s" err)
                let errors = lines |> Array.filter (fun l -> l.StartsWith "error:")
                Expect.equal errors.Length 1 (sprintf "one error line; stderr: %s" err)
                Expect.equal lines[lines.Length - 1] errors[0] "the error is the last line"
                // Lines before it may only be the data loader's report.
                for l in lines[.. lines.Length - 2] do
                    Expect.isTrue (l.StartsWith "Loaded ") (sprintf "unexpected line before the error: %s" l)
                Expect.stringContains errors[0] expected "names the option, the value or what is allowed"
                for bad in dotnetText do
                    Expect.isFalse (errors[0].Contains bad) (sprintf "no .NET text (%s) in: %s" bad errors[0])
                Expect.equal out "" "nothing on stdout"
                Expect.isFalse (Directory.Exists(Path.Combine(dir, "run"))) "a run folder that failed before any epoch is removed"
    ]
