using BoundLab.Bounds.Catalog.Sweep;
using BoundLab.Bounds.Symbolic;

namespace BoundLab.Bounds.Catalog;

/// <summary>Collects the inputs, terms and checks of one catalog entry while its formula is written.</summary>
internal sealed class EntryBuilder
{
    private readonly List<BoundInput> inputs = new();
    private readonly List<Precondition> preconditions = new();
    private readonly List<NamedTerm> terms = new();
    private readonly List<ConfidenceInput> confidence = new();
    private readonly List<PostHocQuantity> postHoc = new();
    private readonly List<string> assumptions = new();
    private readonly List<IReadOnlyList<string>> optionalGroups = new();

    private readonly List<RunRequirement> requirements = new();
    private readonly List<string> paidInFormula = new();

    private bool requiresBiasFree;

    /// <summary>Records a theorem condition that cannot be checked from the inputs.</summary>
    public void Assume(string condition) => assumptions.Add(condition);

    /// <summary>Records that the theorem holds for networks without biases (<see cref="BoundEntry.RequiresBiasFree"/>).</summary>
    public void AssumeNoBiases(string condition)
    {
        Assume(condition);
        requiresBiasFree = true;
    }

    /// <summary>Declares an input and returns its symbol.</summary>
    /// <remarks>A vocabulary name takes the vocabulary's meaning, and <paramref name="meaning"/> becomes the entry's note
    /// when it says more; the domain must be the vocabulary's (checked in <see cref="Build"/>).</remarks>
    public Symbol Input(string name, string meaning, InputDomain domain)
    {
        var input = Declared(name, meaning, domain, null);
        inputs.Add(input);
        return SymbolFor(input);
    }

    /// <summary>
    /// Declares a vector input whose length is the value of an integer input declared before (e.g. spec of length depth);
    /// every element must lie in the domain.
    /// </summary>
    public VectorSymbol Vector(string name, string meaning, Symbol length, InputDomain domain)
    {
        ArgumentNullException.ThrowIfNull(length);
        if (inputs.FirstOrDefault(i => i.Name == length.Name) is not { Domain: InputDomain.PositiveInteger, IsVector: false })
            throw new ArgumentException($"The length of vector input '{name}' must be a positive-integer input declared before it; '{length.Name}' is not.", nameof(length));
        var input = Declared(name, meaning, domain, null) with { Length = length.Name };
        inputs.Add(input);
        return VectorFor(input);
    }

    /// <summary>A vector input measured on the trained network: every element is rounded onto the grid (δ pays one grid index per element).</summary>
    public VectorSymbol PostHocVector(string name, string meaning, Symbol length, SnapDirection direction, double gridRatio)
    {
        postHoc.Add(new PostHocQuantity(name, new GeometricGrid(gridRatio), direction));
        return Vector(name, $"{meaning} (post hoc: each element rounded {(direction == SnapDirection.Up ? "up" : "down")} onto the grid {InputDomains.Format(gridRatio)}^k)", length, InputDomain.PositiveReal);
    }


    /// <summary>Declares an input by its vocabulary name, with an optional note on what this entry adds to its meaning.</summary>
    public Symbol Input(string name, string? note = null)
    {
        var q = Vocabulary.Get(name);
        var input = new BoundInput(q.Name, q.Meaning, q.Domain) { Note = note };
        inputs.Add(input);
        return SymbolFor(input);
    }

    private static BoundInput Declared(string name, string meaning, InputDomain domain, double? whenAbsent)
    {
        if (Vocabulary.Find(name) is not { } q)
            return new BoundInput(name, meaning, domain) { WhenAbsent = whenAbsent };
        string? note = meaning == q.Meaning ? null : meaning;
        return new BoundInput(name, q.Meaning, domain) { Note = note, WhenAbsent = whenAbsent };
    }

    /// <summary>Records that <paramref name="name"/> may be chosen after seeing the data because the formula itself pays
    /// for the choice (e.g. a ln(γ√n) term), so a sweep may pick it from the run.</summary>
    public void PaidInFormula(string name) => paidInFormula.Add(name);

    /// <summary>Declares what a run must be for the entry to apply (checked by the sweep on the run's facts).</summary>
    public void Needs(RunRequirement requirement) => requirements.Add(requirement);

    /// <summary>Declares an input that may be left out; the formula is then evaluated with <paramref name="whenAbsent"/>.</summary>
    public Symbol OptionalInput(string name, string meaning, InputDomain domain, double whenAbsent)
    {
        var input = Declared(name, meaning + " (optional)", domain, whenAbsent);
        inputs.Add(input);
        return SymbolFor(input);
    }

    /// <summary>
    /// The empirical Gibbs risk to use in a PAC-Bayes bound: <paramref name="risk"/> itself when it is exact, or,
    /// when the optional inputs mc_samples = M and delta_mc = δ′ are given, its Monte-Carlo upper confidence
    /// bound kl⁻¹(R̂_MC, ln(2/δ′)/M) (Langford &amp; Caruana 2002, as applied by Dziugaite &amp; Roy 2017), paid for by δ′.
    /// Without them M = ∞ makes the budget 0 and kl⁻¹(R̂, 0) = R̂.
    /// </summary>
    public Expr GibbsRisk(Symbol risk)
    {
        var m = OptionalInput("mc_samples", $"number M of independent [0,1]-valued Monte-Carlo terms averaged when {risk.Name} is a Monte-Carlo estimate; give it with delta_mc", InputDomain.PositiveInteger, double.PositiveInfinity);
        confidence.Add(new ConfidenceInput("delta_mc", "Monte-Carlo upper bound kl⁻¹(R̂_MC, ln(2/δ′)/M) on the Gibbs risk"));
        var deltaMc = OptionalInput("delta_mc", "failure probability of the Monte-Carlo upper bound on the Gibbs risk; give it with mc_samples", InputDomain.OpenUnitInterval, 0.5);
        optionalGroups.Add(["mc_samples", "delta_mc"]);
        Assume($"{risk.Name} is the exact empirical Gibbs risk E_{{h~Q}} R̂(h) unless mc_samples and delta_mc are given for a Monte-Carlo estimate");
        return Expr.KlInv(risk, Expr.Ln(2 / deltaMc) / m);
    }

    /// <summary>Declares a failure-probability input (domain (0, 1)) and what it pays for.</summary>
    public Symbol Delta(string name, string purpose)
    {
        confidence.Add(new ConfidenceInput(name, purpose));
        return Input(name, $"failure probability: {purpose}", InputDomain.OpenUnitInterval);
    }

    /// <summary>Declares an input measured on the trained network, paid for by a union bound over a grid.</summary>
    public Symbol PostHoc(string name, string meaning, SnapDirection direction, double gridRatio)
    {
        postHoc.Add(new PostHocQuantity(name, new GeometricGrid(gridRatio), direction));
        return Input(name, $"{meaning} (post hoc: rounded {(direction == SnapDirection.Up ? "up" : "down")} onto the grid {InputDomains.Format(gridRatio)}^k)", InputDomain.PositiveReal);
    }

    /// <summary>Adds a named part of the bound and returns it for use in the formula.</summary>
    public Expr Term(string name, Expr expression)
    {
        terms.Add(new NamedTerm(name, expression));
        return expression;
    }

    /// <summary>Adds a theorem condition about one input; <paramref name="holds"/> receives the input values.</summary>
    public void Require(string symbol, string description, Func<IReadOnlyDictionary<string, double>, bool> holds, Func<IReadOnlyDictionary<string, double>, string> message) =>
        preconditions.Add(new Precondition(symbol, description, v => holds(v) ? null : message(v)));

    /// <summary>The finished entry; the formula defaults to the sum of the terms.</summary>
    public BoundEntry Build(string id, string title, BoundFamily family, BoundTarget target, Citation citation,
        Provenance provenance, string note, Expr? formula = null, Expr? vacuousAt = null, string? binaryOnlyReason = null, bool noVacuousLevel = false)
    {
        foreach (var input in inputs)
            if (Vocabulary.Find(input.Name) is { } q && q.Domain != input.Domain)
                throw new InvalidOperationException(
                    $"{id}: input {input.Name} is declared {input.Domain.Describe()}, but the vocabulary's {input.Name} ({q.Meaning}) is {q.Domain.Describe()}.");
        return new()
        {
            Id = id,
            Title = title,
            Family = family,
            Formula = formula ?? Expr.Add(terms.Select(t => t.Expression)),
            Inputs = inputs.ToArray(),
            Preconditions = preconditions.ToArray(),
            Terms = terms.ToArray(),
            Target = target,
            Citation = citation,
            Provenance = provenance,
            ProvenanceNote = note,
            Confidence = confidence.ToArray(),
            PostHoc = postHoc.ToArray(),
            VacuousAt = noVacuousLevel || target == BoundTarget.Measure ? null : vacuousAt ?? Expr.One,
            Assumptions = assumptions.ToArray(),
            BinaryOnlyReason = binaryOnlyReason,
            RequiresBiasFree = requiresBiasFree,
            OptionalGroups = optionalGroups.ToArray(),
            Requirements = requirements.ToArray(),
            PaidInFormula = paidInFormula.ToArray(),
        };
    }

    /// <summary>The symbol of an input: its name with the core domain that best describes the input domain.</summary>
    public static Symbol SymbolFor(BoundInput input) => Expr.Sym(input.Name, input.Domain switch
    {
        InputDomain.Real => Domain.Real,
        InputDomain.PositiveReal => Domain.PositiveReal,
        InputDomain.NonNegativeReal or InputDomain.UnitInterval => Domain.NonNegativeReal,
        InputDomain.OpenUnitInterval => Domain.Probability,
        InputDomain.PositiveInteger => Domain.PositiveInteger,
        _ => throw new ArgumentOutOfRangeException(nameof(input), input.Domain, "Unknown input domain."),
    });

    /// <summary>The vector of a vector input: its name, its length symbol and the core domain of its elements.</summary>
    public static VectorSymbol VectorFor(BoundInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Length is not { } length)
            throw new ArgumentException($"'{input.Name}' is a scalar input, not a vector.", nameof(input));
        var element = SymbolFor(input with { Length = null });
        return new VectorSymbol(input.Name, Expr.Sym(length, Domain.PositiveInteger), element.Domain);
    }

    /// <summary>"name = value" for error messages.</summary>
    public static string Show(IReadOnlyDictionary<string, double> v, string name) => $"{name} = {InputDomains.Format(v[name])}";
}
