/// Helpers shared by the CLI tests.
module BoundLab.Cli.Tests.TestUtil

open System
open System.IO

/// Anchor type so the runner can find this assembly.
type Marker = class end

/// Runs the command line in-process; returns (exit code, stdout, stderr). Console redirection is
/// process-wide: call it only from sequenced test lists.
let runCli (args: string list) =
    let out, err = new StringWriter(), new StringWriter()
    let oldOut, oldErr = Console.Out, Console.Error
    Console.SetOut out
    Console.SetError err
    try
        let code = BoundLab.Cli.CommandLine.Run(Array.ofList args)
        code, out.ToString(), err.ToString()
    finally
        Console.SetOut oldOut
        Console.SetError oldErr

/// A fresh temporary folder.
let tempDir () =
    let d = Path.Combine(Path.GetTempPath(), "boundlab-cli-" + Guid.NewGuid().ToString("N"))
    Directory.CreateDirectory d |> ignore
    d

/// Runs f with a fresh temporary folder and deletes the folder afterwards, whatever f does.
let withTempDir (f: string -> unit) =
    let dir = tempDir ()
    try f dir finally Directory.Delete(dir, true)

/// The repository root (where BoundLab.slnx lives), found from the test binary's folder.
let repoRoot =
    let rec up (d: DirectoryInfo) =
        if isNull d then failwith "BoundLab.slnx not found above the test binaries"
        elif File.Exists(Path.Combine(d.FullName, "BoundLab.slnx")) then d.FullName
        else up d.Parent
    up (DirectoryInfo AppContext.BaseDirectory)
