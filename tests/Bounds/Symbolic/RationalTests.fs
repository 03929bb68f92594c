module BoundLab.Bounds.Tests.Symbolic.RationalTests

open System.Numerics
open Expecto
open BoundLab.Bounds.Symbolic

let r (p: int) (q: int) = Rational(BigInteger p, BigInteger q)

[<Tests>]
let tests =
    testList "Bounds.Symbolic.Rational" [
        testCase "normalizes sign and gcd" <| fun () ->
            for (p, q, text) in [ 2, 4, "1/2"; -3, -6, "1/2"; 3, -6, "-1/2"; 0, -5, "0"; 10, 5, "2" ] do
                Expect.equal ((r p q).ToString()) text $"{p}/{q}"
        testCase "default value is zero" <| fun () ->
            Expect.equal Unchecked.defaultof<Rational> Rational.Zero "default"
            Expect.equal Unchecked.defaultof<Rational>.Denominator BigInteger.One "denominator"
        testCase "arithmetic is exact" <| fun () ->
            Expect.equal (r 1 3 + r 1 6) (r 1 2) "sum"
            Expect.equal (r 1 3 - r 1 2) (r -1 6) "difference"
            Expect.equal (r 2 3 * r 9 4) (r 3 2) "product"
            Expect.equal (r 2 3 / r 4 9) (r 3 2) "quotient"
            Expect.equal (Rational.Pow(r 2 3, -2)) (r 9 4) "power"
        testCase "FromDouble is the exact binary value" <| fun () ->
            Expect.equal (Rational.FromDouble 0.5) (r 1 2) "0.5"
            Expect.equal (Rational.FromDouble -3.0) (r -3 1) "-3"
            let tenth = Rational.FromDouble 0.1
            Expect.equal tenth.Denominator (BigInteger.Pow(BigInteger 2, 55)) "0.1 is a dyadic rational"
            Expect.equal (tenth.ToDouble()) 0.1 "round trip"
            Expect.throws (fun () -> Rational.FromDouble nan |> ignore) "NaN rejected"
        testCase "ParseDecimal reads decimals exactly" <| fun () ->
            for (text, expected) in [ "12", r 12 1; "0.25", r 1 4; "1e-3", r 1 1000; "2.5E2", r 250 1; "1.5e+1", r 15 1 ] do
                Expect.equal (Rational.ParseDecimal text) expected text
        testCase "division by zero throws" <| fun () ->
            Expect.throwsT<System.DivideByZeroException> (fun () -> r 1 2 / Rational.Zero |> ignore) "1/2 / 0"
        testCase "order" <| fun () ->
            Expect.isTrue (r -1 2 < r 1 3) "-1/2 < 1/3"
            Expect.isTrue (r 2 3 > r 3 5) "2/3 > 3/5"
    ]
