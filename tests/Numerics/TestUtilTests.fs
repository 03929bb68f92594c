/// The test helpers must themselves be able to fail.
module BoundLab.Numerics.Tests.TestUtilTests

open System
open Expecto
open BoundLab.Numerics.Tests.TestUtil

[<Tests>]
let tests =
    testList "Numerics.TestUtil" [
        testCase "throwsOf fails when nothing is thrown, even for exn" <| fun () ->
            let failed =
                try
                    thrown ignore |> ignore
                    false
                with :? AssertException -> true
            Expect.isTrue failed "a silent function must fail the test"

        testCase "throwsOf fails on an exception of another type" <| fun () ->
            let failed =
                try
                    throwsOf<ArgumentException> (fun () -> raise (InvalidOperationException "x")) "test" |> ignore
                    false
                with :? AssertException -> true
            Expect.isTrue failed "the wrong exception type must fail the test"

        testCase "throwsOf returns the exception" <| fun () ->
            let e = throwsOf<ArgumentException> (fun () -> raise (ArgumentException "boom")) "test"
            Expect.equal e.Message "boom" "the thrown exception"
    ]
