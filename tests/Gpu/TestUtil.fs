/// Helpers shared by the GPU backend tests.
module BoundLab.Gpu.Tests.TestUtil

open Expecto
open BoundLab.Gpu

/// Anchor type so the runner can find this assembly.
type Marker = class end

/// A backend on ILGPU's CPU accelerator (the kernel simulator; shared device, kernels compiled once).
let simulator () = GpuBackend(GpuDevice.Simulator)

/// Whether a CUDA device is present (ILGPU finds a driver and a GPU).
let cudaPresent = lazy (try GpuDevice.CudaDeviceCount > 0 with _ -> false)

/// A test that runs on CUDA device 0 when one is present and is skipped, saying why, when none is.
let cudaCase (name: string) (body: GpuBackend -> unit) =
    testCase name <| fun () ->
        if not cudaPresent.Value then skiptest "no CUDA device: ILGPU finds no NVIDIA GPU here (runs on a GPU machine, see bench/gpu.sh)"
        body (GpuBackend(GpuDevice.Cuda 0))
