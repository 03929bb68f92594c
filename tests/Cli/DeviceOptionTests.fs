/// --device on train and study: cpu (the default) leaves runs byte-for-byte as before; auto says what it picked; cuda
/// without a GPU is one clear error; run.json records a non-CPU device and a run resumed on another device; GPU study
/// runs get ids of their own.
module BoundLab.Cli.Tests.DeviceOptionTests

open System
open System.IO
open System.Text.Json.Nodes
open Expecto
open BoundLab.Gpu
open BoundLab.Numerics.Runs
open BoundLab.Cli.Commands
open BoundLab.Cli.Tests.TestUtil

let private fixture = Path.Combine(repoRoot, "tests", "fixtures", "mnist-small")

let private trainArgs (out: string) (epochs: int) =
    [ "train"; "--data"; "mnist"; "--data-dir"; fixture; "--arch"; "784-16-10"; "--train-size"; "300"; "--test-size"; "200"
      "--batch"; "50"; "--epochs"; string epochs; "--seed"; "7"; "--threads"; "1"; "--out"; out ]

/// run.json without what differs between two runs of the same seed (times, finishing time).
let private stable (path: string) =
    let o = JsonNode.Parse(File.ReadAllText path).AsObject()
    for k in [ "seconds"; "wall_seconds"; "samples_per_sec"; "finished_utc" ] do o.Remove k |> ignore
    for e in o["epochs"].AsArray() do e.AsObject().Remove "seconds" |> ignore
    o.ToJsonString()

/// run.json's top-level keys of a CPU gradient run, in the order the writer has always used.
let private cpuKeys =
    [ "boundlab_run"; "config"; "data"; "error_kind"; "parameter_count"; "epochs"; "train_error"; "test_error"; "gap"; "train_loss"
      "test_loss"; "stopped_early"; "seconds"; "wall_seconds"; "samples_per_sec"; "weights"; "weights_init"; "weights_sha256"
      "trajectory"; "machine"; "finished_utc" ]

let private oneErrorLine (err: string) =
    let lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries ||| StringSplitOptions.TrimEntries)
    let errors = lines |> Array.filter (fun l -> l.StartsWith "error:")
    Expect.equal errors.Length 1 (sprintf "one error line; stderr: %s" err)
    Expect.isFalse (errors[0].Contains "Exception") "no .NET text"
    errors[0]

let private run (args: string list) =
    let code, _, err = runCli args
    Expect.equal code 0 (sprintf "exit 0; stderr: %s" err)
    err

[<Tests>]
let tests =
    testSequenced <| testList "Gpu.Cli.device" [
        testCase "train --device cpu (and auto without a GPU) writes the bytes of a run without --device" <| fun () ->
            withTempDir <| fun dir ->
            let plain, cpu, auto = Path.Combine(dir, "plain"), Path.Combine(dir, "cpu"), Path.Combine(dir, "auto")
            let errPlain = run (trainArgs plain 2)
            let _ = run (trainArgs cpu 2 @ [ "--device"; "cpu" ])
            Expect.isFalse (errPlain.Contains "device:") "the default prints no device line (stderr as before)"
            let runs = if GpuDevice.CudaDeviceCount = 0 then [ cpu; auto ] else [ cpu ]
            if GpuDevice.CudaDeviceCount = 0 then
                let err = run (trainArgs auto 2 @ [ "--device"; "auto" ])
                Expect.stringContains err "device: cpu — " "auto says what it picked"
                Expect.stringContains err "(auto: no CUDA device found — " "and why"
            for other in runs do
                for f in [ "weights.bin"; "weights-init.bin" ] do
                    Expect.equal (File.ReadAllBytes(Path.Combine(other, f))) (File.ReadAllBytes(Path.Combine(plain, f))) (f + " bytes")
                Expect.equal (stable (Path.Combine(other, "run.json"))) (stable (Path.Combine(plain, "run.json"))) "run.json"
                let o = JsonNode.Parse(File.ReadAllText(Path.Combine(other, "run.json"))).AsObject()
                Expect.sequenceEqual (o |> Seq.map (fun kv -> kv.Key)) cpuKeys "no device key in a CPU run"
                Expect.isFalse (File.Exists(Path.Combine(other, DeviceHistory.FileName))) "no devices.txt"

        testCase "train --device cuda without a GPU: one error line naming --device, 'cuda', why and what is allowed; no folder" <| fun () ->
            if GpuDevice.CudaDeviceCount > 0 then skiptest "a CUDA device is present"
            withTempDir <| fun dir ->
            let out = Path.Combine(dir, "run")
            let code, _, err = runCli (trainArgs out 1 @ [ "--device"; "cuda" ])
            Expect.equal code 2 "exit code"
            let line = oneErrorLine err
            Expect.stringStarts line "error: --device: got 'cuda', but no CUDA device is found here (" "option and value"
            Expect.stringContains line "allowed here: cpu, auto or ilgpu-cpu" "what is allowed"
            Expect.isFalse (Directory.Exists out) "nothing created"
            Expect.isFalse (err.Contains "Loaded mnist") "refused before any data is loaded"

        testCase "train --device gpu: one error line listing the allowed words" <| fun () ->
            withTempDir <| fun dir ->
            let code, _, err = runCli (trainArgs (Path.Combine(dir, "run")) 1 @ [ "--device"; "gpu" ])
            Expect.equal code 2 "exit code"
            let line = oneErrorLine err
            Expect.stringContains line "--device: got 'gpu'" "option and value"
            for w in DeviceSelection.Names do Expect.stringContains line w "allowed word"

        testCase "train --optimizer admm --device cuda: one error line saying ADMM runs on the CPU only" <| fun () ->
            withTempDir <| fun dir ->
            let out = Path.Combine(dir, "run")
            let code, _, err = runCli [ "train"; "--optimizer"; "admm"; "--device"; "cuda"; "--out"; out ]
            Expect.equal code 2 "exit code"
            Expect.stringContains (oneErrorLine err) "--device cuda: ADMM runs on the CPU only" "says why"
            Expect.isFalse (Directory.Exists out) "nothing created"

        testCase "study --device cuda without a GPU: refused before the folder is made" <| fun () ->
            if GpuDevice.CudaDeviceCount > 0 then skiptest "a CUDA device is present"
            withTempDir <| fun dir ->
            let out = Path.Combine(dir, "study")
            let code, _, err = runCli [ "study"; "--out"; out; "--device"; "cuda" ]
            Expect.equal code 2 "exit code"
            Expect.stringContains (oneErrorLine err) "--device: got 'cuda'" "names the option"
            Expect.isFalse (Directory.Exists out) "nothing created"

        testCase "a run resumed on the CPU after epochs on another device is allowed and says so in stderr and run.json" <| fun () ->
            withTempDir <| fun dir ->
            let out = Path.Combine(dir, "run")
            // An interrupted run: one epoch and its checkpoint, exactly as `train` writes them (same options, same fingerprint).
            let parsed = TrainOptions.Parse(TrainOptions.Spec.Parse(Array.ofList (List.tail (trainArgs out 3))))
            let data = BoundLab.Numerics.Data.Datasets.Load(parsed.Data)
            let o = parsed.ResolveModel(data.Train)
            let trainer = BoundLab.Numerics.Training.Trainer(o.Config, data, null, o.Data)
            let checkpoint = BoundLab.Numerics.Training.Checkpoint(RunLayout(out).CheckpointFolder)
            trainer.Run(checkpoint = checkpoint, afterEpoch = Func<_, _>(fun _ -> true)) |> ignore
            // Its first epoch ran on a GPU (what `train --device cuda` records in devices.txt).
            File.WriteAllText(Path.Combine(out, DeviceHistory.FileName), "1\tcuda — Test GPU (sm_90, 80 GiB)\n")
            let err = run (trainArgs out 3 @ [ "--resume" ])
            let cpu = sprintf "cpu — %s, 1 thread" CpuInfo.ModelName
            let expected = sprintf "epoch 1: cuda — Test GPU (sm_90, 80 GiB); epochs 2–3: %s (resumed on another device: not bit-identical to a run on one device)" cpu
            Expect.stringContains err ("note: " + expected) "noted when resuming"
            let doc = RunDocument.Read(Path.Combine(out, "run.json"))
            Expect.equal doc.Fingerprint.Device expected "run.json's device"
            Expect.equal doc.History.Count 3 "all epochs"
            Expect.sequenceEqual (File.ReadAllLines(Path.Combine(out, DeviceHistory.FileName))) [ "1\tcuda — Test GPU (sm_90, 80 GiB)"; "2\t" + cpu ] "devices.txt"

        testCase "device history: a new segment only when the device changes; an attempt that finished no epoch is dropped" <| fun () ->
            let h = DeviceHistory([]).Continue(1, "cuda — A")
            Expect.equal (h.Describe 5) "cuda — A" "one device"
            Expect.isFalse h.Mixed "one device"
            let same = h.Continue(3, "cuda — A")
            Expect.equal same.Segments.Count 1 "same device, same segment"
            let mixed = h.Continue(3, "cpu — B").Continue(5, "cuda — A")
            Expect.equal (mixed.Describe 6) "epochs 1–2: cuda — A; epochs 3–4: cpu — B; epochs 5–6: cuda — A (resumed on another device: not bit-identical to a run on one device)" "three segments"
            // Resumed again after epoch 2 (the cpu attempt finished nothing that survived): its segment goes.
            Expect.equal (mixed.Continue(3, "cuda — A").Describe 4) "cuda — A" "back to one segment"
            Expect.isNull (DeviceHistory([]).Continue(1, "cpu — B").Describe 3) "a CPU-only run records nothing"

        testCase "run.json's device: written after machine when set, absent when null, read back" <| fun () ->
            withTempDir <| fun dir ->
            let out = Path.Combine(dir, "run")
            let _ = run (trainArgs out 1)
            let doc = RunDocument.Read(Path.Combine(out, "run.json"))
            Expect.isNull doc.Fingerprint.Device "a CPU run"
            let f = doc.Fingerprint
            let gpu = RunDocument(doc.Version, doc.Config, doc.Data, doc.History, doc.Results,
                                  RunProvenance(f.Weights, f.WeightsInit, f.WeightsSha256, f.Trajectory, f.Machine, f.FinishedUtc, "cuda — NVIDIA H200 (sm_90, 139 GiB)"), doc.Admm)
            let text = gpu.ToJson()
            Expect.stringContains text "\"device\": \"cuda — NVIDIA H200 (sm_90, 139 GiB)\",\n  \"finished_utc\"" "after machine, before finished_utc"
            Expect.equal (RunDocument.Parse(text, "run.json").Fingerprint.Device) gpu.Fingerprint.Device "read back"
            Expect.equal (doc.ToJson() + "\n") (File.ReadAllText(Path.Combine(out, "run.json"))) "a CPU document writes what train wrote"

        testCase "study ids: unchanged on the CPU, their own for another device" <| fun () ->
            let json =
                sprintf """{"name": "tiny", "settings": {"dataset": "mnist", "data_dir": %s, "train_size": 300, "test_size": 200, "batch": 50, "epochs": 1},
                           "groups": [{"name": "sgd", "grid": {"width": [8, 16]}}]}""" (System.Text.Json.JsonSerializer.Serialize fixture)
            let spec = BoundLab.Studies.Specs.StudySpec.Parse(json, "tiny.json")
            let ids (device: string) = BoundLab.Studies.Runner.StudyPlan.Build(spec, "tiny.json", null, device).Runs |> Seq.map (fun r -> r.Id) |> Set.ofSeq
            let cpu = BoundLab.Studies.Runner.StudyPlan.Build(spec, "tiny.json").Runs |> Seq.map (fun r -> r.Id) |> Set.ofSeq
            Expect.equal (ids null) cpu "no device = the CPU ids"
            let cuda = ids "cuda"
            Expect.equal cuda.Count 2 "two runs"
            Expect.isTrue (Set.intersect cpu cuda).IsEmpty "cuda ids differ from the CPU's"
            Expect.isTrue (Set.intersect cuda (ids "ilgpu-cpu")).IsEmpty "and from the simulator's"
    ]
