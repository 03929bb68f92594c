module BoundLab.Bounds.Tests.Catalog.VocabularyTests

open Expecto
open BoundLab.Bounds.Catalog

[<Tests>]
let tests =
    testList "Bounds/Catalog/Vocabulary" [
        test "every input of every entry is a vocabulary quantity, with its meaning and domain" {
            let entries = Seq.append BoundCatalog.All [ BoundCatalog.Get "bft-spectral-5" ]
            for e in entries do
                for i in e.Inputs do
                    match Vocabulary.Find i.Name with
                    | null -> failtestf "%s: input %s is not in the vocabulary" e.Id i.Name
                    | q ->
                        Expect.equal i.Meaning q.Meaning $"{e.Id}.{i.Name}: meaning is the vocabulary's"
                        Expect.equal i.Domain q.Domain $"{e.Id}.{i.Name}: domain is the vocabulary's"
        }
        test "names are unique and every quantity has a meaning and a unit" {
            let names = [ for q in Vocabulary.All -> q.Name ]
            Expect.equal (List.length (List.distinct names)) (List.length names) "unique names"
            for q in Vocabulary.All do
                Expect.isNotEmpty q.Meaning q.Name
                Expect.isNotEmpty q.Unit q.Name
        }
        test "the constants that meant two things have one name each now" {
            // beta: smoothness in hrs16-nonconvex, SGLD's inverse temperature in mou18-*; C: loss range vs Catoni's constant.
            let inputs id = [ for i in (BoundCatalog.Get id).Inputs -> i.Name ]
            Expect.contains (inputs "hrs16-nonconvex") "smoothness" "hrs16"
            Expect.contains (inputs "mou18-stability") "sgld_beta" "mou18"
            Expect.contains (inputs "llq20-sgld") "loss_max" "llq20"
            Expect.contains (inputs "pacbayes-catoni") "catoni_c" "catoni"
            for e in BoundCatalog.All do
                for old in [ "beta"; "C"; "L"; "c"; "T"; "k"; "rho"; "input_norm"; "emp_margin_loss" ] do
                    Expect.isFalse (e.Inputs |> Seq.exists (fun i -> i.Name = old)) $"{e.Id} still has {old}"
        }
        test "every renaming points at an input of its entry" {
            for r in Vocabulary.Renamed do
                Expect.isNotNull (Vocabulary.Find r.New) r.New
                if r.Entry <> "*" then
                    Expect.isTrue ((BoundCatalog.Get r.Entry).Inputs |> Seq.exists (fun i -> i.Name = r.New)) $"{r.Entry}.{r.New}"
            Expect.equal (Vocabulary.RenamedTo("hrs16-nonconvex", "beta")) "smoothness" "per entry"
            Expect.equal (Vocabulary.RenamedTo("mou18-pacbayes", "beta")) "sgld_beta" "per entry"
            Expect.equal (Vocabulary.RenamedTo("margin-mohri", "rho")) "gamma" "everywhere"
        }
        test "an entry's own wording is kept as its note" {
            let i = (BoundCatalog.Get "margin-mohri-grid").Input "gamma"
            Expect.equal i.Meaning (Vocabulary.Get "gamma").Meaning "vocabulary meaning"
            Expect.stringContains i.Description "post hoc" "the grid note"
        }
    ]
