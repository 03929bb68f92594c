module BoundLab.Bounds.Tests.Verification.AdmmConditionsTests

open System
open Expecto
open BoundLab.Bounds.Symbolic
open BoundLab.Bounds.Verification
open BoundLab.Bounds.Tests.TestUtil

let q (s: string) = Rational.ParseDecimal s
// Z3 only; the cvc5 second opinion has its own test (Debian's cvc5 often waits out its limit on irrational models).
let opts = CheckOptions(z3Timeout, Nullable(), false, Nullable())
let problem n f g r1 r2 = AdmmProblem.FromNorms(q n, q f, q g, q r1, q r2)
let pars b1 b2 b3 l = AdmmParameters(q b1, q b2, q b3, q l)
let verdictOf (report: AdmmReport) name =
    (report.Conditions |> Seq.find (fun c -> c.Condition.Name = name)).Result.Verdict

// B = 1 exactly (all three candidates tie): n = 100, ‖X‖_F = 10, ‖Y‖_F = 10, r₁ = r₂ = 1/4 give
// 2√r₁/(‖X‖/√n) = 2·(1/2)/1 = 1, (2√r₂/(‖X‖/√n))^(1/2) = 1, (‖Y‖/‖X‖)^(1/3) = 1. Least parameters, by hand and by sympy:
//   β₃ = 2, β₂ = 16·3·1 = 48, β₁ = 11·49·1·10 = 5390, λ = max(3/4·5390·1000, 10·48·1000, 4·2·100) = 4042500.
let unit = problem "100" "10" "10" "0.25" "0.25"

// Irrational B: n = 1000, ‖X‖_F = 25.8, ‖Y‖_F = 10.5, r₁ = r₂ = 1. Golden values from sympy:
//   from sympy import Rational as R, sqrt, cbrt, Max, N
//   n=R(1000); F=R(258,10); G=R(105,10); a=F/sqrt(n)
//   B=Max(2/a, sqrt(2/a), cbrt(G/F)); b2=48*B**2; b1=11*(b2+1)*B**4*F
//   lam=Max(R(3,4)*b1*B*F**3, 10*b2*B**4*F**3, 8*B**4*F**2)
//   b2 -> 1600000/5547, b1 -> 35322034000000000/11907683883, N(lam, 50) -> 93658905530.253470754996168671800801405722995540116
let worked = problem "1000" "25.8" "10.5" "1" "1"

[<Tests>]
let tests =
    testList "Bounds.Verification.AdmmConditions" [
        testCase "B is found exactly: ties and the irrational case" <| fun () ->
            let struct (c, k) = unit.B
            Expect.equal (ExactRoots.TryExactRoot(c, k)) (Nullable Rational.One) "B = 1"
            let struct (c2, k2) = worked.B
            Expect.equal k2 2 "the first candidate wins"
            Expect.equal c2 (Rational(4000, 1) / (q "25.8" * q "25.8")) "B² = 4 r₁ n / ‖X‖²"

        testCase "synthesis, rational case: exactly the hand-computed least parameters, proved" <| fun () ->
            let s = AdmmVerifier.Synthesize(unit, opts)
            Expect.isTrue s.Exact "rational"
            Expect.equal s.Parameters (pars "5390" "48" "2" "4042500") "least"
            Expect.equal s.Proof.Verdict ClaimVerdict.Proved "Z3 proves them"

        testCase "synthesis, irrational case: sympy's values; λ rounded up by less than 1e-29 relative" <| fun () ->
            let s = AdmmVerifier.Synthesize(worked, opts)
            Expect.equal s.Parameters.Beta2 (Rational(1600000, 5547)) "β₂ exact"
            Expect.equal s.Parameters.Beta1 (Rational(Numerics.BigInteger.Parse "35322034000000000", Numerics.BigInteger(11907683883L))) "β₁ exact"
            let golden = q "93658905530.253470754996168671800801405722995540116"
            Expect.isTrue (s.Parameters.Lambda >= golden) "never below the exact least value"
            Expect.isTrue ((s.Parameters.Lambda - golden) / golden < q "1e-29") "and within 30 digits"
            Expect.isFalse s.Exact "λ is irrational"
            Expect.equal s.Proof.Verdict ClaimVerdict.Proved "Z3 proves the rounded values"

        testCase "boundary, rational: exactly at the least values proved; 1e-12 below violated" <| fun () ->
            Expect.equal (AdmmVerifier.Verify(unit, pars "5390" "48" "2" "4042500", opts).Verdict) ClaimVerdict.Proved "at the boundary"
            let r = AdmmVerifier.Verify(unit, pars "5390" "48" "2" "4042499.999999999999", opts)
            Expect.equal r.Verdict ClaimVerdict.Violated "λ 1e-12 short"
            Expect.equal (verdictOf r "lambda-beta1") ClaimVerdict.Violated "names the λ condition"
            Expect.equal (verdictOf r "lambda-beta2") ClaimVerdict.Proved "the other λ conditions hold"
            let c = r.Conditions |> Seq.find (fun c -> c.Condition.Name = "lambda-beta1")
            Expect.equal c.Shortfall (q "1e-12") "short by exactly 1e-12"
            let r2 = AdmmVerifier.Verify(unit, pars "5389.9999999999999" "48" "2" "4042500", opts)
            Expect.equal (verdictOf r2 "beta1") ClaimVerdict.Violated "β₁ 1e-13 short"
            // λ ≥ (3/4)β₁B‖X‖³ then has slack: the later conditions are checked with the given β₁.
            Expect.equal (verdictOf r2 "lambda-beta1") ClaimVerdict.Proved "λ condition uses the given β₁"

        testCase "boundary, irrational: the rounded-up λ is proved, 1e-25 (relative) below it and below the exact value violated" <| fun () ->
            let s = AdmmVerifier.Synthesize(worked, opts)
            let p = s.Parameters
            let golden = q "93658905530.253470754996168671800801405722995540116"
            let below = golden - q "1e-12"
            let r = AdmmVerifier.Verify(worked, AdmmParameters(p.Beta1, p.Beta2, p.Beta3, below), opts)
            Expect.equal (verdictOf r "lambda-beta1") ClaimVerdict.Violated "1e-12 below the irrational least λ"
            let truncated = q "93658905530.2534707549961686717" // the exact value rounded DOWN at 30 digits
            let r2 = AdmmVerifier.Verify(worked, AdmmParameters(p.Beta1, p.Beta2, p.Beta3, truncated), opts)
            Expect.equal (verdictOf r2 "lambda-beta1") ClaimVerdict.Violated "rounding down would be wrong"

        testCase "the authors' defaults β = 1, λ = 1e-6 violate every condition" <| fun () ->
            let r = AdmmVerifier.Verify(worked, pars "1" "1" "1" "1e-6", opts)
            Expect.equal r.Verdict ClaimVerdict.Violated "violated"
            for c in r.Conditions do
                Expect.equal c.Result.Verdict ClaimVerdict.Violated c.Condition.Name
                Expect.isFalse c.HoldsExactly "exact check agrees"
                Expect.isNotNull c.Result.Model "a model is reported"

        testCase "a forced resource limit yields unknown, never proved" <| fun () ->
            let tiny = CheckOptions(z3Timeout, Nullable 1L, false, Nullable())
            let r = AdmmVerifier.Verify(worked, AdmmVerifier.Synthesize(worked, opts).Parameters, tiny)
            Expect.equal r.Verdict ClaimVerdict.Unknown "unknown"
            let unknowns = r.Conditions |> Seq.filter (fun c -> c.Result.Verdict = ClaimVerdict.Unknown) |> Seq.toList
            Expect.isNonEmpty unknowns "some obligation gave up"
            for c in unknowns do Expect.isNotNull c.Result.Reason "Z3's reason is kept"

        testCase "obligations are unsat exactly when the exact check holds (random rationals)" <| fun () ->
            let rng = Random(7)
            for _ in 1 .. 6 do
                let pr = AdmmProblem.FromNorms(Rational(rng.Next(1, 500)), Rational(rng.Next(1, 60), rng.Next(1, 5)),
                                               Rational(rng.Next(1, 60), rng.Next(1, 5)), Rational(rng.Next(1, 9), 4), Rational(rng.Next(1, 9), 4))
                let least = AdmmVerifier.Synthesize(pr, opts).Parameters
                let scale = Rational(rng.Next(90, 111), 100)
                let p = AdmmParameters(least.Beta1 * scale, least.Beta2, least.Beta3, least.Lambda * scale)
                let r = AdmmVerifier.Verify(pr, p, opts)
                for c in r.Conditions do
                    let expected = if c.HoldsExactly then ClaimVerdict.Proved else ClaimVerdict.Violated
                    Expect.equal c.Result.Verdict expected $"{c.Condition.Name} at scale {scale}, problem {pr}, parameters {p}, reason {c.Result.Reason}"

        testCase "the polynomial definitions of t₁, t₂, t₃ agree with the seed's root formulas" <| fun () ->
            // For all n, ‖X‖, ‖Y‖, r₁, r₂ > 0 and t ≥ 0: the definition of tᵢ implies tᵢ equals its candidate written with roots.
            let x = AdmmConditions.XFro / Expr.Sqrt(AdmmConditions.N)
            let formulas =
                [ 2 * Expr.Sqrt(AdmmConditions.R1) / x
                  Expr.Sqrt(2 * Expr.Sqrt(AdmmConditions.R2) / x)
                  Expr.Pow(AdmmConditions.YFro / AdmmConditions.XFro, Expr.Num(1L, 3L)) ]
            let ts = [ AdmmConditions.T1 :> Expr; AdmmConditions.T2; AdmmConditions.T3 ]
            // Z3 answers unknown on the fully symbolic statement; it is proved on both worked examples.
            for (pr: AdmmProblem) in [ unit; worked ] do
                for i in 0 .. 2 do
                    let enc = SmtLibEncoder()
                    let struct (l, r) = AdmmConditions.Definitions.[i]
                    let def = $"(= {enc.Term l} {enc.Term r})"
                    let claim = $"(not (= {enc.Term ts.[i]} {enc.Term formulas.[i]}))"
                    let pins =
                        [ "n", $"(= n {SmtNumeral.Of pr.N})"; "r1", $"(= r1 {SmtNumeral.Of pr.R1})"; "r2", $"(= r2 {SmtNumeral.Of pr.R2})"
                          "x_fro", $"(= (* x_fro x_fro) {SmtNumeral.Of pr.XFroSquared})"; "y_fro", $"(= (* y_fro y_fro) {SmtNumeral.Of pr.YFroSquared})" ]
                    let used = enc.Script([]) // the declarations so far tell which symbols occur
                    let pins = pins |> List.filter (fun (name, _) -> used.Contains($"(declare-fun {name} ")) |> List.map snd
                    expectUnsat (enc.Script(pins @ [ def; claim ])) $"t{i + 1} at {pr.N}"

        testCase "cvc5 agrees with Z3 where it answers (skipped without cvc5)" <| fun () ->
            if not Cvc5Solver.IsAvailable then skiptest "cvc5 is not installed"
            let withCvc5 = CheckOptions(z3Timeout, Nullable(), true, Nullable(TimeSpan.FromSeconds 5.0))
            // A disagreement throws SolverDisagreementException; B = 1 keeps every model rational, so cvc5 decides them all.
            let proved = AdmmVerifier.Verify(unit, pars "5390" "48" "2" "4042500", withCvc5)
            let violated = AdmmVerifier.Verify(unit, pars "5390" "47" "2" "4042500", withCvc5)
            Expect.equal proved.Verdict ClaimVerdict.Proved "proved"
            Expect.equal (verdictOf violated "beta2") ClaimVerdict.Violated "violated"
            for c in Seq.append proved.Conditions violated.Conditions do
                Expect.isTrue c.Result.SecondOpinion.HasValue "cvc5 was asked"
                if c.Result.SecondOpinion.Value <> SmtVerdict.Unknown then
                    let z3 = if c.Result.Verdict = ClaimVerdict.Proved then SmtVerdict.Unsat else SmtVerdict.Sat
                    Expect.equal c.Result.SecondOpinion.Value z3 c.Condition.Name
            let decided = Seq.append proved.Conditions violated.Conditions |> Seq.filter (fun c -> c.Result.SecondOpinion.Value <> SmtVerdict.Unknown)
            Expect.isGreaterThanOrEqual (Seq.length decided) 6 "cvc5 decides the rational cases"

        testCase "bad inputs name the field" <| fun () ->
            let e = catch<ArgumentOutOfRangeException> (fun () -> AdmmVerifier.Verify(problem "0" "1" "1" "1" "1", pars "1" "1" "1" "1", opts) |> ignore)
            Expect.stringContains e.Message "n must be an integer" "n"
            let e2 = catch<ArgumentOutOfRangeException> (fun () -> AdmmVerifier.Verify(unit, AdmmParameters(q "1", Rational -1, q "1", q "1"), opts) |> ignore)
            Expect.stringContains e2.Message "Beta2" "β₂"
    ]
