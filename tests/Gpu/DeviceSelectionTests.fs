/// --device: parsing, auto's resolution, the backend each value builds, the one-line descriptions, and the CPU facts
/// doctor and the device line report.
module BoundLab.Gpu.Tests.DeviceSelectionTests

open System
open System.IO
open System.Runtime.InteropServices
open Expecto
open BoundLab.Gpu
open BoundLab.Numerics.Backends
open BoundLab.Gpu.Tests.TestUtil

let private messageOf (f: unit -> 'a) =
    try
        f () |> ignore
        failtest "expected an ArgumentException"
    with :? ArgumentException as e -> e.Message

[<Tests>]
let tests =
    testSequenced <| testList "Gpu.DeviceSelection" [
        testCase "every --device word parses, case-insensitively, to its kind and back" <| fun () ->
            for word, kind in [ "cpu", DeviceKind.Cpu; "cuda", DeviceKind.Cuda; "auto", DeviceKind.Auto; "ilgpu-cpu", DeviceKind.IlgpuCpu ] do
                Expect.equal (DeviceSelection.Parse word) kind word
                Expect.equal (DeviceSelection.Parse(word.ToUpperInvariant())) kind (word + " upper case")
                Expect.equal (DeviceSelection.NameOf kind) word "the word of the kind"
            Expect.sequenceEqual DeviceSelection.Names [ "cpu"; "cuda"; "auto"; "ilgpu-cpu" ] "help order"

        testCase "a bad --device value names the option, the value and every allowed word" <| fun () ->
            for bad in [ "gpu"; ""; "cuda:0"; "CPU1" ] do
                let m = messageOf (fun () -> DeviceSelection.Parse bad)
                Expect.stringStarts m "--device: got '" bad
                Expect.stringContains m (sprintf "'%s'" bad) "the value"
                for w in DeviceSelection.Names do Expect.stringContains m w "an allowed word"
                Expect.stringContains m "10⁶" "says what ilgpu-cpu costs"

        testCase "auto resolves to cuda exactly when a CUDA device is present; cpu and ilgpu-cpu stay" <| fun () ->
            Expect.equal (DeviceSelection.Resolve(DeviceKind.Auto, 0)) DeviceKind.Cpu "no device"
            Expect.equal (DeviceSelection.Resolve(DeviceKind.Auto, 1)) DeviceKind.Cuda "one device"
            Expect.equal (DeviceSelection.Resolve(DeviceKind.Auto, 8)) DeviceKind.Cuda "eight devices"
            for n in [ 0; 1 ] do
                Expect.equal (DeviceSelection.Resolve(DeviceKind.Cpu, n)) DeviceKind.Cpu "cpu"
                Expect.equal (DeviceSelection.Resolve(DeviceKind.IlgpuCpu, n)) DeviceKind.IlgpuCpu "ilgpu-cpu"
            Expect.equal (DeviceSelection.Resolve(DeviceKind.Cuda, 1)) DeviceKind.Cuda "cuda with a device"

        testCase "cuda without a device is one clear error: option, value, why, what is allowed" <| fun () ->
            let m = messageOf (fun () -> DeviceSelection.Resolve(DeviceKind.Cuda, 0))
            Expect.stringStarts m "--device: got 'cuda', but no CUDA device is found here (" "option and value"
            Expect.stringContains m (CudaInventory.NoDeviceReason()) "why"
            Expect.stringContains m "allowed here: cpu, auto or ilgpu-cpu." "what is allowed"
            Expect.isFalse (m.Contains '\n') "one line"

        testCase "Select cpu builds the CPU backend on the given threads and says so" <| fun () ->
            let d = DeviceSelection.Select(DeviceKind.Cpu, 3)
            Expect.equal d.Kind DeviceKind.Cpu "kind"
            Expect.equal d.Name "cpu" "name"
            let cpu = d.Backend :?> CpuBackend
            Expect.equal cpu.Threads 3 "threads"
            Expect.equal d.Description (sprintf "device: cpu — %s, 3 threads" CpuInfo.ModelName) "description"
            Expect.equal d.Summary (sprintf "cpu — %s, 3 threads" CpuInfo.ModelName) "summary without the prefix"
            Expect.equal ((DeviceSelection.Select(DeviceKind.Cpu, 0).Backend :?> CpuBackend).Threads) Environment.ProcessorCount "0 = all cores"

        testCase "Select auto picks cuda when ILGPU finds a device, else cpu, and says which and why" <| fun () ->
            let d = DeviceSelection.Select(DeviceKind.Auto, 1)
            Expect.equal d.Requested DeviceKind.Auto "requested"
            if GpuDevice.CudaDeviceCount = 0 then
                Expect.equal d.Kind DeviceKind.Cpu "no CUDA device here → cpu"
                Expect.isTrue (d.Backend :? CpuBackend) "the CPU backend"
                Expect.stringStarts d.Description "device: cpu — " "says cpu"
                Expect.stringContains d.Description "(auto: no CUDA device found — " "says why"
            else
                Expect.equal d.Kind DeviceKind.Cuda "a CUDA device → cuda"
                Expect.isTrue (d.Backend :? GpuBackend) "the GPU backend"
                Expect.stringStarts d.Description "device: cuda (auto) — " "says cuda"
                Expect.stringContains d.Description "sm_" "compute capability"

        testCase "Select cuda fails here exactly when there is no CUDA device" <| fun () ->
            if GpuDevice.CudaDeviceCount = 0 then
                let m = messageOf (fun () -> DeviceSelection.Select(DeviceKind.Cuda, 0))
                Expect.stringContains m "--device: got 'cuda'" "names the option"
            else
                let d = DeviceSelection.Select(DeviceKind.Cuda, 0)
                Expect.equal (d.Backend :?> GpuBackend).Device.Target GpuTarget.Cuda "on CUDA"
                Expect.equal d.Description ("device: cuda — " + (CudaInventory.Devices()[0]).Description) "description"

        testCase "Select ilgpu-cpu is the GPU backend on the shared simulator, described as slow" <| fun () ->
            let d = DeviceSelection.Select(DeviceKind.IlgpuCpu, 0)
            let g = d.Backend :?> GpuBackend
            Expect.isTrue (Object.ReferenceEquals(g.Device, GpuDevice.Simulator)) "the shared simulator"
            Expect.equal g.Name "ilgpu-cpu" "backend name"
            Expect.stringStarts d.Description "device: ilgpu-cpu — ILGPU " "prefix"
            Expect.stringContains d.Description "10⁶× slower" "says it is slow"

        testCase "a CUDA device's line: name, sm_XY and whole GiB" <| fun () ->
            // python3: 150_000_000_000 // 2**30 = 139; 85_899_345_920 // 2**30 = 80
            Expect.equal (CudaDeviceInfo(0, "NVIDIA H200", 150_000_000_000L, "9.0", 132).Description) "NVIDIA H200 (sm_90, 139 GiB)" "H200"
            Expect.equal (CudaDeviceInfo(1, "NVIDIA H100 80GB HBM3", 85_899_345_920L, "9.0", 132).Description) "NVIDIA H100 80GB HBM3 (sm_90, 80 GiB)" "H100"

        testCase "the CUDA inventory agrees with GpuDevice, and the no-device reason with the driver library" <| fun () ->
            let devices = CudaInventory.Devices()
            Expect.equal devices.Count GpuDevice.CudaDeviceCount "same count"
            for i, d in Seq.indexed devices do
                Expect.equal d.Index i "index order"
                Expect.isGreaterThan d.MemoryBytes 0L "memory"
            let mutable h = IntPtr.Zero
            let driver = NativeLibrary.TryLoad("libcuda.so.1", &h) || NativeLibrary.TryLoad("libcuda.so", &h)
            if h <> IntPtr.Zero then NativeLibrary.Free h
            let reason = CudaInventory.NoDeviceReason()
            if driver then Expect.stringContains reason "driver loads" "a driver is present"
            else Expect.equal reason "no NVIDIA driver: libcuda.so.1 does not load" "no driver"

        testCase "CpuInfo reads /proc/cpuinfo's first model name and family; cores and AVX as .NET sees them" <| fun () ->
            if File.Exists "/proc/cpuinfo" then
                let lines = File.ReadAllLines "/proc/cpuinfo"
                let field (key: string) =
                    lines |> Array.tryPick (fun l ->
                        match l.Split(':', 2) with
                        | [| k; v |] when k.Trim() = key -> Some(v.Trim())
                        | _ -> None)
                match field "model name" with
                | Some m -> Expect.equal CpuInfo.ModelName m "model name"
                | None -> ()
                Expect.equal CpuInfo.Family (field "cpu family" |> Option.toObj) "family"
            Expect.equal CpuInfo.Cores Environment.ProcessorCount "cores"
            Expect.equal CpuInfo.Avx512 Runtime.Intrinsics.X86.Avx512F.IsSupported "AVX-512"
            Expect.equal CpuInfo.Avx2 (Runtime.Intrinsics.X86.Avx2.IsSupported && Runtime.Intrinsics.X86.Fma.IsSupported) "AVX2"
    ]
