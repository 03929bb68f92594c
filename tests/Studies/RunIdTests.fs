/// Run ids: the same config, data and code give the same id; any change to one of them gives another.
module BoundLab.Studies.Tests.RunIdTests

open Expecto
open BoundLab.Studies.Specs
open BoundLab.Studies.Runner

let private configOf (settings: string) =
    StudySpec.Parse(sprintf """{"name": "a", "settings": {%s}}""" settings, "s.json").Runs[0].ConfigJson

let private id settings = RunId.Of(configOf settings, "train-sum", "test-sum", "code-1")

[<Tests>]
let tests =
    testList "Studies/RunId" [
        test "same config → same id, however it is spelled" {
            Expect.equal (id "\"width\": 256") (id "") "default given or not"
            Expect.equal (id "\"lr\": 0.05, \"batch\": 128") (id "\"batch\": 128, \"lr\": 5e-2") "order and spelling"
            Expect.equal (id "") (id "") "stable"
            Expect.equal (id "").Length 16 "16 hex digits"
            // Pinned: a change to the canonical text or the hash input breaks every stored study's ids, so it must be deliberate.
            // python3 -c "import hashlib; print(hashlib.sha256(b'boundlab study run\\nconfig {}\\ntrain a\\ntest b\\ncode c\\n').hexdigest()[:16])"
            Expect.equal (RunId.Of("{}", "a", "b", "c")) "93aea182dd5a24ad" "pinned id of a fixed input"
        }

        testList "any change → another id" [
            for setting in
                [ "\"width\": 255"; "\"depth\": 3"; "\"label_noise\": 0.1"; "\"train_size\": 100"; "\"test_size\": 100"; "\"seed\": 1"
                  "\"lr\": 0.01"; "\"batch\": 64"; "\"epochs\": 6"; "\"optimizer\": \"gd\""; "\"momentum\": 0.5"; "\"weight_decay\": 0.001"
                  "\"dataset\": \"mnist-binary\""; "\"activation\": \"tanh\""; "\"bias\": false"; "\"init\": \"lecun\""; "\"loss\": \"hinge\""
                  "\"schedule\": \"step\""; "\"stop_train_loss\": 0.1"; "\"record_steps\": true"; "\"arch\": \"784-100-10\"" ] do
                test setting { Expect.notEqual (id setting) (id "") "config change" }
            test "data checksums and code version" {
                let c = configOf ""
                let baseId = RunId.Of(c, "train-sum", "test-sum", "code-1")
                Expect.notEqual (RunId.Of(c, "train-sum2", "test-sum", "code-1")) baseId "training data"
                Expect.notEqual (RunId.Of(c, "train-sum", "test-sum2", "code-1")) baseId "test data"
                Expect.notEqual (RunId.Of(c, "train-sum", "test-sum", "code-2")) baseId "code"
            }
        ]

        test "the data checksum covers inputs and labels" {
            let m = BoundLab.Numerics.Tensors.Matrix<float32>(2, 2, [| 1.0f; 2.0f; 3.0f; 4.0f |])
            let d labels = BoundLab.Numerics.Data.Dataset("d", m, labels, null, 2)
            Expect.equal (RunId.Checksum(d [| 0; 1 |])) (RunId.Checksum(d [| 0; 1 |])) "same"
            Expect.notEqual (RunId.Checksum(d [| 1; 1 |])) (RunId.Checksum(d [| 0; 1 |])) "labels"
            let m2 = BoundLab.Numerics.Tensors.Matrix<float32>(2, 2, [| 1.0f; 2.0f; 3.0f; 4.5f |])
            Expect.notEqual (RunId.Checksum(BoundLab.Numerics.Data.Dataset("d", m2, [| 0; 1 |], null, 2))) (RunId.Checksum(d [| 0; 1 |])) "inputs"
        }
    ]
