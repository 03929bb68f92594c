/// Helpers shared by the Studies tests.
module BoundLab.Studies.Tests.TestUtil

open System
open System.IO

/// Anchor type so the runner can find this assembly.
type Marker = class end

/// The repository root (where BoundLab.slnx lives), found from the test binary's folder.
let repoRoot =
    let rec up (d: DirectoryInfo) =
        if isNull d then failwith "BoundLab.slnx not found above the test binaries"
        elif File.Exists(Path.Combine(d.FullName, "BoundLab.slnx")) then d.FullName
        else up d.Parent
    up (DirectoryInfo AppContext.BaseDirectory)

/// The committed MNIST fixture (2,000 training and 1,000 test images).
let fixture = Path.Combine(repoRoot, "tests", "fixtures", "mnist-small")

/// Runs f with a fresh temporary folder and deletes the folder afterwards, whatever f does.
let withTempDir (f: string -> unit) =
    let dir = Path.Combine(Path.GetTempPath(), "boundlab-studies-" + Guid.NewGuid().ToString("N"))
    Directory.CreateDirectory dir |> ignore
    try f dir finally Directory.Delete(dir, true)

/// JSON string literal of a path.
let jsonString (s: string) = System.Text.Json.JsonSerializer.Serialize s
