/// The train command's run folder: resume refuses other options by name, one run per folder, a finished
/// run is not replaced, a kill's leftovers are cleaned up, and divergence exits 1 without half-written files.
module BoundLab.Cli.Tests.RunFolderTests

open System
open System.Diagnostics
open System.IO
open System.Text.Json.Nodes
open Expecto
open BoundLab.Cli.Tests.TestUtil

let private fixture = Path.Combine(repoRoot, "tests", "fixtures", "mnist-small")

/// The run every test here starts from (label noise and a subset, so changing them is visible).
let private baseArgs (out: string) =
    [ "train"; "--data"; "mnist"; "--data-dir"; fixture; "--arch"; "784-32-10"; "--train-size"; "1500"
      "--label-noise"; "0.2"; "--seed"; "5"; "--batch"; "100"; "--threads"; "1"; "--out"; out ]

/// Replaces (or adds) an option's value.
let private setOption (name: string) (value: string) (args: string list) =
    let rec go = function
        | n :: _ :: rest when n = name -> n :: value :: rest
        | a :: rest -> a :: go rest
        | [] -> [ name; value ]
    go args

let private copyDir (src: string) (dst: string) =
    for d in Directory.GetDirectories(src, "*", SearchOption.AllDirectories) do
        Directory.CreateDirectory(d.Replace(src, dst)) |> ignore
    Directory.CreateDirectory dst |> ignore
    for f in Directory.GetFiles(src, "*", SearchOption.AllDirectories) do
        File.Copy(f, f.Replace(src, dst))

/// Epochs in the folder's checkpoint (a kill can leave it in checkpoint.new, mid-swap).
let private completedEpochs (out: string) =
    let path =
        [ "checkpoint"; "checkpoint.new" ]
        |> List.map (fun d -> Path.Combine(out, d, "state.json"))
        |> List.find File.Exists
    JsonNode.Parse(File.ReadAllText path).["CompletedEpochs"].GetValue<int>()

/// Starts the CLI in another process on a long run and waits for its first checkpoint.
let private startBackgroundRun (out: string) =
    let psi = ProcessStartInfo("dotnet", RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false)
    psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "boundlab.dll"))
    for a in setOption "--epochs" "100000" (baseArgs out) do psi.ArgumentList.Add a
    let p = Process.Start psi
    p.ErrorDataReceived.Add ignore
    p.OutputDataReceived.Add ignore
    p.BeginErrorReadLine()
    p.BeginOutputReadLine()
    let clock = Stopwatch.StartNew()
    while not (File.Exists(Path.Combine(out, "checkpoint", "state.json"))) && not p.HasExited && clock.Elapsed.TotalSeconds < 120.0 do
        Threading.Thread.Sleep 50
    Expect.isFalse p.HasExited "the background run is training"
    p

/// An interrupted run folder (killed in another process), made once and copied by the tests.
let private interrupted =
    lazy (
        let dir = tempDir ()
        AppDomain.CurrentDomain.ProcessExit.Add(fun _ -> try Directory.Delete(dir, true) with _ -> ())
        let out = Path.Combine(dir, "run")
        let p = startBackgroundRun out
        p.Kill true
        p.WaitForExit()
        // The kill may land inside a checkpoint swap: repair that once, so every copy starts complete.
        BoundLab.Numerics.Training.Checkpoint(Path.Combine(out, "checkpoint")).CleanUp()
        out)

let private assertOneError (err: string) (expected: string list) =
    let lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries ||| StringSplitOptions.TrimEntries)
    let errors = lines |> Array.filter (fun l -> l.StartsWith "error:")
    Expect.equal errors.Length 1 (sprintf "one error line; stderr: %s" err)
    for e in expected do Expect.stringContains errors[0] e "names the option and both values"
    Expect.isFalse (errors[0].Contains "Parameter '") "no .NET text"

[<Tests>]
let tests =
    testSequenced <| testList "Cli.RunFolder" [
        for option, value, expected in
            [ "--label-noise", "0.5", [ "--label-noise was 0.2 there, 0.5 now" ]
              "--seed", "6", [ "--seed was 5 there, 6 now" ]
              "--train-size", "1400", [ "--train-size was 1500 there, 1400 now" ]
              "--data-dir", "COPY", [ "--data-dir was"; "fixtures" ]
              "--lr", "0.1", [ "--lr was 0.05 there, 0.1 now" ]
              "--arch", "784-33-10", [ "--arch was 784-32-10 there, 784-33-10 now" ] ] do
            testCase (sprintf "resume with another %s is refused naming it" option) <| fun () ->
                withTempDir <| fun dir ->
                let out = Path.Combine(dir, "run")
                copyDir interrupted.Value out
                let value =
                    if value <> "COPY" then value
                    else
                        let copy = Path.Combine(dir, "data-copy")
                        copyDir fixture copy
                        copy
                let before = File.ReadAllBytes(Path.Combine(out, "checkpoint", "state.json"))
                let code, _, err = runCli (setOption option value (baseArgs out) @ [ "--resume" ])
                Expect.equal code 2 (sprintf "exit 2; stderr: %s" err)
                assertOneError err ("--resume: the checkpoint in" :: expected)
                Expect.isFalse (err.Contains "sha256") "no hash dump when an option explains the difference"
                Expect.equal (File.ReadAllBytes(Path.Combine(out, "checkpoint", "state.json"))) before "checkpoint untouched"

        testCase "an interrupted run resumes; kill leftovers are removed; the finished run is protected" <| fun () ->
            withTempDir <| fun dir ->
            let out = Path.Combine(dir, "run")
            copyDir interrupted.Value out
            // What kills leave: temporary files of atomic writes and a half-written pending checkpoint.
            let orphans =
                [ Path.Combine(out, "weights.bin.4242.tmp"); Path.Combine(out, ".run.json.4242.tmp")
                  Path.Combine(out, "trajectory.csv.4242.tmp"); Path.Combine(out, "checkpoint", "weights.bin.4242.tmp") ]
            for f in orphans do File.WriteAllBytes(f, Array.zeroCreate 4096)
            Directory.CreateDirectory(Path.Combine(out, "checkpoint.new")) |> ignore
            File.WriteAllBytes(Path.Combine(out, "checkpoint.new", "weights.bin"), Array.zeroCreate 4096)
            // Without --resume the interrupted run is not silently restarted.
            let code0, _, err0 = runCli (baseArgs out)
            Expect.equal code0 2 "exit 2"
            assertOneError err0 [ "holds an interrupted run"; "--resume"; "--force" ]
            let total = completedEpochs out + 1
            let code, _, err = runCli (setOption "--epochs" (string total) (baseArgs out) @ [ "--resume" ])
            Expect.equal code 0 (sprintf "resumed; stderr: %s" err)
            for f in orphans do Expect.isFalse (File.Exists f) (sprintf "%s removed" f)
            Expect.isFalse (Directory.Exists(Path.Combine(out, "checkpoint.new"))) "partial checkpoint removed"
            Expect.isFalse (Directory.Exists(Path.Combine(out, "checkpoint"))) "checkpoint removed after success"
            let runJson = Path.Combine(out, "run.json")
            let finished = File.ReadAllBytes runJson
            Expect.equal (JsonNode.Parse(finished).["epochs"].AsArray().Count) total "history carried over"
            // A finished run is neither continued nor replaced.
            let code2, _, err2 = runCli (setOption "--epochs" "2" (baseArgs out) @ [ "--resume" ])
            Expect.equal code2 2 "resume of a finished run refused"
            assertOneError err2 [ "--resume: the run in"; "is finished"; "--force" ]
            let code3, _, err3 = runCli (setOption "--epochs" "1" (baseArgs out))
            Expect.equal code3 2 "overwrite refused"
            assertOneError err3 [ "holds a finished run"; "--force" ]
            Expect.equal (File.ReadAllBytes runJson) finished "run.json untouched"
            // --force starts it over.
            let code4, _, err4 = runCli (setOption "--epochs" "1" (baseArgs out) @ [ "--force" ])
            Expect.equal code4 0 (sprintf "forced; stderr: %s" err4)
            Expect.equal (JsonNode.Parse(File.ReadAllText runJson).["epochs"].AsArray().Count) 1 "a new one-epoch run"

        testCase "a run folder in use by another process is refused" <| fun () ->
            withTempDir <| fun dir ->
            let out = Path.Combine(dir, "run")
            let p = startBackgroundRun out
            try
                let code, _, err = runCli (baseArgs out @ [ "--resume" ])
                Expect.equal code 2 "exit 2"
                assertOneError err [ "--out:"; "in use by another boundlab run" ]
                let code2, _, err2 = runCli (baseArgs out @ [ "--force" ])
                Expect.equal code2 2 "--force does not break the lock either"
                assertOneError err2 [ "in use by another boundlab run" ]
                Expect.isTrue (Directory.Exists(Path.Combine(out, "checkpoint"))) "the other run's checkpoint is untouched"
            finally
                p.Kill true
                p.WaitForExit()
            // The lock dies with its process.
            let code3, _, err3 = runCli (setOption "--epochs" (string (completedEpochs out + 1)) (baseArgs out) @ [ "--resume" ])
            Expect.equal code3 0 (sprintf "resumes once the other process is gone; stderr: %s" err3)

        testCase "divergence after a step: exit 1 naming epoch and step, no run.json, no checkpoint.new" <| fun () ->
            withTempDir <| fun dir ->
            let out = Path.Combine(dir, "run")
            // The README's old teacher example (η = 0.1 with momentum 0.9): the loss grows each step, then overflows.
            let code, _, err =
                runCli [ "train"; "--data"; "teacher"; "--arch"; "50-1000-1"; "--loss"; "squared"; "--optimizer"; "gd"
                         "--lr"; "0.1"; "--epochs"; "30"; "--train-size"; "1000"; "--test-size"; "200"; "--out"; out ]
            Expect.equal code 1 (sprintf "exit 1; stderr: %s" err)
            let lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries ||| StringSplitOptions.TrimEntries)
            let last = lines[lines.Length - 1]
            Expect.stringContains last "failed: training diverged at epoch" "names the epoch"
            Expect.stringContains last ", step " "names the step"
            Expect.isFalse (err.Contains "JSON") "no serializer error"
            Expect.isFalse (lines |> Array.exists (fun l -> l.StartsWith "epoch" && (l.Contains "NaN" || l.Contains "∞"))) "no non-finite epoch report"
            Expect.isFalse (File.Exists(Path.Combine(out, "run.json"))) "no run.json"
            Expect.isFalse (Directory.Exists(Path.Combine(out, "checkpoint.new"))) "no half-written checkpoint"
    ]
