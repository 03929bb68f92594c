module BoundLab.Cli.Tests.Commands.VerifyCommandTests

open System.IO
open System.Text.Json.Nodes
open Expecto
open BoundLab.Cli.Tests.TestUtil

let private json (out: string) = JsonNode.Parse(out).AsObject()
// B = 1 exactly: n = 100, ‖X‖ = ‖Y‖ = 10, r₁ = r₂ = 1/4 (least parameters 5390, 48, 2, 4042500; see AdmmConditionsTests).
let private unit = [ "verify"; "admm"; "--n"; "100"; "--x-fro"; "10"; "--y-fro"; "10"; "--r1"; "0.25"; "--r2"; "0.25"; "--no-cross-check" ]
let private given b1 b2 b3 l = [ "--beta1"; b1; "--beta2"; b2; "--beta3"; b3; "--lambda"; l ]
let private small = [ "train"; "--optimizer"; "admm"; "--data"; "product"; "--train-size"; "80"; "--test-size"; "40"; "--arch"; "2-6-6-1"; "--iterations"; "4" ]

[<Tests>]
let tests =
    testSequenced <| testList "Cli.Verify" [
        testCase "verify admm: proved at the least parameters, violated 1e-12 below, naming the condition and the shortfall" <| fun () ->
            let code, out, err = runCli (unit @ given "5390" "48" "2" "4042500" @ [ "--json" ])
            Expect.equal code 0 err
            Expect.equal (json(out).["verdict"].GetValue<string>()) "proved" "proved"
            let code2, out2, _ = runCli (unit @ given "5390" "48" "2" "4042499.999999999999" @ [ "--json" ])
            Expect.equal code2 0 "a violation is an answer, not an error"
            let j = json out2
            Expect.equal (j.["verdict"].GetValue<string>()) "violated" "violated"
            Expect.equal (j.["violated"].AsArray() |> Seq.map (fun v -> v.GetValue<string>()) |> List.ofSeq) [ "lambda-beta1" ] "names it"
            let c = j.["conditions"].AsArray() |> Seq.find (fun c -> c.["condition"].GetValue<string>() = "lambda-beta1")
            Expect.floatClose Accuracy.high (c.["shortfall"].GetValue<float>()) 1e-12 "by how much"
            Expect.equal (c.["required"].GetValue<string>()) "4042500" "what is needed"

        testCase "verify admm --synthesize returns the least parameters exactly and the authors' defaults comparison" <| fun () ->
            let code, out, err = runCli (unit @ [ "--synthesize"; "--json" ])
            Expect.equal code 0 err
            let j = json out
            for (k, v) in [ "beta1", "5390"; "beta2", "48"; "beta3", "2"; "lambda", "4042500" ] do
                Expect.equal (j.[k].GetValue<string>()) v k
            Expect.isTrue (j.["exact"].GetValue<bool>()) "exact"
            Expect.floatClose Accuracy.high (j.["authors_defaults"].["lambda_ratio"].GetValue<float>()) 4.0425e12 "λ / 1e-6"

        testCase "verify admm --write-smt writes one readable obligation per condition" <| fun () ->
            withTempDir <| fun dir ->
                let code, _, err = runCli (unit @ given "5390" "47" "2" "4042500" @ [ "--write-smt"; dir ])
                Expect.equal code 0 err
                let files = Directory.GetFiles(dir, "*.smt2")
                Expect.equal files.Length 6 "six conditions"
                let beta2 = File.ReadAllLines(Path.Combine(dir, "admm-beta2.smt2"))
                Expect.equal beta2.[0] "; expect: sat" "β₂ = 47 violates"
                Expect.stringStarts beta2.[1] "; proves: NOT (β₂ ≥ 16 (β₃ + 1) B²" "says what"

        testCase "verify admm: bad input is one line naming the option; other depths have no verified condition" <| fun () ->
            for (args, needle) in
                [ unit @ given "abc" "48" "2" "1", "--beta1: got 'abc'"
                  unit @ given "5390" "0" "2" "1", "--beta2: got '0'"
                  unit @ [ "--synthesize"; "--beta1"; "3" ], "--beta1: --synthesize computes"
                  unit @ [ "--depth"; "4"; "--synthesize" ], "no verified convergence condition exists here for other depths"
                  [ "verify"; "admm"; "--n"; "2.5"; "--x-fro"; "1"; "--y-fro"; "1"; "--r1"; "1"; "--r2"; "1"; "--synthesize" ], "--n: got '5/2'"
                  [ "verify"; "admm"; "--x-fro"; "1" ], "--n is required" ] do
                let code, _, err = runCli args
                Expect.equal code 2 $"exit code for {args}"
                Expect.stringContains err needle "message"
                Expect.equal (err.Trim().Split('\n').Length) 1 "one line"

        testCase "verify gd and verify sgld" <| fun () ->
            let code, out, err = runCli [ "verify"; "gd"; "--lr"; "0.1"; "--smoothness"; "10"; "--json" ]
            Expect.equal code 0 err
            Expect.equal (json(out).["verdict"].GetValue<string>()) "proved" "η = 1/ℓ"
            let _, out2, _ = runCli [ "verify"; "gd"; "--lr"; "0.11"; "--smoothness"; "10"; "--json" ]
            Expect.equal (json(out2).["verdict"].GetValue<string>()) "violated" "η > 1/ℓ"
            let code3, out3, err3 = runCli [ "verify"; "sgld"; "--lr"; "0.1"; "--beta"; "25"; "--lipschitz"; "1"; "--schedule"; "inverse"; "--json" ]
            Expect.equal code3 0 err3
            let j = json out3
            Expect.equal (j.["k0"].GetValue<int64>()) 3L "k₀"
            Expect.equal (j.["verdict"].GetValue<string>()) "proved" "proved"

        testCase "train --optimizer admm: synthesized parameters are proved, run.json records the Lagrangian and residuals" <| fun () ->
            withTempDir <| fun dir ->
                let out = Path.Combine(dir, "run")
                let code, _, err = runCli (small @ [ "--out"; out ])
                Expect.equal code 0 err
                let run = JsonNode.Parse(File.ReadAllText(Path.Combine(out, "run.json"))).AsObject()
                Expect.equal (run.["conditions_verdict"].GetValue<string>()) "proved" "verified first"
                Expect.isFalse (run.["unverified"].GetValue<bool>()) "not unverified"
                let iters = run.["iterations"].AsArray()
                Expect.equal iters.Count 4 "one record per iteration"
                for key in [ "lagrangian"; "primal_residual"; "kkt_residual" ] do
                    Expect.isTrue (iters.[0].[key] <> null) key
                let l (i: int) = iters.[i].["lagrangian"].GetValue<float>()
                Expect.isLessThanOrEqual (l 3) (l 1) "ℒ descends"
                Expect.isTrue (run.["gap"] <> null && run.["train_error"] <> null) "scored by the evaluation"
                Expect.isTrue (File.Exists(Path.Combine(out, "weights.bin"))) "weights"
                Expect.isGreaterThan (run.["authors_defaults"].["lambda_ratio"].GetValue<float>()) 1e6 "λ far above the authors' 1e-6"

        testCase "train --optimizer admm refuses unproved parameters unless --unverified, and then says so" <| fun () ->
            withTempDir <| fun dir ->
                let out = Path.Combine(dir, "run")
                let args = small @ given "1" "1" "1" "1e-6" @ [ "--out"; out ]
                let code, _, err = runCli args
                Expect.equal code 2 "refused"
                Expect.stringContains err "not proved" "says why"
                Expect.stringContains err "β₃ ≥ 2" "names a violated condition"
                let code2, _, err2 = runCli (args @ [ "--unverified" ])
                Expect.equal code2 0 err2
                let run = JsonNode.Parse(File.ReadAllText(Path.Combine(out, "run.json"))).AsObject()
                Expect.isTrue (run.["unverified"].GetValue<bool>()) "recorded"
                Expect.equal (run.["conditions_verdict"].GetValue<string>()) "violated" "verdict recorded"

        testCase "train --optimizer admm on a 4-layer net: no verified condition, runs only with --unverified" <| fun () ->
            withTempDir <| fun dir ->
                let deep = [ "train"; "--optimizer"; "admm"; "--train-size"; "40"; "--test-size"; "20"; "--arch"; "2-5-5-5-1"; "--iterations"; "2"; "--out"; Path.Combine(dir, "run") ]
                let code, _, err = runCli deep
                Expect.equal code 2 "refused"
                Expect.stringContains err "no verified ADMM convergence condition exists for 4 layers" "plainly"
                let code2, _, err2 = runCli (deep @ given "1" "1" "1" "1e-6" @ [ "--beta4"; "1"; "--unverified" ])
                Expect.equal code2 0 err2
    ]
