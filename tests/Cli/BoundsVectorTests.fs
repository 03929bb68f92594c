/// `boundlab bounds eval` with vector inputs (bft-spectral's spec and l21_init): the comma syntax, its errors, and the
/// fixed-depth aliases it must agree with.
module BoundLab.Cli.Tests.BoundsVectorTests

open System
open System.IO
open System.Text.Json.Nodes
open Expecto
open BoundLab.Cli
open BoundLab.Cli.Commands

let private run (args: string list) =
    use w = new StringWriter()
    let code, message =
        try BoundsCommand(w).Run(Array.ofList args), ""
        with e when CommandLine.IsUserError e -> 2, e.Message
    code, w.ToString(), message

let private json (args: string list) =
    let code, out, message = run args
    Expect.equal code 0 $"exit code (error: {message})"
    JsonNode.Parse(out).AsObject()

let private common = [ "--set"; "ramp_loss=0.05"; "--set"; "gamma=8"; "--set"; "x_norm=2000"; "--set"; "width=784"; "--set"; "n=60000"; "--set"; "delta=0.05"; "--classes"; "2" ]

let private refused (args: string list) (parts: string list) =
    let code, _, message = run args
    Expect.equal code 2 $"exit code for {args}"
    Expect.isFalse (message.Contains '\n') $"one line: {message}"
    for p in parts do Expect.stringContains message p $"names {p}"

[<Tests>]
let tests =
    testList "Cli.BoundsVector" [
        testCase "eval bft-spectral --set spec=… equals bft-spectral-3 with s_i, b_i to 1 ulp (golden.py 1669.6031954291116)" <| fun () ->
            let g = json ([ "eval"; "bft-spectral"; "--set"; "depth=3"; "--set"; "spec=3.2,2.1,1.7"; "--set"; "l21_init=15, 4.5, 3" ] @ common @ [ "--json" ])
            let f = json ([ "eval"; "bft-spectral-3"; "--set"; "s_1=3.2"; "--set"; "s_2=2.1"; "--set"; "s_3=1.7"
                            "--set"; "b_1=15"; "--set"; "b_2=4.5"; "--set"; "b_3=3" ] @ common @ [ "--json" ])
            let value (o: JsonObject) = o["value"].GetValue<float>()
            let ulps = abs (BitConverter.DoubleToInt64Bits(value g) - BitConverter.DoubleToInt64Bits(value f))
            Expect.isLessThanOrEqual ulps 1L $"{value g:R} vs {value f:R}"
            Expect.floatClose { absolute = 0.; relative = 1e-12 } (value g) 1669.6031954291116 "golden.py"
            let grids = g["delta_budget"].["grids"].AsArray()
            Expect.equal grids.Count 7 "γ and 3 + 3 elements"
            Expect.equal (grids[1].["symbol"].GetValue<string>()) "spec[1]" "element named"

        testCase "vector syntax errors name the option, the value and what is allowed" <| fun () ->
            let e = [ "eval"; "bft-spectral" ]
            refused (e @ [ "--set"; "depth=2"; "--set"; "spec=3.2,2.1,1.7"; "--set"; "l21_init=15,4.5" ] @ common) [ "spec has 3 elements but depth = 2" ]
            refused (e @ [ "--set"; "depth=3"; "--set"; "spec=3.2,,1.7"; "--set"; "l21_init=15,4.5,3" ] @ common) [ "--set spec"; "3.2,,1.7"; "comma-separated" ]
            refused (e @ [ "--set"; "depth=3"; "--set"; "spec=3.2,x,1.7"; "--set"; "l21_init=15,4.5,3" ] @ common) [ "--set spec (element 2)"; "'x'" ]
            refused (e @ [ "--set"; "depth=3,4"; "--set"; "spec=1"; "--set"; "l21_init=1" ] @ common) [ "--set depth"; "not a vector input" ]
            refused (e @ [ "--set"; "depth=3"; "--set"; "spec=3.2,2.1,1.7" ] @ common) [ "needs a value for l21_init"; "a list of depth values" ]
            refused [ "sensitivity"; "bft-spectral"; "--set"; "depth=3" ] [ "vector inputs"; "bounds eval"; "bft-spectral-3" ]

        testCase "show lists vector inputs as lists of depth values; eval --help documents the syntax" <| fun () ->
            let code, out, _ = run [ "show"; "bft-spectral" ]
            Expect.equal code 0 "show"
            for p in [ "a list of depth values"; "Σ_{i=1}^{depth}"; "Π_{i=1}^{depth} spec_i" ] do Expect.stringContains out p p
            let code, out, _ = run [ "eval"; "--help" ]
            Expect.equal code 0 "help"
            for p in [ "spec=1.2,3.4,5"; "--set depth=3 --set spec=3.2,2.1,1.7"; "layers[i].spectral_norm" ] do Expect.stringContains out p p
            let code, out, _ = run [ "list" ]
            Expect.equal code 0 "list"
            Expect.equal (out.Split('\n') |> Array.filter (fun l -> l.StartsWith "bft-spectral") |> Array.length) 1 "listed once"
    ]
