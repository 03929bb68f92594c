namespace BoundLab.Bounds.Catalog.Sweep;

/// <summary>What evaluating one catalog entry on one run gave: a value, a reason it does not apply, or an input
/// error. A sweep never throws for one entry; it records the outcome and goes on.</summary>
/// <param name="Entry">The entry.</param>
public abstract record BoundOutcome(BoundEntry Entry)
{
    /// <summary>"value", "not_applicable" or "input_error" (the results store's and results.json's wire name).</summary>
    public abstract string Status { get; }
}

/// <summary>The entry was evaluated.</summary>
/// <param name="Entry">The entry.</param>
/// <param name="Result">Its value, terms, δ budget and warnings.</param>
public sealed record BoundEvaluated(BoundEntry Entry, BoundResult Result) : BoundOutcome(Entry)
{
    /// <inheritdoc/>
    public override string Status => "value";
}

/// <summary>The entry does not apply to this run (binary-only, depth, optimizer, biases, a quantity the run does not have).</summary>
/// <param name="Entry">The entry.</param>
/// <param name="Reason">Why, in one sentence.</param>
public sealed record BoundNotApplicable(BoundEntry Entry, string Reason) : BoundOutcome(Entry)
{
    /// <inheritdoc/>
    public override string Status => "not_applicable";
}

/// <summary>The run's quantities violate the entry's input domains or preconditions.</summary>
/// <param name="Entry">The entry.</param>
/// <param name="Message">The evaluator's message (names the input, the value and what is allowed).</param>
public sealed record BoundInputError(BoundEntry Entry, string Message) : BoundOutcome(Entry)
{
    /// <inheritdoc/>
    public override string Status => "input_error";
}
