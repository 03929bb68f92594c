/// Every `./boundlab …` line of README.md runs: data on the committed MNIST fixture, epochs shortened,
/// every other setting as written, and each training example must actually learn.
module BoundLab.Cli.Tests.ReadmeTests

open System
open System.IO
open System.Text.Json.Nodes
open Expecto
open BoundLab.Cli.Tests.TestUtil

let private fixture = Path.Combine(repoRoot, "tests", "fixtures", "mnist-small")

/// The README's example command lines (inside ```sh blocks), without the launcher and trailing comments.
let private examples =
    let mutable inSh = false
    [ for line in File.ReadAllLines(Path.Combine(repoRoot, "README.md")) do
        let t = line.Trim()
        if t.StartsWith "```" then inSh <- (t = "```sh")
        elif inSh && t.StartsWith "./boundlab " then
            let code = match t.IndexOf " #" with -1 -> t | i -> t[.. i - 1]
            yield code.Split(' ', StringSplitOptions.RemoveEmptyEntries) |> List.ofArray |> List.tail ]

let private valueOf (name: string) (args: string list) =
    args |> List.pairwise |> List.tryPick (fun (a, b) -> if a = name then Some b else None)

/// Epochs in the test: one epoch (gd: ten steps) is enough to see each example learn; SGLD's
/// noisy steps need two.
let private shortened (args: string list) =
    let epochs =
        match valueOf "--optimizer" args with
        | Some ("gd" | "pgd") -> 10
        | Some "sgld" -> 2
        | _ -> 1
    let rec replace = function
        | "--epochs" :: n :: rest -> "--epochs" :: string (min (int n) epochs) :: replace rest
        | a :: rest -> a :: replace rest
        | [] -> []
    let args = replace args
    if List.contains "--epochs" args then args else args @ [ "--epochs"; string epochs ]

let private mnistData (args: string list) =
    (valueOf "--data" args |> Option.defaultValue "mnist").StartsWith "mnist"

/// The README's study commands run on a two-run study of the committed fixture instead of the default study.
let private tinyStudy (dir: string) =
    let spec = Path.Combine(dir, "tiny.json")
    File.WriteAllText(spec, sprintf """{"name": "tiny", "settings": {"dataset": "mnist", "data_dir": %s, "train_size": 300, "test_size": 200, "epochs": 2},
                                       "grid": {"width": [16, 32]}}""" (Text.Json.JsonSerializer.Serialize fixture))
    spec

let private runTinyStudy (dir: string) (out: string) (extra: string list) =
    let code, _, err = runCli ([ "study"; "--spec"; tinyStudy dir; "--out"; out ] @ extra)
    Expect.equal code 0 (sprintf "study exit code; stderr: %s" err)
    Expect.isTrue (File.Exists(Path.Combine(out, "report.md"))) "report.md written"
    Expect.isTrue (File.Exists(Path.Combine(out, "results.json"))) "results.json written"

/// The options of a README study line that the tiny study keeps (--spec and --out are the test's).
let rec private keptStudyOptions = function
    | ("--spec" | "--out") :: _ :: rest -> keptStudyOptions rest
    | a :: rest -> a :: keptStudyOptions rest
    | [] -> []

[<Tests>]
let tests =
    testSequenced <| testList "Cli.Readme" [
        testCase "the README has the examples this test expects" <| fun () ->
            let trains = examples |> List.filter (fun a -> List.head a = "train" && not (List.contains "--help" a))
            Expect.isGreaterThanOrEqual trains.Length 4 "train examples"
            Expect.isTrue (examples |> List.exists (fun a -> List.head a = "bounds")) "bounds examples"
            Expect.isTrue (examples |> List.exists (fun a -> a = [ "data"; "fetch" ])) "data fetch"

        for example in examples do
            testCase (String.Join(" ", example)) <| fun () ->
                withTempDir <| fun dir ->
                match example with
                | "train" :: rest when not (List.contains "--help" rest) ->
                    let out = Path.Combine(dir, "run")
                    let args =
                        shortened example
                        @ (if mnistData example then [ "--data-dir"; fixture ] else [])
                        @ [ "--out"; out ]
                    let code, _, err = runCli args
                    Expect.equal code 0 (sprintf "exit code; stderr: %s" err)
                    let run = JsonNode.Parse(File.ReadAllText(Path.Combine(out, "run.json"))).AsObject()
                    let epochs = run["epochs"].AsArray()
                    let testError (i: int) = epochs[i].["test_error"].GetValue<float>()
                    let last = testError (epochs.Count - 1)
                    if run["data"].["task"].GetValue<string>() = "regression" then
                        // It learns: the test mse falls well below where the first step left it.
                        Expect.isLessThan last (0.6 * testError 0) (sprintf "test mse %g after %g at epoch 1" last (testError 0))
                    else
                        let classes = run["data"].["classes"].GetValue<int>()
                        let chance = 1.0 - 1.0 / float classes
                        Expect.isLessThan last (0.8 * chance) (sprintf "test error %g, chance %g" last chance)
                | "study" :: "merge" :: _ ->
                    let a, b = Path.Combine(dir, "a"), Path.Combine(dir, "b")
                    runTinyStudy dir a [ "--shard"; "1/2" ]
                    runTinyStudy dir b [ "--shard"; "2/2" ]
                    let code, _, err = runCli [ "study"; "merge"; a; b; "--out"; Path.Combine(dir, "merged") ]
                    Expect.equal code 0 (sprintf "merge exit code; stderr: %s" err)
                | "study" :: rest ->
                    let out = Path.Combine(dir, "study")
                    if List.contains "--resume" rest then runTinyStudy dir out []
                    runTinyStudy dir out (keptStudyOptions rest)
                | [ "report"; _ ] ->
                    let out = Path.Combine(dir, "study")
                    runTinyStudy dir out []
                    let code, stdout, err = runCli [ "report"; out ]
                    Expect.equal code 0 (sprintf "report exit code; stderr: %s" err)
                    Expect.stringContains stdout "report.md" "says what it wrote"
                | "data" :: "fetch" :: rest ->
                    // The fixture is not full-size, so the SHA-256 checks (full-size files only) are skipped; the rest is checked.
                    let code, out, err = runCli ("data" :: "fetch" :: rest @ [ "--data-dir"; fixture ])
                    Expect.equal code 0 (sprintf "exit code; stderr: %s" err)
                    Expect.stringContains out "mnist ready" "reports the data"
                | "pacbayes" :: "RUN_DIR" :: rest ->
                    // A tiny run of the kind the method needs stands for RUN_DIR: binary with one output (dr17), or 10-class on
                    // a --train-size subset (pbb); one posterior epoch and one Monte-Carlo pass.
                    let run = Path.Combine(dir, "run")
                    let method = valueOf "--method" rest |> Option.defaultValue "dr17"
                    let trainArgs =
                        if method = "dr17" then [ "--data"; "mnist-binary"; "--arch"; "784-16-1"; "--loss"; "logistic" ]
                        else [ "--data"; "mnist"; "--train-size"; "1000"; "--arch"; "784-16-10" ]
                    let code, _, err = runCli ([ "train"; "--data-dir"; fixture; "--epochs"; "2"; "--out"; run ] @ trainArgs)
                    Expect.equal code 0 (sprintf "training the run; stderr: %s" err)
                    let rec oneEpoch = function
                        | "--epochs" :: _ :: rest -> oneEpoch rest
                        | a :: rest -> a :: oneEpoch rest
                        | [] -> []
                    let code, out, err = runCli ("pacbayes" :: run :: oneEpoch rest @ [ "--epochs"; "1"; "--mc-passes"; "1" ])
                    Expect.equal code 0 (sprintf "exit code; stderr: %s" err)
                    Expect.isNonEmpty (out.Trim()) "prints the certificate"
                    Expect.isTrue (File.Exists(Path.Combine(run, sprintf "pacbayes-%s.json" method))) "writes the record"
                | cmd :: "RUN_DIR" :: rest ->
                    // Commands on a saved run: a small run trained on the fixture stands for RUN_DIR.
                    let run = Path.Combine(dir, "run")
                    let code, _, err =
                        runCli [ "train"; "--data"; "mnist"; "--data-dir"; fixture; "--arch"; "784-32-10"; "--epochs"; "1"; "--out"; run ]
                    Expect.equal code 0 (sprintf "training the run; stderr: %s" err)
                    let code, out, err = runCli (cmd :: run :: rest)
                    Expect.equal code 0 (sprintf "exit code; stderr: %s" err)
                    Expect.isNonEmpty (out.Trim()) "prints something"
                | args ->
                    let code, out, err = runCli args
                    Expect.equal code 0 (sprintf "exit code; stderr: %s" err)
                    Expect.isNonEmpty (out.Trim()) "prints something"
    ]
