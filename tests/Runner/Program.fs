/// The one test runner: collects every [<Tests>] value from the per-area test assemblies and ends
/// with the line `N passed, M failed[, K skipped]` that CI reads.
module BoundLab.Tests.Program

open System
open Expecto

let private assemblies =
    [ typeof<BoundLab.Numerics.Tests.TestUtil.Marker>.Assembly
      typeof<BoundLab.Bounds.Tests.TestUtil.Marker>.Assembly
      typeof<BoundLab.Cli.Tests.TestUtil.Marker>.Assembly
      typeof<BoundLab.Studies.Tests.TestUtil.Marker>.Assembly
      typeof<BoundLab.Gpu.Tests.TestUtil.Marker>.Assembly ]

/// Splits our own `--filter TEXT` (substring of the full test name) from Expecto's arguments.
let rec private splitFilter (args: string list) =
    match args with
    | "--filter" :: text :: rest ->
        let f, others = splitFilter rest
        (text :: f), others
    | x :: rest ->
        let f, others = splitFilter rest
        f, x :: others
    | [] -> [], []

/// Tests that have started and not yet finished, with their start times (for the watchdog's report).
let private running = Collections.Concurrent.ConcurrentDictionary<string, DateTime>()

/// Wraps every test so the watchdog can name the ones still running.
let private tracked (test: Test) =
    test
    |> Test.replaceTestCode (fun name code ->
        let enter () = running[name] <- DateTime.Now
        let leave () = running.TryRemove name |> ignore
        let wrapped =
            match code with
            | Sync f -> Sync(fun () -> enter (); try f () finally leave ())
            | SyncWithCancel f -> SyncWithCancel(fun ct -> enter (); try f ct finally leave ())
            | Async a -> Async(async { enter (); try return! a finally leave () })
            | AsyncFsCheck(config, stress, f) ->
                AsyncFsCheck(config, stress, fun cfg -> async { enter (); try return! f cfg finally leave () })
        TestLabel(name, TestCase(wrapped, Normal), Normal))

/// A hung test (a native solver that never returns, a deadlock) must not hold CI for its whole budget:
/// after BOUNDLAB_TEST_TIMEOUT_MIN minutes (default 20) the run is failed, naming the tests still running.
let private startWatchdog () =
    let minutes =
        match Environment.GetEnvironmentVariable "BOUNDLAB_TEST_TIMEOUT_MIN" with
        | null | "" -> 20.0
        | s -> float s
    let timer =
        new Threading.Timer(
            (fun _ ->
                eprintfn "\ntest run exceeded %g minutes (BOUNDLAB_TEST_TIMEOUT_MIN); aborting. Still running:" minutes
                for KeyValue(name, started) in running do
                    eprintfn "  %s (since %s)" name (started.ToString "HH:mm:ss")
                Console.Out.Write("\n0 passed, 1 failed\n")
                Console.Out.Flush()
                exit 1),
            null, TimeSpan.FromMinutes minutes, Threading.Timeout.InfiniteTimeSpan)
    timer

[<EntryPoint>]
let main argv =
    use _watchdog = startWatchdog ()
    let filters, expectoArgs = splitFilter (List.ofArray argv)
    let all =
        assemblies
        |> List.choose Impl.testFromAssembly
        |> testList "BoundLab"
        |> tracked
    let selected =
        match filters with
        | [] -> all
        | fs ->
            all
            |> Test.filter defaultConfig.joinWith.asString (fun parts ->
                let name = String.Join("/", parts)
                fs |> List.exists (fun f -> name.Contains(f, StringComparison.OrdinalIgnoreCase)))
    let mutable counts = (0, 0, 0)
    let printer =
        { defaultConfig.printer with
            summary =
                fun cfg summary ->
                    async {
                        do! defaultConfig.printer.summary cfg summary
                        counts <-
                            (summary.passed.Length,
                             summary.failed.Length + summary.errored.Length,
                             summary.ignored.Length)
                    } }
    let code = runTestsWithCLIArgs [ No_Spinner; Colours 0; Printer printer ] (Array.ofList expectoArgs) selected
    let passed, failed, skipped = counts
    // Expecto's console logger leaves colour resets on the current line: start the verdict on a fresh one.
    Console.Out.Flush()
    let verdict =
        if skipped > 0 then sprintf "%d passed, %d failed, %d skipped" passed failed skipped
        else sprintf "%d passed, %d failed" passed failed
    Console.Out.Write("\n" + verdict + "\n")
    Console.Out.Flush()
    code
