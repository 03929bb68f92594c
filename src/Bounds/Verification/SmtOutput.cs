namespace BoundLab.Bounds.Verification;

/// <summary>Reads a solver's SMT-LIB text output into a verdict (shared by the Z3 and cvc5 runners).</summary>
internal static class SmtOutput
{
    public static SmtResult Interpret(string output, string solver)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var line in lines)
        {
            // An error before the first verdict means the check did not run as written.
            if (line.StartsWith("(error", StringComparison.Ordinal))
                throw new SmtException($"{solver} rejected the script: {output.Trim()}");
            SmtVerdict? verdict = line switch
            {
                "sat" => SmtVerdict.Sat,
                "unsat" => SmtVerdict.Unsat,
                "unknown" => SmtVerdict.Unknown,
                _ => null,
            };
            if (verdict is { } v) return new SmtResult(v, output, solver);
        }
        throw new SmtException($"{solver} printed no verdict; does the script contain (check-sat)? Output: '{output.Trim()}'");
    }
}
