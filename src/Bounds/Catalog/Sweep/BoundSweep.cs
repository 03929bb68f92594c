namespace BoundLab.Bounds.Catalog.Sweep;

/// <summary>Evaluates every catalog entry on one run's quantities, returning an outcome per entry instead of throwing.</summary>
public static class BoundSweep
{
    /// <summary>One outcome per entry of <paramref name="entries"/> (default: the whole catalog), in catalog order.
    /// Quantities are looked up by input name; an entry whose required inputs are not all present does not apply.</summary>
    public static IReadOnlyList<BoundOutcome> EvaluateAll(RunFacts facts, IReadOnlyDictionary<string, double> quantities,
        IEnumerable<BoundEntry>? entries = null, IReadOnlyDictionary<string, IReadOnlyList<double>>? vectors = null)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(quantities);
        return (entries ?? BoundCatalog.All).Select(e => Evaluate(e, facts, quantities, vectors)).ToArray();
    }

    /// <summary>Why the entry does not apply to a run with these facts (binary-only, biases, its declared
    /// <see cref="BoundEntry.Requirements"/>), naming the fact and its value; null when the facts allow it.</summary>
    public static string? NotApplicableReason(BoundEntry entry, RunFacts facts)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(facts);
        if (facts.Classes is int k && k > 2 && entry.BinaryOnlyReason is { } binary)
            return $"binary classification only ({binary}); the run has {k} classes";
        if (facts.Classes is null && entry.BinaryOnlyReason is not null)
            return "classification only; the run is a regression";
        if (entry.RequiresBiasFree && facts.HasBias)
            return "stated for networks without biases (or with biases folded into an augmented input); the run has biases";
        foreach (RunRequirement requirement in entry.Requirements)
            if (requirement.Violation(facts) is { } violation)
                return violation;
        return null;
    }

    /// <summary>The outcome of one entry on one run.</summary>
    public static BoundOutcome Evaluate(BoundEntry entry, RunFacts facts, IReadOnlyDictionary<string, double> quantities,
        IReadOnlyDictionary<string, IReadOnlyList<double>>? vectors = null)
    {
        vectors ??= BoundInputs.NoVectors;
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(quantities);
        if (NotApplicableReason(entry, facts) is { } reason)
            return new BoundNotApplicable(entry, reason);
        var values = new Dictionary<string, double>();
        foreach (BoundInput input in entry.Inputs)
            if (quantities.TryGetValue(input.Name, out double v))
                values[input.Name] = v;
        var given = new Dictionary<string, IReadOnlyList<double>>();
        foreach (BoundInput input in entry.Inputs.Where(i => i.IsVector))
            if (vectors.TryGetValue(input.Name, out var vector))
                given[input.Name] = vector;
        var missing = entry.Inputs.Where(i => !i.IsOptional && !values.ContainsKey(i.Name) && !given.ContainsKey(i.Name)).Select(i => i.Name).ToArray();
        if (missing.Length > 0)
            return new BoundNotApplicable(entry, $"needs {string.Join(", ", missing)}, which the run does not determine");
        try
        {
            var inputs = new BoundInputs(values, given);
            var result = facts.Classes is int classes
                ? BoundEvaluator.Evaluate(entry, inputs, classes)
                : BoundEvaluator.Evaluate(entry, inputs);
            return new BoundEvaluated(entry, result);
        }
        catch (NotApplicableException e)
        {
            return new BoundNotApplicable(entry, e.Reason);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return new BoundInputError(entry, Message(e));
        }
    }

    // The evaluator's sentence without .NET's " (Parameter 'n')" suffix: the sentence already names the input.
    private static string Message(Exception e) =>
        e is ArgumentException { ParamName: { } name } && e.Message.EndsWith($" (Parameter '{name}')", StringComparison.Ordinal)
            ? e.Message[..^$" (Parameter '{name}')".Length]
            : e.Message;
}
