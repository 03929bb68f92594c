/// boundlab pacbayes and PacBayesPipeline on runs trained on the committed fixture: the certificate record (finite, between
/// the test error's lower confidence end and 1, written atomically), resuming, the held-out bookkeeping of PBB (n = the
/// held-out count, disjoint from the rows the prior was trained on), random labels certified worse, and bad input.
module BoundLab.Cli.Tests.PacBayesCommandTests

open System
open System.IO
open System.Text.Json.Nodes
open Expecto
open BoundLab.Numerics.Data
open BoundLab.Numerics.Stochastic
open BoundLab.Studies.PacBayes
open BoundLab.Cli.Tests.TestUtil

let private fixture = Path.Combine(repoRoot, "tests", "fixtures", "mnist-small")

let private train (out: string) (args: string list) =
    let code, _, err = runCli ([ "train"; "--data-dir"; fixture; "--threads"; "2"; "--out"; out ] @ args)
    Expect.equal code 0 (sprintf "train exit code; stderr: %s" err)
    out

/// A one-output binary run (DR17's setting, tiny): mnist-binary, 784-16-1, logistic loss.
let private binaryRun (dir: string) (name: string) (extra: string list) =
    let arch = match List.tryFindIndex ((=) "--arch") extra with Some i -> extra[i + 1] | None -> "784-16-1"
    let extra = match List.tryFindIndex ((=) "--arch") extra with Some i -> List.removeManyAt i 2 extra | None -> extra
    train (Path.Combine(dir, name)) ([ "--data"; "mnist-binary"; "--arch"; arch; "--loss"; "logistic"; "--epochs"; "3"; "--seed"; "1" ] @ extra)

/// A 10-class run on 1,000 of the fixture's 2,000 training images (PBB's prior learnt on a subset).
let private subsetRun (dir: string) (name: string) =
    train (Path.Combine(dir, name)) [ "--data"; "mnist"; "--train-size"; "1000"; "--arch"; "784-16-10"; "--epochs"; "2"; "--seed"; "4" ]

let private oneError (err: string) (expected: string list) =
    let lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries ||| StringSplitOptions.TrimEntries)
    let errors = lines |> Array.filter (fun l -> l.StartsWith "error:")
    Expect.equal errors.Length 1 (sprintf "one error line; stderr: %s" err)
    for e in expected do Expect.stringContains errors[0] e "message"
    Expect.isFalse (errors[0].Contains "Parameter '") "no .NET text"

/// The lower end of a Hoeffding interval at confidence 1 − 10⁻⁶ around the stochastic test error: a certificate of the
/// stochastic classifier's test error may not be below it (that would be a bug or a 10⁻⁶ event).
let private lowerSide (c: PacBayesCertificate) (nTest: int) =
    c.StochasticTestError - sqrt (log 1e6 / (2.0 * float nTest))

/// The certificate a run folder holds (fails when there is none).
let private certificateOf (run: string) (m: PacBayesMethod) =
    let c = PacBayesPipeline.Read(run, m)
    Expect.isNotNull (box c) (sprintf "%s holds a %A certificate" run m)
    c

/// The certificate as JSON without its seconds (the one part a re-run may change).
let private withoutSeconds (c: PacBayesCertificate) =
    let node = JsonNode.Parse(CertificateJson.Format c).AsObject()
    node.Remove "seconds" |> ignore
    node.ToJsonString()

let private checkRecord (run: string) (c: PacBayesCertificate) (nTest: int) =
    Expect.isTrue (Double.IsFinite c.Value) "finite certificate"
    Expect.isLessThanOrEqual c.Value 1.0 "an error bound ≤ 1"
    Expect.isGreaterThanOrEqual c.Value (lowerSide c nTest) "not below the test error's lower confidence end"
    Expect.isGreaterThanOrEqual c.Value c.McError "above the Monte-Carlo training error it is built on"
    Expect.isNonEmpty c.Terms "every term recorded"
    for t in c.Terms do Expect.isTrue (Double.IsFinite t.Value) (sprintf "term %s finite" t.Name)
    Expect.isGreaterThan c.McSamples 0L "M recorded"
    Expect.isGreaterThanOrEqual c.Kl 0.0 "KL ≥ 0"
    Expect.isNonEmpty c.TrainingOptions "training options recorded"
    Expect.isGreaterThanOrEqual c.Seconds.Total (c.Seconds.Training + c.Seconds.MonteCarlo + c.Seconds.Test) "total ≥ the stages"
    Expect.equal c.CodeVersion PacBayesPipeline.CodeVersion "code version"
    let file = Path.Combine(run, sprintf "pacbayes-%s.json" c.Method)
    Expect.isTrue (File.Exists file) "the record is written"
    Expect.isEmpty (Directory.GetFiles(run, "*tmp*")) "no temporary file left beside it"
    Expect.equal (CertificateJson.Format(CertificateJson.Read file)) (CertificateJson.Format c) "the file holds the certificate returned"
    let text = File.ReadAllText file
    Expect.isFalse (text.Contains "NaN" || text.Contains "Infinity") "no NaN in the record"

/// Stops the pipeline after the first posterior epoch (as Ctrl-C would).
type private StopAfterFirstEpoch(cancel: Threading.CancellationTokenSource) =
    interface IPacBayesProgress with
        member _.Stage _ = ()
        member _.Epoch(_, _) = cancel.Cancel()
        member _.McPass(_, _, _) = ()

[<Tests>]
let tests =
    testSequenced <| testList "Cli.PacBayes" [
        testCase "dr17 end to end on a binary fixture run: the record, λ on the grid, --json prints it, a re-run skips every stage" <| fun () ->
            withTempDir <| fun dir ->
            let run = binaryRun dir "run" []
            let args = [ "pacbayes"; run; "--method"; "dr17"; "--epochs"; "3"; "--mc-passes"; "2"; "--threads"; "2"; "--json" ]
            let clock = Diagnostics.Stopwatch.StartNew()
            let code, out, err = runCli args
            let wall = clock.Elapsed.TotalSeconds
            Expect.equal code 0 (sprintf "exit code; stderr: %s" err)
            Expect.stringContains err "epoch 3/3" "progress per epoch"
            Expect.stringContains err "Monte-Carlo pass 2/2" "progress per Monte-Carlo pass"
            let c = (certificateOf run PacBayesMethod.Dr17)
            Expect.equal (JsonNode.Parse(out).ToJsonString()) (JsonNode.Parse(File.ReadAllText(Path.Combine(run, "pacbayes-dr17.json"))).ToJsonString()) "--json prints the record"
            checkRecord run c 1000
            Expect.isLessThanOrEqual c.Seconds.Total wall "the total is within the command's wall time (no stage counted twice)"
            Expect.equal c.Entry "dr17" "the catalog's dr17 entry"
            Expect.equal c.N 2000 "n = the run's training set"
            Expect.equal c.Epochs 3 "epochs run"
            let j = c.PriorIndex.Value
            Expect.isGreaterThanOrEqual j 1 "j ≥ 1"
            Expect.equal c.PriorVariance (0.1 * exp (-(float j) / 100.0)) "λ_j = 0.1·e^(−j/100)"
            let jc = 100.0 * log (0.1 / c.TrainedPriorVariance.Value)
            Expect.isTrue (float j = max 1.0 (floor jc) || float j = max 1.0 (ceil jc)) (sprintf "j = %d is ⌊%g⌋ or ⌈%g⌉" j jc jc)
            Expect.equal c.Delta 0.025 "δ default"
            Expect.equal c.DeltaMc 0.01 "δ′ default"
            let code2, out2, err2 = runCli args
            Expect.equal code2 0 (sprintf "re-run exit code; stderr: %s" err2)
            Expect.stringContains err2 "trained earlier" "the training stage is skipped"
            Expect.stringContains err2 "recorded earlier" "the Monte-Carlo stages are skipped"
            let c2 = (certificateOf run PacBayesMethod.Dr17)
            Expect.equal (withoutSeconds c2) (withoutSeconds c) "the same certificate"
            let code3, _, err3 = runCli (args @ [ "--restart" ])
            Expect.equal code3 0 (sprintf "--restart exit code; stderr: %s" err3)
            Expect.isFalse (err3.Contains "trained earlier") "--restart trains again"
            let c3 = (certificateOf run PacBayesMethod.Dr17)
            Expect.equal (withoutSeconds c3) (withoutSeconds c) "--restart gives the same certificate (same seed)"

        testCase "dr17 interrupted after one epoch resumes from its checkpoint to the uninterrupted certificate, on 1 or 2 threads" <| fun () ->
            withTempDir <| fun dir ->
            let a = binaryRun dir "a" []
            let b = binaryRun dir "b" []
            let options threads = PacBayesOptions(PacBayesMethod.Dr17, Epochs = Nullable 3, McPasses = 1, Threads = threads)
            let whole = PacBayesPipeline.Run(a, options 2)
            use cancel = new Threading.CancellationTokenSource()
            Expect.throwsT<OperationCanceledException> (fun () -> PacBayesPipeline.Run(b, options 1, StopAfterFirstEpoch cancel, cancel.Token) |> ignore) "interrupted"
            Expect.isFalse (File.Exists(Path.Combine(b, "pacbayes-dr17.json"))) "no certificate from an interrupted run"
            let resumed = PacBayesPipeline.Run(b, options 1)
            Expect.isGreaterThanOrEqual resumed.ResumedFromEpoch 1 "resumed from the checkpoint"
            Expect.equal resumed.Value whole.Value "bit-identical certificate"
            Expect.equal resumed.Kl whole.Kl "bit-identical KL"
            Expect.equal resumed.McError whole.McError "bit-identical Monte-Carlo error"

        testCase "random labels get a larger dr17 certificate than true labels" <| fun () ->
            withTempDir <| fun dir ->
            // 784-8-1 and 60 posterior epochs at lr 0.03: enough for a non-vacuous certificate on 2,000 images (measured 0.52
            // for true labels, 0.65 for random ones, whose posterior collapses onto the prior at Monte-Carlo error ≈ 1/2).
            let truth = binaryRun dir "true" [ "--arch"; "784-8-1" ]
            let random = binaryRun dir "random" [ "--arch"; "784-8-1"; "--label-noise"; "1" ]
            let options = PacBayesOptions(PacBayesMethod.Dr17, Epochs = Nullable 60, LearningRate = Nullable 0.03, McPasses = 1)
            let ct = PacBayesPipeline.Run(truth, options)
            let cr = PacBayesPipeline.Run(random, options)
            Expect.isLessThan ct.Value 0.9 (sprintf "true labels: a non-vacuous certificate (%g)" ct.Value)
            Expect.isGreaterThan cr.Value 0.5 (sprintf "random labels: certificate %g > 1/2" cr.Value)
            Expect.isGreaterThan cr.Value (ct.Value + 0.05) (sprintf "random labels %g well above true labels %g" cr.Value ct.Value)

        testCase "pbb-quad: n = the held-out count, its index hash recorded, and the prior never saw a held-out row" <| fun () ->
            withTempDir <| fun dir ->
            let run = subsetRun dir "run"
            let code, _, err = runCli [ "pacbayes"; run; "--method"; "pbb-quad"; "--epochs"; "1"; "--mc-passes"; "1"; "--prior-std"; "0.03" ]
            Expect.equal code 0 (sprintf "exit code; stderr: %s" err)
            let c = (certificateOf run PacBayesMethod.PbbQuad)
            checkRecord run c 1000
            let options = DataOptions("mnist", fixture, Nullable 1000, Nullable(), 0.0, 4UL)
            let held = HeldOut.Load options
            Expect.equal c.Entry "pbb21-kl" "the catalog's pbb21-kl entry"
            Expect.equal c.N held.SourceIndices.Length "n = the held-out count from the index set"
            Expect.equal c.N 1000 "2,000 fixture images − the 1,000 the prior trained on"
            Expect.equal c.DataIndexSha256 held.IndexSha256 "index hash recorded"
            Expect.equal c.TrainingExamples 2000 "the posterior trains on the subset and the held-out set"
            Expect.equal c.PriorStd (Nullable 0.03) "σ₀ recorded"
            // The rows the run (the prior) trained on and the held-out rows are disjoint: no held-out image is in the subset.
            let subset = (Datasets.Load options).Train
            let key (d: Dataset) (i: int) = Convert.ToHexString(Runtime.InteropServices.MemoryMarshal.AsBytes(d.Inputs.Row(i)))
            let seen = set [ for i in 0 .. subset.Count - 1 -> key subset i ]
            Expect.equal (Set.count seen + held.Data.Count) 2000 "subset and held-out partition the 2,000 images"
            for i in 0 .. held.Data.Count - 1 do
                if seen.Contains(key held.Data i) then failtestf "held-out row %d (source index %d) is in the prior's training subset" i held.SourceIndices[i]

        testCase "study stage: a run with pacbayes gets its certificate as a bound row beside the catalog's, and the report shows it" <| fun () ->
            withTempDir <| fun dir ->
            let spec = Path.Combine(dir, "pb.json")
            File.WriteAllText(spec, sprintf """{"name": "pb", "settings": {"data_dir": %s, "epochs": 2, "pacbayes": "dr17", "pacbayes_epochs": 1, "pacbayes_mc_passes": 1},
                "groups": [{"name": "binary", "settings": {"dataset": "mnist-binary", "arch": "784-16-1", "loss": "logistic"}},
                           {"name": "ten", "settings": {"dataset": "mnist", "train_size": 500, "arch": "784-8-10"}}]}""" (Text.Json.JsonSerializer.Serialize fixture))
            let out = Path.Combine(dir, "study")
            let code, _, err = runCli [ "study"; "--spec"; spec; "--out"; out; "--threads"; "2" ]
            Expect.equal code 0 (sprintf "study exit code; stderr: %s" err)
            let runs = (BoundLab.Studies.Store.ResultsStore.Load out).Runs
            Expect.equal runs.Count 2 "two runs"
            let row (r: BoundLab.Studies.Results.StudyRun) = r.Bounds |> Seq.tryFind (fun b -> b.Id = "dr17 (optimized posterior)")
            let binary = runs |> Seq.find (fun r -> r.ConfigJson.Contains "784-16-1")
            let ten = runs |> Seq.find (fun r -> r.ConfigJson.Contains "784-8-10")
            let b = (row binary).Value
            Expect.equal b.Status "value" "the binary run is certified"
            let binaryDir = Directory.GetDirectories(Path.Combine(out, "runs")) |> Array.find (fun d -> d.EndsWith binary.Id)
            let c = certificateOf binaryDir PacBayesMethod.Dr17
            Expect.equal b.Value (Nullable c.Value) "the row is the certificate in the run folder"
            Expect.equal b.Family "pac-bayes" "family"
            Expect.equal binary.Measures["pacbayes_kl"] c.Kl "KL as a measure"
            Expect.isTrue (binary.Bounds |> Seq.exists (fun r -> r.Id = "dr17")) "the catalog's own dr17 row is kept"
            let t = (row ten).Value
            Expect.equal t.Status "not_applicable" "dr17 on a 10-class run does not apply"
            Expect.stringContains t.Reason "binary classification run with one output" "says why"
            let report = File.ReadAllText(Path.Combine(out, "report.md"))
            Expect.stringContains report "dr17 (optimized posterior)" "the report shows the certificate"
            Expect.stringContains report "## PAC-Bayes certificates (optimized posterior)" "the report's certificate section"
            let section = report[report.IndexOf "## PAC-Bayes certificates" ..]
            let line = section.Split('\n') |> Array.find (fun l -> l.StartsWith("| " + binary.Id[..7]) && l.Contains "| `dr17 (optimized posterior)` |")
            Expect.stringContains line (c.Value.ToString("G4", Globalization.CultureInfo.InvariantCulture)) "the certificate's value in its row"
            Expect.stringContains line (c.Kl.ToString("G4", Globalization.CultureInfo.InvariantCulture)) "its KL"

        testCase "bad input: one error line naming the option or folder, the value and what is allowed" <| fun () ->
            withTempDir <| fun dir ->
            let multi = train (Path.Combine(dir, "multi")) [ "--data"; "mnist"; "--arch"; "784-8-10"; "--epochs"; "1" ]
            let cases =
                [ [ "pacbayes"; multi ], [ "--method is required"; "dr17, pbb-quad, pbb-lambda, pbb-classic" ]
                  [ "pacbayes"; multi; "--method"; "dr18" ], [ "--method"; "dr18"; "one of dr17" ]
                  [ "pacbayes"; multi; "--method"; "dr17"; "--epochs"; "0" ], [ "--epochs"; "'0'" ]
                  [ "pacbayes"; multi; "--method"; "dr17"; "--mc-passes"; "x" ], [ "--mc-passes"; "'x'" ]
                  [ "pacbayes"; multi; "--method"; "pbb-quad"; "--prior-std"; "-1" ], [ "--prior-std"; "'-1'" ]
                  [ "pacbayes"; multi; "--method"; "dr17"; "--delta"; "0.6"; "--delta-mc"; "0.5" ], [ "--delta-mc"; "δ + δ′ < 1" ]
                  [ "pacbayes"; Path.Combine(dir, "missing"); "--method"; "dr17" ], [ "RUN_DIR"; "missing"; "no such folder" ]
                  [ "pacbayes"; multi; "--method"; "dr17" ], [ "dr17 needs a binary classification run with one output"; "10 classes and 10 outputs" ]
                  [ "pacbayes"; multi; "--method"; "pbb-lambda" ], [ "--train-size"; "train_size (all)" ] ]
            for args, expected in cases do
                let code, _, err = runCli args
                Expect.equal code 2 (sprintf "%A: exit code; stderr: %s" args err)
                oneError err expected
            Expect.isFalse (Directory.Exists(Path.Combine(multi, "pacbayes"))) "a refused run leaves nothing behind"
    ]
