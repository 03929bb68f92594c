module BoundLab.Numerics.Tests.Data.HeldOutTests

open System
open Expecto
open BoundLab.Numerics.Data
open BoundLab.Numerics.Tests.TestUtil

// The MNIST-shaped fixture of MnistTests (tests/fixtures/mnist-small): 2000 training and 1000 test images.
let private fixture = fixtureDir "mnist-small"
let private raw = lazy (MnistFiles.Read fixture)
let private options name size seed = DataOptions(name, DataDir = fixture, TrainSize = size, Seed = seed)
let private rows (m: BoundLab.Numerics.Tensors.Matrix<float32>) = Array.init m.Rows (fun i -> m.Row(i).ToArray())

[<Tests>]
let tests =
    testList "Numerics.Data.HeldOut" [
        testCase "the held-out part is the complement of the training subset: disjoint, union = the file, count = N − TrainSize" <| fun () ->
            let o = options "mnist-binary" (Nullable 500) 7UL
            let h = HeldOut.Load o
            let train = Datasets.Load o
            let taken = MnistDatasets.TrainIndices(2000, o)
            // TrainIndices are the rows Datasets.Load trains on (labels here; pixels in the variant test below).
            Expect.equal train.Train.Labels (taken |> Array.map (fun i -> if raw.Value.Train.Labels[i] >= 5uy then 1 else 0)) "TrainIndices are the training subset"
            Expect.equal h.SourceIndices.Length 1500 "count"
            Expect.equal h.Data.Count 1500 "data count"
            Expect.isEmpty (Set.intersect (Set.ofArray h.SourceIndices) (Set.ofArray taken)) "disjoint from the training subset"
            Expect.equal (Set.union (Set.ofArray h.SourceIndices) (Set.ofArray taken)) (Set.ofList [ 0 .. 1999 ]) "union is the file"
            Expect.equal h.SourceIndices (Array.sort h.SourceIndices) "file order"
            Expect.equal (h.Data.Classes, h.Data.Name) (2, "mnist-binary") "binary label map, the run's dataset name"
            for k in [ 0; 1; 733; 1499 ] do
                let i = h.SourceIndices[k]
                Expect.equal (h.Data.Inputs.Row(k).ToArray()) (Array.init 784 (fun j -> float32 raw.Value.Train.Images.Pixels[i * 784 + j] / 255f)) $"pixels of row {k} = file image {i}"
            Expect.equal h.Data.Labels (h.SourceIndices |> Array.map (fun i -> if raw.Value.Train.Labels[i] >= 5uy then 1 else 0)) "labels 0–4 → 0, 5–9 → 1"

        testCase "10 classes for mnist: labels are the digits of the file" <| fun () ->
            let h = HeldOut.Load(options "mnist" (Nullable 1999) 3UL)
            Expect.equal h.SourceIndices.Length 1 "one example held out"
            Expect.equal h.Data.Classes 10 "ten classes"
            Expect.equal h.Data.Labels[0] (int raw.Value.Train.Labels[h.SourceIndices[0]]) "the digit"

        testCase "pixel variants: a held-out image is the image the same seed gives it in a training set" <| fun () ->
            // With TrainSize = null the training set is the file in order, so training row i is file image i.
            for name in [ "mnist-shuffled-pixels"; "mnist-random-pixels"; "mnist-gaussian" ] do
                let h = HeldOut.Load(options name (Nullable 1200) 11UL)
                let full = rows (Datasets.Load(options name (Nullable()) 11UL)).Train.Inputs
                let held = rows h.Data.Inputs
                for k in [ 0; 399; 799 ] do
                    Expect.equal held[k] full[h.SourceIndices[k]] $"{name}: row {k} = training image {h.SourceIndices[k]}"

        testCase "IndexSha256 hashes int32 little-endian indices; stable across loads" <| fun () ->
            // python3: hashlib.sha256(struct.pack('<3i', 1, 2, 3)).hexdigest()
            Expect.equal (HeldOut.IndexSha256 [| 1; 2; 3 |]) "4636993d3e1da4e9d6b8f87b79e8f7c6d018580d52661950eabc3845c5897a4d" "python value"
            // python3: hashlib.sha256(struct.pack('<2i', 0, 70000)).hexdigest()
            Expect.equal (HeldOut.IndexSha256 [| 0; 70000 |]) "85c7edf116a13fb5d60333e324568fc2158307faade4bf6e9dee68951bdd5592" "python value (bytes above 255)"
            let a, b = HeldOut.Load(options "mnist" (Nullable 1000) 5UL), HeldOut.Load(options "mnist" (Nullable 1000) 5UL)
            Expect.equal a.IndexSha256 (HeldOut.IndexSha256 a.SourceIndices) "the hash of SourceIndices"
            Expect.equal a.IndexSha256 b.IndexSha256 "stable"

        testCase "deterministic per seed; another seed holds out other examples" <| fun () ->
            let a, b = HeldOut.Load(options "mnist" (Nullable 1000) 5UL), HeldOut.Load(options "mnist" (Nullable 1000) 5UL)
            Expect.equal a.SourceIndices b.SourceIndices "same indices"
            Expect.equal a.Data.Inputs.Data b.Data.Inputs.Data "same pixels"
            let c = HeldOut.Load(options "mnist" (Nullable 1000) 6UL)
            Expect.notEqual c.SourceIndices a.SourceIndices "seed 6 ≠ seed 5"
            Expect.notEqual c.IndexSha256 a.IndexSha256 "and so does the hash"
            // A larger training subset of one seed contains the smaller one, so it holds out a subset of what the smaller held out.
            let d = HeldOut.Load(options "mnist" (Nullable 1500) 5UL)
            Expect.isTrue (Set.isSubset (Set.ofArray d.SourceIndices) (Set.ofArray a.SourceIndices)) "nested"

        testCase "refused: generated data, nothing held out, label noise, a size out of range" <| fun () ->
            let refused (o: DataOptions) (parts: string list) =
                let e = throwsOf<ArgumentException> (fun () -> HeldOut.Load o |> ignore) "refused"
                for p in parts do
                    Expect.stringContains e.Message p $"message names {p}"
            refused (DataOptions("teacher", TrainSize = 100)) [ "Name = 'teacher'"; "mnist-binary" ]
            refused (DataOptions("mnist", DataDir = fixture)) [ "TrainSize = null"; "allowed" ]
            refused (options "mnist" (Nullable 2000) 0UL) [ "TrainSize = 2000"; "whole training file"; "1 … 1999" ]
            refused (DataOptions("mnist-binary", DataDir = fixture, TrainSize = 500, LabelNoise = 0.1)) [ "LabelNoise = 0.1"; "allowed: 0"; "defines no labels" ]
            refused (options "mnist" (Nullable 0) 0UL) [ "TrainSize"; "1 … 2000" ]
            refused (options "mnist" (Nullable 2001) 0UL) [ "TrainSize"; "1 … 2000" ]
    ]
