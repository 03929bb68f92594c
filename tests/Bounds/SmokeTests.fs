module BoundLab.Bounds.Tests.SmokeTests

open Expecto

[<Tests>]
let tests =
    testList "Bounds.Smoke" [
        testCase "assembly loads" <| fun () ->
            Expect.isNotNull (typeof<BoundLab.Bounds.Tests.TestUtil.Marker>.Assembly) "assembly"
    ]
