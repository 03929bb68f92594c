/// Study files: parsing, errors that name the JSON path, the value and what is allowed; grid expansion and axes.
module BoundLab.Studies.Tests.SpecTests

open System
open Expecto
open BoundLab.Studies.Specs

let private parse json = StudySpec.Parse(json, "s.json")

let private error json =
    match (try Ok(parse json) with e -> Error e) with
    | Ok _ -> failtestf "expected an error for %s" json
    | Error (:? StudySpecException as e) -> e.Message
    | Error e -> failtestf "expected a StudySpecException, got %s: %s" (e.GetType().Name) e.Message

[<Tests>]
let tests =
    testList "Studies/Spec" [
        test "a grid expands as a cartesian product, last key fastest; defaults are filled in" {
            let s = parse """{"name": "a", "settings": {"epochs": 3}, "grid": {"width": [16, 32, 64], "label_noise": [0, 0.5]}}"""
            Expect.equal s.Runs.Count 6 "3 × 2 runs"
            let pairs = s.Runs |> Seq.map (fun r -> r.Get "width" :?> int64, r.Get "label_noise" :?> float) |> List.ofSeq
            Expect.equal pairs [ 16L, 0.0; 16L, 0.5; 32L, 0.0; 32L, 0.5; 64L, 0.0; 64L, 0.5 ] "order"
            Expect.sequenceEqual s.Axes [ "width"; "label_noise" ] "axes are the grid keys in file order"
            let r = s.Runs[0]
            Expect.equal (r.Get "dataset") (box "mnist") "default dataset"
            Expect.equal (r.Get "momentum") (box 0.9) "sgd's default momentum"
            Expect.isNull (r.Get "beta") "beta does not apply to sgd"
            Expect.equal (r.Get "epochs") (box 3L) "given"
            Expect.equal (r.PathOf "width") "$.grid.width[0]" "path of a grid value"
            Expect.equal (r.PathOf "epochs") "$.settings.epochs" "path of a setting"
        }

        test "groups inherit the top settings, override them, and duplicates across groups are one run" {
            let s =
                parse """{"name": "a", "settings": {"width": 32, "epochs": 2},
                          "groups": [{"name": "g1", "grid": {"seed": [0, 1]}},
                                     {"name": "g2", "settings": {"optimizer": "sgld", "beta": 1000}, "grid": {"seed": [0]}},
                                     {"name": "g3", "grid": {"seed": [1, 2]}}]}"""
            // g1: seeds 0, 1; g2: one sgld run; g3: seed 1 (same as g1's) and seed 2.
            Expect.equal s.Runs.Count 4 "g3's seed 1 is g1's run"
            Expect.equal (s.Runs |> Seq.map (fun r -> r.Group) |> List.ofSeq) [ "g1"; "g1"; "g2"; "g3" ] "groups in file order"
            Expect.equal (s.Runs[2].Get "beta") (box 1000.0) "group setting"
            Expect.equal (s.Runs[2].Get "width") (box 32L) "inherited"
            Expect.sequenceEqual s.Axes [ "seed"; "optimizer" ] "grid keys, then keys two groups set differently (not beta: one value)"
            Expect.equal (s.AxesOf s.Runs[0] |> Seq.map (fun kv -> kv.Key, kv.Value) |> List.ofSeq) [ "seed", "0"; "optimizer", "sgd" ] "axes of a run"
        }

        test "no grid and no groups: one run of the settings" {
            let s = parse """{"name": "one", "settings": {"epochs": 1}}"""
            Expect.equal s.Runs.Count 1 "one run"
            Expect.isEmpty s.Axes "no axes"
        }

        test "the same config spelled differently has the same canonical JSON" {
            let a = parse """{"name": "a", "settings": {"epochs": 5, "lr": 0.05, "dataset": "mnist"}}"""
            let b = parse """{"name": "b", "settings": {"lr": 5e-2}}"""
            Expect.equal a.Runs[0].ConfigJson b.Runs[0].ConfigJson "defaults spelled out or not, key order, number spelling"
            let c = parse """{"name": "c", "settings": {"lr": 0.05, "data_dir": "/somewhere"}}"""
            Expect.equal c.Runs[0].ConfigJson a.Runs[0].ConfigJson "data_dir is not part of the config (the data checksums are)"
            Expect.stringContains a.Runs[0].ConfigJson "\"width\":256" "canonical text holds the defaults"
        }

        test "stop rule: stop_train_loss with max_epochs (default 100); epochs then does not apply" {
            let s = parse """{"name": "a", "settings": {"stop_train_loss": 0.1}}"""
            Expect.equal (s.Runs[0].Get "max_epochs") (box 100L) "default cap"
            Expect.isNull (s.Runs[0].Get "epochs") "no epochs"
        }

        test "the built-in default study parses, has at least 10 runs and matches studies/quick.json" {
            let s = DefaultStudy.Spec()
            Expect.isGreaterThanOrEqual s.Runs.Count 10 "≥ 10 runs"
            let file = IO.File.ReadAllText(IO.Path.Combine(TestUtil.repoRoot, "studies", "quick.json"))
            Expect.equal DefaultStudy.Json file "built in from the shipped file"
            let datasets = s.Runs |> Seq.map (fun r -> r.Get "dataset" :?> string) |> Set.ofSeq
            Expect.equal datasets (set [ "mnist"; "mnist-binary" ]) "MNIST and binary MNIST"
            Expect.isTrue (s.Runs |> Seq.exists (fun r -> r.Get "optimizer" = box "sgld")) "SGLD runs"
            let noise = s.Runs |> Seq.map (fun r -> r.Get "label_noise" :?> float) |> Set.ofSeq
            Expect.equal noise (set [ 0.0; 0.5; 1.0 ]) "label noise 0, 0.5, 1"
        }

        test "studies/dr17.json parses: Dziugaite and Roy's settings, true and random labels, the dr17 pacbayes stage" {
            let file = IO.File.ReadAllText(IO.Path.Combine(TestUtil.repoRoot, "studies", "dr17.json"))
            let s = parse file
            Expect.equal s.Runs.Count 2 "true and random labels"
            for r in s.Runs do
                Expect.equal (r.Get "arch") (box "784-600-1") "784-600-1"
                Expect.equal (r.Get "loss") (box "logistic") "logistic loss"
                Expect.equal (r.Get "train_size") (box 55000L) "n = 55,000"
                Expect.equal (r.Get "pacbayes") (box "dr17") "the dr17 stage"
            let noise = s.Runs |> Seq.map (fun r -> r.Get "label_noise" :?> float) |> Set.ofSeq
            Expect.equal noise (set [ 0.0; 1.0 ]) "label noise 0 and 1"
        }

        test "studies/README.md documents every key" {
            let readme = IO.File.ReadAllText(IO.Path.Combine(TestUtil.repoRoot, "studies", "README.md"))
            for s in Settings.All do
                Expect.stringContains readme (sprintf "`%s`" s.Key) (sprintf "README row for %s" s.Key)
        }

        testList "errors name the file, the JSON path, the value and what is allowed" [
            for json, expected in
                [ """{"name": "a", "grid": {"width": [16, -3]}}""", [ "s.json: $.grid.width[1]: got -3; allowed: an integer ≥ 1." ]
                  """{"name": "a", "grid": {"width": [16, 2.5]}}""", [ "$.grid.width[1]: got 2.5; allowed: an integer ≥ 1." ]
                  """{"name": "a", "grid": {"width": []}}""", [ "$.grid.width: got []; allowed: a non-empty array" ]
                  """{"name": "a", "grid": {"width": 16}}""", [ "$.grid.width: got 16; allowed: a non-empty array" ]
                  """{"name": "a", "grid": {"width": [16, 16]}}""", [ "$.grid.width[1]: got 16; allowed: values that differ" ]
                  """{"name": "a", "settings": {"label_noise": 1.5}}""", [ "$.settings.label_noise: got 1.5; allowed: a number in [0, 1]." ]
                  """{"name": "a", "settings": {"dataset": "cifar"}}""", [ "$.settings.dataset: got \"cifar\"; allowed: one of mnist, mnist-binary" ]
                  """{"name": "a", "settings": {"optimizer": "adam"}}""", [ "$.settings.optimizer: got \"adam\"; allowed: one of sgd, gd, sgld, pgd." ]
                  """{"name": "a", "settings": {"widht": 3}}""", [ "$.settings.widht: got \"widht\" (unknown key); allowed: dataset, data_dir" ]
                  """{"name": "a", "width": 3}""", [ "$.width: got \"width\" (unknown key)"; "put 'width' inside \"settings\" or \"grid\"" ]
                  """{"grid": {}}""", [ "s.json: $: no \"name\"" ]
                  """{"name": "a b"}""", [ "$.name: got \"a b\"; allowed: a non-empty string of letters" ]
                  """{"name": "a", "settings": {"bias": "yes"}}""", [ "$.settings.bias: got \"yes\"; allowed: true or false." ]
                  """{"name": "a", "settings": {"lr": 0}}""", [ "$.settings.lr: got 0; allowed: a number > 0." ]
                  """{"name": "a", "settings": {"optimizer": "sgld", "momentum": 0.5}}""",
                  [ "$.settings.momentum: 'momentum' applies only with optimizer sgd or gd; this run has optimizer sgld; leave it out here." ]
                  """{"name": "a", "settings": {"stop_train_loss": 0.1, "epochs": 3}}""", [ "$.settings.epochs: 'epochs' applies only with no stop_train_loss" ]
                  """{"name": "a", "settings": {"max_epochs": 3}}""", [ "$.settings.max_epochs: 'max_epochs' applies only with stop_train_loss" ]
                  """{"name": "a", "settings": {"depth": 1, "width": 8}}""", [ "$.settings.width: 'width' applies only with depth ≥ 2" ]
                  """{"name": "a", "settings": {"model": "vgg"}}""", [ "$.settings.model: got \"vgg\"; allowed: lenet" ]
                  """{"name": "a", "settings": {"arch": "784-x-10"}}""", [ "$.settings.arch: got \"784-x-10\"; allowed: positive widths" ]
                  """{"name": "a", "groups": [{"name": "g"}, {"name": "g"}]}""", [ "$.groups[1].name: got \"g\"; allowed: a name no other group has." ]
                  """{"name": "a", "groups": [{"name": "g", "settings": {"width": 8}, "grid": {"width": [4]}}]}""",
                  [ "$.groups[0].grid.width: 'width' is also in $.groups[0].settings" ]
                  """{"name": "a", "groups": [{"name": "g", "batch": 8}]}""", [ "$.groups[0].batch: got \"batch\" (unknown key); allowed: name, settings, grid" ]
                  """{"name": "a", "groups": {}}""", [ "$.groups: got {}; allowed: an array of groups" ]
                  """[1, 2]""", [ "s.json: $: got [1, 2]; allowed: a JSON object" ]
                  """{"name": "a", """, [ "s.json: not valid JSON (line 1" ] ] do
                test json {
                    let m = error json
                    for e in expected do Expect.stringContains m e "message"
                    Expect.isFalse (m.Contains "\n") "one line"
                    Expect.isFalse (m.Contains "Parameter '") "no .NET text"
                }
        ]
    ]
