// BoundLab build script — a plain F# script (no FAKE):
//   dotnet fsi build.fsx build | test [--filter TEXT] | bench | data | ci
// `test` installs what the tests need (Debian's libz3-dev and cvc5 for the SMT checks) when missing.
open System
open System.Diagnostics
open System.IO

let root = __SOURCE_DIRECTORY__
let args = fsi.CommandLineArgs |> Array.skip 1 |> List.ofArray

let run (cmd: string) (argList: string list) =
    let psi = ProcessStartInfo(cmd, argList, WorkingDirectory = root, UseShellExecute = false)
    use p = Process.Start psi
    p.WaitForExit()
    p.ExitCode

let runOrFail cmd argList =
    let code = run cmd argList
    if code <> 0 then
        eprintfn "build.fsx: '%s %s' exited with %d" cmd (String.Join(" ", argList)) code
        exit code

let which (name: string) =
    (Environment.GetEnvironmentVariable "PATH").Split(':')
    |> Array.exists (fun d -> File.Exists(Path.Combine(d, name)))

/// libz3 is the in-process SMT solver of src/Bounds (DESIGN.md decision 4); cvc5 re-checks the rewrite
/// rules as a second solver (its tests skip when it is absent). Both come from Debian's packages.
let ensureSolvers () =
    let z3 =
        [ "/usr/lib/x86_64-linux-gnu/libz3.so"; "/usr/lib/aarch64-linux-gnu/libz3.so"; "/usr/lib/libz3.so"; "/usr/local/lib/libz3.so" ]
        |> List.exists File.Exists
    let missing = [ if not z3 then "libz3-dev"
                    if not (which "cvc5") then "cvc5"
                    if not (which "z3") then "z3" ]
    if not missing.IsEmpty then
        if which "apt-get" && Environment.UserName = "root" then
            eprintfn "build.fsx: installing %s (SMT solvers for the bound verification tests)…" (String.Join(", ", missing))
            runOrFail "apt-get" [ "update"; "-qq" ]
            let code = run "apt-get" ([ "install"; "-y"; "-qq" ] @ missing)
            if code <> 0 && not z3 then
                eprintfn "build.fsx: could not install libz3-dev (apt-get exited %d)." code
                exit 1
            elif code <> 0 then
                eprintfn "build.fsx: cvc5/z3 could not be installed; their command-line cross-checks will be skipped."
        elif not z3 then
            eprintfn "build.fsx: libz3 is missing and cannot be installed here; run `sudo apt-get install libz3-dev` (Debian/Ubuntu)."
            exit 1

let build () = runOrFail "dotnet" [ "build"; "BoundLab.slnx"; "-c"; "Release"; "-nologo"; "-v"; "q"; "-clp:ErrorsOnly" ]

let test (rest: string list) =
    ensureSolvers ()
    runOrFail "dotnet" [ "build"; "tests/Runner/BoundLab.Tests.fsproj"; "-c"; "Release"; "-nologo"; "-v"; "q"; "-clp:ErrorsOnly" ]
    let dll = Path.Combine(root, "tests", "Runner", "bin", "Release", "net10.0", "BoundLab.Tests.dll")
    exit (run "dotnet" (dll :: rest))

match args with
| [ "build" ] -> build ()
| "test" :: rest -> test rest
| [ "ci" ] -> build (); test []
| [ "bench" ] ->
    runOrFail "bash" [ "bench/compare_gemm.sh" ]
    runOrFail "bash" [ "bench/compare_mlp.sh" ]
    runOrFail "bash" [ "bench/compare_noise.sh" ]
    runOrFail "dotnet" [ "build"; "bench/BoundsEval"; "-c"; "Release"; "-nologo"; "-v"; "q"; "-clp:ErrorsOnly;NoSummary" ]
    runOrFail "dotnet" [ Path.Combine("bench", "BoundsEval", "bin", "Release", "net10.0", "BoundsEval.dll") ]
| "data" :: rest -> runOrFail (Path.Combine(root, "boundlab")) ("data" :: "fetch" :: rest)
| _ ->
    eprintfn "usage: dotnet fsi build.fsx build | test [--filter TEXT] | bench | data [--data-dir DIR] | ci"
    exit 2
