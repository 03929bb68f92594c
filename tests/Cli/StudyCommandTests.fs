/// boundlab study: a study killed by a real kill -9 of a child process and resumed loses nothing and duplicates nothing;
/// the folder rules and bad input give one error line; merge from the command line.
module BoundLab.Cli.Tests.StudyCommandTests

open System
open System.Diagnostics
open System.IO
open Expecto
open BoundLab.Cli.Tests.TestUtil
open BoundLab.Studies.Store

let private fixture = Path.Combine(repoRoot, "tests", "fixtures", "mnist-small")

/// Four SGD runs and one SGLD run of 6 epochs on 600 fixture images: long enough to be killed mid-run.
let private specText =
    sprintf """{"name": "kill", "settings": {"dataset": "mnist", "data_dir": %s, "train_size": 600, "test_size": 300, "batch": 20, "epochs": 6},
               "groups": [{"name": "sgd", "grid": {"width": [32, 64], "label_noise": [0, 0.5]}},
                          {"name": "sgld", "settings": {"optimizer": "sgld", "width": 32}}]}""" (Text.Json.JsonSerializer.Serialize fixture)

let private writeSpec (dir: string) =
    let path = Path.Combine(dir, "kill.json")
    File.WriteAllText(path, specText)
    path

let private canonical (dir: string) = (ResultsStore.Load dir).Runs |> Seq.map StoreMerge.Canonical |> List.ofSeq

let private finishedFolders (out: string) =
    if not (Directory.Exists(Path.Combine(out, "runs"))) then [||] else
    Directory.GetDirectories(Path.Combine(out, "runs")) |> Array.filter (fun d -> File.Exists(Path.Combine(d, "run.json")))

let private midRun (out: string) =
    Directory.Exists(Path.Combine(out, "runs"))
    && Directory.GetDirectories(Path.Combine(out, "runs"))
       |> Array.exists (fun d -> not (File.Exists(Path.Combine(d, "run.json"))) && File.Exists(Path.Combine(d, "checkpoint", "state.json")))

let private oneError (err: string) (expected: string list) =
    let lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries ||| StringSplitOptions.TrimEntries)
    let errors = lines |> Array.filter (fun l -> l.StartsWith "error:")
    Expect.equal errors.Length 1 (sprintf "one error line; stderr: %s" err)
    for e in expected do Expect.stringContains errors[0] e "message"
    Expect.isFalse (errors[0].Contains "Parameter '") "no .NET text"

[<Tests>]
let tests =
    testSequenced <| testList "Cli.Study" [
        testCase "kill -9 of a child boundlab study, then --resume: nothing lost, nothing duplicated, equal to an uninterrupted study" <| fun () ->
            withTempDir <| fun dir ->
            let spec = writeSpec dir
            let out = Path.Combine(dir, "killed")
            let psi = ProcessStartInfo("dotnet", RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false)
            for a in [ Path.Combine(AppContext.BaseDirectory, "boundlab.dll"); "study"; "--spec"; spec; "--out"; out; "--threads"; "1" ] do
                psi.ArgumentList.Add a
            let p = Process.Start psi
            p.ErrorDataReceived.Add ignore
            p.OutputDataReceived.Add ignore
            p.BeginErrorReadLine()
            p.BeginOutputReadLine()
            // Kill it once a run is finished and another is between checkpoints.
            let clock = Stopwatch.StartNew()
            while not (finishedFolders out |> Array.isEmpty |> not && midRun out) && not p.HasExited && clock.Elapsed.TotalSeconds < 180.0 do
                Threading.Thread.Sleep 20
            Expect.isFalse p.HasExited "the child was still running when killed"
            p.Kill true // SIGKILL
            p.WaitForExit()
            let finishedBefore = (ResultsStore.Load out).Runs |> Seq.map (fun r -> r.Id) |> Set.ofSeq
            Expect.isLessThan finishedBefore.Count 5 "killed before the end"
            let code, stdout, err = runCli [ "study"; "--spec"; spec; "--out"; out; "--resume"; "--threads"; "2" ]
            Expect.equal code 0 (sprintf "resumed; stderr: %s" err)
            for id in finishedBefore do
                Expect.stringContains stdout (sprintf "%s (" id) "names the skipped run"
            Expect.equal (stdout.Split('\n') |> Array.filter (fun l -> l.Contains "finished earlier, skipped") |> Array.length) finishedBefore.Count "skips what was finished"
            Expect.isTrue (stdout.Contains "resuming after epoch" || stdout.Contains "trained earlier; recording it") "continues the interrupted run"
            let results = ResultsStore.Load out
            Expect.equal results.Runs.Count 5 "all runs"
            for r in results.Runs do
                Expect.equal r.Status "finished" "finished"
                Expect.equal (r.Epochs |> Seq.map (fun e -> e.Epoch) |> List.ofSeq) [ 1 .. 6 ] "every epoch once"
            // An uninterrupted study with the same file gives the same store content.
            let clean = Path.Combine(dir, "clean")
            let code2, _, err2 = runCli [ "study"; "--spec"; spec; "--out"; clean; "--threads"; "1" ]
            Expect.equal code2 0 (sprintf "clean run; stderr: %s" err2)
            Expect.equal (canonical out) (canonical clean) "killed + resumed = uninterrupted, bit for bit"

        testCase "folder rules and bad input: one error line, exit 2" <| fun () ->
            withTempDir <| fun dir ->
            let spec = writeSpec dir
            let full = Path.Combine(dir, "full")
            Directory.CreateDirectory full |> ignore
            File.WriteAllText(Path.Combine(full, "x.txt"), "x")
            let code, _, err = runCli [ "study"; "--spec"; spec; "--out"; full ]
            Expect.equal code 2 "exit 2"
            oneError err [ "--out: "; "is not empty" ]
            let code2, _, err2 = runCli [ "study"; "--spec"; spec; "--out"; Path.Combine(dir, "s"); "--shard"; "3/2" ]
            Expect.equal code2 2 "bad shard"
            oneError err2 [ "--shard: got '3/2'; allowed: i/N" ]
            let bad = Path.Combine(dir, "bad.json")
            File.WriteAllText(bad, """{"name": "b", "grid": {"width": [8, "wide"]}}""")
            let code3, _, err3 = runCli [ "study"; "--spec"; bad; "--out"; Path.Combine(dir, "s2") ]
            Expect.equal code3 2 "bad spec"
            oneError err3 [ "bad.json: $.grid.width[1]: got \"wide\"; allowed: an integer ≥ 1." ]
            Expect.isFalse (Directory.Exists(Path.Combine(dir, "s2"))) "nothing created for a bad spec"
            let big = Path.Combine(dir, "big.json")
            File.WriteAllText(big, specText.Replace("\"train_size\": 600", "\"train_size\": 5000"))
            let code6, _, err6 = runCli [ "study"; "--spec"; big; "--out"; Path.Combine(dir, "s4") ]
            Expect.equal code6 2 (sprintf "train_size beyond the data; stderr: %s" err6)
            oneError err6 [ "big.json: group sgd, run width 32, label_noise 0"; "5000" ]
            Expect.isFalse (Directory.Exists(Path.Combine(dir, "s4"))) "nothing created when the data refuses a run"
            let code4, _, err4 = runCli [ "study"; "--spec"; Path.Combine(dir, "none.json"); "--out"; Path.Combine(dir, "s3") ]
            Expect.equal code4 2 "missing spec"
            oneError err4 [ "--spec: study file"; "does not exist" ]
            let code5, _, err5 = runCli [ "study"; "--spec"; spec ]
            Expect.equal code5 2 "no --out"
            oneError err5 [ "--out DIR is required" ]

        testCase "study --shard 1/2 and 2/2, then study merge: the merged store holds every run once" <| fun () ->
            withTempDir <| fun dir ->
            let spec = writeSpec dir
            let tiny = spec.Replace("kill.json", "tiny.json")
            File.WriteAllText(tiny, specText.Replace("\"epochs\": 6", "\"epochs\": 1").Replace("\"train_size\": 600", "\"train_size\": 200"))
            let a, b, m = Path.Combine(dir, "a"), Path.Combine(dir, "b"), Path.Combine(dir, "m")
            for shard, out in [ "1/2", a; "2/2", b ] do
                let code, _, err = runCli [ "study"; "--spec"; tiny; "--out"; out; "--shard"; shard; "--threads"; "1" ]
                Expect.equal code 0 (sprintf "shard %s; stderr: %s" shard err)
            let code, stdout, err = runCli [ "study"; "merge"; a; b; "--out"; m ]
            Expect.equal code 0 (sprintf "merged; stderr: %s" err)
            Expect.stringContains stdout "5 runs" "reports the count"
            Expect.equal (ResultsStore.Load m).Runs.Count 5 "every run once"
            let code2, _, err2 = runCli [ "study"; "merge"; a; b; "--out"; m ]
            Expect.equal code2 2 "non-empty --out refused"
            oneError err2 [ "--out: "; "is not a new or empty folder" ]
    ]
