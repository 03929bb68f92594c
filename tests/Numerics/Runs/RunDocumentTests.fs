/// The typed run.json: files written by the CLI before the document was typed read back and are rewritten byte for
/// byte; documents compare by value; every read and write error names the file and the key.
module BoundLab.Numerics.Tests.Runs.RunDocumentTests

open System
open System.IO
open System.Text.Json.Nodes
open Expecto
open BoundLab.Numerics.Runs
open BoundLab.Numerics.Tests.TestUtil

/// The values of the hand-built run that the tests change.
type Tweaks = { Lr: float; Beta: float; Epoch1TrainLoss: float; Epoch2TestError: float; TestLoss: float; SamplesPerSec: float }

let defaults = { Lr = 0.01; Beta = 1e5; Epoch1TrainLoss = 0.9; Epoch2TestError = 0.13; TestLoss = 0.55; SamplesPerSec = 1454.5 }

/// A gradient-method run built by hand (two epochs, SGLD so that beta and trajectory are set).
let sampleOf (t: Tweaks) =
    let config =
        RunConfig("mnist", Nullable 2000, Nullable(), "784-16-10", "relu", true, "he", "cross-entropy", "sgld", 7UL,
                  GradientConfig(null, 0.2, Nullable(), t.Lr, "Step", 0.5, 3, 1, 0.0, 1e-4, Nullable t.Beta, 64, 2, 2), null)
    let data = RunData("mnist", RunData.Classification, Nullable 10, 2000, 10000, 784)
    let history =
        ValueList.Of(EpochEntry(1, 0.01, t.Epoch1TrainLoss, 0.25, 0.95, 0.26, 1.5), EpochEntry(2, 0.005, 0.5, 0.125, 0.55, t.Epoch2TestError, 1.25))
    let results = RunResults("0-1 error", 12730L, 0.125, 0.13, 0.13 - 0.125, 0.5, t.TestLoss, Nullable false, Nullable 2.75,
                             Nullable(), 3.5, Nullable t.SamplesPerSec)
    let stamp = RunProvenance(RunLayout.WeightsFileName, RunLayout.InitialWeightsFileName, String('a', 64), RunLayout.TrajectoryFileName,
                              MachineInfo(2, false, "10.0.0", "Linux"), "2026-12-01T10:00:00.0000000Z")
    RunDocument(RunDocument.CurrentVersion, config, data, history, results, stamp)

let sample () = sampleOf defaults

/// A JSON object's member.
let key (n: JsonNode) (k: string) = n.AsObject()[k]

let fixture name = Path.Combine(fixtureDir "runs", name)

/// The exception Read throws on text (written to a temporary run.json).
let readError (dir: TempDir) (text: string) =
    let path = Path.Combine(dir.Path, "run.json")
    File.WriteAllText(path, text)
    let e = throwsOf<RunFileException> (fun () -> RunDocument.Read path |> ignore) "read refuses"
    Expect.equal e.Path path "names the file"
    Expect.stringContains e.Message path "message names the file"
    e.Message

/// fixture text with one key removed from the object at jsonPath ("" for the top level).
let without (text: string) (objectKey: string) (key: string) =
    let root = JsonNode.Parse(text).AsObject()
    let o = if objectKey = "" then root else root[objectKey].AsObject()
    Expect.isTrue (o.Remove key) $"fixture has {key}"
    root.ToJsonString()

[<Tests>]
let tests =
    testList "Numerics/Runs/RunDocument" [
        testCase "files written before the typed document read, and are rewritten byte for byte (gradient and ADMM runs)" <| fun () ->
            for name in [ "sgld-run.json"; "admm-run.json" ] do
                let path = fixture name
                let doc = RunDocument.Read path
                Expect.equal (doc.ToJson() + "\n") (File.ReadAllText path) $"{name} rewritten unchanged"
                Expect.equal (RunDocument.Parse(doc.ToJson(), path)) doc $"{name} round trip is equal"

        testCase "an old SGLD run's values are where the keys say" <| fun () ->
            let doc = RunDocument.Read(fixture "sgld-run.json")
            let root = JsonNode.Parse(File.ReadAllText(fixture "sgld-run.json")).AsObject()
            Expect.equal (doc.Config.Optimizer) "sgld" "optimizer"
            let beta = (key (key root "config") "beta").GetValue<float>()
            Expect.equal (doc.Config.Gradient.Beta) (Nullable beta) "beta"
            let lr = (key (key root "config") "lr").GetValue<float>()
            Expect.equal (doc.Config.Gradient.Lr) lr "lr"
            let n = (key (key root "data") "n_train").GetValue<int>()
            Expect.equal (doc.Data.NTrain) n "n_train"
            let epochs = root["epochs"].AsArray().Count
            Expect.equal (doc.History.Count) epochs "one entry per epoch"
            let lastTest = (key (root["epochs"].AsArray()[doc.History.Count - 1]) "test_error").GetValue<float>()
            Expect.equal (doc.History[doc.History.Count - 1].TestError) lastTest "last epoch"
            let testError = root["test_error"].GetValue<float>()
            Expect.equal (doc.Results.TestError) testError "test_error"
            Expect.equal (doc.Fingerprint.Trajectory) "trajectory.csv" "trajectory"
            Expect.isNull (doc.Admm) "no ADMM part"

        testCase "an old ADMM run reads its exact parameters, iterations and conditions" <| fun () ->
            let doc = RunDocument.Read(fixture "admm-run.json")
            let root = JsonNode.Parse(File.ReadAllText(fixture "admm-run.json")).AsObject()
            Expect.isNull (doc.Config.Gradient) "no gradient options"
            Expect.equal (doc.Config.Admm.Beta.Count) 3 "β₁ … β₃"
            let lambda = (key (key root "config") "lambda").GetValue<string>()
            Expect.equal (doc.Config.Admm.Lambda) lambda "λ exact"
            let count = root["iterations"].AsArray().Count
            Expect.equal (doc.Admm.Iterations.Count) count "iterations"
            let conditions = RunDocument.CompactJson(root["conditions"].ToJsonString())
            Expect.equal (doc.Admm.Conditions) conditions "conditions kept"
            Expect.isFalse (doc.Data.Classes.HasValue) "ADMM runs record no class count"
            Expect.equal (doc.Config.DataDir) null "no data_dir"

        testCase "write then read gives an equal document; the file ends in a newline and no temporary file is left" <| fun () ->
            use dir = new TempDir()
            let path = Path.Combine(dir.Path, "sub", "run.json")
            let doc = sample ()
            doc.Write path
            Expect.equal (RunDocument.Read path) doc "round trip"
            Expect.isTrue (File.ReadAllText(path).EndsWith("}\n")) "final newline"
            Expect.equal (Directory.GetFiles(Path.GetDirectoryName path).Length) 1 "only run.json"

        testCase "documents, configs and lists compare by value" <| fun () ->
            let a, b = sample (), sample ()
            Expect.isFalse (obj.ReferenceEquals(a, b)) "two objects"
            Expect.equal a b "equal documents"
            Expect.equal (a.GetHashCode()) (b.GetHashCode()) "equal hashes"
            Expect.equal a.Config b.Config "equal configs"
            Expect.notEqual (sampleOf { defaults with Epoch2TestError = 0.5 }) a "one history value differs"
            Expect.notEqual (sampleOf { defaults with Lr = 0.02 }) a "lr differs"
            Expect.notEqual (sampleOf { defaults with Lr = 0.02 }).Config a.Config "configs differ"
            Expect.equal (ValueList.Of(1.0, 2.0)) (ValueList.From [ 1.0; 2.0 ]) "value lists"
            Expect.notEqual (ValueList.Of(1.0, 2.0)) (ValueList.Of(2.0, 1.0)) "order matters"

        testCase "a non-finite number is refused naming the field, and nothing is written" <| fun () ->
            use dir = new TempDir()
            let path = Path.Combine(dir.Path, "run.json")
            let cases =
                [ sampleOf { defaults with TestLoss = nan }, "test_loss"
                  sampleOf { defaults with Epoch1TrainLoss = infinity }, "epochs[0].train_loss"
                  sampleOf { defaults with Beta = nan }, "config.beta"
                  sampleOf { defaults with SamplesPerSec = -infinity }, "samples_per_sec" ]
            for doc, field in cases do
                let e = throwsOf<RunFileException> (fun () -> doc.Write path) field
                Expect.stringStarts e.Message $"{field} is " $"names {field}"
                Expect.isFalse (File.Exists path) "nothing written"
                Expect.isEmpty (Directory.GetFiles dir.Path) "no temporary file"

        testCase "a missing file, invalid JSON, a non-run and a newer version are refused with the file named" <| fun () ->
            use dir = new TempDir()
            let missing = Path.Combine(dir.Path, "none", "run.json")
            let e = throwsOf<RunFileException> (fun () -> RunDocument.Read missing |> ignore) "missing"
            Expect.stringContains e.Message missing "names the missing file"
            Expect.stringContains (readError dir "{ not json") "not valid JSON" "invalid JSON"
            Expect.stringContains (readError dir """{"measures": 1}""") "not a BoundLab run (no boundlab_run key)" "not a run"
            Expect.stringContains (readError dir "[1, 2]") "not a BoundLab run" "not an object"
            let newer = File.ReadAllText(fixture "sgld-run.json").Replace("\"boundlab_run\": 1", "\"boundlab_run\": 2")
            let m = readError dir newer
            Expect.stringContains m "boundlab_run 2, newer than this build understands (up to 1)" "newer version"

        testCase "each required key, when missing, is named with its path" <| fun () ->
            use dir = new TempDir()
            let sgld = File.ReadAllText(fixture "sgld-run.json")
            let admm = File.ReadAllText(fixture "admm-run.json")
            for text, objectKey, key, named in
                [ sgld, "config", "lr", "config.lr"; sgld, "config", "seed", "config.seed"; sgld, "data", "n_train", "data.n_train"
                  sgld, "", "test_error", "test_error"; sgld, "", "machine", "machine"; sgld, "", "trajectory", "trajectory"
                  sgld, "", "epochs", "epochs"; sgld, "config", "optimizer", "config.optimizer"
                  admm, "config", "lambda", "config.lambda"; admm, "", "iterations", "iterations"; admm, "", "conditions", "conditions" ] do
                let m = readError dir (without text objectKey key)
                Expect.stringContains m $"has no {named} key" $"names {named}"

        testCase "a value of the wrong type is named with what was expected" <| fun () ->
            use dir = new TempDir()
            let root = JsonNode.Parse(File.ReadAllText(fixture "sgld-run.json")).AsObject()
            (key root "config").AsObject()["train_size"] <- JsonValue.Create "many"
            Expect.stringContains (readError dir (root.ToJsonString())) "config.train_size is \"many\"; expected an integer" "wrong type"
            let root2 = JsonNode.Parse(File.ReadAllText(fixture "sgld-run.json")).AsObject()
            (root2["epochs"].AsArray()[0]).AsObject()["test_error"] <- null
            Expect.stringContains (readError dir (root2.ToJsonString())) "epochs[0].test_error is null; expected a finite number" "null number"

        testCase "the layout names the files a run folder holds" <| fun () ->
            let l = RunLayout "r"
            Expect.equal l.RunFile (Path.Combine("r", "run.json")) "run.json"
            Expect.equal l.InitialWeightsFile (Path.Combine("r", "weights-init.bin")) "init weights"
            Expect.equal l.CheckpointFolder (Path.Combine("r", "checkpoint")) "checkpoint"
            Expect.equal (l.File "w.bin") (Path.Combine("r", "w.bin")) "a file named in run.json"
            for bad in [ "../w.bin"; "/etc/passwd"; ".."; "sub/w.bin" ] do
                let e = throwsOf<ArgumentException> (fun () -> l.File bad |> ignore) bad
                Expect.stringContains e.Message $"'{bad}' is not a file name of the run folder" $"refuses {bad}"
            Expect.containsAll RunLayout.RunFileNames [ "run.json"; "weights.bin"; "weights-init.bin"; "trajectory.csv"; ".lock" ] "run files"
    ]
