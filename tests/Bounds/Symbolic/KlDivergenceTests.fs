module BoundLab.Bounds.Tests.Symbolic.KlDivergenceTests

open System
open Expecto
open BoundLab.Bounds.Symbolic
open BoundLab.Bounds.Tests.TestUtil

/// q, c, the true root kl⁻¹(q, c) rounded DOWN to a double. Golden values from mpmath 1.x at 60 digits:
/// bisection on kl(q‖p) = q ln(q/p) + (1−q) ln((1−q)/(1−p)) over [q, 1] for 400 steps, with q and c the
/// exact binary values of the double literals (mp.mpf(0.1)), then float() stepped down one ulp if it was above.
let golden = [
    0.1, 0.01, 0.14767553929800747
    0.05, 0.2, 0.2995591377729576
    0.5, 0.001, 0.522349504092188
    0.3, 1e-09, 0.30002049416818916
    0.001, 0.05, 0.05354808731430046
    0.9, 0.05, 0.9687216037277205
    0.999, 0.001, 0.9998413389039343
    0.2, 2.0, 0.9555835220148613
    1e-06, 1e-06, 3.146189844452873e-06
    0.6, 10.0, 0.9999999999974182
    0.02, 0.0005, 0.024751602998471095
]

/// Distance in ulps between two non-negative doubles.
let ulps (a: float) (b: float) = abs (BitConverter.DoubleToInt64Bits a - BitConverter.DoubleToInt64Bits b)

/// The most ulps kl⁻¹ may lie above the root in the fixture: the certification margin (the rounding-error bound
/// of kl) moves p by a few ulps; measured worst 8 (1 of 3002 rows), 1999 rows exact.
[<Literal>]
let MaxUlpsAbove = 8L

[<Tests>]
let tests =
    testList "Bounds.Symbolic.KlDivergence" [
        testCase "kl values" <| fun () ->
            Expect.floatClose Accuracy.high (KlDivergence.Kl(0.5, 0.5)) 0.0 "kl(q‖q) = 0"
            Expect.floatClose Accuracy.high (KlDivergence.Kl(0.0, 0.5)) (log 2.0) "kl(0‖p) = −ln(1−p)"
            Expect.floatClose Accuracy.high (KlDivergence.Kl(1.0, 0.25)) (log 4.0) "kl(1‖p) = −ln p"
            Expect.floatClose Accuracy.high (KlDivergence.Kl(0.1, 0.2)) (0.1 * log 0.5 + 0.9 * log (0.9 / 0.8)) "definition"
            Expect.equal (KlDivergence.Kl(0.3, 1.0)) infinity "p = 1"
        testList "inverse against mpmath: never below the root, within 1e-12 above it" [
            for (q, c, root) in golden ->
                testCase $"q={q} c={c}" <| fun () ->
                    let r = KlDivergence.Inverse(q, c)
                    Expect.isGreaterThanOrEqual r root "upper end of the bracket"
                    Expect.isLessThanOrEqual (r - root) 1e-12 "tight"
                    Expect.isGreaterThanOrEqual (KlDivergence.Kl(q, r)) (c - 1e-12) "kl(q‖r) ≥ c − 1e-12"
        ]
        testCase "random inputs: kl(q‖r) ≥ c − 1e-12, r ≤ 1, and one ulp lower is feasible" <| fun () ->
            let rng = Random 7
            for _ in 1 .. 2000 do
                let q = rng.NextDouble()
                let c = Math.Pow(10.0, -8.0 + 9.0 * rng.NextDouble())
                let r = KlDivergence.Inverse(q, c)
                Expect.isLessThanOrEqual r 1.0 "≤ 1"
                if r < 1.0 then
                    Expect.isGreaterThanOrEqual (KlDivergence.Kl(q, r)) (c - 1e-12) $"q={q} c={c}"
                    // The bracket shrank to adjacent doubles, so the point below r is within the budget up to
                    // the certification margin of Inverse (the rounding-error bound of kl, below 32·2^-53 relative).
                    Expect.isLessThanOrEqual (KlDivergence.Kl(q, Math.BitDecrement r)) (c / (1.0 - 32.0 / 9007199254740992.0)) $"tight q={q} c={c}"
        testCase "the issue's cases are not below the mpmath root" <| fun () ->
            // Before the fix these came out 1–2 ulps BELOW the root: the bisection compared against the
            // floating-point kl, whose two terms cancel. Roots from klinv_roots.py (rounded up to a double).
            for q, c, rootUp in [ 0.001, 1e-6, 0.001045366764991977; 0.5, 0.1, 0.7128786314558241 ] do
                let r = KlDivergence.Inverse(q, c)
                Expect.isGreaterThanOrEqual r rootUp $"kl⁻¹({q}, {c}) = {r:R} vs root ≤ {rootUp:R}"
                Expect.isLessThanOrEqual (ulps r rootUp) 4L $"kl⁻¹({q}, {c}) within 4 ulps"
        testCase "kl⁻¹ on 3000 (q, c) pairs: never below the mpmath root, at most a few ulps above" <| fun () ->
            // klinv_roots.csv: q, c, and the root rounded up to a double, computed by klinv_roots.py
            // (python3 klinv_roots.py > klinv_roots.csv; mpmath at 60 digits, bisection over the doubles).
            use stream = typeof<BoundLab.Bounds.Tests.TestUtil.Marker>.Assembly.GetManifestResourceStream "klinv_roots.csv"
            use reader = new IO.StreamReader(stream)
            let rows =
                reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries)
                |> Array.skip 1
                |> Array.map (fun line ->
                    let f = line.Split(',') |> Array.map (fun x -> Double.Parse(x, Globalization.CultureInfo.InvariantCulture))
                    f[0], f[1], f[2])
            Expect.isGreaterThanOrEqual rows.Length 3000 "fixture size"
            let mutable worst = 0L
            for q, c, rootUp in rows do
                let r = KlDivergence.Inverse(q, c)
                if r < rootUp then failtestf "kl⁻¹(%.17g, %.17g) = %.17g is below the root (≥ %.17g)" q c r rootUp
                worst <- max worst (ulps r rootUp)
            Expect.isLessThanOrEqual worst MaxUlpsAbove $"worst distance above the root: {worst} ulps"
        testCase "closed forms" <| fun () ->
            Expect.equal (KlDivergence.Inverse(0.37, 0.0)) 0.37 "c = 0 → q"
            let c = 0.3
            let r = KlDivergence.Inverse(0.0, c)
            Expect.isGreaterThanOrEqual r (1.0 - exp (-c)) "q = 0 → 1 − e^(−c), not below"
            Expect.floatClose Accuracy.veryHigh r (1.0 - exp (-c)) "q = 0 value"
            Expect.equal (KlDivergence.Inverse(1.0, 0.5)) 1.0 "q = 1"
            Expect.equal (KlDivergence.Inverse(0.4, 1e6)) 1.0 "huge c → 1"
            Expect.equal (KlDivergence.Inverse(0.4, infinity)) 1.0 "c = ∞ → 1"
            let nearOne = KlDivergence.Inverse(0.999999, 1e-3)
            Expect.isTrue (nearOne > 0.999999 && nearOne <= 1.0) "q near 1"
        testCase "argument checks name the argument" <| fun () ->
            let ex = catch<ArgumentOutOfRangeException> (fun () -> KlDivergence.Inverse(1.5, 0.1) |> ignore)
            Expect.stringContains ex.Message "q" "names q"
            let ex2 = catch<ArgumentOutOfRangeException> (fun () -> KlDivergence.Inverse(0.5, -1.0) |> ignore)
            Expect.stringContains ex2.Message "c" "names c"
            Expect.throws (fun () -> KlDivergence.Inverse(0.5, nan) |> ignore) "NaN budget"
    ]
