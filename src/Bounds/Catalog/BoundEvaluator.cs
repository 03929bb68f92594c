using BoundLab.Bounds.Symbolic;

namespace BoundLab.Bounds.Catalog;

/// <summary>
/// Evaluates catalog entries: checks every input against its domain and the theorem's preconditions, moves
/// post-hoc quantities onto their grids and charges the union bound to δ, evaluates the formula and its
/// terms, and attaches provenance warnings. Violations throw <see cref="ArgumentException"/> naming the
/// symbol, the value and the allowed set; a non-finite result throws <see cref="InvalidOperationException"/>.
/// </summary>
public static class BoundEvaluator
{
    /// <summary>Whether the entry applies to a problem with the given number of classes (k ≥ 2).</summary>
    public static Applicability Applicability(BoundEntry entry, int classes)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (classes < 2)
            throw new ArgumentOutOfRangeException(nameof(classes), classes, "classes must be an integer ≥ 2.");
        return classes > 2 && entry.BinaryOnlyReason is { } reason
            ? new Applicability(false, reason)
            : new Applicability(true, null);
    }

    /// <summary>Evaluates the entry with this id for a k-class problem; see <see cref="Evaluate(BoundEntry, IReadOnlyDictionary{string, double}, int)"/>.</summary>
    public static BoundResult Evaluate(string id, IReadOnlyDictionary<string, double> values, int classes) =>
        Evaluate(BoundCatalog.Get(id), values, classes);

    /// <summary>Evaluates the entry with this id without a class count; see <see cref="Evaluate(BoundEntry, IReadOnlyDictionary{string, double})"/>.</summary>
    public static BoundResult Evaluate(string id, IReadOnlyDictionary<string, double> values) =>
        Evaluate(BoundCatalog.Get(id), values);

    /// <summary>
    /// Evaluates an entry at the given input values (every input required, no others) for a k-class problem.
    /// Throws <see cref="NotApplicableException"/> when the entry does not cover k classes.
    /// </summary>
    public static BoundResult Evaluate(BoundEntry entry, IReadOnlyDictionary<string, double> values, int classes)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var applicability = Applicability(entry, classes);
        if (!applicability.IsApplicable)
            throw new NotApplicableException(entry.Id, applicability.Reason!);
        return EvaluateApplicable(entry, values);
    }

    /// <summary>
    /// Evaluates an entry that holds for any number of classes. A binary-only entry (<see cref="BoundEntry.BinaryOnlyReason"/>)
    /// is refused with an <see cref="ArgumentException"/> naming classes: the class count must be given, never assumed.
    /// </summary>
    public static BoundResult Evaluate(BoundEntry entry, IReadOnlyDictionary<string, double> values)
    {
        ArgumentNullException.ThrowIfNull(entry);
        RequireClassCount(entry, null);
        return EvaluateApplicable(entry, values);
    }

    /// <summary>Throws an <see cref="ArgumentException"/> naming classes when a binary-only entry is used without a class count.</summary>
    public static void RequireClassCount(BoundEntry entry, int? classes)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (classes is null && entry.BinaryOnlyReason is { } reason)
            throw new ArgumentException(
                $"classes: missing for {entry.Id}, which holds for binary classification only; give the number of classes (2 for a binary problem). {reason}",
                nameof(classes));
    }

    private static BoundResult EvaluateApplicable(BoundEntry entry, IReadOnlyDictionary<string, double> values)
    {
        ArgumentNullException.ThrowIfNull(values);

        var (point, budget) = Prepare(entry, values);
        var form = EvaluationForm.Of(entry);
        double value = Finite(entry, "value", Certified(entry, form.Formula, point), values);
        var terms = form.Terms
            .Select(t => new TermValue(t.Name, Finite(entry, $"term '{t.Name}'", Certified(entry, t.Expression, point), values)))
            .ToArray();
        // Conservative: vacuous unless the certified value is certainly below the trivial level (its lower end).
        bool vacuous = form.VacuousAt is { } level && value >= LevelLowerEnd(entry, level, point);
        return new BoundResult(entry.Id, value, terms, vacuous, budget, entry.Provenance, entry.Target,
            Warnings(entry), new Dictionary<string, double>(values));
    }

    /// <summary>
    /// Checks the inputs and returns the point the formula is evaluated at (post-hoc inputs replaced by their
    /// grid values, the first δ by its share after the grid union bound, and λ = ln(1/δ_eff) under
    /// <see cref="EvaluationForm.LnInverseNameFor"/>(δ) for entries evaluated in log space) together with the δ budget.
    /// </summary>
    public static PreparedPoint Prepare(BoundEntry entry, IReadOnlyDictionary<string, double> values)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(values);
        var unknown = values.Keys.Where(k => entry.Inputs.All(i => i.Name != k)).ToArray();
        if (unknown.Length > 0)
            throw new ArgumentException(
                $"{entry.Id} has no input named {string.Join(", ", unknown.Select(u => $"'{u}'"))}; its inputs are: {string.Join(", ", entry.Inputs.Select(i => i.Name))}.",
                unknown[0]);
        var missing = entry.Inputs.Where(i => !i.IsOptional && !values.ContainsKey(i.Name)).ToArray();
        if (missing.Length > 0)
            throw new ArgumentException(
                $"{entry.Id} needs a value for {string.Join(", ", missing.Select(m => $"{m.Name} ({m.Meaning}, {m.Domain.Describe()})"))}.",
                missing[0].Name);
        foreach (var group in entry.OptionalGroups)
            if (group.Any(values.ContainsKey) && !group.All(values.ContainsKey))
                throw new ArgumentException(
                    $"{entry.Id}: {string.Join(" and ", group)} go together; give all of them or none (given: {string.Join(", ", group.Where(values.ContainsKey))}).",
                    group.First(g => !values.ContainsKey(g)));
        foreach (var input in entry.Inputs.Where(i => values.ContainsKey(i.Name)))
            input.Require(values[input.Name]);
        foreach (var condition in entry.Preconditions)
            if (condition.Violation(values) is { } message)
                throw new ArgumentException($"{entry.Id}: {message}", condition.Symbol);

        var point = new Dictionary<string, double>(values);
        foreach (var input in entry.Inputs)
            if (input.WhenAbsent is { } absent && !values.ContainsKey(input.Name))
                point[input.Name] = absent;
        var grids = entry.PostHoc
            .Select(q => new GridUse(q.Symbol, values[q.Symbol], q.Direction, q.Grid.Snap(values[q.Symbol], q.Direction)))
            .ToArray();
        foreach (var g in grids)
            point[g.Symbol] = g.Point.Value;

        if (entry.Confidence.Count == 0)
            return new PreparedPoint(point, DeltaBudget.None);
        // An optional δ that is not given spends nothing.
        var shares = entry.Confidence.Where(c => values.ContainsKey(c.Symbol))
            .Select(c => new DeltaShare(c.Symbol, values[c.Symbol], c.Purpose)).ToArray();
        // ln(1/δ_eff) = ln(1/δ) + Σ ln(1/w_i): summed in log space, since the product of 2L + 1 weights underflows.
        double lnInverse = -Math.Log(shares[0].Delta) + grids.Sum(g => GeometricGrid.LnInverseWeight(g.Point.Index));
        double effective = grids.Length == 0 ? shares[0].Delta : Math.Exp(-lnInverse);
        point[shares[0].Symbol] = effective;
        point[EvaluationForm.LnInverseNameFor(shares[0].Symbol)] = lnInverse;
        return new PreparedPoint(point, new DeltaBudget(shares.Sum(s => s.Delta), shares, grids, effective, lnInverse));
    }

    /// <summary>The warnings every result of this entry carries.</summary>
    public static IReadOnlyList<string> Warnings(BoundEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var warnings = new List<string>();
        if (entry.Provenance == Provenance.Unverified)
            warnings.Add($"unverified: {entry.Id} is taken from a restatement and is not a checked guarantee ({entry.ProvenanceNote})");
        if (entry.Target == BoundTarget.Measure)
            warnings.Add($"measure: {entry.Id} is an order-level complexity measure with constants dropped; it is not a bound");
        warnings.AddRange(entry.Assumptions.Select(a => $"assumed, not checked: {a}"));
        return warnings;
    }

    /// <summary>
    /// Every catalog target (test error, expected gap) is bounded from above, so a bound and each of its terms is
    /// reported as the upper end of its enclosure: never below the exact value of the formula at the inputs. A
    /// measure is no certificate: it keeps its round-to-nearest value.
    /// </summary>
    private static double Certified(BoundEntry entry, Expr e, IReadOnlyDictionary<string, double> point) => entry.Target switch
    {
        BoundTarget.TestError or BoundTarget.ExpectedGap => Evaluator.Enclose(e, point).Hi,
        BoundTarget.Measure => Evaluator.Evaluate(e, point),
    };

    private static double LevelLowerEnd(BoundEntry entry, Expr level, IReadOnlyDictionary<string, double> point) =>
        entry.Target == BoundTarget.Measure ? Evaluator.Evaluate(level, point) : Evaluator.Enclose(level, point).Lo;

    private static double Finite(BoundEntry entry, string what, double x, IReadOnlyDictionary<string, double> values) =>
        double.IsFinite(x) ? x
        : throw new InvalidOperationException(
            $"{entry.Id}: the {what} evaluated to {InputDomains.Format(x)} at {string.Join(", ", values.Select(kv => $"{kv.Key} = {InputDomains.Format(kv.Value)}"))}; no result is reported.");
}
