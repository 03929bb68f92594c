/// Device memory: allocation, views, transfers and the ownership checks the GPU backend shares with every backend.
module BoundLab.Gpu.Tests.GpuMemoryTests

open System
open Expecto
open BoundLab.Gpu
open BoundLab.Numerics.Backends
open BoundLab.Gpu.Tests.TestUtil

[<Tests>]
let tests =
    testSequenced <| testList "Gpu.Memory" [
        testCase "upload then download returns the same bits, NaN and signed zero included" <| fun () ->
            let b = simulator ()
            let values = [| 1.5f; -0.0f; Single.NaN; Single.Epsilon; Single.MaxValue; -3.25f |]
            let t = b.Allocate(2, 3)
            b.Upload(ReadOnlySpan values, t)
            let back = b.ToArray t
            Expect.equal (back |> Array.map BitConverter.SingleToInt32Bits) (values |> Array.map BitConverter.SingleToInt32Bits) "bits"
        testCase "a new tensor is zero; an empty one is allowed" <| fun () ->
            let b = simulator ()
            Expect.equal (b.ToArray(b.Allocate(3, 5))) (Array.zeroCreate 15) "zeros"
            Expect.equal (b.ToArray(b.Allocate(0, 7))).Length 0 "empty"
        testCase "a view shares storage with its tensor" <| fun () ->
            let b = simulator ()
            let t = b.FromArray(ReadOnlySpan [| 1f; 2f; 3f; 4f; 5f; 6f |])
            let v = b.View(t, 3, 2)
            b.Upload(ReadOnlySpan [| 9f; 8f; 7f; 6f; 5f; 4f |], v)
            Expect.equal (b.ToArray t) [| 9f; 8f; 7f; 6f; 5f; 4f |] "written through the view"
            Expect.equal (v.Rows, v.Cols) (3, 2) "shape"
        testCase "Copy between tensors of the same element count" <| fun () ->
            let b = simulator ()
            let s = b.FromArray(ReadOnlySpan [| 1f; 2f; 3f; 4f |])
            let d = b.Allocate(2, 2)
            b.Copy(s, d)
            Expect.equal (b.ToArray d) [| 1f; 2f; 3f; 4f |] "copied"
        testCase "index vectors round-trip" <| fun () ->
            let b = simulator ()
            let t = b.AllocateIndices 4
            b.UploadIndices(ReadOnlySpan [| 3; 0; 7; 2 |], t)
            let back = Array.zeroCreate 4
            b.DownloadIndices(t, Span back)
            Expect.equal back [| 3; 0; 7; 2 |] "indices"
        testCase "a host tensor is refused by name" <| fun () ->
            let b = simulator ()
            let host = CpuBackend(1).Allocate(2, 2)
            try
                b.Scale(2f, host)
                failtest "a host tensor was accepted"
            with :? ArgumentException as e -> Expect.stringContains e.Message "lives on backend 'cpu'" "names the owner"
        testCase "the simulator backend is named ilgpu-cpu and its device is the CPU accelerator" <| fun () ->
            let b = simulator ()
            Expect.equal b.Name "ilgpu-cpu" "name"
            Expect.equal b.Device.Target GpuTarget.Simulator "target"
    ]
