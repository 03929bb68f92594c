/// The backend conformance table (tests/Numerics/Backends/ConformanceTests.fs) run on the GPU backend: on ILGPU's CPU
/// accelerator always (CI has no GPU), and on CUDA device 0 when one is present (skipped with a message otherwise).
module BoundLab.Gpu.Tests.GpuConformanceTests

open Expecto
open BoundLab.Gpu
open BoundLab.Numerics.Backends
open BoundLab.Numerics.Tests.Backends
open BoundLab.Gpu.Tests.TestUtil

[<Tests>]
let tests =
    testSequenced <| testList "Gpu.Conformance" [
        ConformanceTests.conformance "ILGPU CPU accelerator" (fun () -> simulator () :> Backend<float32>)
        if cudaPresent.Value then
            ConformanceTests.conformance "CUDA" (fun () -> GpuBackend(GpuDevice.Cuda 0) :> Backend<float32>)
        else
            testCase "CUDA" <| fun () -> skiptest "no CUDA device: ILGPU finds no NVIDIA GPU here (the table runs on a GPU machine, see bench/gpu.sh)"
    ]
