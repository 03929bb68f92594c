/// The exact binomial-tail inversion against mpmath's regularized incomplete beta (tests/Bounds/Catalog/golden.py,
/// binom_inv: P(X ≤ k | n, p) = I_{1−p}(n − k, k + 1), 400-step bisection at 50 digits).
module BoundLab.Bounds.Tests.Symbolic.BinomialTailTests

open System
open Expecto
open BoundLab.Bounds.Symbolic

// (k, n, δ, root from golden.py). The certified result must be ≥ the root (as a double, the nearest double to the
// root is ≤ the smallest double above it) and within 1e-12 relative of it.
let private cases = [
    200, 10000, 0.05, 0.022459353017102349
    0, 1000, 0.05, 0.0029912495450952962
    10, 20, 0.01, 0.76104036348349361
    123, 10000, 1e-6, 0.018373392610291815
    3, 60000, 0.001, 0.00021768575887553838 ]

[<Tests>]
let tests =
    testList "Bounds.Symbolic.BinomialTail" [
        for k, n, delta, root in cases ->
            testCase $"bin⁻¹ at k = {k}, n = {n}, δ = {delta} is never below mpmath's root and within 1e-12 of it" <| fun () ->
                let p = BinomialTail.Inverse(float k / float n, float n, delta)
                Expect.isGreaterThanOrEqual p root "certificate ≥ true inverse"
                Expect.isLessThanOrEqual p (root * (1.0 + 1e-12)) "and tight"
                // At the certificate the tail is below δ; one step inside the bracket it is not (bisection to adjacent doubles).
                let struct (logCdf, _) = BinomialTail.LogCdf(int64 k, int64 n, p)
                Expect.isLessThan logCdf (log delta) "P(X ≤ k | p) < δ at the result"

        yield testCase "k = 0 agrees with the closed form 1 − δ^(1/n)" <| fun () ->
            Expect.floatClose { absolute = 0.; relative = 1e-13 } (BinomialTail.Inverse(0.0, 1000.0, 0.05)) (1.0 - 0.05 ** (1.0 / 1000.0)) "closed form"

        yield testCase "all errors (k = n) gives 1; a non-integer count gives NaN; bad n and δ are rejected" <| fun () ->
            Expect.equal (BinomialTail.Inverse(1.0, 7.0, 0.05)) 1.0 "k = n"
            Expect.isTrue (Double.IsNaN(BinomialTail.Inverse(0.3, 7.0, 0.05))) "0.3·7 = 2.1 errors"
            Expect.throwsT<ArgumentOutOfRangeException> (fun () -> BinomialTail.Inverse(0.1, 10.5, 0.05) |> ignore) "n not an integer"
            Expect.throwsT<ArgumentOutOfRangeException> (fun () -> BinomialTail.Inverse(0.1, 10.0, 1.0) |> ignore) "δ = 1"

        yield testCase "log CDF matches direct summation on a small case" <| fun () ->
            // P(X ≤ 2 | n = 5, p = 0.3) = 0.16807 + 0.36015 + 0.3087 = 0.83692.
            let struct (v, err) = BinomialTail.LogCdf(2L, 5L, 0.3)
            Expect.floatClose { absolute = 1e-15; relative = 1e-14 } (exp v) 0.83692 "value"
            Expect.isGreaterThan err 0.0 "an error bound is reported"
    ]
