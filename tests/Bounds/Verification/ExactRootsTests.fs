module BoundLab.Bounds.Tests.Verification.ExactRootsTests

open System.Numerics
open Expecto
open BoundLab.Bounds.Symbolic
open BoundLab.Bounds.Verification

let q (s: string) = Rational.ParseDecimal s

[<Tests>]
let tests =
    testList "Bounds.Verification.ExactRoots" [
        testCase "floor roots" <| fun () ->
            for (n, k, r) in [ (0, 2, 0); (1, 3, 1); (8, 3, 2); (26, 3, 2); (27, 3, 3); (99, 2, 9); (100, 2, 10) ] do
                Expect.equal (ExactRoots.FloorRoot(BigInteger n, k)) (BigInteger r) $"⌊{n}^(1/{k})⌋"
            let big = BigInteger.Pow(BigInteger 10, 60) + BigInteger.One
            Expect.equal (ExactRoots.FloorRoot(big, 3)) (BigInteger.Pow(BigInteger 10, 20)) "large"
        testCase "exact roots only when rational" <| fun () ->
            Expect.equal (ExactRoots.TryExactRoot(Rational(8, 27), 3)) (System.Nullable(Rational(2, 3))) "8/27"
            Expect.isFalse (ExactRoots.TryExactRoot(Rational 2, 2)).HasValue "√2"
        testCase "brackets of √2 to 40 digits (mpmath: 1.4142135623730950488016887242096980785696718753769)" <| fun () ->
            let golden = q "1.4142135623730950488016887242096980785696718753769"
            let u = ExactRoots.RootUpper(Rational 2, 2, 40)
            let l = ExactRoots.RootLower(Rational 2, 2, 40)
            Expect.isTrue (u * u > Rational 2 && l * l < Rational 2) "brackets"
            Expect.isTrue (abs ((u - golden).ToDouble()) < 1e-39 && abs ((l - golden).ToDouble()) < 1e-39) "tight"
        testCase "sign of p − a·c^(m/k)" <| fun () ->
            Expect.equal (ExactRoots.SignOfDifference(Rational 2, Rational 1, Rational 4, 1, 2)) 0 "2 = √4"
            Expect.equal (ExactRoots.SignOfDifference(q "1.41421356237309504880168872420969807856967187537", Rational 1, Rational 2, 1, 2)) -1 "just below √2"
            Expect.equal (ExactRoots.SignOfDifference(q "1.41421356237309504880168872420969807856967187538", Rational 1, Rational 2, 1, 2)) 1 "just above √2"
        testCase "ceiling decimals round up" <| fun () ->
            Expect.equal (ExactRoots.CeilingDecimal(Rational(1, 3), 5)) (q "0.33334") "1/3"
            Expect.equal (ExactRoots.CeilingDecimal(q "12.5", 2)) (q "13") "12.5"
            Expect.equal (ExactRoots.CeilingDecimal(q "12", 2)) (q "12") "already a decimal"
            Expect.equal (ExactRoots.ExactText(Rational(1, 3))) "1/3" "non-terminating"
            Expect.equal (ExactRoots.ExactText(q "0.000001")) "0.000001" "terminating"
    ]
