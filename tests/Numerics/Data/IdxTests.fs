module BoundLab.Numerics.Tests.Data.IdxTests

open System
open System.Buffers.Binary
open System.IO
open System.IO.Compression
open Expecto
open BoundLab.Numerics.Data
open BoundLab.Numerics.Tests.TestUtil

let private be (x: int) =
    let b = Array.zeroCreate<byte> 4
    BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(), x)
    b

/// An images file: header (magic, count, rows, cols) then payloadBytes bytes of pixel value 7.
let private images magic count rows cols payloadBytes =
    Array.concat [ be magic; be count; be rows; be cols; Array.create payloadBytes 7uy ]

/// A labels file: header (magic, count) then the given labels.
let private labels magic count (values: byte[]) = Array.concat [ be magic; be count; values ]

let private gzip (content: byte[]) =
    use ms = new MemoryStream()
    do
        use gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen = true)
        gz.Write(content, 0, content.Length)
    ms.ToArray()

let private write (dir: TempDir) name (bytes: byte[]) =
    let path = Path.Combine(dir.Path, name)
    File.WriteAllBytes(path, bytes)
    path

/// Runs the reader on a bad file and checks the InvalidDataException names the file and each fragment.
let private expectRejected (read: string -> unit) name bytes (fragments: string list) =
    use dir = new TempDir()
    let path = write dir name bytes
    let e = throwsOf<InvalidDataException> (fun () -> read path) "rejected"
    Expect.stringContains e.Message path "message names the file"
    for f in fragments do
        Expect.stringContains e.Message f "message says what is wrong"

let private readImages path = Idx.ReadImages path |> ignore
let private readLabels path = Idx.ReadLabels path |> ignore
let private px = 28 * 28

// (case, file name, content, reader, fragments the message must contain)
let private rejections =
    [ "images: wrong magic", "train-images-idx3-ubyte", images 2049 3 28 28 (3 * px), readImages,
      [ "wrong magic"; "expected 2051"; "found 2049" ]
      "labels: wrong magic", "train-labels-idx1-ubyte", labels 2051 3 [| 0uy; 1uy; 2uy |], readLabels,
      [ "wrong magic"; "expected 2049"; "found 2051" ]
      "images: truncated payload", "t10k-images-idx3-ubyte", images 2051 3 28 28 (2 * px + 100), readImages,
      [ "truncated"; "3 images of 28×28"; sprintf "expected %d bytes" (16 + 3 * px); sprintf "found %d" (16 + 2 * px + 100) ]
      "labels: truncated payload", "t10k-labels-idx1-ubyte", labels 2049 5 [| 1uy; 2uy |], readLabels,
      [ "truncated"; "5 labels"; "expected 13 bytes"; "found 10" ]
      "images: longer than the header says", "x-images", images 2051 1 28 28 (px + 1), readImages,
      [ "longer than its header says"; sprintf "expected %d" (16 + px); sprintf "found %d" (17 + px) ]
      "images: too short for a header", "x-images", [| 0uy; 0uy; 8uy |], readImages,
      [ "too short"; "expected at least 16 bytes"; "found 3" ]
      "images: wrong dimensions", "x-images", images 2051 2 28 27 (2 * 28 * 27), readImages,
      [ "dimensions"; "expected 28×28"; "found 28×27" ]
      "labels: value 10", "x-labels", labels 2049 4 [| 3uy; 9uy; 10uy; 0uy |], readLabels,
      [ "label 2 is 10"; "0 … 9" ]
      "labels: value 255", "x-labels", labels 2049 2 [| 255uy; 0uy |], readLabels, [ "label 0 is 255" ]
      "gzipped images: truncated payload", "x-images.gz", gzip (images 2051 3 28 28 (px + 5)), readImages,
      [ "truncated"; sprintf "expected %d bytes" (16 + 3 * px) ]
      "gzip stream cut short", "x-labels.gz",
      (let g = gzip (labels 2049 2000 (Array.zeroCreate 2000)) in g[.. g.Length / 2]), readLabels,
      [ "gzip content is truncated or corrupt"; "declares" ]
      "gzip file of three bytes", "x-labels.gz", [| 0x1fuy; 0x8buy; 8uy |], readLabels,
      [ "gzip content is truncated"; "found 3" ]
      "full-size labels with the wrong checksum", "train-labels-idx1-ubyte",
      labels 2049 60000 (Array.zeroCreate 60000),
      (fun p -> Idx.ReadLabels(p, MnistFiles.TrainLabels.Checksum) |> ignore),
      [ "checksum mismatch"; MnistFiles.TrainLabels.Sha256; "found " ]
      "full-size test images with the wrong checksum", "t10k-images-idx3-ubyte",
      images 2051 10000 28 28 (10000 * px),
      (fun p -> Idx.ReadImages(p, MnistFiles.TestImages.Checksum) |> ignore),
      [ "checksum mismatch"; MnistFiles.TestImages.Sha256 ] ]

[<Tests>]
let tests =
    testList "Numerics.Data.Idx" [
        for case, name, bytes, read, fragments in rejections do
            testCase ("rejects " + case) <| fun () -> expectRejected read name bytes fragments

        testCase "reads a valid plain file and the same file gzipped" <| fun () ->
            use dir = new TempDir()
            let content = images 2051 2 28 28 (2 * px)
            let plain = Idx.ReadImages(write dir "a-images" content)
            let zipped = Idx.ReadImages(write dir "a-images.gz" (gzip content))
            Expect.equal (plain.Count, plain.Rows, plain.Cols) (2, 28, 28) "header"
            Expect.equal plain.Pixels (Array.create (2 * px) 7uy) "payload"
            Expect.equal zipped.Pixels plain.Pixels "gzip is transparent"

        testCase "the checksum is not applied when the count is not the full set's" <| fun () ->
            use dir = new TempDir()
            let path = write dir "train-labels-idx1-ubyte" (labels 2049 3 [| 1uy; 2uy; 3uy |])
            let y = Idx.ReadLabels(path, MnistFiles.TrainLabels.Checksum)
            Expect.equal y [| 1uy; 2uy; 3uy |] "a subset loads without the checksum"

        testCase "image and label counts must agree" <| fun () ->
            use dir = new TempDir()
            let x = write dir "train-images-idx3-ubyte" (images 2051 3 28 28 (3 * px))
            let y = write dir "train-labels-idx1-ubyte" (labels 2049 2 [| 0uy; 1uy |])
            let e =
                throwsOf<InvalidDataException>
                    (fun () -> MnistFiles.ReadPart(x, y, MnistFiles.TrainImages, MnistFiles.TrainLabels) |> ignore)
                    "rejected"
            for f in [ x; y; "3 images"; "2 labels"; "equal counts" ] do
                Expect.stringContains e.Message f "message"

        testCase "SHA-256 helper matches a known value" <| fun () ->
            // SHA-256("abc") from FIPS 180-2, appendix B.1.
            Expect.equal (Idx.Sha256Hex("abc"B)) "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" "abc"
    ]
