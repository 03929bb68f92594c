using System.Diagnostics;
using System.Globalization;

namespace BoundLab.Bounds.Verification;

/// <summary>
/// A second opinion: runs the same SMT-LIB 2 text through the cvc5 binary (Debian package cvc5) when it is
/// on PATH. Independent solvers agreeing on unsat guards against a bug in one of them.
/// </summary>
public static class Cvc5Solver
{
    private static readonly Lazy<string?> Executable = new(FindOnPath);

    /// <summary>True when a cvc5 executable is on PATH.</summary>
    public static bool IsAvailable => Executable.Value is not null;

    /// <summary>
    /// Runs the script with cvc5 and returns the verdict of its first (check-sat). A timeout yields Unknown;
    /// a rejected script throws SmtException; a missing binary throws InvalidOperationException saying how to install it.
    /// </summary>
    public static SmtResult Check(string smtlib2Script, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(smtlib2Script);
        if (timeout <= TimeSpan.Zero || timeout.TotalMilliseconds > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, $"The timeout must be in (0, {int.MaxValue} ms].");
        var exe = Executable.Value ?? throw new InvalidOperationException("cvc5 is not on PATH. Install it with: apt-get install cvc5");
        int ms = (int)Math.Ceiling(timeout.TotalMilliseconds);
        var info = new ProcessStartInfo(exe)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "--lang=smt2", "--quiet", "--tlimit=" + ms.ToString(CultureInfo.InvariantCulture) })
            info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new SmtException("cvc5 could not be started.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write("(set-logic ALL)\n" + smtlib2Script);
        process.StandardInput.Close();
        // --tlimit stops the solver itself; the grace period only guards against a hung process.
        if (!process.WaitForExit(ms + 5000))
        {
            process.Kill(entireProcessTree: true);
            return new SmtResult(SmtVerdict.Unknown, "cvc5 killed after the timeout", "cvc5");
        }
        string output = stdout.Result + stderr.Result;
        if (output.Contains("interrupted by timeout", StringComparison.Ordinal) && !output.Contains("sat", StringComparison.Ordinal))
            return new SmtResult(SmtVerdict.Unknown, output, "cvc5");
        return SmtOutput.Interpret(output, "cvc5");
    }

    private static string? FindOnPath()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, "cvc5");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
