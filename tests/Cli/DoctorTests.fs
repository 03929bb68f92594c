/// boundlab doctor (backends, devices, ILGPU, libz3, MNIST; text and JSON with stable keys) and bench gpu's refusal
/// without a CUDA device. Test names start with "Gpu" so `build.fsx test --filter Gpu` runs them on a GPU machine too.
module BoundLab.Cli.Tests.DoctorTests

open System
open System.IO
open System.Text.Json.Nodes
open System.Xml.Linq
open Expecto
open BoundLab.Gpu
open BoundLab.Cli.Tests.TestUtil

let private fixture = Path.Combine(repoRoot, "tests", "fixtures", "mnist-small")

/// The ILGPU version pinned in Directory.Packages.props (read independently of ILGPU's assembly attributes).
let private pinnedIlgpu =
    XDocument.Load(Path.Combine(repoRoot, "Directory.Packages.props")).Descendants(XName.Get "PackageVersion")
    |> Seq.find (fun e -> e.Attribute(XName.Get "Include").Value = "ILGPU")
    |> fun e -> e.Attribute(XName.Get "Version").Value

let private doctorJson (args: string list) =
    let code, out, err = runCli ("doctor" :: "--json" :: args)
    Expect.equal code 0 (sprintf "doctor exits 0; stderr: %s" err)
    JsonNode.Parse(out).AsObject()

let private keys (o: JsonObject) = o |> Seq.map (fun kv -> kv.Key) |> List.ofSeq

let private oneErrorLine (err: string) =
    let lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries ||| StringSplitOptions.TrimEntries)
    let errors = lines |> Array.filter (fun l -> l.StartsWith "error:")
    Expect.equal errors.Length 1 (sprintf "one error line; stderr: %s" err)
    Expect.isFalse (errors[0].Contains "Exception") "no .NET text"
    errors[0]

[<Tests>]
let tests =
    testSequenced <| testList "Gpu.Cli.doctor" [
        testCase "doctor --json: exit 0 and the stable keys, in order, at every level" <| fun () ->
            let r = doctorJson []
            Expect.sequenceEqual (keys r) [ "boundlab_doctor"; "backends"; "cpu"; "cuda"; "simulator"; "ilgpu_version"; "z3"; "mnist"; "runtime"; "os" ] "top level"
            Expect.equal (r["boundlab_doctor"].GetValue<int>()) 1 "layout version"
            Expect.sequenceEqual (keys (r["cpu"].AsObject())) [ "model"; "family"; "cores"; "avx2"; "avx512"; "vector512_accelerated" ] "cpu"
            Expect.sequenceEqual (keys (r["cuda"].AsObject())) [ "devices"; "none_reason" ] "cuda"
            Expect.sequenceEqual (keys (r["simulator"].AsObject())) [ "available"; "name"; "note"; "error" ] "simulator"
            Expect.sequenceEqual (keys (r["z3"].AsObject())) [ "loads"; "version"; "error" ] "z3"
            Expect.sequenceEqual (keys (r["mnist"].AsObject())) [ "found"; "directory"; "searched"; "hint" ] "mnist"

        testCase "doctor --json: the CPU, the CUDA devices (or why none), the simulator and the ILGPU version" <| fun () ->
            let r = doctorJson []
            let cpu = r["cpu"]
            Expect.equal (cpu["cores"].GetValue<int>()) Environment.ProcessorCount "cores"
            Expect.equal (cpu["avx512"].GetValue<bool>()) Runtime.Intrinsics.X86.Avx512F.IsSupported "AVX-512"
            Expect.equal (cpu["model"].GetValue<string>()) CpuInfo.ModelName "model"
            let devices = r["cuda"].["devices"].AsArray()
            Expect.equal devices.Count GpuDevice.CudaDeviceCount "every CUDA device ILGPU finds"
            let backends = r["backends"].AsArray() |> Seq.map (fun b -> b.GetValue<string>()) |> List.ofSeq
            if devices.Count = 0 then
                Expect.equal (r["cuda"].["none_reason"].GetValue<string>()) (CudaInventory.NoDeviceReason()) "why none"
                Expect.sequenceEqual backends [ "cpu"; "ilgpu-cpu" ] "cpu and the simulator"
            else
                Expect.isNull (r["cuda"].["none_reason"]) "no reason when devices are found"
                Expect.sequenceEqual backends [ "cpu"; "cuda"; "ilgpu-cpu" ] "cuda listed"
                for d in devices do
                    Expect.isGreaterThan (d["memory_bytes"].GetValue<int64>()) 0L "memory"
                    Expect.stringContains (d["compute_capability"].GetValue<string>()) "." "major.minor"
            Expect.isTrue (r["simulator"].["available"].GetValue<bool>()) "the simulator is always there"
            Expect.stringContains (r["simulator"].["note"].GetValue<string>()) "10⁶" "says it is slow"
            Expect.equal (r["ilgpu_version"].GetValue<string>()) pinnedIlgpu "the pinned ILGPU version"

        testCase "doctor --json: libz3 as the verification code loads it" <| fun () ->
            let z3 = (doctorJson []).["z3"]
            let loads = BoundLab.Bounds.Verification.SmtSolver.IsAvailable
            Expect.equal (z3["loads"].GetValue<bool>()) loads "loads"
            if loads then
                Expect.equal (z3["version"].GetValue<string>()) BoundLab.Bounds.Verification.SmtSolver.Version "version"
                Expect.stringStarts (z3["version"].GetValue<string>()) "Z3 4." "Z3 4.x"
            else
                Expect.stringContains (z3["error"].GetValue<string>()) "apt-get install libz3-dev" "how to install"

        testCase "doctor --data-dir: finds the fixture's four files; an empty folder says how to fetch them" <| fun () ->
            let m = (doctorJson [ "--data-dir"; fixture ]).["mnist"]
            Expect.isTrue (m["found"].GetValue<bool>()) "the fixture holds all four"
            Expect.equal (m["directory"].GetValue<string>()) (Path.GetFullPath fixture) "found in the fixture folder itself"
            Expect.isNull m["hint"] "no hint when found"
            withTempDir <| fun dir ->
                let m = (doctorJson [ "--data-dir"; dir ]).["mnist"]
                Expect.isFalse (m["found"].GetValue<bool>()) "an empty folder has none"
                Expect.sequenceEqual (m["searched"].AsArray() |> Seq.map (fun s -> s.GetValue<string>())) [ Path.Combine(dir, "mnist"); dir ] "where it looked"
                Expect.stringContains (m["hint"].GetValue<string>()) ("boundlab data fetch --data-dir " + dir) "how to fetch"

        testCase "doctor (text): exit 0, one line per backend, ILGPU, libz3 and MNIST" <| fun () ->
            let code, out, err = runCli [ "doctor"; "--data-dir"; fixture ]
            Expect.equal code 0 (sprintf "exit 0; stderr: %s" err)
            Expect.stringContains out "backends (--device): cpu" "backends"
            Expect.stringContains out ("  cpu        " + CpuInfo.ModelName) "the CPU"
            if GpuDevice.CudaDeviceCount = 0 then Expect.stringContains out "  cuda       none found (" "no CUDA, with the reason"
            else Expect.stringContains out "  cuda:0" "CUDA device 0"
            Expect.stringContains out "  ilgpu-cpu  " "the simulator"
            Expect.stringContains out ("ILGPU        " + pinnedIlgpu) "ILGPU version"
            Expect.stringContains out "libz3        " "libz3"
            Expect.stringContains out ("MNIST        found in " + Path.GetFullPath fixture) "MNIST"

        testCase "doctor with an unknown option → exit 2, one error line" <| fun () ->
            let code, _, err = runCli [ "doctor"; "--cuda" ]
            Expect.equal code 2 "exit code"
            Expect.stringContains (oneErrorLine err) "--cuda" "names the option"
    ]

[<Tests>]
let benchTests =
    testSequenced <| testList "Gpu.Cli.bench gpu" [
        testCase "without a CUDA device bench gpu refuses with one line saying why and what to run instead" <| fun () ->
            if GpuDevice.CudaDeviceCount > 0 then skiptest "a CUDA device is present: bench/gpu.sh runs bench gpu itself"
            for args in [ [ "bench"; "gpu" ]; [ "bench"; "gpu"; "--json"; "--quick" ] ] do
                let code, out, err = runCli args
                Expect.equal code 2 "exit code"
                Expect.equal out "" "nothing on stdout (no half JSON)"
                let line = oneErrorLine err
                Expect.stringStarts line "error: bench gpu: needs a CUDA device and none is found here (" "says it needs CUDA"
                Expect.stringContains line (CudaInventory.NoDeviceReason()) "why"
                Expect.stringContains line "bench/gpu.sh" "what to run instead"

        testCase "bench gpu checks its options before the device" <| fun () ->
            let code, _, err = runCli [ "bench"; "gpu"; "--cpu-steps"; "0" ]
            Expect.equal code 2 "exit code"
            Expect.stringContains (oneErrorLine err) "--cpu-steps: got '0'" "names the option and value"

        testCase "the SGEMM table: 1024², 4096² and, per MLP layer, forward, Xᵀ·dY and dY·Wᵀ with consistent shapes" <| fun () ->
            let shapes = BoundLab.Cli.Commands.GpuBenchmark.Shapes |> Seq.map (fun struct (m, n, k, ta, tb, _) -> m, n, k, ta, tb) |> List.ofSeq
            let expected =
                [ yield 1024, 1024, 1024, false, false
                  yield 4096, 4096, 4096, false, false
                  for fanIn, fanOut in [ 784, 512; 512, 512 ] do
                      yield 128, fanOut, fanIn, false, false // X(128×in)·W(in×out)
                      yield fanIn, fanOut, 128, true, false  // dW = Xᵀ·dY
                      yield 128, fanIn, fanOut, false, true ] // dX = dY·Wᵀ
            Expect.sequenceEqual shapes expected "shapes"

        testCase "the MLP epoch loop runs on the CPU backend: time > 0, no kernel launches" <| fun () ->
            let struct (seconds, launches) = BoundLab.Cli.Commands.GpuBenchmark.Epoch(BoundLab.Numerics.Backends.CpuBackend(1), 128, 1UL, 2, fun () -> ())
            Expect.isGreaterThan seconds 0.0 "timed"
            Expect.equal launches 0L "the CPU backend launches no kernels"
    ]
