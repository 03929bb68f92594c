module BoundLab.Bounds.Tests.Verification.StepSizeConditionsTests

open System
open Expecto
open BoundLab.Bounds.Symbolic
open BoundLab.Bounds.Verification
open BoundLab.Bounds.Tests.TestUtil

let q (s: string) = Rational.ParseDecimal s
// Z3 only; the cvc5 second opinion has its own test (Debian's cvc5 often waits out its limit on irrational models).
let opts = CheckOptions(z3Timeout, Nullable(), false, Nullable())
let verdict (o: Obligation) = (ObligationRunner.Check(o, opts)).Verdict

[<Tests>]
let tests =
    testList "Bounds.Verification.StepSizeConditions" [
        testCase "GD: η ≤ 1/ℓ proved at the boundary, violated 1e-15 above it" <| fun () ->
            Expect.equal (verdict (StepSizeConditions.GdStepSize(q "0.1", q "10"))) ClaimVerdict.Proved "η = 1/ℓ"
            Expect.equal (verdict (StepSizeConditions.GdStepSize(q "0.100000000000001", q "10"))) ClaimVerdict.Violated "just above"
            Expect.equal (verdict (StepSizeConditions.GdStepSize(Rational(1, 3), q "3"))) ClaimVerdict.Proved "1/3 with ℓ = 3"
        testCase "SGLD k₀, inverse schedule: ηβL² = 2.5 gives k₀ = 3 (2.5/3 < 1 ≤ 2.5/2), both obligations proved" <| fun () ->
            let r = StepSizeConditions.SgldK0(StepSchedule.Inverse, q "0.1", q "25", q "1", opts)
            Expect.equal r.K0 (Nullable 3L) "k₀"
            Expect.equal r.Verdict ClaimVerdict.Proved "proved"
            Expect.equal r.Results.Count 2 "qualifies + least"
        testCase "SGLD k₀, inverse schedule at the boundary: ηβL² = 3 exactly gives k₀ = 4 (3/3 is not < 1)" <| fun () ->
            let r = StepSizeConditions.SgldK0(StepSchedule.Inverse, q "0.3", q "10", q "1", opts)
            Expect.equal r.K0 (Nullable 4L) "k₀"
            Expect.equal r.Verdict ClaimVerdict.Proved "proved"
        testCase "SGLD k₀, constant schedule: 1 when ηβL² < 1, none otherwise" <| fun () ->
            let r = StepSizeConditions.SgldK0(StepSchedule.Constant, q "0.01", q "10", q "3", opts)
            Expect.equal r.K0 (Nullable 1L) "0.9 < 1"
            let none = StepSizeConditions.SgldK0(StepSchedule.Constant, q "0.01", q "100", q "1", opts)
            Expect.isFalse none.K0.HasValue "ηβL² = 1"
            Expect.equal none.Verdict ClaimVerdict.Proved "proved that no k qualifies"
    ]
