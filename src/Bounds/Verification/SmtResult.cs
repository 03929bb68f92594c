namespace BoundLab.Bounds.Verification;

/// <summary>The answer of a satisfiability check.</summary>
public enum SmtVerdict
{
    /// <summary>The assertions have a model.</summary>
    Sat,
    /// <summary>The assertions are contradictory (for a negated goal: the goal is proved).</summary>
    Unsat,
    /// <summary>The solver gave up (timeout, incompleteness of nonlinear arithmetic, …); never a proof.</summary>
    Unknown,
}

/// <summary>The verdict of the script's first (check-sat) and everything the solver printed (e.g. a model from (get-model)).</summary>
/// <param name="Verdict">The verdict of the first check-sat.</param>
/// <param name="Output">The solver's full text output.</param>
/// <param name="Solver">Which solver answered, with its version.</param>
public sealed record SmtResult(SmtVerdict Verdict, string Output, string Solver);

/// <summary>The solver rejected the script (syntax error, unknown symbol, …) or could not be run.</summary>
public sealed class SmtException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SmtException(string message) : base(message) { }
    /// <summary>Creates the exception with its cause.</summary>
    public SmtException(string message, Exception inner) : base(message, inner) { }
}
