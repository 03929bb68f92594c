/// The catalog's contents: fixed ids and input names, symbols, classification and provenance.
module BoundLab.Bounds.Tests.Catalog.CatalogTests

open Expecto
open BoundLab.Bounds.Symbolic
open BoundLab.Bounds.Catalog

[<Tests>]
let tests =
    testList "Bounds.Catalog.Entries" [
        // Ids and input names other parts of BoundLab rely on (fixed by the catalog's brief).
        for id, inputs in [ "test-set-hoeffding", [ "test_error"; "n_test"; "delta" ]
                            "vc-mohri", [ "train_error"; "n"; "vc_dim"; "delta" ]
                            "vc-vapnik", [ "train_error"; "n"; "vc_dim"; "delta" ]
                            "pacbayes-maurer", [ "emp_risk"; "kl"; "n"; "delta"; "mc_samples"; "delta_mc" ]
                            "hrs16-convex", [ "lipschitz"; "n"; "lr_sum" ]
                            "hrs16-nonconvex", [ "lipschitz"; "smoothness"; "step_c"; "n"; "steps" ]
                            "dr17", [ "mc_error"; "mc_samples"; "kl"; "prior_index"; "n"; "delta"; "delta_mc" ]
                            "pbb21-kl", [ "mc_error"; "mc_samples"; "kl"; "n"; "delta"; "delta_mc" ]
                            "llq20-gld", [ "loss_max"; "n"; "grad_sum" ]
                            "pacbayes-catoni-grid", [ "emp_risk"; "kl"; "n"; "catoni_c"; "delta" ]
                            "occam-kl", [ "train_error"; "code_length_bits"; "n"; "delta" ]
                            "lotfi22-compression", [ "train_error"; "code_length_bits"; "n"; "catoni_c"; "delta" ]
                            "test-set-binomial-exact", [ "test_error"; "n_test"; "delta" ]
                            "cmi-sz20", [ "cmi"; "n" ] ] ->
            testCase $"{id} has inputs {inputs}" <| fun () ->
                let e = BoundCatalog.Get id
                Expect.equal [ for i in e.Inputs -> i.Name ] inputs "input names"

        yield testCase "ids are unique" <| fun () ->
            let ids = [ for e in BoundCatalog.All -> e.Id ]
            Expect.equal (List.distinct ids) ids "unique"

        for e in BoundCatalog.All ->
            testCase $"{e.Id}: formula uses exactly its inputs, terms only inputs" <| fun () ->
                let free (x: Expr) =
                    Seq.append (Calculus.FreeSymbols x |> Seq.map (fun s -> s.Name)) (Calculus.FreeVectors x |> Seq.map (fun v -> v.Name)) |> Set.ofSeq
                let inputs = e.Inputs |> Seq.map (fun i -> i.Name) |> Set.ofSeq
                Expect.equal (free e.Formula) inputs "formula symbols"
                for t in e.Terms do Expect.isTrue (Set.isSubset (free t.Expression) inputs) t.Name
                for q in e.PostHoc do Expect.isTrue (inputs.Contains q.Symbol) q.Symbol
                for s in e.Confidence do Expect.isTrue (inputs.Contains s.Symbol) s.Symbol

        for e in BoundCatalog.All ->
            testCase $"{e.Id}: classification is consistent" <| fun () ->
                Expect.equal (e.Target = BoundTarget.Measure) (e.Provenance = Provenance.Measure) "measures and only measures have provenance measure"
                Expect.equal (e.Target = BoundTarget.TestError) (e.Confidence.Count > 0) "high-probability bounds and only they spend δ"
                Expect.isNotEmpty e.ProvenanceNote "provenance note"
                Expect.isNotEmpty e.Citation.Location "citation location"

        yield testCase "provenance table (SOURCES.md)" <| fun () ->
            let byProvenance p = [ for e in BoundCatalog.All do if e.Provenance = p then e.Id ] |> Set.ofList
            Expect.equal (byProvenance Provenance.Verified)
                (set [ "test-set-hoeffding"; "test-set-binomial"; "vc-mohri"; "vc-vapnik"; "margin-mohri"; "margin-mohri-uniform"
                       "margin-mohri-multiclass"; "dr17"; "pbb21-kl"; "llq20-gld"; "llq20-sgld"
                       "margin-mohri-grid"; "margin-mohri-multiclass-grid"; "occam-kl"; "lotfi22-compression"; "test-set-binomial-exact" ]) "verified entries"
            Expect.equal (byProvenance Provenance.Measure |> Set.filter (fun id -> not (id.StartsWith "jiang-")))
                (set [ "neyshabur2015-frobenius"; "bft-normalized-margin"; "nbs18-spectral"; "mou18-stability"; "mou18-pacbayes" ]) "measures"
            Expect.equal (byProvenance Provenance.Measure |> Set.filter (fun id -> id.StartsWith "jiang-") |> Set.count) 24 "Jiang et al.'s measures"

        yield testCase "families have their wire names" <| fun () ->
            Expect.equal [ for f in [ BoundFamily.Vc; BoundFamily.Rademacher; BoundFamily.Spectral; BoundFamily.PacBayes; BoundFamily.Stability; BoundFamily.Baseline; BoundFamily.Compression; BoundFamily.Information ] -> f.Name() ]
                [ "vc"; "rademacher"; "spectral"; "pac-bayes"; "stability"; "baseline"; "compression"; "information" ] "names"

        yield testCase "VC entries are binary-only, PAC-Bayes and stability are not" <| fun () ->
            for e in BoundCatalog.All do
                let binaryOnly = not (isNull e.BinaryOnlyReason)
                if e.Family = BoundFamily.Vc && e.Target <> BoundTarget.Measure then Expect.isTrue binaryOnly e.Id
                if e.Family = BoundFamily.PacBayes || e.Family = BoundFamily.Stability then Expect.isFalse binaryOnly e.Id
    ]
