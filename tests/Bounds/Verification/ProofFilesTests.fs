module BoundLab.Bounds.Tests.Verification.ProofFilesTests

open System
open System.Diagnostics
open System.IO
open Expecto
open BoundLab.Bounds.Symbolic
open BoundLab.Bounds.Verification
open BoundLab.Bounds.Tests.TestUtil

let private root =
    let rec up (d: DirectoryInfo) =
        if isNull d then failwith "BoundLab.slnx not found above the test binaries"
        elif File.Exists(Path.Combine(d.FullName, "BoundLab.slnx")) then d.FullName
        else up d.Parent
    up (DirectoryInfo AppContext.BaseDirectory)

let private files =
    Directory.GetFiles(Path.Combine(root, "proofs"), "*.smt2", SearchOption.AllDirectories) |> Array.sort |> List.ofArray

let private expected (text: string) =
    match text.Split('\n').[0].Trim() with
    | "; expect: unsat" -> SmtVerdict.Unsat
    | "; expect: sat" -> SmtVerdict.Sat
    | "; expect: unknown" -> SmtVerdict.Unknown
    | line -> failwithf "first line must be '; expect: unsat|sat|unknown', got '%s'" line

let private onPath (exe: string) =
    (Environment.GetEnvironmentVariable "PATH").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
    |> Array.exists (fun d -> File.Exists(Path.Combine(d, exe)))

/// The z3 command-line tool's first line of output for a file (-T: its own timeout in seconds).
let private z3Cli (path: string) =
    let info = ProcessStartInfo("z3", $"-T:30 \"{path}\"", RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false)
    use p = Process.Start info
    let out = p.StandardOutput.ReadToEnd()
    p.WaitForExit()
    out.Split('\n').[0].Trim()

let private relative (path: string) = Path.GetRelativePath(root, path)

[<Tests>]
let tests =
    testList "Bounds.Verification.ProofFiles" [
        testCase "proofs/ holds the ADMM, GD, SGLD and rewrite-rule obligations, each with its header" <| fun () ->
            let names = files |> List.map Path.GetFileName
            for prefix in [ "admm-beta1"; "admm-lambda-beta3"; "gd-step-size"; "sgld-k0-qualifies"; "sgld-k0-least" ] do
                Expect.isTrue (names |> List.exists (fun n -> n.StartsWith prefix)) prefix
            for rule in RewriteRules.All do
                Expect.contains names $"rule-{rule.Name}.smt2" $"rule {rule.Name} has its obligation"
            for f in files do
                let lines = File.ReadAllLines f
                expected (File.ReadAllText f) |> ignore
                Expect.stringStarts lines.[1] "; proves: " $"{relative f}: second line says what it proves"

        for f in files do
            testCase $"{relative f} gives its expected verdict (in-process Z3, z3 and cvc5 CLIs when installed)" <| fun () ->
                let text = File.ReadAllText f
                let want = expected text
                let r = SmtSolver.Check(text, z3Timeout)
                Expect.equal r.Verdict want $"in-process Z3: {r.Output}"
                if onPath "z3" then
                    let cli = z3Cli f
                    Expect.equal cli (want.ToString().ToLowerInvariant()) "z3 CLI"
                if Cvc5Solver.IsAvailable then
                    let marked = text.Contains "\n; cvc5: unknown"
                    let c = Cvc5Solver.Check(text, if marked then TimeSpan.FromSeconds 3.0 else z3Timeout)
                    if marked then Expect.notEqual c.Verdict (if want = SmtVerdict.Unsat then SmtVerdict.Sat else SmtVerdict.Unsat) "cvc5 does not contradict"
                    else Expect.equal c.Verdict want $"cvc5: {c.Output}"
    ]
