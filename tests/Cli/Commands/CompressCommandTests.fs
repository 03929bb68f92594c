module BoundLab.Cli.Tests.Commands.CompressCommandTests

open System.IO
open System.Text.Json.Nodes
open Expecto
open BoundLab.Cli.Tests.TestUtil
open BoundLab.Bounds.Catalog

let private fixture = Path.Combine(repoRoot, "tests", "fixtures", "mnist-small")

[<Tests>]
let tests =
    testSequenced <| testList "Cli.Compress" [
        testCase "compress a short fixture run: code length adds up, both bounds evaluate and match the catalog" <| fun () ->
            withTempDir <| fun dir ->
            let out = Path.Combine(dir, "run")
            let code, _, err =
                runCli [ "train"; "--data"; "mnist"; "--data-dir"; fixture; "--arch"; "784-16-10"; "--epochs"; "1"; "--seed"; "1"; "--threads"; "1"; "--out"; out ]
            Expect.equal code 0 $"train exit code; stderr: {err}"
            let code, stdout, err = runCli [ "compress"; out; "--levels"; "5"; "--coder"; "huffman"; "--threads"; "1"; "--json" ]
            Expect.equal code 0 $"compress exit code; stderr: {err}"
            let o = JsonNode.Parse(stdout).AsObject()
            let num (k: string) = o[k].GetValue<float>()
            let parts = num "header_bits" + num "codebook_bits" + num "count_bits" + num "symbol_bits"
            Expect.equal (num "code_length_bits") parts "ℓ = header + codebook + counts + symbols"
            // 784·16 + 16 + 16·10 + 10 = 12,730 parameters; 5 levels: γ(5) + 1 = 6 header bits, 80 codebook bits, 5·⌈log₂ 12731⌉ = 70.
            Expect.equal (num "parameters") 12730.0 "parameter count"
            Expect.equal (num "header_bits", num "codebook_bits", num "count_bits") (6.0, 80.0, 70.0) "fixed parts"
            Expect.isLessThanOrEqual (num "symbol_bits") (12730.0 * 3.0) "Huffman with 5 levels needs at most 3 bits a symbol"
            let n, delta, err = num "n", num "delta", num "train_error_quantized"
            let occam = BoundEvaluator.Evaluate("occam-kl", readOnlyDict [ "train_error", err; "code_length_bits", num "code_length_bits"; "n", n; "delta", delta ])
            Expect.equal (num "occam_kl") occam.Value "occam-kl as the catalog evaluates it"
            let lotfi = BoundEvaluator.Evaluate("lotfi22-compression", readOnlyDict [ "train_error", err; "code_length_bits", num "code_length_bits"; "n", n; "catoni_c", num "lotfi22_C"; "delta", delta ])
            Expect.equal (num "lotfi22_compression") lotfi.Value "lotfi22 at the reported C"
            Expect.isGreaterThanOrEqual (num "occam_kl") err "a bound is above the quantized training error"

        testCase "bad options and a missing run give exit 2 naming the problem" <| fun () ->
            withTempDir <| fun dir ->
            let code, _, err = runCli [ "compress"; dir ]
            Expect.equal code 2 "no run.json"
            Expect.stringContains err "run.json" "names the missing file"
            let code, _, err = runCli [ "compress"; dir; "--levels"; "1" ]
            Expect.equal code 2 "levels 1"
            Expect.stringContains err "--levels" "names the option"
            let code, _, err = runCli [ "compress"; dir; "--delta"; "1" ]
            Expect.equal code 2 "delta 1"
            Expect.stringContains err "(0, 1)" "says what is allowed"
    ]
