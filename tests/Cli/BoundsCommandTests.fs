/// `boundlab bounds` in-process: exit codes, JSON shapes and error messages. Expected values are the
/// golden literals of tests/Bounds/Catalog/golden.py.
module BoundLab.Cli.Tests.BoundsCommandTests

open System
open System.IO
open System.Text.Json.Nodes
open Expecto
open BoundLab.Cli
open BoundLab.Cli.Commands

/// Runs the command with captured output; maps exceptions as CommandLine.Run does (user error → 2).
let private run (args: string list) =
    use w = new StringWriter()
    let code, message =
        try BoundsCommand(w).Run(Array.ofList args), ""
        with e when CommandLine.IsUserError e -> 2, e.Message
    code, w.ToString(), message

let private json (args: string list) =
    let code, out, message = run args
    Expect.equal code 0 $"exit code (error: {message})"
    JsonNode.Parse out

let private vcSet = [ "--set"; "train_error=0.01"; "--set"; "n=60000"; "--set"; "vc_dim=1000"; "--set"; "delta=0.05" ]

/// vcSet for a binary problem: vc-mohri is binary-only, so the class count is required.
let private vc2 = vcSet @ [ "--classes"; "2" ]

[<Tests>]
let tests =
    testList "Cli.Bounds" [
        yield testCase "list --json lists every entry with family, target and provenance" <| fun () ->
            let arr = (json [ "list"; "--json" ]).AsArray()
            Expect.equal arr.Count BoundLab.Bounds.Catalog.BoundCatalog.All.Count "count"
            let vc = arr |> Seq.find (fun e -> e["id"].GetValue<string>() = "vc-mohri")
            Expect.equal (vc["family"].GetValue<string>()) "vc" "family"
            Expect.equal (vc["provenance"].GetValue<string>()) "verified" "provenance"
            Expect.equal (vc["target"].GetValue<string>()) "test-error" "target"

        yield testCase "show prints the formula, inputs with domains and preconditions" <| fun () ->
            let code, out, _ = run [ "show"; "vc-mohri" ]
            Expect.equal code 0 "exit"
            for part in [ "vc_dim"; "an integer ≥ 1"; "n ≥ vc_dim"; "Corollary 3.19" ] do Expect.stringContains out part part

        yield testCase "show prints what a run must be for the entry to apply" <| fun () ->
            let code, out, _ = run [ "show"; "llq20-sgld" ]
            Expect.equal code 0 "exit"
            Expect.stringContains out "applies to a run only if: optimizer ∈ {sgld}" "optimizer"
            Expect.stringContains out "applies to a run only if: batch ≤ n/2" "batch"
            let _, convex, _ = run [ "show"; "hrs16-convex" ]
            Expect.stringContains convex "never a neural network" "convex objective"

        yield testCase "show --latex prints LaTeX" <| fun () ->
            let _, out, _ = run [ "show"; "dr17"; "--latex" ]
            Expect.stringContains out "\\operatorname{kl}^{-1}" "LaTeX kl-inverse"

        yield testCase "pbb21-kl: show (text and LaTeX) and eval --set, value from golden.py" <| fun () ->
            let code, out, _ = run [ "show"; "pbb21-kl" ]
            Expect.equal code 0 "exit"
            for part in [ "mc_error"; "mc_samples"; "delta_mc"; "n ≥ 8"; "Pérez-Ortiz"; "pbb/bounds.py" ] do Expect.stringContains out part part
            let _, latex, _ = run [ "show"; "pbb21-kl"; "--latex" ]
            Expect.stringContains latex "\\operatorname{kl}^{-1}" "LaTeX kl-inverse"
            let set = [ "mc_error=0.0143"; "mc_samples=150000"; "kl=480.5"; "n=30000"; "delta=0.025"; "delta_mc=0.01" ] |> List.collect (fun a -> [ "--set"; a ])
            let o = json ([ "eval"; "pbb21-kl" ] @ set @ [ "--json" ])
            Expect.floatClose { absolute = 0.; relative = 1e-12 } (o["value"].GetValue<float>()) 0.048831163537965484 "value (golden.py)"
            Expect.equal (o["provenance"].GetValue<string>()) "verified" "provenance"
            Expect.floatClose { absolute = 0.; relative = 1e-15 } (o["delta_budget"].["total"].GetValue<float>()) 0.035 "δ + δ′"
            let code2, _, message = run ([ "eval"; "pbb21-kl" ] @ (set |> List.map (fun a -> if a = "n=30000" then "n=5" else a)))
            Expect.equal code2 2 "n = 5 is a user error"
            Expect.stringContains message "n ≥ 8" "says what is allowed"

        yield testCase "eval --json has id, value, terms, vacuous, delta_budget, provenance" <| fun () ->
            let o = json ([ "eval"; "vc-mohri" ] @ vc2 @ [ "--json" ])
            Expect.equal (o["id"].GetValue<string>()) "vc-mohri" "id"
            Expect.floatClose { absolute = 0.; relative = 1e-12 } (o["value"].GetValue<float>()) 0.42707833392319595 "value (golden.py)"
            Expect.equal (o["terms"].AsArray().Count) 3 "terms"
            Expect.isFalse (o["vacuous"].GetValue<bool>()) "vacuous"
            Expect.equal (o["delta_budget"].["total"].GetValue<float>()) 0.05 "δ"
            Expect.equal (o["provenance"].GetValue<string>()) "verified" "provenance"
            Expect.equal (o["warnings"].AsArray().Count) 0 "no warning for a verified entry"

        yield testCase "eval --json of an unverified entry carries its warning" <| fun () ->
            let o = json [ "eval"; "pacbayes-maurer"; "--set"; "emp_risk=0.03"; "--set"; "kl=5000"; "--set"; "n=60000"; "--set"; "delta=0.025"; "--json" ]
            Expect.equal (o["provenance"].GetValue<string>()) "unverified" "provenance"
            Expect.floatClose { absolute = 0.; relative = 1e-12 } (o["value"].GetValue<float>()) 0.15389207662355898 "value (golden.py)"
            Expect.stringStarts (o["warnings"].[0].GetValue<string>()) "unverified" "warning"

        yield testCase "eval reports the grid indices of post-hoc quantities" <| fun () ->
            let o =
                json [ "eval"; "golowich-frobenius"; "--set"; "ramp_loss=0.04"; "--set"; "gamma=2.5"; "--set"; "frob_prod=37"
                       "--set"; "x_norm=2000"; "--set"; "depth=3"; "--set"; "n=60000"; "--set"; "delta=0.05"; "--classes"; "2"; "--json" ]
            let grids = o["delta_budget"].["grids"].AsArray()
            Expect.equal [ for g in grids -> g["symbol"].GetValue<string>(), g["index"].GetValue<int>() ] [ "gamma", 19; "frob_prod", 77 ] "indices (golden.py)"
            Expect.isTrue (o["vacuous"].GetValue<bool>()) "vacuous"

        yield testCase "eval for 10 classes reports a VC bound as not applicable" <| fun () ->
            let o = json ([ "eval"; "vc-mohri" ] @ vcSet @ [ "--classes"; "10"; "--json" ])
            Expect.isFalse (o["applicable"].GetValue<bool>()) "applicable"
            Expect.stringContains (o["reason"].GetValue<string>()) "binary" "reason"

        yield testCase "eval text output marks a measure as not a bound" <| fun () ->
            let code, out, _ = run [ "eval"; "mou18-pacbayes"; "--set"; "sgld_beta=100"; "--set"; "weighted_grad_sum=0.3"; "--set"; "n=50000" ]
            Expect.equal code 0 "exit"
            Expect.stringContains out "measure" "kind"
            Expect.stringContains out "not a bound" "warning"

        yield testCase "solve --json gives the least n (golden.py: 180170)" <| fun () ->
            let o = json [ "solve"; "vc-mohri"; "--for"; "n"; "--target"; "0.1"; "--set"; "train_error=0"; "--set"; "vc_dim=100"; "--set"; "delta=0.05"; "--classes"; "2"; "--json" ]
            Expect.equal (o["n"].GetValue<int64>()) 180170L "n"

        yield testCase "sensitivity --json gives ∂/∂n (sympy, golden.py)" <| fun () ->
            let o = json ([ "sensitivity"; "vc-mohri" ] @ vc2 @ [ "--json" ])
            Expect.floatClose { absolute = 0.; relative = 1e-10 } (o["partials"].["n"].GetValue<float>()) -0.0000028015688604888548 "∂/∂n"

        // Bad input: exit code 2 and a message naming the option or symbol, the value and what is allowed.
        for name, args, parts in [
            "non-numeric value", [ "eval"; "vc-mohri"; "--set"; "delta=abc" ], [ "--set delta"; "abc"; "finite number" ]
            "missing '='", [ "eval"; "vc-mohri"; "--set"; "n" ], [ "--set"; "'n'"; "name=value" ]
            "unknown id", [ "eval"; "vc-nope" ] @ vcSet, [ "vc-nope"; "vc-mohri" ]
            "δ outside (0, 1)", [ "eval"; "vc-mohri"; "--classes"; "2"; "--set"; "train_error=0.01"; "--set"; "n=60000"; "--set"; "vc_dim=1000"; "--set"; "delta=1.5" ], [ "delta = 1.5"; "(0, 1)" ]
            "precondition n ≥ d", [ "eval"; "vc-mohri"; "--classes"; "2"; "--set"; "train_error=0.01"; "--set"; "n=50"; "--set"; "vc_dim=1000"; "--set"; "delta=0.05" ], [ "n = 50"; "vc_dim = 1000" ]
            "missing input", [ "eval"; "vc-mohri"; "--classes"; "2"; "--set"; "n=60000" ], [ "needs a value for"; "train_error" ]
            "unknown input", [ "eval"; "vc-mohri"; "--set"; "gamma=1" ] @ vc2, [ "'gamma'"; "train_error, n, vc_dim, delta" ]
            "duplicate input", [ "eval"; "vc-mohri"; "--set"; "n=5" ] @ vc2, [ "--set"; "n=60000"; "already set" ]
            "unknown option", [ "eval"; "vc-mohri"; "--frob" ] @ vc2, [ "--frob" ]
            "unknown subcommand", [ "frobnicate" ], [ "frobnicate"; "list, show, eval, solve" ]
            "missing target", [ "solve"; "vc-mohri"; "--for"; "n"; "--set"; "train_error=0"; "--set"; "vc_dim=10"; "--set"; "delta=0.05" ], [ "--target"; "> 0" ]
            "bad target", [ "solve"; "vc-mohri"; "--for"; "n"; "--target"; "-1"; "--set"; "train_error=0"; "--set"; "vc_dim=10"; "--set"; "delta=0.05" ], [ "--target"; "-1"; "> 0" ]
            "target not a number", [ "solve"; "vc-mohri"; "--for"; "n"; "--target"; "x"; "--classes"; "2"; "--set"; "train_error=0"; "--set"; "vc_dim=10"; "--set"; "delta=0.05" ], [ "--target"; "'x'"; "finite number" ]
            "solve for a non-count", [ "solve"; "vc-mohri"; "--for"; "delta"; "--target"; "0.1"; "--classes"; "2"; "--set"; "train_error=0"; "--set"; "vc_dim=10"; "--set"; "n=100" ], [ "delta"; "integer count" ]
            "solve for an unknown input", [ "solve"; "vc-mohri"; "--for"; "m"; "--target"; "0.1"; "--classes"; "2"; "--set"; "train_error=0"; "--set"; "vc_dim=10"; "--set"; "delta=0.05" ], [ "--for"; "'m'"; "n, vc_dim" ]
            "solve with the solved symbol set", [ "solve"; "vc-mohri"; "--for"; "n"; "--target"; "0.1" ] @ vc2, [ "--set n"; "--for n" ]
            "solve with a precondition input missing", [ "solve"; "vc-mohri"; "--for"; "n"; "--target"; "0.1"; "--classes"; "2"; "--set"; "train_error=0"; "--set"; "delta=0.05" ], [ "vc_dim"; "needs a value" ]
            "solve target unreachable", [ "solve"; "vc-mohri"; "--for"; "n"; "--target"; "0.005"; "--classes"; "2"; "--set"; "train_error=0.01"; "--set"; "vc_dim=10"; "--set"; "delta=0.05" ], [ "does not reach target 0.005" ]
            "classes below 2", [ "eval"; "vc-mohri"; "--classes"; "1" ] @ vcSet, [ "--classes"; "'1'"; "≥ 2" ]
            "classes not an integer", [ "eval"; "vc-mohri"; "--classes"; "two" ] @ vcSet, [ "--classes"; "'two'"; "integer ≥ 2" ]
            "classes missing for a binary-only entry (eval)", [ "eval"; "vc-mohri" ] @ vcSet, [ "--classes"; "vc-mohri"; "binary" ]
            "classes missing for a binary-only entry (solve)", [ "solve"; "vc-mohri"; "--for"; "n"; "--target"; "0.1"; "--set"; "train_error=0"; "--set"; "vc_dim=10"; "--set"; "delta=0.05" ], [ "--classes"; "vc-mohri" ]
            "classes missing for a binary-only entry (sensitivity)", [ "sensitivity"; "vc-mohri" ] @ vcSet, [ "--classes"; "vc-mohri" ]
            "NaN value", [ "eval"; "vc-mohri"; "--set"; "delta=NaN" ], [ "--set delta"; "NaN"; "finite number" ]
            "infinite value", [ "eval"; "pacbayes-maurer"; "--set"; "kl=inf" ], [ "--set kl"; "inf"; "finite number" ]
            "--set without a value", [ "eval"; "vc-mohri"; "--set" ], [ "--set"; "value" ]
            "missing bound id", [ "eval" ], [ "bound id" ]
            "show unknown id", [ "show"; "nope" ], [ "'nope'"; "vc-mohri" ]
            "spectral depth beyond 64", [ "show"; "bft-spectral-65" ], [ "bft-spectral-65"; "64" ]
            "negative post-hoc input", [ "eval"; "golowich-frobenius"; "--classes"; "2"; "--set"; "ramp_loss=0.04"; "--set"; "gamma=-1"; "--set"; "frob_prod=37"
                                         "--set"; "x_norm=2000"; "--set"; "depth=3"; "--set"; "n=60000"; "--set"; "delta=0.05" ], [ "gamma = -1"; "> 0" ]
            "sensitivity unknown input", [ "sensitivity"; "pacbayes-maurer"; "--set"; "emp_risk=0.03"; "--set"; "kl=5000"; "--set"; "n=60000"; "--set"; "delta=0.025"; "--set"; "m=3" ], [ "'m'"; "emp_risk, kl, n, delta" ]
            "non-integer count", [ "eval"; "pacbayes-maurer"; "--set"; "emp_risk=0.03"; "--set"; "kl=5000"; "--set"; "n=600.5"; "--set"; "delta=0.025" ], [ "n = 600.5"; "integer ≥ 1" ]
            "old name beta (SGLD's inverse temperature)", [ "eval"; "mou18-pacbayes"; "--set"; "beta=100"; "--set"; "weighted_grad_sum=0.3"; "--set"; "n=50000" ], [ "--set beta"; "'sgld_beta'"; "inverse temperature" ]
            "old name beta (smoothness)", [ "eval"; "hrs16-nonconvex"; "--set"; "beta=1"; "--set"; "lipschitz=1"; "--set"; "step_c=0.5"; "--set"; "n=50000"; "--set"; "steps=100" ], [ "--set beta"; "'smoothness'" ]
            "old name C (loss range)", [ "eval"; "llq20-gld"; "--set"; "C=1"; "--set"; "n=100"; "--set"; "grad_sum=1" ], [ "--set C"; "'loss_max'" ]
            "old name C (Catoni)", [ "solve"; "pacbayes-catoni"; "--for"; "n"; "--target"; "0.5"; "--set"; "C=2"; "--set"; "emp_risk=0.03"; "--set"; "kl=50"; "--set"; "delta=0.05" ], [ "--set C"; "'catoni_c'" ]
            "old name L", [ "sensitivity"; "hrs16-convex"; "--set"; "L=1"; "--set"; "n=100"; "--set"; "lr_sum=1" ], [ "--set L"; "'lipschitz'" ]
            "old name rho", [ "eval"; "margin-mohri-multiclass"; "--set"; "rho=2"; "--set"; "ramp_loss=0.05"; "--set"; "rademacher_pi1=0.001"; "--set"; "classes=10"; "--set"; "n=100"; "--set"; "delta=0.05" ], [ "--set rho"; "'gamma'" ]
        ] ->
            testCase $"bad input: {name} → exit 2, one line naming the option" <| fun () ->
                let code, _, message = run args
                Expect.equal code 2 "exit code"
                for p in parts do Expect.stringContains message p "message"
                Expect.isFalse (message.Contains '\n') $"one line: {message}"
                for dotnet in [ "(Parameter '"; "Actual value was"; "Exception"; "dictionary" ] do
                    Expect.isFalse (message.Contains dotnet) $"no .NET text ({dotnet}): {message}"

        yield testCase "solve for a count the bound increases in says so" <| fun () ->
            let code, out, message = run [ "solve"; "vc-mohri"; "--for"; "vc_dim"; "--target"; "0.5"; "--classes"; "2"; "--set"; "train_error=0"; "--set"; "n=60000"; "--set"; "delta=0.05" ]
            Expect.equal code 0 $"exit ({message})"
            Expect.stringContains out "least vc_dim = 1" "answer"
            Expect.stringContains out "increases with vc_dim" "explains the trivial answer"

        yield testCase "sensitivity reports the finite partials when one is infinite" <| fun () ->
            // ∂kl⁻¹(q, c)/∂q contains ln(q/p), −∞ at q = 0; the other partials are finite.
            let code, out, message = run [ "sensitivity"; "pacbayes-maurer"; "--set"; "emp_risk=0"; "--set"; "kl=5000"; "--set"; "n=60000"; "--set"; "delta=0.025" ]
            Expect.equal code 0 $"exit ({message})"
            Expect.stringContains out "∂pacbayes-maurer/∂kl" "finite partial reported"
            Expect.stringContains out "not reported" "the infinite one is named"

        yield testCase "eval at n = 1e308 gives a finite value" <| fun () ->
            let o = json [ "eval"; "vc-mohri"; "--classes"; "2"; "--set"; "train_error=0.01"; "--set"; "n=1e308"; "--set"; "vc_dim=1000"; "--set"; "delta=0.05"; "--json" ]
            Expect.isTrue (Double.IsFinite(o["value"].GetValue<float>())) "finite"

        yield testCase "the top-level command line dispatches `bounds` and maps bad input to exit 2" <| fun () ->
            Expect.equal (CommandLine.Run [| "bounds"; "eval"; "vc-mohri"; "--set"; "delta=abc" |]) 2 "bad input"
            Expect.isTrue (CommandLine.Commands |> Seq.exists (fun c -> c.Name = "bounds")) "registered"
    ]
