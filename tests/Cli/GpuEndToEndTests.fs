/// The GPU backend end to end through the CLI, on ILGPU's CPU accelerator (`--device ilgpu-cpu`: the same kernels a
/// CUDA run launches, simulated): `train` and `study` give the CPU run's errors, and losses within float tolerance.
module BoundLab.Cli.Tests.GpuEndToEndTests

open System.IO
open System.Text.Json.Nodes
open Expecto
open BoundLab.Cli.Tests.TestUtil

let private fixture = Path.Combine(repoRoot, "tests", "fixtures", "mnist-small")

let private ok (args: string list) =
    let code, _, err = runCli args
    Expect.equal code 0 (sprintf "exit 0; stderr: %s" err)
    err

let private json (path: string) = JsonNode.Parse(File.ReadAllText path).AsObject()

/// Per epoch: (train loss, test loss, train error, test error).
let private epochs (run: JsonObject) =
    [ for e in run["epochs"].AsArray() ->
        let o = e.AsObject()
        o["train_loss"].GetValue<float>(), o["test_loss"].GetValue<float>(), o["train_error"].GetValue<float>(), o["test_error"].GetValue<float>() ]

let private sameRun (cpu: JsonObject) (gpu: JsonObject) =
    for (l1, t1, e1, f1), (l2, t2, e2, f2) in List.zip (epochs cpu) (epochs gpu) do
        Expect.floatClose { absolute = 1e-5; relative = 1e-5 } l2 l1 "train loss"
        Expect.floatClose { absolute = 1e-5; relative = 1e-5 } t2 t1 "test loss"
        Expect.equal e2 e1 "train error"
        Expect.equal f2 f1 "test error"

[<Tests>]
let tests =
    testSequenced <| testList "Gpu.Cli.end to end (ILGPU CPU accelerator)" [
        testCase "train --device ilgpu-cpu: the CPU run's errors, losses within 1e-5, the device in run.json" <| fun () ->
            withTempDir <| fun dir ->
            let args (out: string) =
                [ "train"; "--data"; "mnist"; "--data-dir"; fixture; "--arch"; "784-16-10"; "--train-size"; "200"; "--test-size"; "100"
                  "--batch"; "50"; "--epochs"; "2"; "--seed"; "3"; "--threads"; "1"; "--out"; out ]
            let cpuDir, gpuDir = Path.Combine(dir, "cpu"), Path.Combine(dir, "gpu")
            ok (args cpuDir) |> ignore
            let err = ok (args gpuDir @ [ "--device"; "ilgpu-cpu" ])
            Expect.stringContains err "device: ilgpu-cpu" "says which device"
            let cpu, gpu = json (Path.Combine(cpuDir, "run.json")), json (Path.Combine(gpuDir, "run.json"))
            sameRun cpu gpu
            Expect.stringStarts (gpu["device"].GetValue<string>()) "ilgpu-cpu" "run.json records the device"
            Expect.isNull cpu["device"] "a CPU run records none"
        testCase "study --device ilgpu-cpu: trains, measures, evaluates the bounds and reports like the CPU study" <| fun () ->
            withTempDir <| fun dir ->
            let spec = Path.Combine(dir, "tiny.json")
            File.WriteAllText(spec,
                sprintf """{"name": "tiny", "settings": {"dataset": "mnist", "data_dir": %s, "train_size": 200, "test_size": 100, "batch": 50, "epochs": 2},
                           "groups": [{"name": "sgd", "grid": {"width": [8]}}]}""" (System.Text.Json.JsonSerializer.Serialize fixture))
            let runOf (out: string) =
                let runs = Directory.GetDirectories(Path.Combine(out, "runs"))
                Expect.equal runs.Length 1 "one run"
                json (Path.Combine(runs[0], "run.json")), File.Exists(Path.Combine(runs[0], "measures.json"))
            let cpuOut, gpuOut = Path.Combine(dir, "cpu"), Path.Combine(dir, "gpu")
            ok [ "study"; "--spec"; spec; "--out"; cpuOut; "--threads"; "1" ] |> ignore
            ok [ "study"; "--spec"; spec; "--out"; gpuOut; "--threads"; "1"; "--device"; "ilgpu-cpu" ] |> ignore
            let (cpu, cpuMeasured), (gpu, gpuMeasured) = runOf cpuOut, runOf gpuOut
            sameRun cpu gpu
            Expect.isTrue (cpuMeasured && gpuMeasured) "both runs measured"
            for out in [ cpuOut; gpuOut ] do
                Expect.isTrue (File.Exists(Path.Combine(out, "report.md"))) "a report"
            let bounds (out: string) = (json (Path.Combine(out, "results.json"))).ToJsonString().Split("\"value\":").Length - 1
            Expect.isGreaterThan (bounds cpuOut) 100 "the CPU study evaluated its bounds"
            Expect.equal (bounds gpuOut) (bounds cpuOut) "the same number of bound values"
    ]
