/// Helpers shared by the Numerics tests.
module BoundLab.Numerics.Tests.TestUtil

open System
open System.IO

/// Anchor type so the runner can find this assembly.
type Marker = class end

/// The repository root: the nearest folder above the test binaries that holds BoundLab.slnx.
let repoRoot =
    lazy
        (let rec up (dir: DirectoryInfo) =
            if isNull dir then failwithf "no BoundLab.slnx above %s" AppContext.BaseDirectory
            elif File.Exists(Path.Combine(dir.FullName, "BoundLab.slnx")) then dir.FullName
            else up dir.Parent
         up (DirectoryInfo AppContext.BaseDirectory))

/// A folder under tests/fixtures.
let fixtureDir (name: string) = Path.Combine(repoRoot.Value, "tests", "fixtures", name)

/// A fresh empty temporary folder, deleted (with its content) on Dispose.
type TempDir() =
    let path = Directory.CreateTempSubdirectory("boundlab-test-").FullName
    /// The folder's full path.
    member _.Path = path
    interface IDisposable with
        member _.Dispose() = if Directory.Exists path then Directory.Delete(path, true)

/// Runs f and returns the exception of type 'E it throws (Expecto's throwsT does not return it),
/// so a test can check the message; fails when nothing or something else is thrown.
let throwsOf<'E when 'E :> exn> (f: unit -> unit) (what: string) : 'E =
    try
        f ()
        Expecto.Tests.failtestf "%s: expected %s, nothing was thrown" what typeof<'E>.Name
    with
    | :? 'E as e -> e
    | e when not (e :? Expecto.AssertException) ->
        Expecto.Tests.failtestf "%s: expected %s, got %s: %s" what typeof<'E>.Name (e.GetType().Name) e.Message
