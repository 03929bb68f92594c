module BoundLab.Cli.Tests.ReportCommandTests

open System
open System.IO
open Expecto
open BoundLab.Studies.Results
open BoundLab.Cli.Commands
open BoundLab.Cli.Tests.TestUtil

/// Two finished runs differing in width, with one spectral bound and one measure; the verified bound on run b is below its test error when `low`.
let private results low =
    let row id fam prov tgt (v: float) = BoundRow(id, fam, prov, tgt, "value", Nullable v, (if tgt = "measure" then Nullable() else Nullable(v >= 1.0)), null, Nullable 0.05)
    let run id (w: string) (test: float) bound =
        StudyRun(id, Map [ "width", w ], sprintf """{"width":%s}""" w, "finished", null, Nullable 0.0, Nullable test, Map [ "path_norm", 2.0 ],
                 [ row "bft" "spectral" "verified" "test-error" bound; row "pn" "measures" "measure" "measure" (float w.Length) ],
                 [ EpochRow(1, 0.5, 0.1, test, Map.empty, [ row "bft" "spectral" "verified" "test-error" (bound * 2.0) ]) ])
    StudyResults("cli", """{"name":"cli"}""", [ "width" ], [ run "a" "64" 0.1 0.5; run "b" "128" 0.3 (if low then 0.2 else 0.9) ])

[<Tests>]
let tests =
    testSequenced <| testList "Cli.Report" [
        testCase "report DIR renders from the loader; two renders give identical report.md and results.json" <| fun () ->
            withTempDir <| fun dir ->
            let mutable loads = 0
            let cmd = ReportCommand(fun d -> loads <- loads + 1; Expect.equal d dir "the loader gets DIR"; results false)
            let capture () =
                let out = new StringWriter()
                let old = Console.Out
                Console.SetOut out
                try cmd.Run [ dir ], out.ToString() finally Console.SetOut old
            let code, out = capture ()
            Expect.equal code 0 "exit code"
            Expect.stringContains out "2 runs, 2 entries ranked" "summary line"
            let read f = File.ReadAllBytes(Path.Combine(dir, f))
            let md1, json1 = read "report.md", read "results.json"
            let figs1 = Directory.GetFiles(Path.Combine(dir, "figures")) |> Array.sort |> Array.map File.ReadAllBytes
            let code2, _ = capture ()
            Expect.equal code2 0 "second render"
            Expect.equal loads 2 "each render loads the store"
            Expect.isTrue (read "report.md" = md1) "report.md identical"
            Expect.isTrue (read "results.json" = json1) "results.json identical"
            let figs2 = Directory.GetFiles(Path.Combine(dir, "figures")) |> Array.sort |> Array.map File.ReadAllBytes
            Expect.isTrue (figs1 = figs2) "figures identical"
            Expect.isGreaterThan figs1.Length 0 "figures written"

        testCase "the registered report command re-renders from results.json and warns on a flagged bound" <| fun () ->
            withTempDir <| fun dir ->
            BoundLab.Studies.Report.StudyReport.Write(results true, dir) |> ignore
            let md1 = File.ReadAllText(Path.Combine(dir, "report.md"))
            File.Delete(Path.Combine(dir, "report.md"))
            let code, out, err = runCli [ "report"; dir ]
            Expect.equal code 0 (sprintf "exit code; stderr: %s" err)
            Expect.stringContains out "wrote" "summary"
            Expect.stringContains err "warning: 1 verified test-error bound value(s) lie below the measured test error" "loud on stderr too"
            Expect.equal (File.ReadAllText(Path.Combine(dir, "report.md"))) md1 "the same report.md as the study wrote"

        testCase "report with a missing or empty DIR: exit 2 with one line naming DIR" <| fun () ->
            withTempDir <| fun dir ->
            let missing = Path.Combine(dir, "nope")
            let code, _, err = runCli [ "report"; missing ]
            Expect.equal code 2 "exit code"
            Expect.stringContains err $"DIR" "names DIR"
            Expect.stringContains err missing "names the value"
            let code2, _, err2 = runCli [ "report"; dir ]
            Expect.equal code2 2 "no results in DIR"
            Expect.stringContains err2 "has no results.json" "says what is missing"
            Expect.isFalse (err2.Contains "   at ") "no stack trace"
            Expect.equal (err2.Trim().Split('\n').Length) 1 "one line"
    ]
