/// The Dziugaite–Roy prior grid and KL. Literals from tests/Bounds/Catalog/golden.py (mpmath, 50 digits).
module BoundLab.Bounds.Tests.Catalog.Dr17PriorTests

open System
open Expecto
open BoundLab.Bounds.Catalog

// P = 1000 parameters, ‖w − w₀‖² = 25.3, every posterior variance 0.0121.
let private p = 1000L
let private sqd, sumVar, sumLog = 25.3, 12.1, 1000. * Math.Log 0.0121

[<Tests>]
let tests =
    testList "Bounds.Catalog.Dr17Prior" [
        testCase "λ_j = 0.1·exp(−j/100)" <| fun () ->
            Expect.floatClose { absolute = 0.; relative = 1e-14 } (Dr17Prior.Lambda 350) 0.0030197383422318501 "j = 350"

        testCase "KL at λ_350 and λ_351 (golden.py)" <| fun () ->
            Expect.floatClose { absolute = 0.; relative = 1e-12 } (Dr17Prior.Kl(sqd, sumVar, sumLog, p, Dr17Prior.Lambda 350)) 4998.5718829681607 "j = 350"
            Expect.floatClose { absolute = 0.; relative = 1e-12 } (Dr17Prior.Kl(sqd, sumVar, sumLog, p, Dr17Prior.Lambda 351)) 5055.8084422903965 "j = 351"

        testCase "an optimized λ = 0.003 (j* = 350.66) goes to the neighbour with the smaller KL + 2 ln j" <| fun () ->
            let d = Dr17Prior.Discretize(sqd, sumVar, sumLog, p, 0.003)
            Expect.equal d.J 350 "j"
            Expect.floatClose { absolute = 0.; relative = 1e-12 } d.Kl 4998.5718829681607 "KL"

        testCase "KL is zero when posterior equals prior" <| fun () ->
            let lam = Dr17Prior.Lambda 10
            Expect.floatClose Accuracy.veryHigh (Dr17Prior.Kl(0., 1000. * lam, 1000. * Math.Log lam, p, lam)) 0. "KL(P‖P)"

        testCase "bad statistics are rejected with the argument named" <| fun () ->
            let e = Expect.throwsC (fun () -> Dr17Prior.Kl(-1., sumVar, sumLog, p, 0.01) |> ignore) id
            Expect.stringContains e.Message "squaredDistance" "named"
            Expect.throwsT<ArgumentOutOfRangeException> (fun () -> Dr17Prior.Discretize(sqd, sumVar, sumLog, p, 0.2) |> ignore) "λ above c"
            Expect.throwsT<ArgumentOutOfRangeException> (fun () -> Dr17Prior.Lambda 0 |> ignore) "j = 0"
    ]
