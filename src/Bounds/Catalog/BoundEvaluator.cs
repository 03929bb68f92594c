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

    /// <summary>Evaluates an entry with vector inputs (or any entry) for a k-class problem; see <see cref="Evaluate(BoundEntry, IReadOnlyDictionary{string, double}, int)"/>.</summary>
    public static BoundResult Evaluate(BoundEntry entry, BoundInputs inputs, int classes)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var applicability = Applicability(entry, classes);
        if (!applicability.IsApplicable)
            throw new NotApplicableException(entry.Id, applicability.Reason!);
        return EvaluateApplicable(entry, inputs);
    }

    /// <summary>Evaluates an entry with vector inputs (or any entry) without a class count; see <see cref="Evaluate(BoundEntry, IReadOnlyDictionary{string, double})"/>.</summary>
    public static BoundResult Evaluate(BoundEntry entry, BoundInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(entry);
        RequireClassCount(entry, null);
        return EvaluateApplicable(entry, inputs);
    }

    /// <summary>Evaluates the entry with this id at scalar and vector inputs for a k-class problem.</summary>
    public static BoundResult Evaluate(string id, BoundInputs inputs, int classes) => Evaluate(BoundCatalog.Get(id), inputs, classes);

    /// <summary>Evaluates the entry with this id at scalar and vector inputs without a class count.</summary>
    public static BoundResult Evaluate(string id, BoundInputs inputs) => Evaluate(BoundCatalog.Get(id), inputs);

    private static BoundResult EvaluateApplicable(BoundEntry entry, IReadOnlyDictionary<string, double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return EvaluateApplicable(entry, BoundInputs.Of(values));
    }

    private static BoundResult EvaluateApplicable(BoundEntry entry, BoundInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var values = inputs.Scalars;

        var prepared = Prepare(entry, inputs);
        var (point, budget) = prepared;
        var vectors = prepared.Vectors;
        var form = EvaluationForm.Of(entry);
        double value = Finite(entry, "value", Certified(entry, form.Formula, point, vectors), inputs);
        var terms = form.Terms
            .Select(t => new TermValue(t.Name, Finite(entry, $"term '{t.Name}'", Certified(entry, t.Expression, point, vectors), inputs)))
            .ToArray();
        // Conservative: vacuous unless the certified value is certainly below the trivial level (its lower end).
        bool vacuous = form.VacuousAt is { } level && value >= LevelLowerEnd(entry, level, point, vectors);
        return new BoundResult(entry.Id, value, terms, vacuous, budget, entry.Provenance, entry.Target,
            Warnings(entry), new Dictionary<string, double>(values))
        {
            VectorInputs = inputs.Vectors.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<double>)kv.Value.ToArray()),
        };
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
        return Prepare(entry, BoundInputs.Of(values));
    }

    /// <summary>
    /// <see cref="Prepare(BoundEntry, IReadOnlyDictionary{string, double})"/> with vector inputs: each vector must have as
    /// many elements as its length input, every element lies in the input's domain, and every element of a post-hoc vector
    /// goes onto its grid (one grid index, and one penalty in δ, per element, in element order).
    /// </summary>
    public static PreparedPoint Prepare(BoundEntry entry, BoundInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(inputs);
        var values = inputs.Scalars;
        var vectors = inputs.Vectors;
        ArgumentNullException.ThrowIfNull(values, nameof(inputs));
        ArgumentNullException.ThrowIfNull(vectors, nameof(inputs));
        CheckShapes(entry, inputs);
        var unknown = values.Keys.Concat(vectors.Keys).Where(k => entry.Inputs.All(i => i.Name != k)).ToArray();
        if (unknown.Length > 0)
            throw new ArgumentException(
                $"{entry.Id} has no input named {string.Join(", ", unknown.Select(u => $"'{u}'"))}; its inputs are: {string.Join(", ", entry.Inputs.Select(i => i.Name))}.",
                unknown[0]);
        var missing = entry.Inputs.Where(i => !i.IsOptional && !(i.IsVector ? vectors.ContainsKey(i.Name) : values.ContainsKey(i.Name))).ToArray();
        if (missing.Length > 0)
            throw new ArgumentException(
                $"{entry.Id} needs a value for {string.Join(", ", missing.Select(m => $"{m.Name} ({m.Meaning}, {Describe(m)})"))}.",
                missing[0].Name);
        foreach (var group in entry.OptionalGroups)
            if (group.Any(values.ContainsKey) && !group.All(values.ContainsKey))
                throw new ArgumentException(
                    $"{entry.Id}: {string.Join(" and ", group)} go together; give all of them or none (given: {string.Join(", ", group.Where(values.ContainsKey))}).",
                    group.First(g => !values.ContainsKey(g)));
        foreach (var input in entry.Inputs.Where(i => !i.IsVector && values.ContainsKey(i.Name)))
            input.Require(values[input.Name]);
        foreach (var input in entry.Inputs.Where(i => i.IsVector))
            RequireVector(entry, input, vectors[input.Name], values);
        foreach (var condition in entry.Preconditions)
            if (condition.Violation(values) is { } message)
                throw new ArgumentException($"{entry.Id}: {message}", condition.Symbol);

        var point = new Dictionary<string, double>(values);
        foreach (var input in entry.Inputs)
            if (input.WhenAbsent is { } absent && !values.ContainsKey(input.Name))
                point[input.Name] = absent;
        var vectorPoint = vectors.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());
        var grids = new List<GridUse>();
        foreach (var q in entry.PostHoc)
        {
            if (vectorPoint.TryGetValue(q.Symbol, out var elements))
            {
                for (int k = 0; k < elements.Length; k++)
                {
                    var use = new GridUse($"{q.Symbol}[{k + 1}]", elements[k], q.Direction, q.Grid.Snap(elements[k], q.Direction));
                    grids.Add(use);
                    elements[k] = use.Point.Value;
                }
                continue;
            }
            var g = new GridUse(q.Symbol, values[q.Symbol], q.Direction, q.Grid.Snap(values[q.Symbol], q.Direction));
            grids.Add(g);
            point[g.Symbol] = g.Point.Value;
        }
        var preparedVectors = vectorPoint.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<double>)kv.Value);

        if (entry.Confidence.Count == 0)
            return new PreparedPoint(point, DeltaBudget.None) { Vectors = preparedVectors };
        // An optional δ that is not given spends nothing.
        var shares = entry.Confidence.Where(c => values.ContainsKey(c.Symbol))
            .Select(c => new DeltaShare(c.Symbol, values[c.Symbol], c.Purpose)).ToArray();
        // ln(1/δ_eff) = ln(1/δ) + Σ ln(1/w_i): summed in log space, since the product of 2L + 1 weights underflows.
        double lnInverse = -Math.Log(shares[0].Delta) + grids.Sum(g => GeometricGrid.LnInverseWeight(g.Point.Index));
        double effective = grids.Count == 0 ? shares[0].Delta : Math.Exp(-lnInverse);
        point[shares[0].Symbol] = effective;
        point[EvaluationForm.LnInverseNameFor(shares[0].Symbol)] = lnInverse;
        return new PreparedPoint(point, new DeltaBudget(shares.Sum(s => s.Delta), shares, grids, effective, lnInverse)) { Vectors = preparedVectors };
    }

    private static string Describe(BoundInput input) =>
        input.IsVector ? $"a list of {input.Length} values, each {input.Domain.Describe()}" : input.Domain.Describe();

    // A scalar given for a vector input or a vector for a scalar one is named with what is expected.
    private static void CheckShapes(BoundEntry entry, BoundInputs inputs)
    {
        foreach (var input in entry.Inputs)
        {
            if (input.IsVector && inputs.Scalars.ContainsKey(input.Name))
                throw new ArgumentException(
                    $"{entry.Id}: {input.Name} is a vector input ({input.Meaning}); give its {input.Length} elements as a list, not one number.", input.Name);
            if (!input.IsVector && inputs.Vectors.ContainsKey(input.Name))
                throw new ArgumentException(
                    $"{entry.Id}: {input.Name} is a scalar input ({input.Meaning}); give one number, not a list.", input.Name);
        }
    }

    private static void RequireVector(BoundEntry entry, BoundInput input, IReadOnlyList<double> elements, IReadOnlyDictionary<string, double> values)
    {
        ArgumentNullException.ThrowIfNull(elements, input.Name);
        if (values.TryGetValue(input.Length!, out var length) && elements.Count != length)
            throw new ArgumentException(
                $"{entry.Id}: {input.Name} has {elements.Count} element{(elements.Count == 1 ? "" : "s")} but {input.Length} = {InputDomains.Format(length)}; give exactly {input.Length} values ({input.Meaning}).",
                input.Name);
        for (int k = 0; k < elements.Count; k++)
            if (!input.Domain.Contains(elements[k]))
                throw new ArgumentException(
                    $"{input.Name}[{k + 1}] = {InputDomains.Format(elements[k])} is outside its domain: every element of {input.Name} ({input.Meaning}) must be {input.Domain.Describe()}.",
                    input.Name);
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
    private static double Certified(BoundEntry entry, Expr e, IReadOnlyDictionary<string, double> point, IReadOnlyDictionary<string, IReadOnlyList<double>> vectors) => entry.Target switch
    {
        BoundTarget.TestError or BoundTarget.ExpectedGap => (vectors.Count == 0 ? Evaluator.Enclose(e, point) : Evaluator.Enclose(e, point, vectors)).Hi,
        BoundTarget.Measure => vectors.Count == 0 ? Evaluator.Evaluate(e, point) : Evaluator.Evaluate(e, point, vectors),
    };

    private static double LevelLowerEnd(BoundEntry entry, Expr level, IReadOnlyDictionary<string, double> point, IReadOnlyDictionary<string, IReadOnlyList<double>> vectors) =>
        entry.Target == BoundTarget.Measure ? Evaluator.Evaluate(level, point, vectors) : Evaluator.Enclose(level, point, vectors).Lo;

    private static double Finite(BoundEntry entry, string what, double x, BoundInputs inputs) =>
        double.IsFinite(x) ? x
        : throw new InvalidOperationException(
            $"{entry.Id}: the {what} evaluated to {InputDomains.Format(x)} at {string.Join(", ", inputs.Scalars.Select(kv => $"{kv.Key} = {InputDomains.Format(kv.Value)}").Concat(inputs.Vectors.Select(kv => $"{kv.Key} = [{string.Join(", ", kv.Value.Select(InputDomains.Format))}]")))}; no result is reported.");
}
