// Dumps, for each golden case of GoldenTests.fs and its extreme variants (n = 1e308, δ = 1e-300, C = 1e-300),
// the evaluation formula as a JSON tree and the prepared point (exact doubles, round-trip "R" strings), one JSON
// object per line, for certified_golden.py. Run (after building src/Bounds in Release):
//   dotnet fsi tests/Bounds/Catalog/dump_forms.fsx > /tmp/forms.jsonl
#r "../../../src/Bounds/bin/Release/net10.0/BoundLab.Bounds.dll"
open System
open System.Text.RegularExpressions
open BoundLab.Bounds.Symbolic
open BoundLab.Bounds.Catalog

let inv (x: float) = x.ToString("R", Globalization.CultureInfo.InvariantCulture)
let q (s: string) = "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\""

let rec tree (e: Expr) : string =
    match e with
    | :? Number as n -> $"[\"num\", {q (string n.Value.Numerator)}, {q (string n.Value.Denominator)}]"
    | :? Symbol as s -> $"[\"sym\", {q s.Name}]"
    | :? NamedConstant as c -> if c.Kind = ConstantKind.E then "[\"e\"]" else "[\"pi\"]"
    | :? Infinity -> "[\"inf\"]"
    | :? Sum as s -> "[\"+\", " + String.Join(", ", s.Terms |> Seq.map tree) + "]"
    | :? Product as p -> "[\"*\", " + String.Join(", ", p.Factors |> Seq.map tree) + "]"
    | :? Power as p -> $"[\"^\", {tree p.Base}, {tree p.Exponent}]"
    | :? Function as f -> $"[{q (string f.Kind)}, " + String.Join(", ", f.Arguments |> Seq.map tree) + "]"
    | _ -> failwith $"node {e.GetType().Name}"

let text = IO.File.ReadAllText(IO.Path.Combine(__SOURCE_DIRECTORY__, "GoldenTests.fs"))
let caseRx = Regex("""^\s*"([a-z0-9-]+)", \[(.*)\], [0-9.e-]+\s*$""", RegexOptions.Multiline)
let inputRx = Regex("""\"([A-Za-z_0-9]+)\", ([0-9.e+-]+)""")
let variants (inputs: (string * float) list) =
    let set names v label =
        if inputs |> List.exists (fun (k, _) -> List.contains k names) then
            Some(label, inputs |> List.map (fun (k, x) -> if List.contains k names then k, v else k, x))
        else None
    [ Some("golden", inputs)
      set [ "n"; "n_test" ] 1e308 "n=1e308"
      set [ "delta"; "delta_mc" ] 1e-300 "delta=1e-300"
      set [ "catoni_c"; "loss_max" ] 1e-300 "C=1e-300" ] |> List.choose id

for m in caseRx.Matches text do
    let id = m.Groups[1].Value
    let inputs = [ for i in inputRx.Matches m.Groups[2].Value -> i.Groups[1].Value, float i.Groups[2].Value ]
    for label, vs in variants inputs do
        let values = readOnlyDict vs
        try
            BoundEvaluator.Evaluate(id, values, 2) |> ignore
            let entry = BoundCatalog.Get id
            let prepared = BoundEvaluator.Prepare(entry, values)
            let point = String.Join(", ", prepared.Point |> Seq.map (fun kv -> $"{q kv.Key}: {q (inv kv.Value)}"))
            let ins = String.Join(", ", vs |> List.map (fun (k, v) -> $"[{q k}, {q (inv v)}]"))
            printfn "{\"id\": %s, \"label\": %s, \"inputs\": [%s], \"point\": {%s}, \"formula\": %s}"
                (q id) (q label) ins point (tree (EvaluationForm.Of(entry).Formula))
        with ex -> eprintfn "skip %s %s: %s" id label (ex.Message.Split('\n')[0])
