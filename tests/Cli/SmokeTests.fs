module BoundLab.Cli.Tests.SmokeTests

open Expecto

[<Tests>]
let tests =
    testList "Cli.Smoke" [
        testCase "assembly loads" <| fun () ->
            Expect.isNotNull (typeof<BoundLab.Cli.Tests.TestUtil.Marker>.Assembly) "assembly"
    ]
