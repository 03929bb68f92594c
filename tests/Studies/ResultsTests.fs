module BoundLab.Studies.Tests.ResultsTests

open Expecto
open BoundLab.Studies.Results

[<Tests>]
let tests =
    testList "Studies/Results" [
        test "gap is test error minus train error, and null for a failed run" {
            let run ok =
                StudyRun("r", Map.empty, "{}", (if ok then "finished" else "failed"), (if ok then null else "diverged"),
                         (if ok then System.Nullable 0.25 else System.Nullable()), (if ok then System.Nullable 0.5 else System.Nullable()),
                         Map.empty, [], [])
            Expect.equal ((run true).Gap) (System.Nullable 0.25) "gap"
            Expect.isFalse ((run false).Gap.HasValue) "no gap for a failed run"
        }
    ]
