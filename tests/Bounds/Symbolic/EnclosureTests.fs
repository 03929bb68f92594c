module BoundLab.Bounds.Tests.Symbolic.EnclosureTests

open System
open System.Numerics
open Expecto
open BoundLab.Bounds.Symbolic
open BoundLab.Bounds.Tests.TestUtil

/// Reference semantics for the property test: intervals of exact rationals whose ends are rounded outward to
/// 160 significant bits after each operation; √ by integer square roots, exp and ln by Taylor / atanh series with
/// their remainder bounds. Every interval contains the exact real value.
module private Reference =
    let private bits = 160

    let private bitLength (b: BigInteger) = if b.IsZero then 0L else BigInteger.Abs(b).GetBitLength()

    let private floorDiv (a: BigInteger) (b: BigInteger) =
        let q = BigInteger.Divide(a, b)
        if (a.Sign * b.Sign < 0) && q * b <> a then q - BigInteger.One else q

    let private pow2 (k: int) = BigInteger.Pow(BigInteger 2, k)

    let private scaled (r: Rational) (k: int) (up: bool) =
        // floor or ceil of r · 2^k as an integer, then / 2^k
        let num, den = (if k >= 0 then r.Numerator * pow2 k, r.Denominator else r.Numerator, r.Denominator * pow2 (-k))
        let f = floorDiv num den
        let n = if up && f * den <> num then f + BigInteger.One else f
        if k >= 0 then Rational(n, pow2 k) else Rational(n * pow2 (-k))

    let private shift (r: Rational) = bits - int (bitLength r.Numerator - bitLength r.Denominator)

    let down (r: Rational) = if r.IsZero then r else scaled r (shift r) false
    let up (r: Rational) = if r.IsZero then r else scaled r (shift r) true

    type Iv = { Lo: Rational; Hi: Rational }
    let point r = { Lo = r; Hi = r }
    let add a b = { Lo = down (a.Lo + b.Lo); Hi = up (a.Hi + b.Hi) }
    let mul a b =
        let ps = [ a.Lo * b.Lo; a.Lo * b.Hi; a.Hi * b.Lo; a.Hi * b.Hi ]
        { Lo = down (List.min ps); Hi = up (List.max ps) }
    let recip a =
        if a.Lo.Sign <= 0 && a.Hi.Sign >= 0 then raise (NotSupportedException "reciprocal of an interval containing 0")
        { Lo = down (Rational.One / a.Hi); Hi = up (Rational.One / a.Lo) }
    let rec ipow a (n: int) =
        if n < 0 then recip (ipow a (-n))
        elif n = 0 then point Rational.One
        elif n % 2 = 0 then
            let m = if a.Lo.Sign > 0 then a.Lo elif a.Hi.Sign < 0 then -a.Hi else Rational.Zero
            let mx = max (if a.Lo.Sign < 0 then -a.Lo else a.Lo) (if a.Hi.Sign < 0 then -a.Hi else a.Hi)
            let h = ipow { Lo = m; Hi = mx } (n / 2)
            mul h h
        else mul a (ipow a (n - 1))

    let private isqrt (m: BigInteger) =
        if m.IsZero then m
        else
            let mutable x = BigInteger.One <<< int ((m.GetBitLength() + 1L) / 2L)
            let mutable y = (x + m / x) / BigInteger 2
            while y < x do
                x <- y
                y <- (x + m / x) / BigInteger 2
            x

    let private sqrtEnd (r: Rational) (roundUp: bool) =
        if r.Sign < 0 then raise (NotSupportedException "√ of a negative interval")
        if r.IsZero then r
        else
            let k = max 0 (bits - int (bitLength r.Numerator - bitLength r.Denominator) / 2)
            let num, den = r.Numerator * BigInteger.Pow(BigInteger 4, k), r.Denominator
            let m = floorDiv num den
            let m = if roundUp && m * den <> num then m + BigInteger.One else m
            let s = isqrt m
            let s = if roundUp && s * s < m then s + BigInteger.One else s
            Rational(s, pow2 k)

    let sqrt a = { Lo = sqrtEnd (if a.Lo.Sign < 0 then Rational.Zero else a.Lo) false; Hi = sqrtEnd a.Hi true }

    let private factorial n = Seq.fold (fun (acc: BigInteger) k -> acc * BigInteger(k: int)) BigInteger.One (seq { 1 .. n })

    /// exp(x) for |x| ≤ 1/2: the Taylor sum to degree 30 ± 2·|x|^31/31! ≤ 2^-140 (Lagrange, e^{1/2} < 2).
    let private expSmall (x: Rational) =
        let n = 30
        let mutable sum = Rational.Zero
        for k in n .. -1 .. 0 do sum <- sum * x + Rational(BigInteger.One, factorial k)
        let r = Rational(BigInteger 2, factorial (n + 1))
        { Lo = down (sum - r); Hi = up (sum + r) }

    let private expEnd (x: Rational) (upper: bool) =
        // exp(x) = exp(x / 2^m)^(2^m) with |x / 2^m| ≤ 1/2.
        let mutable m = 0
        let mutable y = x
        while (if y.Sign < 0 then -y else y) > Rational(1, 2) do
            y <- y / Rational(2)
            m <- m + 1
        let mutable v = expSmall y
        for _ in 1 .. m do v <- mul v v
        if upper then v.Hi else v.Lo

    let exp a = { Lo = expEnd a.Lo false; Hi = expEnd a.Hi true }

    /// atanh(t) for 0 ≤ t ≤ 1/3: Σ_{i ≤ 45} t^(2i+1)/(2i+1), remainder in [0, t^93/(93 (1 − t²))] ≤ 2^-147.
    let private atanh (t: Rational) =
        let t2 = t * t
        let mutable sum = Rational.Zero
        for i in 45 .. -1 .. 0 do sum <- sum * t2 + Rational(BigInteger.One, BigInteger(2 * i + 1))
        sum <- sum * t
        let r = Rational.Pow(t, 93) / (Rational(93) * (Rational.One - t2))
        { Lo = down sum; Hi = up (sum + r) }

    let private ln2 = let a = atanh (Rational(1, 3)) in { Lo = down (Rational(2) * a.Lo); Hi = up (Rational(2) * a.Hi) }

    let private lnEnd (x: Rational) (upper: bool) =
        if x.Sign <= 0 then raise (NotSupportedException "ln of a non-positive interval")
        // x = 2^k · m, m ∈ [1, 2); ln x = k ln 2 + 2 atanh((m − 1)/(m + 1)), (m − 1)/(m + 1) ∈ [0, 1/3).
        let mutable k = int (bitLength x.Numerator - bitLength x.Denominator)
        let mutable m = if k >= 0 then x / Rational(pow2 k) else x * Rational(pow2 (-k))
        while m >= Rational(2) do m <- m / Rational(2); k <- k + 1
        while m < Rational.One do m <- m * Rational(2); k <- k - 1
        let t = (m - Rational.One) / (m + Rational.One)
        let tIv = { Lo = down t; Hi = up t }
        let a = if upper then (atanh tIv.Hi).Hi else (atanh (if tIv.Lo.Sign < 0 then Rational.Zero else tIv.Lo)).Lo
        let l2 = if (k >= 0) = upper then ln2.Hi else ln2.Lo
        let v = Rational(k) * l2 + Rational(2) * a
        if upper then up v else down v

    let ln a = { Lo = lnEnd a.Lo false; Hi = lnEnd a.Hi true }

    let rec eval (values: Map<string, float>) (e: Expr) : Iv =
        match e with
        | :? Number as n -> point n.Value
        | :? Symbol as s -> point (Rational.FromDouble values[s.Name])
        | :? Sum as s -> s.Terms |> Seq.map (eval values) |> Seq.reduce add
        | :? Product as p -> p.Factors |> Seq.map (eval values) |> Seq.reduce mul
        | :? Power as p ->
            let b = eval values p.Base
            match p.Exponent with
            | :? Number as n when n.Value.IsInteger -> ipow b (int n.Value.Numerator)
            | :? Number as n when n.Value.Denominator = BigInteger 2 -> ipow (sqrt b) (int n.Value.Numerator)
            | _ -> raise (NotSupportedException $"exponent {p.Exponent}")
        | :? Function as f when f.Kind = FunctionKind.Ln -> ln (eval values f.Arguments[0])
        | :? Function as f when f.Kind = FunctionKind.Exp -> exp (eval values f.Arguments[0])
        | _ -> raise (NotSupportedException $"node {e}")

let private rat (s: string) = Rational.ParseDecimal s
let private inside (enc: Enclosure) (lo: Rational) (hi: Rational) =
    Rational.FromDouble enc.Lo <= lo && hi <= Rational.FromDouble enc.Hi

/// A random expression over + − × ÷ √ ln exp and integer powers, in forms that are defined everywhere:
/// a / (1 + b²), (1 + b²)^(-1/2), √(a² + b²), exp(a / (1 + a²)), ln(1 + a²).
let rec private gen (rng: Random) (depth: int) : Expr =
    let one = Expr.Num(1L, 1L)
    let sq (a: Expr) = Expr.Pow(a, Expr.Num(2L, 1L))
    if depth = 0 || rng.NextDouble() < 0.2 then
        if rng.NextDouble() < 0.8 then sym [| "x"; "y"; "z" |].[rng.Next 3]
        else Expr.Num(int64 (rng.Next(-9, 10)), int64 (rng.Next(1, 10)))
    else
        let a () = gen rng (depth - 1)
        match rng.Next 9 with
        | 0 -> Expr.Add(a (), a ())
        | 1 -> Expr.Add(a (), Expr.Multiply(Expr.Num(-1L, 1L), a ()))
        | 2 -> Expr.Multiply(a (), a ())
        | 3 -> Expr.Multiply(a (), Expr.Pow(Expr.Add(one, sq (a ())), Expr.Num(-1L, 1L)))
        | 4 -> Expr.Sqrt(Expr.Add(sq (a ()), sq (a ())))
        | 5 -> let u = a () in Expr.Exp(Expr.Multiply(u, Expr.Pow(Expr.Add(one, sq u), Expr.Num(-1L, 1L))))
        | 6 -> Expr.Ln(Expr.Add(one, sq (a ())))
        | 7 -> Expr.Pow(a (), Expr.Num(3L, 1L))
        | _ -> Expr.Multiply(a (), Expr.Pow(Expr.Add(one, sq (a ())), Expr.Num(-1L, 2L)))

[<Tests>]
let tests =
    testList "Bounds.Symbolic.Enclosure" [
        testCase "numbers: a double is a point, 1/3 and 1/10 are bracketed by adjacent doubles" <| fun () ->
            Expect.equal (Evaluator.Enclose(Expr.Num(3L, 4L), values [])) (Enclosure.Point 0.75) "3/4 is a double"
            for p, q in [ 1L, 3L; 1L, 10L; -2L, 7L ] do
                let e = Evaluator.Enclose(Expr.Num(p, q), values [])
                let r = Rational(BigInteger p, BigInteger q)
                Expect.isTrue (Rational.FromDouble e.Lo < r && r < Rational.FromDouble e.Hi) $"{p}/{q} inside {e}"
                Expect.equal (Math.BitIncrement e.Lo) e.Hi "adjacent doubles"

        testCase "e and π are bracketed (50-digit values from mpmath: mp.dps = 50; print(mp.e, mp.pi))" <| fun () ->
            let e = Evaluator.Enclose(Expr.E, values [])
            let pi = Evaluator.Enclose(Expr.Pi, values [])
            Expect.isTrue (inside e (rat "2.7182818284590452353602874713526624977572470937") (rat "2.7182818284590452353602874713526624977572470937")) $"e in {e}"
            Expect.isTrue (inside pi (rat "3.1415926535897932384626433832795028841971693993751") (rat "3.1415926535897932384626433832795028841971693993751")) $"π in {pi}"

        testCase "sums round outward only when inexact: 1 + 1e-20 (round-to-nearest gives 1, below the exact value)" <| fun () ->
            let e = parse "x + y"
            let at = values [ "x", 1.0; "y", 1e-20 ]
            Expect.equal (Evaluator.Evaluate(e, at)) 1.0 "round-to-nearest drops y"
            Expect.equal (Evaluator.Enclose(e, at)) (Enclosure(1.0, Math.BitIncrement 1.0)) "certified: up one ulp"
            Expect.equal (Evaluator.Enclose(e, values [ "x", 1.0; "y", 0.5 ])) (Enclosure.Point 1.5) "exact sum: a point"
            let d = Evaluator.Enclose(parseWith [ "x", Domain.Real; "y", Domain.Real ] "x - y", at)
            Expect.equal d (Enclosure(Math.BitDecrement 1.0, 1.0)) "1 − 1e-20: down one ulp"

        testCase "products of sign-changing intervals take all four corners" <| fun () ->
            // (x − 2)(y − 5) at x = 0.5, y = 4: exact (−1.5)(−1) = 1.5.
            let e = Evaluator.Enclose(parseWith [ "x", Domain.Real; "y", Domain.Real ] "(x - 2)*(y - 5)", values [ "x", 0.5; "y", 4.0 ])
            Expect.equal e (Enclosure.Point 1.5) "exact operations give a point"
            let e = Evaluator.Enclose(parseWith [ "x", Domain.Real; "y", Domain.Real ] "(x - 1/3)*(y - 1/7)", values [ "x", 0.0; "y", 0.0 ])
            let exact = Rational(BigInteger 1, BigInteger 21)
            Expect.isTrue (inside e exact exact) $"1/21 inside {e}"

        testCase "a negative base under a fractional power or ln is an error naming the interval, not NaN" <| fun () ->
            let ex = catch<InvalidOperationException> (fun () -> Evaluator.Enclose(parseWith [ "x", Domain.Real ] "sqrt(x - 2)", values [ "x", 1.0 ]) |> ignore)
            Expect.stringContains ex.Message "square root" "names the operation"
            Expect.stringContains ex.Message "[-1, -1]" "names the interval"
            let ex = catch<InvalidOperationException> (fun () -> Evaluator.Enclose(parseWith [ "x", Domain.Real ] "(x - 2)^(1/3)", values [ "x", 1.0 ]) |> ignore)
            Expect.stringContains ex.Message "non-integer power" "names the operation"
            let ex = catch<InvalidOperationException> (fun () -> Evaluator.Enclose(parseWith [ "x", Domain.Real ] "ln(x - 2)", values [ "x", 1.0 ]) |> ignore)
            Expect.stringContains ex.Message "ln" "names ln"
            Expect.equal (Evaluator.Enclose(parseWith [ "x", Domain.Real ] "(x - 2)^3", values [ "x", 1.0 ])) (Enclosure.Point -1.0) "integer powers of negatives are fine"

        testCase "a missing symbol is named" <| fun () ->
            let ex = catch<ArgumentException> (fun () -> Evaluator.Enclose(parse "x + y", values [ "x", 1.0 ]) |> ignore)
            Expect.stringContains ex.Message "'y'" "names y"

        testCase "kl⁻¹: certified lower and upper ends around the mpmath roots of klinv_roots.csv" <| fun () ->
            let path = IO.Path.Combine(__SOURCE_DIRECTORY__, "klinv_roots.csv")
            let rows = IO.File.ReadAllLines path |> Array.filter (fun l -> l.Length > 0 && Char.IsDigit l[0]) |> Array.truncate 400
            Expect.isGreaterThan rows.Length 100 "rows read"
            for row in rows do
                let f = row.Split ','
                let q, c = float f[0], float f[1]
                // root_up: the root rounded up to a double (klinv_roots.py), so lo ≤ root ≤ root_up ≤ hi.
                let root = Rational.FromDouble(float f[2])
                let e = Evaluator.Enclose(Expr.KlInv(symIn Domain.Probability "q", sym "c"), values [ "q", q; "c", c ])
                Expect.isLessThanOrEqual (Rational.FromDouble e.Lo) root $"lo ≤ root at q = {q}, c = {c}"
                Expect.isGreaterThanOrEqual (Rational.FromDouble e.Hi) root $"hi ≥ root at q = {q}, c = {c}"
                Expect.equal e.Hi (KlDivergence.Inverse(q, c)) "hi is the certified inverse"

        testCase "bin⁻¹: lo ≤ golden root ≤ hi (golden.py binom_inv, 400-step mpmath bisection)" <| fun () ->
            for k, n, d, golden in [ 200., 10000., 0.05, 0.022459353017102349; 123., 10000., 1e-6, nan ] do
                let e = Evaluator.Enclose(Expr.BinomInv(symIn Domain.Probability "q", sym "n", sym "d"), values [ "q", k / n; "n", n; "d", d ])
                Expect.equal e.Hi (BinomialTail.Inverse(k / n, n, d)) "hi is the certified inverse"
                Expect.isLessThan e.Lo e.Hi "a bracket"
                // The ends move only where ln P(X ≤ k) clears BinomialTail.LogCdf's error bound (~5e-13 relative at n = 10⁴).
                Expect.isLessThan (e.Hi - e.Lo) (1e-12 * e.Hi) "tight"
                if not (Double.IsNaN golden) then
                    // The 17-digit golden value is within 1e-18 of the root; the ends are ~6e-15 away from it.
                    Expect.isLessThanOrEqual e.Lo golden "lo ≤ root"
                    Expect.isGreaterThanOrEqual e.Hi golden "hi ≥ root"
                    Expect.floatClose { absolute = 0.; relative = 1e-12 } e.Hi golden "hi near the golden root"

        testCase "property: 300 random expressions over + − × ÷ √ ln exp contain the exact value (seed 20261201)" <| fun () ->
            let rng = Random 20261201
            let mutable checkedCount = 0
            for i in 1 .. 300 do
                let e = gen rng 4
                let pick () = Math.Exp(rng.NextDouble() * 8.0 - 4.0) * (if rng.Next 4 = 0 then -1.0 else 1.0)
                let point = Map [ "x", abs (pick ()); "y", abs (pick ()); "z", abs (pick ()) ]
                let reference = try Some(Reference.eval point e) with :? NotSupportedException -> None
                match reference with
                | None -> ()
                | Some r ->
                    checkedCount <- checkedCount + 1
                    let enc = Evaluator.Enclose(e, values (Map.toList point))
                    if Double.IsFinite enc.Lo && Double.IsFinite enc.Hi then
                        Expect.isTrue (inside enc r.Lo r.Hi) $"case {i}: {e} at {point}: reference [{r.Lo.ToDouble():R}, {r.Hi.ToDouble():R}] inside {enc}"
            Expect.isGreaterThan checkedCount 250 "most cases have a reference value"
    ]
