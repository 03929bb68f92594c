module BoundLab.Numerics.Tests.SmokeTests

open Expecto

[<Tests>]
let tests =
    testList "Numerics.Smoke" [
        testCase "assembly loads" <| fun () ->
            Expect.isNotNull (typeof<BoundLab.Numerics.Tests.TestUtil.Marker>.Assembly) "assembly"
    ]
