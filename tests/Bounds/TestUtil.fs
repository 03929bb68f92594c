/// Helpers shared by the Bounds tests.
module BoundLab.Bounds.Tests.TestUtil

open System
open System.Collections.Generic
open Expecto
open BoundLab.Bounds.Symbolic
open BoundLab.Bounds.Verification

/// Anchor type so the runner can find this assembly.
type Marker = class end

/// A symbol with the default domain (positive reals).
let sym name = Expr.Sym(name, Domain.PositiveReal)

/// A symbol with a domain.
let symIn domain name = Expr.Sym(name, domain)

/// Runs f and returns the exception of type 'T it throws; fails the test when it throws nothing.
let catch<'T when 'T :> exn> (f: unit -> unit) : 'T =
    let thrown = try f (); None with :? 'T as e -> Some e
    match thrown with
    | Some e -> e
    | None -> failtestf "expected %s" typeof<'T>.Name

/// The VC bound of Mohri et al. (2018, Cor. 3.19) plus the training error: the running example of the tests.
let vcBound = "sqrt(2*d*ln(e*n/d)/n) + sqrt(ln(1/delta)/(2*n)) + train_error"

/// Parses with default (positive real) domains.
let parse text = Parser.Parse(text)

/// Parses with the given domains for some names.
let parseWith (domains: (string * Domain) list) text =
    Parser.Parse(text, dict domains |> Dictionary :> IReadOnlyDictionary<_, _>)

/// A name → value map for evaluation.
let values (pairs: (string * float) list) : IReadOnlyDictionary<string, float> =
    Dictionary(dict pairs) :> IReadOnlyDictionary<_, _>

/// A name → expression map for substitution.
let bindings (pairs: (string * Expr) list) : IReadOnlyDictionary<string, Expr> =
    Dictionary(dict pairs) :> IReadOnlyDictionary<_, _>

/// Every Z3 check in the tests gets this long; a timeout shows up as Unknown, which the tests treat as failure.
let z3Timeout = TimeSpan.FromSeconds 20.0

/// Asserts that Z3 answers unsat (a proof), showing the script otherwise.
let expectUnsat (script: string) message =
    let r = SmtSolver.Check(script, z3Timeout)
    Expect.equal r.Verdict SmtVerdict.Unsat $"{message}\nZ3 said {r.Verdict}: {r.Output}\nScript:\n{script}"

/// Asserts that Z3 proves left = right for all values in the symbols' domains.
let expectProvedEqual (left: Expr) (right: Expr) message =
    expectUnsat (SmtLibEncoder.EqualityObligation(left, right)) message

/// Rules whose variables match numbers only are proved on this grid of exponents (each value that
/// satisfies the variable's domain), since SMT-LIB has no power with a symbolic exponent to quantify over.
let numberGrid = [ Rational(1, 3); Rational(1, 2); Rational(2); Rational(3); Rational(-1); Rational(-2) ]

/// All bindings of a rule: symbolic variables bound to themselves, number variables to every grid value in their domain.
let ruleInstances (rule: RewriteRule) =
    let rec go (vars: RuleVariable list) =
        match vars with
        | [] -> [ [] ]
        | v :: rest ->
            let choices =
                if v.NumberOnly then
                    numberGrid |> List.map Expr.Num |> List.filter (fun n -> Signs.Satisfies(n, v.Symbol.Domain))
                else [ v.Symbol :> Expr ]
            [ for c in choices do for tail in go rest -> (v.Symbol.Name, c) :: tail ]
    go (List.ofSeq rule.Variables) |> List.map bindings

/// A deliberately naive second reading of infix text straight into SMT-LIB, with no simplification at all
/// (+ - * / ^ with integer exponents, numbers, names, parentheses). Normal-form tests compare the
/// normalized expression against this literal reading with Z3, so the normalizer is checked by a
/// separate implementation rather than by itself.
module RawSmt =
    open System.Text.RegularExpressions

    let private tokenize (text: string) =
        Regex.Matches(text, @"\d+(\.\d+)?|[A-Za-z_][A-Za-z0-9_]*|[-+*/^()]") |> Seq.map (fun m -> m.Value) |> List.ofSeq

    let private num (t: string) = if t.Contains "." then t else t + ".0"

    /// The SMT-LIB term and the names it mentions.
    let read (text: string) : string * string list =
        let names = HashSet<string>()
        let rec sum toks =
            let (l, rest) = term toks
            let rec loop l rest =
                match rest with
                | "+" :: r -> let (t, r2) = term r in loop $"(+ {l} {t})" r2
                | "-" :: r -> let (t, r2) = term r in loop $"(- {l} {t})" r2
                | _ -> l, rest
            loop l rest
        and term toks =
            let (l, rest) = unary toks
            let rec loop l rest =
                match rest with
                | "*" :: r -> let (t, r2) = unary r in loop $"(* {l} {t})" r2
                | "/" :: r -> let (t, r2) = unary r in loop $"(/ {l} {t})" r2
                | _ -> l, rest
            loop l rest
        and unary toks =
            match toks with
            | "-" :: r -> let (t, r2) = unary r in $"(- {t})", r2
            | _ -> power toks
        and power toks =
            let (b, rest) = primary toks
            match rest with
            | "^" :: k :: r -> ("(* " + String.Join(" ", List.replicate (int k) b) + ")"), r
            | _ -> b, rest
        and primary toks =
            match toks with
            | "(" :: r ->
                let (e, r2) = sum r
                match r2 with
                | ")" :: r3 -> e, r3
                | _ -> failwith "missing )"
            | t :: r when Char.IsDigit t.[0] -> num t, r
            | t :: r -> names.Add t |> ignore; t, r
            | [] -> failwith "unexpected end"
        let (e, rest) = sum (tokenize text)
        if not rest.IsEmpty then failwith $"trailing tokens {rest}"
        e, List.ofSeq names
