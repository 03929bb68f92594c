module BoundLab.Bounds.Tests.Symbolic.ElementaryTests

open System
open Expecto
open BoundLab.Bounds.Symbolic

/// Distance in units in the last place between two finite doubles of the same sign.
let ulps (a: float) (b: float) =
    abs (BitConverter.DoubleToInt64Bits a - BitConverter.DoubleToInt64Bits b)

/// x, e^x − 1 rounded to the nearest double. From mpmath 1.3.0 at 60 digits, x the exact binary value:
///   from mpmath import mp, mpf, expm1; mp.dps = 60; print(repr(float(expm1(mpf(x)))))
let expm1Golden = [
    5e-324, 5e-324
    1e-300, 1e-300
    1e-20, 1e-20
    -1e-20, -1e-20
    1e-10, 1.00000000005e-10
    -1e-10, -9.999999999500001e-11
    3.3e-08, 3.300000054450001e-08
    -1e-06, -9.999995000001667e-07
    1e-05, 1.0000050000166668e-05
    0.001, 0.0010005001667083417
    -0.01, -0.009950166250831947
    0.3, 0.3498588075760031
    -0.3, -0.2591817793182821
    0.6931, 0.9999056411060797
    -0.6931, -0.4999764091635173
    1.0, 1.7182818284590453
    -1.0, -0.6321205588285577
    10.0, 22025.465794806718
    -40.0, -1.0
    700.0, 1.0142320547350045e+304
    -745.0, -1.0
]

/// x, ln(1 + x) rounded to the nearest double; same mpmath snippet with log1p.
let log1pGolden = [
    5e-324, 5e-324
    1e-20, 1e-20
    -1e-20, -1e-20
    1e-10, 9.999999999500001e-11
    -1e-10, -1.00000000005e-10
    1e-06, 9.999995000003334e-07
    -0.3, -0.35667494393873234
    0.3, 0.26236426446749106
    1.0, 0.6931471805599453
    -0.999, -6.907755278982136
    1e10, 23.025850930040455
    1e300, 690.7755278982137
]

[<Tests>]
let tests =
    testList "Bounds.Symbolic.Elementary" [
        testList "ExpM1 within 2 ulps of mpmath" [
            for (x, expected) in expm1Golden ->
                testCase $"x={x}" <| fun () ->
                    let got = Elementary.ExpM1 x
                    Expect.isLessThanOrEqual (ulps got expected) 2L $"expm1({x}) = {got:R}, mpmath {expected:R}"
        ]
        testList "Log1P within 2 ulps of mpmath" [
            for (x, expected) in log1pGolden ->
                testCase $"x={x}" <| fun () ->
                    let got = Elementary.Log1P x
                    Expect.isLessThanOrEqual (ulps got expected) 2L $"log1p({x}) = {got:R}, mpmath {expected:R}"
        ]
        testCase "special values" <| fun () ->
            Expect.equal (Elementary.ExpM1 0.0) 0.0 "expm1(0)"
            Expect.equal (Elementary.ExpM1 1000.0) infinity "overflow is +∞, not NaN"
            Expect.equal (Elementary.ExpM1 -infinity) -1.0 "expm1(−∞)"
            Expect.isTrue (Double.IsNaN(Elementary.ExpM1 nan)) "NaN"
            Expect.equal (Elementary.Log1P -1.0) -infinity "log1p(−1)"
            Expect.equal (Elementary.Log1P infinity) infinity "log1p(∞)"
        testCase "double.ExpM1 is the cancelling exp(x) − 1 this class replaces" <| fun () ->
            // If the runtime ever fixes it this test says so, and Elementary.ExpM1 can go.
            let x = 1e-10
            Expect.isGreaterThan (ulps (Double.ExpM1 x) 1.00000000005e-10) 1000L "runtime expm1 loses digits at 1e-10"
    ]
