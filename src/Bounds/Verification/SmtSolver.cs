using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.Z3;

namespace BoundLab.Bounds.Verification;

/// <summary>
/// Z3 in-process through SMT-LIB 2 text. Uses the public low-level class Microsoft.Z3.Native only: the managed
/// Context needs Z3_enable_concurrent_dec_ref, which Debian's libz3 4.8.12 lacks (DESIGN.md, point 4).
/// Each call gets its own Z3 context and calls are serialized, so any thread may call.
/// </summary>
public static class SmtSolver
{
    private static readonly Lazy<string?> LoadError = new(TryLoad, LazyThreadSafetyMode.ExecutionAndPublication);

    // Kept in a static field so the GC never collects the delegate while native code holds a pointer to it.
    private static readonly Native.Z3_error_handler IgnoreErrors = (_, _) => { };

    /// <summary>True when libz3 can be loaded.</summary>
    public static bool IsAvailable => LoadError.Value is null;

    /// <summary>The version of the loaded libz3, e.g. "Z3 4.8.12"; throws when it is missing.</summary>
    public static string Version
    {
        get
        {
            EnsureLoaded();
            uint major = 0, minor = 0, build = 0, revision = 0;
            Native.Z3_get_version(ref major, ref minor, ref build, ref revision);
            return string.Create(CultureInfo.InvariantCulture, $"Z3 {major}.{minor}.{build}");
        }
    }

    /// <summary>
    /// Runs an SMT-LIB 2 script and returns the verdict of its first (check-sat) with the full output.
    /// Throws SmtException when Z3 rejects the script, DllNotFoundException (with the install command) when
    /// libz3 is missing. A timeout yields Unknown.
    /// </summary>
    public static SmtResult Check(string smtlib2Script, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(smtlib2Script);
        if (timeout <= TimeSpan.Zero || timeout.TotalMilliseconds > uint.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, $"The timeout must be in (0, {uint.MaxValue} ms].");
        EnsureLoaded();
        // Z3's C API does not support creating contexts concurrently (Z3Prover/z3#327), and concurrent
        // contexts have hung or crashed in 4.8.x (Z3Prover/z3#4768); we saw one unexplained hang of the
        // parallel test. Calls are therefore serialized: correct answers matter more than throughput here.
        lock (Z3Lock) return CheckSerialized(smtlib2Script, timeout);
    }

    private static readonly object Z3Lock = new();

    private static SmtResult CheckSerialized(string smtlib2Script, TimeSpan timeout)
    {
        var config = Native.Z3_mk_config();
        try
        {
            var context = Native.Z3_mk_context(config);
            try
            {
                // Z3's default handler prints and exits the process; with this one the Native wrapper throws Z3Exception.
                Native.Z3_set_error_handler(context, IgnoreErrors);
                uint ms = (uint)Math.Ceiling(timeout.TotalMilliseconds);
                // The deadline is enforced only by interrupting the context from a timer thread. Z3's own
                // timeout option is not used: it runs on scoped_timer, whose thread pool can deadlock in
                // 4.8.10–4.8.12 (Z3Prover/z3#5371, #5990), and Debian ships 4.8.12; our full test suite hung
                // about once in eight runs with it. An interrupted check answers unknown, as a timeout would.
                var gate = new object();
                bool finished = false;
                // The gate keeps the callback from interrupting a context that is already deleted.
                using var watchdog = new Timer(_ => { lock (gate) if (!finished) Native.Z3_interrupt(context); },
                    null, (long)ms, Timeout.Infinite);
                string output;
                try
                {
                    output = Native.Z3_eval_smtlib2_string(context, smtlib2Script);
                }
                catch (Z3Exception ex)
                {
                    // The wrapper reports Z3's whole output as the message; a verdict printed before the
                    // error (e.g. get-model after unsat) is still a verdict.
                    try { return SmtOutput.Interpret(ex.Message, "Z3"); }
                    catch (SmtException) { throw new SmtException($"Z3 rejected the script: {ex.Message}", ex); }
                }
                finally { lock (gate) finished = true; }
                return SmtOutput.Interpret(output, "Z3");
            }
            finally { Native.Z3_del_context(context); }
        }
        finally { Native.Z3_del_config(config); }
    }

    private static void EnsureLoaded()
    {
        if (LoadError.Value is { } message) throw new DllNotFoundException(message);
    }

    private static string? TryLoad()
    {
        try
        {
            NativeLibrary.SetDllImportResolver(typeof(Native).Assembly, Resolve);
        }
        catch (InvalidOperationException)
        {
            // Someone in this process already installed a resolver for Microsoft.Z3; use theirs.
        }
        try
        {
            uint a = 0, b = 0, c = 0, d = 0;
            Native.Z3_get_version(ref a, ref b, ref c, ref d);
            return null;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return $"libz3 could not be loaded ({ex.Message}). Install it with: apt-get install libz3-dev";
        }
    }

    /// <summary>Maps Microsoft.Z3's "libz3" import to the system library, trying the dev symlink and then the runtime soname.</summary>
    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (!libraryName.StartsWith("libz3", StringComparison.Ordinal)) return IntPtr.Zero;
        foreach (var candidate in new[] { libraryName, "libz3.so", "libz3.so.4" })
            if (NativeLibrary.TryLoad(candidate, assembly, searchPath, out var handle)) return handle;
        return IntPtr.Zero;
    }
}
