module BoundLab.Studies.Tests.ReportTests

open System
open System.IO
open System.Text.Json
open Expecto
open BoundLab.Studies.Results
open BoundLab.Studies.Report

/// A bound row with a value.
let valueRow id family provenance target (v: float) vacuous =
    BoundRow(id, family, provenance, target, "value", Nullable v, (if target = "measure" then Nullable() else Nullable vacuous), null, (if target = "test-error" then Nullable 0.05 else Nullable()))

/// A row of an entry that does not apply.
let naRow id family provenance target reason =
    BoundRow(id, family, provenance, target, "not_applicable", Nullable(), Nullable(), reason, Nullable())

/// A finished run on axes width/label_noise.
let run id width noise (train: float) (test: float) (bounds: BoundRow list) (epochs: EpochRow list) =
    StudyRun(id, Map [ "width", width; "label_noise", noise ], sprintf """{"width":%s,"label_noise":%s}""" width noise, "finished", null,
             Nullable train, Nullable test, Map [ "path_norm", test * 10.0; "margin_q10", 0.5 ], bounds, epochs)

let failedRun id width noise =
    StudyRun(id, Map [ "width", width; "label_noise", noise ], "{}", "failed", "loss diverged at epoch 3", Nullable(), Nullable(), Map.empty, [], [])

/// The hand-computed example: runs (width, noise, μ, gap) r1 (64, 0, 1, 0.1), r2 (128, 0, 3, 0.2), r3 (64, 1, 2, 0.15),
/// r4 (128, 1, 2, 0.4), r5 (256, 0, 5, 0.2): ties in μ (r3, r4) and in the gap (r2, r5). Train error 0 so gap = test error.
/// Expected values from exact rational arithmetic in python3 (independent of the C# code):
///   from fractions import Fraction as F; from itertools import combinations
///   sgn=lambda x:(x>0)-(x<0)
///   R=[('64','0',F(1),F(1,10)),('128','0',F(3),F(2,10)),('64','1',F(2),F(15,100)),('128','1',F(2),F(4,10)),('256','0',F(5),F(2,10))]
///   def taua(rs): p=list(combinations(rs,2)); return F(sum(sgn(a[2]-b[2])*sgn(a[3]-b[3]) for a,b in p),len(p))
///   taua(R) -> 2/5;  per axis (groups with the other axis fixed, ≥2 runs): width [2/3, 0] -> 1/3, noise [1, -1] -> 0; Ψ = 1/6
///   sign-error over pairs differing on one axis with unequal gaps, ½(1 − sgn Δμ · sgn Δg):
///   environments width|noise=0 {0,0} (r2,r5 skipped: equal gaps), width|noise=1 {½}, noise|64 {0}, noise|128 {1}
///   -> mean over the 5 pairs 3/10, worst environment 1.
let handRuns () =
    let mu = [ 1.0; 3.0; 2.0; 2.0; 5.0 ]
    let spec = [ "r1", "64", "0", 0.1; "r2", "128", "0", 0.2; "r3", "64", "1", 0.15; "r4", "128", "1", 0.4; "r5", "256", "0", 0.2 ]
    [ for (id, w, n, g), m in List.zip spec mu ->
        let bounds =
            [ valueRow "m-hand" "measures" "measure" "measure" m false
              valueRow "b-verified" "spectral" "verified" "test-error" (g + 0.3) false
              (if id = "r1" then valueRow "b-one" "vc" "verified" "test-error" 0.9 false
               else naRow "b-one" "vc" "verified" "test-error" "binary classifiers only (k = 10)") ]
        run id w n 0.0 g bounds [] ]

let handResults () =
    StudyResults("hand", """{"name":"hand"}""", [ "width"; "label_noise" ], handRuns () @ [ failedRun "r6" "512" "0" ])

let private entry (ranking: EntryRanking seq) id = ranking |> Seq.find (fun e -> e.Id = id)

let rankingTests =
    testList "ranking" [
        test "Kendall τ, granulated τ and sign-error equal the hand-computed values (ties in μ and in the gap)" {
            let e = entry (StudyRanking.Compute(handResults ())) "m-hand"
            Expect.equal e.Runs 5 "the failed run is not ranked"
            Expect.floatClose Accuracy.veryHigh e.KendallTau.Value 0.4 "τ-a = 2/5"
            Expect.floatClose Accuracy.veryHigh e.GranulatedTau.Value 0.1666666666666666667 "Ψ = 1/6"
            let axes = e.GranulatedTau.PerAxis |> Seq.map (fun a -> a.Axis, a.Tau, a.Groups) |> List.ofSeq
            Expect.equal (axes |> List.map (fun (a, _, g) -> a, g)) [ "width", 2; "label_noise", 2 ] "per-axis groups"
            let _, tw, _ = axes[0]
            let _, tn, _ = axes[1]
            Expect.floatClose Accuracy.veryHigh tw (1.0 / 3.0) "m_width = 1/3"
            Expect.floatClose Accuracy.veryHigh tn 0.0 "m_noise = 0"
            Expect.floatClose Accuracy.veryHigh e.SignError.Mean 0.3 "mean sign-error 3/10"
            Expect.floatClose Accuracy.veryHigh e.SignError.Worst 1.0 "worst environment"
            Expect.equal (e.SignError.Environments |> Seq.sumBy (fun x -> x.Pairs)) 5 "5 coupled pairs with unequal gaps"
            Expect.isEmpty e.Reasons "no reasons when every statistic has a value"
        }
        test "an entry with a value on one run gets null statistics with a reason, never NaN" {
            let e = entry (StudyRanking.Compute(handResults ())) "b-one"
            Expect.equal e.Runs 1 "one run has a value"
            Expect.isFalse e.KendallTau.HasValue "τ null"
            Expect.isNull (box e.GranulatedTau) "Ψ null"
            Expect.isNull (box e.SignError) "sign-error null"
            Expect.stringContains e.Reasons["kendall_tau"] "1 finished run has a value" "reason"
            Expect.equal (e.Reasons.Keys |> List.ofSeq) [ "granulated_tau"; "kendall_tau"; "sign_error" ] "all three explained"
        }
        test "a constant gap leaves τ null with a reason; an axis with one value is skipped" {
            let runs =
                [ for id, w, m in [ "a", "64", 1.0; "b", "128", 2.0; "c", "256", 3.0 ] ->
                    run id w "0" 0.0 0.2 [ valueRow "m" "measures" "measure" "measure" m false ] [] ]
            let e = entry (StudyRanking.Compute(StudyResults("c", "{}", [ "width"; "label_noise" ], runs))) "m"
            Expect.isFalse e.KendallTau.HasValue "τ null on a constant gap"
            Expect.stringContains e.Reasons["kendall_tau"] "the gap is 0.2 on all 3 runs" "reason"
            // Ψ over width only (label_noise has one value): one group of 3 with a constant gap, τ-a = 0.
            Expect.equal (e.GranulatedTau.PerAxis |> Seq.map (fun a -> a.Axis) |> List.ofSeq) [ "width" ] "label_noise skipped"
            Expect.isNull (box e.SignError) "every pair has equal gaps"
            Expect.stringContains e.Reasons["sign_error"] "no pair" "reason"
        }
        test "no axis with two values: granulated τ and sign-error null with a reason" {
            let runs = [ run "a" "64" "0" 0.0 0.1 [ valueRow "m" "measures" "measure" "measure" 1.0 false ] []
                         run "b" "64" "0" 0.0 0.3 [ valueRow "m" "measures" "measure" "measure" 2.0 false ] [] ]
            let e = entry (StudyRanking.Compute(StudyResults("c", "{}", [ "width"; "label_noise" ], runs))) "m"
            Expect.floatClose Accuracy.veryHigh e.KendallTau.Value 1.0 "two runs, concordant"
            Expect.stringContains e.Reasons["granulated_tau"] "no axis takes two values" "reason"
        }
        test "a run without a value on an axis is rejected naming the run and the axis" {
            let bad = StudyRun("x", Map [ "width", "64" ], "{}", "finished", null, Nullable 0.0, Nullable 0.1, Map.empty, [], [])
            let results = StudyResults("c", "{}", [ "width"; "label_noise" ], [ bad ])
            let e = Expect.throwsC (fun () -> StudyRanking.Compute results |> ignore) id
            Expect.stringContains e.Message "run x has no value on axis 'label_noise'" "message names run and axis"
        }
    ]

let private parse (bytes: byte[]) = JsonDocument.Parse(ReadOnlyMemory bytes).RootElement

let private withDir (f: string -> unit) =
    let d = Path.Combine(Path.GetTempPath(), "boundlab-report-" + Guid.NewGuid().ToString("N"))
    Directory.CreateDirectory d |> ignore
    try f d finally Directory.Delete(d, true)

let jsonTests =
    testList "results.json" [
        test "results.json has the fixed keys for runs, bounds and ranking" {
            withDir <| fun dir ->
            StudyReport.Write(handResults (), dir) |> ignore
            let root = parse (File.ReadAllBytes(Path.Combine(dir, "results.json")))
            let keys (e: JsonElement) = e.EnumerateObject() |> Seq.map (fun p -> p.Name) |> Set.ofSeq
            let has (e: JsonElement) (names: string list) what =
                for k in names do Expect.isTrue ((keys e).Contains k) $"{what} has key {k}"
            has root [ "study"; "axes"; "spec"; "runs"; "ranking" ] "root"
            let runs = root.GetProperty("runs").EnumerateArray() |> List.ofSeq
            Expect.equal runs.Length 6 "every run, the failed one too"
            for r in runs do
                has r [ "id"; "config"; "train_error"; "test_error"; "gap"; "bounds"; "measures"; "status"; "axes" ] "run"
            let r3 = runs |> List.find (fun r -> r.GetProperty("id").GetString() = "r3")
            Expect.floatClose Accuracy.veryHigh (r3.GetProperty("gap").GetDouble()) 0.15 "gap"
            Expect.equal (r3.GetProperty("config").GetProperty("width").GetInt32()) 64 "config embedded as JSON"
            for b in r3.GetProperty("bounds").EnumerateArray() do
                has b [ "id"; "family"; "provenance"; "target"; "value"; "vacuous"; "status" ] "bound"
            let na = r3.GetProperty("bounds").EnumerateArray() |> Seq.find (fun b -> b.GetProperty("id").GetString() = "b-one")
            Expect.equal (na.GetProperty("value").ValueKind) JsonValueKind.Null "no value when not applicable"
            Expect.equal (na.GetProperty("reason").GetString()) "binary classifiers only (k = 10)" "reason kept"
            let failed = runs |> List.find (fun r -> r.GetProperty("id").GetString() = "r6")
            Expect.equal (failed.GetProperty("gap").ValueKind) JsonValueKind.Null "failed run: null gap"
            let ranking = root.GetProperty("ranking").EnumerateArray() |> List.ofSeq
            Expect.equal (ranking |> List.map (fun e -> e.GetProperty("id").GetString())) [ "b-one"; "b-verified"; "m-hand" ] "ordinal id order"
            for e in ranking do has e [ "kendall_tau"; "granulated_tau"; "sign_error" ] "ranking entry"
            let m = ranking[2]
            Expect.floatClose Accuracy.veryHigh (m.GetProperty("kendall_tau").GetDouble()) 0.4 "τ written"
            Expect.floatClose Accuracy.veryHigh (m.GetProperty("sign_error_worst").GetDouble()) 1.0 "worst sign-error written"
            let one = ranking[0]
            Expect.equal (one.GetProperty("kendall_tau").ValueKind) JsonValueKind.Null "null, not NaN"
            Expect.stringContains (one.GetProperty("reasons").GetProperty("kendall_tau").GetString()) "1 finished run" "reason written"
            Expect.isEmpty (Directory.GetFiles(dir, "*.tmp-*")) "no temporary file left"
        }
        test "a non-finite bound value becomes an input error with a reason, never NaN in results.json" {
            withDir <| fun dir ->
            let bad = BoundRow("b-nan", "spectral", "verified", "test-error", "value", Nullable nan, Nullable false, null, Nullable 0.05)
            let r = run "z" "64" "0" 0.0 0.1 [ bad ] []
            StudyReport.Write(StudyResults("n", "{}", [ "width" ], [ r ]), dir) |> ignore
            let text = File.ReadAllText(Path.Combine(dir, "results.json"))
            Expect.isFalse (text.Contains ": NaN") "no NaN number (the reason may say NaN)"
            let root = parse (File.ReadAllBytes(Path.Combine(dir, "results.json")))
            let b = root.GetProperty("runs").[0].GetProperty("bounds").[0]
            Expect.equal (b.GetProperty("status").GetString()) "input_error" "status"
            Expect.stringContains (b.GetProperty("reason").GetString()) "not a finite number" "reason"
        }
    ]

let private render (results: StudyResults) =
    let mutable text = ""
    withDir <| fun dir ->
        StudyReport.Write(results, dir) |> ignore
        text <- File.ReadAllText(Path.Combine(dir, "report.md"))
    text

let markdownTests =
    testList "report.md" [
        test "no flag section when every verified test-error bound is at or above the test error" {
            let md = render (handResults ())
            Expect.isFalse (md.Contains ReportMarkdown.FlagHeading) "no flag"
            Expect.isFalse (md.Contains "BELOW") "no loud line either"
        }
        test "a verified test-error bound below the measured test error is flagged loudly, naming run, entry and values" {
            let low = run "r7" "512" "1" 0.0 0.25 [ valueRow "b-verified" "spectral" "verified" "test-error" 0.125 false ] []
            let md = render (StudyResults("f", "{}", [ "width"; "label_noise" ], handRuns () @ [ low ]))
            Expect.stringContains md ReportMarkdown.FlagHeading "flag section"
            Expect.stringContains md "| r7 | final | `b-verified` | 0.125 | 0.25 | 0.05 |" "the flagged row"
            Expect.stringContains md "**⚠ 1 verified test-error bound value(s) lie below the measured test error" "loud line at the top"
        }
        test "an unverified bound or a measure below the test error is not flagged; an epoch bound below is" {
            let e = EpochRow(2, 0.3, 0.0, 0.3, Map.empty, [ valueRow "b-verified" "spectral" "verified" "test-error" 0.2 false ])
            let u = run "r8" "512" "1" 0.0 0.25 [ valueRow "b-unv" "spectral" "unverified" "test-error" 0.01 false
                                                  valueRow "m-hand" "measures" "measure" "measure" 0.01 false ] [ e ]
            let md = render (StudyResults("f", "{}", [ "width"; "label_noise" ], [ u ]))
            Expect.stringContains md "| r8 | 2 | `b-verified` | 0.2 | 0.3 |" "epoch 2 flagged"
            Expect.isFalse (md.Contains "`b-unv` | 0.01") "unverified not flagged"
        }
        test "runs table: tightest non-vacuous bound per family, else the tightest vacuous one marked" {
            let bounds =
                [ valueRow "s-a" "spectral" "verified" "test-error" 0.8 false
                  valueRow "s-b" "spectral" "verified" "test-error" 0.6 false
                  valueRow "s-c" "spectral" "verified" "test-error" 0.5 true // smaller but vacuous: skipped while a non-vacuous one exists
                  valueRow "v-a" "vc" "verified" "test-error" 7.0 true
                  valueRow "v-b" "vc" "unverified" "test-error" 3.0 true
                  valueRow "st" "stability" "verified" "expected-gap" 0.05 false ]
            let md = render (StudyResults("t", "{}", [ "width" ], [ run "q" "64" "0" 0.1 0.3 bounds [] ]))
            Expect.stringContains md "| q | 64 | 0.1 | 0.3 | 0.2 | err ≤ 0.6 `s-b` | gap ≤ 0.05 `st` | **vacuous** err ≤ 3† `v-b` |" "row"
        }
        test "entries table: vacuous count, median bound/gap, τ, Ψ, sign-error; not-applicable reasons grouped" {
            let md = render (handResults ())
            // b-verified = gap + 0.3 on train error 0: ratios (g + 0.3)/g for g = 0.1, 0.2, 0.15, 0.4, 0.2 → sorted 1.75, 2.5, 2.5, 3, 4 → median 2.5.
            Expect.stringContains md "| `b-verified` | spectral | verified | test-error | 5 | 0/5 | 0.05 | 2.5 |" "b-verified row"
            Expect.stringContains md "| `m-hand` | measures | measure | measure | 5 | — | — | — | 0.4 | 0.1667 | 0.3 / 1 |" "m-hand row"
            Expect.stringContains md "- `b-one` (not applicable, 4 runs): binary classifiers only (k = 10)" "grouped reason"
            Expect.stringContains md "- kendall_tau: 1 finished run has a value; ranking needs at least 2 — `b-one`" "why a statistic is missing"
            Expect.stringContains md "| r6 | loss diverged at epoch 3 |" "failed run listed"
            Expect.isFalse (md.Contains "NaN") "never NaN"
        }
        test "reasons that differ only in their numbers are one line, with an example" {
            let na (m: string) = naRow "j-margin" "measures" "measure" "measure" (sprintf "needs a positive margin; the run's is %s" m)
            let runs = [ run "a" "64" "0" 0.1 0.3 [ na "-0.05" ] []; run "b" "128" "0" 0.1 0.3 [ na "-0.0812" ] []; run "c" "256" "0" 0.1 0.3 [ na "-0.05" ] [] ]
            let md = render (StudyResults("t", "{}", [ "width" ], runs))
            Expect.stringContains md "- `j-margin` (not applicable, 3 runs): for example: needs a positive margin; the run's is -0.05" "one line"
            Expect.isFalse (md.Contains "is -0.0812") "the other value is not listed on its own line"
        }
    ]

/// A study with width and label-noise axes, epochs on one run, and bounds of three families (values positive, so every figure has points).
let sweepResults () =
    let runs =
        [ for w in [ 64; 256 ] do
            for n in [ 0.0; 0.5 ] ->
                let train, test = 0.01, 0.05 + 0.5 * n + 4.0 / float w
                let gap = test - train
                let bounds = [ valueRow "s" "spectral" "verified" "test-error" (gap * 40.0 + train) true
                               valueRow "r" "rademacher" "verified" "test-error" (gap * 3.0 + train) false
                               valueRow "l" "stability" "verified" "expected-gap" (gap * 1.5) false
                               valueRow "p" "measures" "measure" "measure" (float w * 795.0) false ]
                let epochs = [ for e in 1 .. 3 -> EpochRow(e, 1.0 / float e, 0.1 / float e, test, Map [ "path_norm", float e ], [ valueRow "s" "spectral" "verified" "test-error" (float e * 2.0) true ]) ]
                run $"w{w}n{n}" (string w) (string n) train test bounds (if w = 64 && n = 0.0 then epochs else []) ]
    StudyResults("sweep", """{"name":"sweep"}""", [ "width"; "label_noise" ], runs)

let private filesUnder (dir: string) =
    Directory.GetFiles(dir, "*", SearchOption.AllDirectories) |> Array.map (fun f -> Path.GetRelativePath(dir, f)) |> Array.sort

let figureTests =
    testList "figures" [
        test "every figure is written as a valid PNG, an SVG that parses as XML and a PDF, and linked from report.md" {
            withDir <| fun dir ->
            StudyReport.Write(sweepResults (), dir) |> ignore
            let figs = Path.Combine(dir, "figures")
            let names = Directory.GetFiles(figs, "*.png") |> Array.map Path.GetFileNameWithoutExtension |> Array.sort
            Expect.equal names [| "bound-vs-gap-rademacher"; "bound-vs-gap-spectral"; "bound-vs-gap-stability"; "epochs-w64n0"; "tau"; "vs-label_noise"; "vs-width" |] "figures"
            let md = File.ReadAllText(Path.Combine(dir, "report.md"))
            for n in names do
                let png = File.ReadAllBytes(Path.Combine(figs, n + ".png"))
                Expect.equal png[0..7] [| 0x89uy; 0x50uy; 0x4Euy; 0x47uy; 0x0Duy; 0x0Auy; 0x1Auy; 0x0Auy |] $"{n}.png signature"
                Expect.equal (Text.Encoding.ASCII.GetString(png, 12, 4)) "IHDR" $"{n}.png starts with IHDR"
                let be (i: int) = (int png[i] <<< 24) ||| (int png[i + 1] <<< 16) ||| (int png[i + 2] <<< 8) ||| int png[i + 3]
                Expect.equal (be 16, be 20) (800, 560) $"{n}.png size"
                Expect.equal (Text.Encoding.ASCII.GetString(png, png.Length - 8, 4)) "IEND" $"{n}.png ends with IEND"
                let svg = Xml.Linq.XDocument.Parse(File.ReadAllText(Path.Combine(figs, n + ".svg")))
                Expect.equal svg.Root.Name.LocalName "svg" $"{n}.svg root"
                let pdf = File.ReadAllBytes(Path.Combine(figs, n + ".pdf"))
                Expect.equal (Text.Encoding.ASCII.GetString(pdf, 0, 5)) "%PDF-" $"{n}.pdf header"
                Expect.stringContains (Text.Encoding.ASCII.GetString(pdf, pdf.Length - 16, 16)) "%%EOF" $"{n}.pdf trailer"
                Expect.stringContains md $"](figures/{n}.png)" $"report.md shows {n}"
        }
        test "two renders give identical report.md, results.json and figure bytes; a stale figure is removed" {
            withDir <| fun a ->
            withDir <| fun b ->
            StudyReport.Write(sweepResults (), a) |> ignore
            File.WriteAllText(Path.Combine(b, "figures-placeholder.txt"), "kept: not a figure")
            Directory.CreateDirectory(Path.Combine(b, "figures")) |> ignore
            File.WriteAllText(Path.Combine(b, "figures", "old-figure.png"), "stale")
            StudyReport.Write(sweepResults (), b) |> ignore
            StudyReport.Write(sweepResults (), b) |> ignore
            let fa = filesUnder a
            Expect.equal (filesUnder b |> Array.filter (fun f -> f <> "figures-placeholder.txt")) fa "same files, stale figure gone"
            Expect.isGreaterThan fa.Length 20 "results.json, report.md and 7 × 3 figures"
            for f in fa do
                Expect.isTrue (File.ReadAllBytes(Path.Combine(a, f)) = File.ReadAllBytes(Path.Combine(b, f))) $"{f} identical"
        }
        test "figures use the DejaVu Sans embedded in the assembly, whatever fonts the machine has" {
            let name = BoundLab.Studies.Report.Figures.EmbeddedFont.Use()
            let face = ScottPlot.Fonts.GetTypeface(name, false, false)
            Expect.equal face.FamilyName "DejaVu Sans" "ScottPlot resolves the embedded family"
            Expect.isGreaterThan face.GlyphCount 3000 "a real font (DejaVu Sans has ~6000 glyphs)"
            Expect.isTrue (face.ContainsGlyphs "τΨδ≤−") "the report's symbols have glyphs"
            Expect.isTrue (ScottPlot.Fonts.GetTypeface(name, true, false).IsBold) "bold face for titles"
        }
        test "no figure needs values it cannot show: a study with no bound values writes report.md without figures" {
            withDir <| fun dir ->
            let r = run "x" "64" "0" 0.0 0.1 [ naRow "v" "vc" "verified" "test-error" "binary only" ] []
            StudyReport.Write(StudyResults("e", "{}", [ "width" ], [ r ]), dir) |> ignore
            Expect.isEmpty (Directory.GetFiles(Path.Combine(dir, "figures"))) "no figures"
            Expect.isFalse (File.ReadAllText(Path.Combine(dir, "report.md")).Contains "## Figures") "no figure section"
        }
    ]

let readerTests =
    testList "results.json reader" [
        test "results.json read back renders the same results.json and report.md bytes (epochs and a NaN loss included)" {
            withDir <| fun a ->
            withDir <| fun b ->
            let diverged = EpochRow(1, nan, 0.5, 0.6, Map.empty, [])
            let failed = StudyRun("f1", Map [ "width", "64"; "label_noise", "0.5" ], """{"lr":9}""", "failed", "loss is NaN at epoch 1",
                                  Nullable(), Nullable(), Map.empty, [], [ diverged ])
            let results = sweepResults ()
            let results = StudyResults(results.Name, results.SpecJson, results.Axes, Seq.append results.Runs [ failed ] |> List.ofSeq)
            StudyReport.Write(results, a) |> ignore
            StudyReport.Write(ResultsJsonReader.Load a, b) |> ignore
            for f in [ "results.json"; "report.md" ] do
                Expect.equal (File.ReadAllText(Path.Combine(b, f))) (File.ReadAllText(Path.Combine(a, f))) $"{f} identical after the round trip"
            let back = ResultsJsonReader.Load a
            let e = (back.Runs |> Seq.find (fun r -> r.Id = "w64n0")).Epochs[2]
            Expect.equal e.Bounds[0].Target "test-error" "epoch rows keep their target"
            Expect.isTrue (Double.IsNaN (back.Runs |> Seq.find (fun r -> r.Id = "f1")).Epochs[0].TrainLoss) "a NaN loss is written null and read back NaN"
        }
        test "a folder without results.json is one clear error naming the folder" {
            withDir <| fun dir ->
            let e = Expect.throwsC (fun () -> ResultsJsonReader.Load dir |> ignore) id
            Expect.stringContains e.Message $"DIR {dir} has no results.json" "message"
        }
    ]

[<Tests>]
let tests = testList "Studies/Report" [ rankingTests; jsonTests; markdownTests; figureTests; readerTests ]
