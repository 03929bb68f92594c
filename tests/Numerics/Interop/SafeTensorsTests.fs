module BoundLab.Numerics.Tests.Interop.SafeTensorsTests

open System
open System.IO
open System.Text
open System.Collections.Generic
open Expecto
open BoundLab.Numerics.Tests.TestUtil
open BoundLab.Numerics.Interop

let private hex (s: string) = Convert.FromHexString s

// ---- golden files, made once with /usr/bin/python3 (stdlib only: struct + json), pasted as hex; CI runs no python ----
//
// import json, struct
// # File 1, built from the format's definition as the reference serializer lays it out: tensors sorted by dtype
// # size (F64 first) then name; compact JSON, "__metadata__" first; header padded with spaces to 8 bytes.
// tensors = [("scale", "F64", [], [3.141592653589793]),
//            ("a.bias", "F32", [3], [1.0, -2.0, 0.25]),
//            ("b.weight", "F32", [2, 3], [0.5, -1.25, 3.0, 0.1, -0.0, 1e-3]),
//            ("empty", "F32", [0], [])]
// header = {"__metadata__": {"arch": "lenet", "format": "pt"}}
// data = b""
// for name, dt, shape, vals in tensors:
//     raw = struct.pack("<%d%s" % (len(vals), "d" if dt == "F64" else "f"), *vals)
//     header[name] = {"dtype": dt, "shape": shape, "data_offsets": [len(data), len(data) + len(raw)]}
//     data += raw
// h = json.dumps(header, separators=(",", ":")).encode()
// h += b" " * ((8 - len(h) % 8) % 8)
// print("file1", (struct.pack("<Q", len(h)) + h + data).hex())
// # File 2, as another writer might: keys in another order, spaces in the JSON, tensors not sorted, F32 before F64,
// # a non-ASCII name, no metadata, no padding.
// h2 = ('{ "w\u00e9": {"data_offsets": [0, 8], "shape": [2], "dtype": "F32"},'
//       ' "z": {"shape": [1, 1], "dtype": "F64", "data_offsets": [8, 16]} }').encode("utf-8")
// d2 = struct.pack("<2f", 1.5, -7.0) + struct.pack("<d", 2.0 ** -30)
// print("file2", (struct.pack("<Q", len(h2)) + h2 + d2).hex())
// # File 3: escapes as serde_json (and Python's json with ensure_ascii=False) write them; non-ASCII raw UTF-8.
// h3 = json.dumps({"__metadata__": {"note": "a\"b\\c\nd\te\u0001\u00e9\u20ac"}, "x": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}},
//                 separators=(",", ":"), ensure_ascii=False).encode("utf-8")
// h3 += b" " * ((8 - len(h3) % 8) % 8)
// print("file3", (struct.pack("<Q", len(h3)) + h3 + struct.pack("<f", -0.5)).hex())
//
// Checked once by hand the other way round: a LeNet-shaped file written by SafeTensors.Write (0.weight [6,1,5,5],
// 0.bias, 3.weight [16,6,5,5], 10.bias as F32, lr [] as F64, metadata arch/format) was parsed by this stdlib-only
// script, which printed the same shapes, metadata, first values and float64 sums (9 digits) as the C# side:
//   b = open(path, "rb").read(); n, = struct.unpack("<Q", b[:8]); h = json.loads(b[8:8 + n]); data = b[8 + n:]
//   for k, v in h.items(): (k == "__metadata__") or print(k, v["shape"], struct.unpack("<%d%s" % (...), data[s:e]))
// It showed the header 368 bytes long (a multiple of 8) with the keys in the order __metadata__, lr, 0.bias,
// 0.weight, 10.bias, 3.weight — F64 first, then names in byte order, as the reference serializer sorts them.
//
// The Python safetensors package is not installed here (and torch 1.13 cannot write the format), so the layout rules
// (sort order, padding, key order) were taken from the reference serializer's source (safetensors/src/tensor.rs,
// `prepare` and `impl Serialize for Metadata`), and its own test vector is checked below as well.

let private file1 =
    hex ("20010000000000007b225f5f6d657461646174615f5f223a7b2261726368223a226c656e6574222c22666f726d6174223a227074227d2c22"
         + "7363616c65223a7b226474797065223a22463634222c227368617065223a5b5d2c22646174615f6f666673657473223a5b302c385d7d2c"
         + "22612e62696173223a7b226474797065223a22463332222c227368617065223a5b335d2c22646174615f6f666673657473223a5b382c32"
         + "305d7d2c22622e776569676874223a7b226474797065223a22463332222c227368617065223a5b322c335d2c22646174615f6f66667365"
         + "7473223a5b32302c34345d7d2c22656d707479223a7b226474797065223a22463332222c227368617065223a5b305d2c22646174615f6f"
         + "666673657473223a5b34342c34345d7d7d202020182d4454fb2109400000803f000000c00000803e0000003f0000a0bf00004040cdcccc"
         + "3d000000806f12833a")

let private file2 =
    hex ("82000000000000007b202277c3a9223a207b22646174615f6f666673657473223a205b302c20385d2c20227368617065223a205b325d2c"
         + "20226474797065223a2022463332227d2c20227a223a207b227368617065223a205b312c20315d2c20226474797065223a202246363422"
         + "2c2022646174615f6f666673657473223a205b382c2031365d7d207d0000c03f0000e0c0000000000000103e")

let private file3 =
    hex ("70000000000000007b225f5f6d657461646174615f5f223a7b226e6f7465223a22615c22625c5c635c6e645c74655c7530303031c3a9e2"
         + "82ac227d2c2278223a7b226474797065223a22463332222c227368617065223a5b315d2c22646174615f6f666673657473223a5b302c34"
         + "5d7d7d20202020202020000000bf")

/// The tensors of file 1, given in an order the writer must change (names and dtypes unsorted).
let private file1Tensors =
    [ SafeTensor("b.weight", [| 2; 3 |], [| 0.5f; -1.25f; 3.0f; 0.1f; -0.0f; 1e-3f |])
      SafeTensor("empty", [| 0 |], Array.empty<float32>)
      SafeTensor("a.bias", [| 3 |], [| 1.0f; -2.0f; 0.25f |])
      SafeTensor("scale", Array.empty<int>, [| 3.141592653589793 |]) ]

let private file1Metadata = readOnlyDict [ "format", "pt"; "arch", "lenet" ]

/// A file from a header string (as UTF-8, unpadded) and data bytes.
let private fileOf (header: string) (data: byte[]) =
    let h = Encoding.UTF8.GetBytes header
    Array.concat [ BitConverter.GetBytes(uint64 h.Length); h; data ]

let private badFile (bytes: byte[]) (words: string list) =
    let e = throwsOf<InvalidDataException> (fun () -> SafeTensors.Deserialize(ReadOnlySpan bytes, "m.safetensors") |> ignore) "malformed"
    Expect.stringStarts e.Message "m.safetensors: " "names the file"
    Expect.isFalse (e.Message.Contains '\n') "one line"
    for w in words do Expect.stringContains e.Message w "message"

let private entry (name: string) (dtype: string) (shape: string) (b: int) (e: int) =
    sprintf "\"%s\":{\"dtype\":\"%s\",\"shape\":%s,\"data_offsets\":[%d,%d]}" name dtype shape b e

[<Tests>]
let tests =
    testList "Numerics.Interop.SafeTensors" [
        testCase "the writer gives the bytes Python builds from the format's definition (file 1)" <| fun () ->
            let got = SafeTensors.Serialize(ResizeArray file1Tensors, file1Metadata)
            Expect.equal (Convert.ToHexString got) (Convert.ToHexString file1) "bytes"

        testCase "the reader reads file 1 in data order with the values Python packed" <| fun () ->
            let f = SafeTensors.Deserialize(ReadOnlySpan file1)
            Expect.equal [ for t in f.Tensors -> t.Name ] [ "scale"; "a.bias"; "b.weight"; "empty" ] "data order"
            Expect.equal (List.ofSeq f.Tensors) [ file1Tensors[3]; file1Tensors[2]; file1Tensors[0]; file1Tensors[1] ] "tensors"
            Expect.equal (f["scale"].AsFloat64().ToArray()) [| 3.141592653589793 |] "F64 scalar"
            Expect.equal (List.ofSeq f["scale"].Shape) [] "scalar shape"
            Expect.equal (f["b.weight"].ToFloat64Array()[3]) (float 0.1f) "0.1 rounded to float32 by struct.pack"
            Expect.equal (BitConverter.SingleToInt32Bits(f["b.weight"].AsFloat32()[4])) (BitConverter.SingleToInt32Bits -0.0f) "−0 kept"
            Expect.equal (Map.ofSeq [ for kv in f.Metadata -> kv.Key, kv.Value ]) (Map [ "arch", "lenet"; "format", "pt" ]) "metadata"

        testCase "the reader reads file 2: any key order, spaces, unsorted tensors, non-ASCII name, no metadata" <| fun () ->
            let f = SafeTensors.Deserialize(ReadOnlySpan file2)
            Expect.equal (List.ofSeq f.Tensors)
                [ SafeTensor("wé", [| 2 |], [| 1.5f; -7.0f |]); SafeTensor("z", [| 1; 1 |], [| Math.Pow(2.0, -30.0) |]) ] "tensors"
            Expect.equal f.Metadata.Count 0 "no metadata"

        testCase "escapes as serde_json writes them (file 3), both ways" <| fun () ->
            let note = "a\"b\\c\nd\te\u0001é€"
            let got = SafeTensors.Serialize(ResizeArray [ SafeTensor("x", [| 1 |], [| -0.5f |]) ], readOnlyDict [ "note", note ])
            Expect.equal (Convert.ToHexString got) (Convert.ToHexString file3) "bytes"
            Expect.equal (SafeTensors.Deserialize(ReadOnlySpan file3).Metadata["note"]) note "metadata read back"

        testCase "the reference implementation's own test vector (tensor.rs, test_serialization)" <| fun () ->
            // attn.0: F32 [1, 2, 3] = 0..5, no metadata; the 72 bytes as listed in the reference's test.
            let expected =
                [| 64uy; 0uy; 0uy; 0uy; 0uy; 0uy; 0uy; 0uy |]
                |> Array.append <| Encoding.ASCII.GetBytes "{\"attn.0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}"
                |> fun b -> Array.append b [| 0uy; 0uy; 0uy; 0uy; 0uy; 0uy; 128uy; 63uy; 0uy; 0uy; 0uy; 64uy; 0uy; 0uy; 64uy; 64uy
                                              0uy; 0uy; 128uy; 64uy; 0uy; 0uy; 160uy; 64uy |]
            let got = SafeTensors.Serialize(ResizeArray [ SafeTensor("attn.0", [| 1; 2; 3 |], [| 0f; 1f; 2f; 3f; 4f; 5f |]) ], null)
            Expect.equal got expected "bytes (the header is 64 bytes: no padding needed)"

        testCase "round trip through a file keeps every bit: NaN payloads, ±0, ±∞, subnormals" <| fun () ->
            use dir = new TempDir()
            let path = Path.Combine(dir.Path, "w.safetensors")
            let f32 = [| Single.NaN; BitConverter.Int32BitsToSingle 0x7fc00001; -0.0f; 0.0f; Single.PositiveInfinity
                         Single.NegativeInfinity; Single.Epsilon; -Single.MaxValue; 1.17549435e-38f; 42f; 7f; 8f |]
            let f64 = [| Double.NaN; BitConverter.Int64BitsToDouble 0x7ff0000000000123L; -0.0; Double.Epsilon; Double.MaxValue; 1e-310 |]
            let tensors = [ SafeTensor("0.weight", [| 3; 4 |], f32); SafeTensor("0.bias", [| 6 |], f64)
                            SafeTensor("10.weight", [| 2; 1; 3 |], Array.init 6 float32); SafeTensor("2.weight", [| 1 |], [| 1.0 |]) ]
            SafeTensors.Write(path, ResizeArray tensors, readOnlyDict [ "arch", "784-512-10"; "ünïcode", "✓" ])
            let back = SafeTensors.Read path
            let byName (ts: SafeTensor seq) = ts |> Seq.sortBy (fun t -> t.Name) |> List.ofSeq
            Expect.equal (byName back.Tensors) (byName tensors) "same tensors, bit for bit"
            Expect.equal [ for t in back.Tensors -> t.Name ] [ "0.bias"; "2.weight"; "0.weight"; "10.weight" ] "F64 first, then by name"
            Expect.equal back.Metadata["ünïcode"] "✓" "metadata"
            Expect.equal (Directory.GetFiles dir.Path) [| path |] "no temporary file left"

        testCase "a failed write leaves the existing file untouched" <| fun () ->
            use dir = new TempDir()
            let path = Path.Combine(dir.Path, "w.safetensors")
            SafeTensors.Write(path, ResizeArray [ SafeTensor("x", [| 1 |], [| 1f |]) ], null)
            let before = File.ReadAllBytes path
            let dup = ResizeArray [ SafeTensor("x", [| 1 |], [| 2f |]); SafeTensor("x", [| 1 |], [| 3f |]) ]
            let e = throwsOf<ArgumentException> (fun () -> SafeTensors.Write(path, dup, null)) "duplicate"
            Expect.stringContains e.Message "'x' appears twice" "message"
            Expect.equal (File.ReadAllBytes path) before "unchanged"
            Expect.equal (Directory.GetFiles dir.Path) [| path |] "no temporary file left"
            let e = thrown (fun () -> SafeTensors.Write(Path.Combine(dir.Path, "no", "such", "w.safetensors"), dup, null))
            Expect.stringContains e.Message "appears twice" "arguments are checked first"
            let e = thrown (fun () -> SafeTensors.Write(Path.Combine(dir.Path, "no", "w.safetensors"), ResizeArray [ SafeTensor("y", [||], [| 0f |]) ], null))
            Expect.stringContains e.Message "does not exist" "missing folder"

        testCase "bad tensors and metadata are refused when made or written" <| fun () ->
            let cases : (string * (unit -> unit) * string list) list =
                [ "count", (fun () -> SafeTensor("w", [| 2; 3 |], Array.zeroCreate<float32> 5) |> ignore), [ "'w'"; "[2, 3]"; "6 values"; "5 were given" ]
                  "negative dim", (fun () -> SafeTensor("w", [| 2; -1 |], Array.zeroCreate<float> 0) |> ignore), [ "shape[1] is -1"; "≥ 0" ]
                  "empty name", (fun () -> SafeTensor("", [| 1 |], [| 1f |]) |> ignore), [ "non-empty" ]
                  "reserved name", (fun () -> SafeTensor("__metadata__", [| 1 |], [| 1f |]) |> ignore), [ "__metadata__" ]
                  "null metadata value", (fun () -> SafeTensors.Serialize(ResizeArray [ SafeTensor("x", [| 1 |], [| 1f |]) ], readOnlyDict [ "k", (null: string) ]) |> ignore), [ "metadata['k'] is null" ]
                  "lone surrogate", (fun () -> SafeTensors.Serialize(ResizeArray [ SafeTensor(String([| 'x'; char 0xD800 |]), [| 1 |], [| 1f |]) ], null) |> ignore), [ "not valid Unicode" ] ]
            for name, f, words in cases do
                let e = throwsOf<ArgumentException> f name
                for w in words do Expect.stringContains e.Message w name
            let t = SafeTensor("x", [| 1 |], [| 1f |])
            Expect.stringContains (thrown (fun () -> t.AsFloat64().Length |> ignore)).Message "dtype F32" "wrong accessor"
            Expect.equal (t.ToFloat64Array()) [| 1.0 |] "widened copy"
            let f = SafeTensors.Deserialize(ReadOnlySpan file1)
            Expect.stringContains (thrown (fun () -> f["nope"] |> ignore)).Message "no tensor 'nope'; the file has: scale, a.bias" "lookup"

        testList "malformed files give one line naming the file and the fault" [
            let ok = entry "w" "F32" "[2]" 0 8
            let data8 = Array.zeroCreate<byte> 8
            for name, bytes, words in
                [ "shorter than 8 bytes", [| 1uy; 2uy; 3uy |], [ "truncated: 3 bytes" ]
                  "header cut short", file1[.. 100], [ "truncated"; "says 288 bytes"; "only 93 follow" ]
                  "data cut short", file1[.. file1.Length - 5], [ "'b.weight'"; "[20, 44]"; "run past the data"; "40 bytes" ]
                  "huge header length", Array.append (BitConverter.GetBytes 200_000_000UL) (Array.zeroCreate 16), [ "200000000"; "at most 100000000" ]
                  "not UTF-8", Array.concat [ BitConverter.GetBytes 4UL; [| 0x7buy; 0xffuy; 0xfeuy; 0x7duy |] ], [ "not valid UTF-8" ]
                  "not JSON", fileOf "{\"w\": {\"dtype\": " data8, [ "not valid JSON" ]
                  "not an object", fileOf "[1, 2]" [||], [ "does not start with '{'" ]
                  "unknown dtype", fileOf ("{" + entry "w" "Q7" "[2]" 0 8 + "}") data8, [ "'w'"; "unknown dtype \"Q7\""; "allowed: F32, F64" ]
                  "F16 refused", fileOf ("{" + entry "h" "F16" "[4]" 0 8 + "}") data8, [ "'h'"; "dtype F16"; "allowed: F32, F64" ]
                  "dtype not a string", fileOf "{\"w\":{\"dtype\":3,\"shape\":[2],\"data_offsets\":[0,8]}}" data8, [ "'w'"; "dtype is a JSON number" ]
                  "missing shape", fileOf "{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}" data8, [ "'w'"; "no \"shape\"" ]
                  "negative dimension", fileOf ("{" + entry "w" "F32" "[-2]" 0 8 + "}") data8, [ "'w'"; "shape is [-2]"; "non-negative integers" ]
                  "three offsets", fileOf "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4,8]}}" data8, [ "'w'"; "data_offsets is [0,4,8]"; "2 non-negative integers" ]
                  "fractional offset", fileOf "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8.5]}}" data8, [ "'w'"; "data_offsets" ]
                  "end before begin", fileOf ("{" + entry "w" "F32" "[0]" 8 0 + "}") data8, [ "'w'"; "[8, 0]"; "begin ≤ end" ]
                  "shape vs offsets", fileOf ("{" + entry "w" "F32" "[3]" 0 8 + "}") data8, [ "'w'"; "[3]"; "needs 12 bytes"; "span 8" ]
                  "overlap", fileOf ("{" + ok + "," + entry "v" "F32" "[2]" 4 12 + "}") (Array.zeroCreate 12), [ "'w' and 'v' overlap" ]
                  "gap", fileOf ("{" + ok + "," + entry "v" "F32" "[2]" 12 20 + "}") (Array.zeroCreate 20), [ "bytes 8 to 12"; "no tensor"; "'v'" ]
                  "out of range", fileOf ("{" + ok + "," + entry "v" "F64" "[1]" 8 16 + "}") (Array.zeroCreate 12), [ "'v'"; "[8, 16]"; "12 bytes" ]
                  "trailing bytes", fileOf ("{" + ok + "}") (Array.zeroCreate 11), [ "3 bytes after the last tensor" ]
                  "duplicate key", fileOf ("{" + ok + "," + ok + "}") data8, [ "\"w\" twice" ]
                  "metadata not strings", fileOf ("{\"__metadata__\":{\"epochs\":3}," + ok + "}") data8, [ "\"__metadata__\".\"epochs\""; "a JSON number"; "a string" ]
                  "metadata not an object", fileOf ("{\"__metadata__\":\"x\"," + ok + "}") data8, [ "\"__metadata__\" is a JSON string" ] ] do
                testCase name <| fun () -> badFile bytes words

            testCase "a missing file is named" <| fun () ->
                let e = throwsOf<FileNotFoundException> (fun () -> SafeTensors.Read "/nonexistent/x.safetensors" |> ignore) "missing"
                Expect.equal e.Message "/nonexistent/x.safetensors: no such file." "message"
        ]
    ]
