using System.Globalization;
using System.Text.Json.Nodes;
using BoundLab.Bounds.Catalog;
using BoundLab.Bounds.Symbolic;
using BoundLab.Cli.Framework;
using BoundLab.Cli.Framework.Options;

namespace BoundLab.Cli.Commands;

/// <summary>
/// <c>boundlab bounds</c>: list, show, evaluate and solve the bound catalog.
/// <c>list [--json]</c>, <c>show ID [--latex]</c>, <c>eval ID [--run DIR] --set name=value … [--classes K] [--json]</c>,
/// <c>solve ID --for n --target EPS --set … [--classes K] [--json]</c>, <c>sensitivity ID --set … [--classes K] [--json]</c>;
/// --classes is required for binary-only entries.
/// </summary>
public sealed class BoundsCommand : ICommand
{
    private readonly TextWriter? output;

    /// <summary>Writes to standard output.</summary>
    public BoundsCommand() { }

    /// <summary>Writes to the given writer (tests capture output this way).</summary>
    public BoundsCommand(TextWriter output) => this.output = output;

    private TextWriter Out => output ?? Console.Out;

    private static readonly CliArgument Id = new("ID", "a bound id (see `boundlab bounds list`)", "bound id (see `boundlab bounds list`)",
        BoundCatalog.All.Select(e => e.Id).ToArray());

    private static readonly CliOption<string> Set = Opt.Many("--set", "name=value",
        "an input of the entry (see `boundlab bounds show ID`); a vector input takes comma-separated values, name=v1,v2,… (e.g. spec=1.2,3.4,5)");
    private static readonly CliOption<string> Classes = Opt.Text("--classes", "K",
        "the number of classes, an integer ≥ 2; required for entries that hold for binary classification only");
    private static readonly CliOption<string> RunDir = Opt.Text("--run", "RUN_DIR",
        "take n, n_test, the errors, the class count, the depth and (after `boundlab measure`) the norms from a saved run");
    private static readonly CliFlag Latex = Opt.Flag("--latex", "print the formula as LaTeX");
    private static readonly CliOption<string> For = Opt.Text("--for", "COUNT", "the integer-count input to solve for, e.g. n");
    private static readonly CliOption<double> Target = Opt.Double("--target", "VALUE", "the value the bound must reach", null, 0,
        minExclusive: true);

    private static readonly CommandSpec ListSpec = new("list", "list the catalog", [OptionSets.Json]);
    private static readonly CommandSpec ShowSpec = new("show", "an entry's formula, inputs and their allowed values, provenance", [Latex], [Id]);
    private static readonly CommandSpec EvalSpec = new("eval", "evaluate an entry", [Set, RunDir, Classes, OptionSets.Json], [Id], notes: """

        Vector inputs (bft-spectral's spec and l21_init, "a list of depth values" in `bounds show`) take one value per
        element, comma-separated, in layer order, as many as their length input:
          boundlab bounds eval bft-spectral --set depth=3 --set spec=3.2,2.1,1.7 --set l21_init=15,4.5,3 \
            --set ramp_loss=0.05 --set gamma=8 --set x_norm=2000 --set width=784 --set n=60000 --set delta=0.05 --classes 2
        --run RUN_DIR fills depth (run.json) and spec, l21_init (measures.json layers[i].spectral_norm, .l21_from_init).
        bft-spectral-L (L = 1..64) is bft-spectral at depth L with scalar inputs s_1..s_L, b_1..b_L.
        """);
    private static readonly CommandSpec SolveSpec = new("solve", "the least integer count at which the entry reaches a target",
        [For, Target, Set, Classes, OptionSets.Json], [Id]);
    private static readonly CommandSpec SensitivitySpec = new("sensitivity", "partial derivatives of the entry in each input",
        [Set, Classes, OptionSets.Json], [Id]);

    /// <summary>The declaration of <c>bounds</c> and its sub-commands.</summary>
    public static CommandSpec Spec { get; } = new("bounds",
        "list, show, evaluate and solve generalization bounds", [ListSpec, ShowSpec, EvalSpec, SolveSpec, SensitivitySpec], notes: """

        --classes K (the number of classes) is required for entries that hold for binary classification only.
        --run RUN_DIR takes n, n_test, the errors, the class count, the depth and (after `boundlab measure RUN_DIR`)
        the norms from a saved run (for bft-spectral: depth, and the vectors spec and l21_init from measures.json layers[i]
        .spectral_norm and .l21_from_init); --set overrides any of them.
        A vector input (shown as "a list of depth values" by `bounds show`) is given as --set name=v1,v2,…, one value per
        element in layer order, as many as its length input (e.g. --set depth=3 --set spec=1.2,3.4,5); eval only.
        """);

    /// <inheritdoc />
    CommandSpec? ICommand.Spec => Spec;

    /// <inheritdoc/>
    public string Name => "bounds";

    /// <inheritdoc/>
    public string Summary => "list, show, evaluate and solve generalization bounds (list | show | eval | solve | sensitivity)";

    /// <inheritdoc/>
    public int Run(IReadOnlyList<string> args)
    {
        bool help = args.Any(a => a is "--help" or "-h" or "-?");
        string? verb = args.Count > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : null;
        if (verb is null || (help && verb is "help"))
        {
            if (!help && verb is null)
                throw new UsageException("bounds: a subcommand is required; allowed: list, show, eval, solve, sensitivity (see --help).");
            Spec.WriteHelp(Out);
            return 0;
        }
        CommandSpec? sub = Spec.Subcommands.FirstOrDefault(c => c.Command.Name == verb);
        if (help)
        {
            (sub ?? Spec).WriteHelp(Out);
            return 0;
        }
        try
        {
            ParsedArgs reader = (sub ?? throw UsageException.BadValue("bounds", verb, "list, show, eval, solve, sensitivity")).Parse(args.Skip(1).ToArray());
            return verb switch
            {
                "list" => List(reader),
                "show" => Show(reader),
                "eval" => Eval(reader),
                "solve" => Solve(reader),
                _ => Sensitivity(reader),
            };
        }
        catch (ArgumentException e)
        {
            throw new UsageException(OneLine(e));
        }
        catch (FormatException e)
        {
            throw new UsageException(OneLine(e));
        }
    }

    /// <summary>
    /// The catalog's messages already name the symbol, value and allowed set; this drops what .NET appends
    /// (" (Parameter 'x')", "Actual value was …") and joins what is left into one line.
    /// </summary>
    internal static string OneLine(Exception e)
    {
        string message = e.Message;
        if (e is ArgumentException { ParamName: { } p })
            message = message.Replace($" (Parameter '{p}')", "", StringComparison.Ordinal);
        var lines = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith("Actual value was", StringComparison.Ordinal));
        return string.Join(" ", lines);
    }

    // --classes K: required for binary-only entries (never assumed), optional for the others.
    private static int? ReadClasses(ParsedArgs reader, BoundEntry entry) =>
        ResolveClasses(reader.GetOrNull(Classes), null, entry);

    // The class count from --classes or, with --run, from the run (both given: they must agree).
    private static int? ResolveClasses(string? text, int? fromRun, BoundEntry entry)
    {
        int? classes = text is null ? fromRun
            : int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int k) && k >= 2 ? k
            : throw UsageException.BadValue("--classes", text, "an integer ≥ 2 (the number of classes of the problem)");
        if (text is not null && fromRun is { } r && r != classes)
            throw UsageException.BadValue("--classes", text, $"the run's class count, {r} (or leave --classes out with --run)");
        if (classes is null && entry.BinaryOnlyReason is not null)
            throw new UsageException(
                $"--classes: required for {entry.Id}, which holds for binary classification only; allowed: an integer ≥ 2 (--classes 2 for a binary problem).");
        return classes;
    }

    // Prints "not applicable" and returns true when a binary-only entry is asked about k > 2 classes.
    private bool NotApplicable(BoundEntry entry, int? classes, bool json)
    {
        if (classes is not { } k) return false;
        var applicability = BoundEvaluator.Applicability(entry, k);
        if (applicability.IsApplicable) return false;
        Out.WriteLine(json
            ? Json.Serialize(new JsonObject { ["id"] = entry.Id, ["applicable"] = false, ["reason"] = applicability.Reason })
            : $"{entry.Id}: not applicable to {k} classes: {applicability.Reason}");
        return true;
    }

    private int List(ParsedArgs reader)
    {
        bool json = reader.Flag(OptionSets.Json);
        reader.Finish();
        if (json)
        {
            var array = new JsonArray(BoundCatalog.All.Select(e => (JsonNode)new JsonObject
            {
                ["id"] = e.Id,
                ["title"] = e.Title,
                ["family"] = e.Family.Name(),
                ["target"] = e.Target.Name(),
                ["provenance"] = e.Provenance.Name(),
                ["citation"] = e.Citation.ToString(),
                ["inputs"] = new JsonArray(e.Inputs.Select(i => (JsonNode)i.Name).ToArray()),
            }).ToArray());
            Out.WriteLine(Json.Serialize(array));
            return 0;
        }
        int idWidth = BoundCatalog.All.Max(e => e.Id.Length);
        foreach (var e in BoundCatalog.All)
            Out.WriteLine($"{e.Id.PadRight(idWidth)} {e.Family.Name(),-11} {e.Target.Name(),-13} {e.Provenance.Name(),-11} {e.Title}");
        return 0;
    }

    private int Show(ParsedArgs reader)
    {
        var entry = BoundCatalog.Get(reader.Positional(Id));
        bool latex = reader.Flag(Latex);
        reader.Finish();
        Out.WriteLine($"{entry.Id}: {entry.Title}");
        Out.WriteLine(latex ? LatexPrinter.Latex(entry.Formula) : TextPrinter.Unicode(entry.Formula));
        Out.WriteLine($"family: {entry.Family.Name()}   target: {entry.Target.Name()}   provenance: {entry.Provenance.Name()}");
        Out.WriteLine($"citation: {entry.Citation}");
        Out.WriteLine($"provenance note: {entry.ProvenanceNote}");
        Out.WriteLine("inputs:");
        foreach (var i in entry.Inputs)
            Out.WriteLine($"  {i.Name,-20} {(i.IsVector ? $"a list of {i.Length} values" : i.Domain.Describe()),-28} {(i.IsVector ? $"each {i.Domain.Describe()}: " : "")}{i.Description}");
        foreach (var p in entry.Preconditions)
            Out.WriteLine($"precondition: {p.Description}");
        foreach (var a in entry.Assumptions)
            Out.WriteLine($"assumed, not checked: {a}");
        if (entry.BinaryOnlyReason is { } reason)
            Out.WriteLine($"binary classification only: {reason}");
        if (entry.RequiresBiasFree)
            Out.WriteLine("applies to a run only if: the network has no biases");
        foreach (var r in entry.Requirements)
            Out.WriteLine($"applies to a run only if: {r.Description}");
        return 0;
    }

    private int Eval(ParsedArgs reader)
    {
        var entry = BoundCatalog.Get(reader.Positional(Id));
        var (values, vectors) = ReadValues(reader, entry);
        RejectOldNames(entry, values);
        RunInputs? run = reader.GetOrNull(RunDir) is { } runDir ? RunInputs.Load(runDir) : null;
        int? classes = ResolveClasses(reader.GetOrNull(Classes), run?.Classes, entry);
        bool json = reader.Flag(OptionSets.Json);
        reader.Finish();

        if (NotApplicable(entry, classes, json)) return 0;
        var fromRun = run?.Fill(entry, values, vectors) ?? [];
        var inputs = new BoundInputs(values, vectors.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<double>)kv.Value));
        var result = classes is { } k ? BoundEvaluator.Evaluate(entry, inputs, k) : BoundEvaluator.Evaluate(entry, inputs);
        if (json)
        {
            var doc = ToJson(result);
            if (run is not null)
                doc["from_run"] = new JsonObject(fromRun.Select(f => KeyValuePair.Create(f.Name, (JsonNode?)new JsonObject
                {
                    ["value"] = vectors.TryGetValue(f.Name, out var v) ? new JsonArray(v.Select(x => (JsonNode)x).ToArray()) : values[f.Name],
                    ["source"] = f.Source,
                })));
            Out.WriteLine(Json.Serialize(doc));
            return 0;
        }
        foreach (var (name, source) in fromRun)
            Out.WriteLine($"from the run: {name} = {(vectors.TryGetValue(name, out var v) ? $"[{string.Join(", ", v.Select(Format))}]" : Format(values[name]))} ({source})");
        string kind = result.Target == BoundTarget.Measure ? "measure" : "bound";
        Out.WriteLine($"{result.Id} ({kind} on {result.Target.Name()}, {result.Provenance.Name()}): {Format(result.Value)}{(result.Vacuous ? "  [vacuous]" : "")}");
        foreach (var t in result.Terms)
            Out.WriteLine($"  {t.Name,-50} {Format(t.Value)}");
        if (!result.DeltaBudget.IsEmpty)
        {
            Out.WriteLine($"  δ total {Format(result.DeltaBudget.Total)}: " +
                string.Join("; ", result.DeltaBudget.Shares.Select(s => $"{s.Symbol} = {Format(s.Delta)} ({s.Purpose})")));
            foreach (var g in result.DeltaBudget.Grids)
                Out.WriteLine($"  grid: {g.Symbol} = {Format(g.Measured)} → {Format(g.Point.Value)} (k = {g.Point.Exponent}, index {g.Point.Index}, weight {Format(g.Point.Weight)})");
            if (result.DeltaBudget.Grids.Count > 0)
                Out.WriteLine($"  effective {result.DeltaBudget.Shares[0].Symbol} after the grid union bound: {Format(result.DeltaBudget.Effective)} (ln(1/{result.DeltaBudget.Shares[0].Symbol}_eff) = {Format(result.DeltaBudget.LnInverseEffective)})");
        }
        foreach (var w in result.Warnings)
            Out.WriteLine($"warning: {w}");
        return 0;
    }

    private int Solve(ParsedArgs reader)
    {
        var entry = BoundCatalog.Get(reader.Positional(Id));
        string symbol = reader.GetOrNull(For) ?? throw new UsageException("--for: required; the integer count to solve for, e.g. --for n.");
        double target = reader.GetOrNull(Target)
            ?? throw new UsageException("--target: required; the value the bound must reach, a finite number > 0.");
        if (entry.Inputs.All(i => i.Name != symbol))
            throw UsageException.BadValue("--for", symbol,
                $"an integer-count input of {entry.Id}: {string.Join(", ", entry.Inputs.Where(i => i.Domain == InputDomain.PositiveInteger).Select(i => i.Name))}");
        var values = ReadScalars(reader, entry);
        RejectOldNames(entry, values);
        int? classes = ReadClasses(reader, entry);
        bool json = reader.Flag(OptionSets.Json);
        reader.Finish();
        if (values.ContainsKey(symbol))
            throw new UsageException($"--set {symbol}: not allowed together with --for {symbol}; the solver chooses {symbol}.");
        if (NotApplicable(entry, classes, json)) return 0;
        var result = classes is { } k ? SampleComplexity.Solve(entry, symbol, target, values, k) : SampleComplexity.Solve(entry, symbol, target, values);
        if (json)
        {
            Out.WriteLine(Json.Serialize(new JsonObject
            {
                ["id"] = result.Id,
                [result.Symbol] = result.Value,
                ["target"] = result.Target,
                ["achieved"] = result.Achieved,
                ["note"] = result.Note,
            }));
            return 0;
        }
        Out.WriteLine($"{result.Id}: least {result.Symbol} = {result.Value} (value {Format(result.Achieved)} ≤ target {Format(result.Target)})");
        if (result.Note is { } note)
            Out.WriteLine($"note: {note}");
        return 0;
    }

    private int Sensitivity(ParsedArgs reader)
    {
        var entry = BoundCatalog.Get(reader.Positional(Id));
        var values = ReadScalars(reader, entry);
        RejectOldNames(entry, values);
        int? classes = ReadClasses(reader, entry);
        bool json = reader.Flag(OptionSets.Json);
        reader.Finish();
        if (NotApplicable(entry, classes, json)) return 0;
        var report = classes is { } k ? Bounds.Catalog.Sensitivity.Report(entry, values, k) : Bounds.Catalog.Sensitivity.Report(entry, values);
        if (json)
        {
            var o = new JsonObject { ["id"] = entry.Id };
            var d = new JsonObject();
            foreach (var p in report.Partials) d[p.Symbol] = p.Derivative;
            o["partials"] = d;
            var u = new JsonObject();
            foreach (var p in report.Unavailable) u[p.Symbol] = p.Reason;
            o["unavailable"] = u;
            Out.WriteLine(Json.Serialize(o));
            return 0;
        }
        foreach (var p in report.Partials)
            Out.WriteLine($"∂{entry.Id}/∂{p.Symbol,-20} {Format(p.Derivative)}");
        foreach (var p in report.Unavailable)
            Out.WriteLine($"∂{entry.Id}/∂{p.Symbol,-20} not reported: {p.Reason}");
        return 0;
    }

    /// <summary>The JSON shape of an evaluated bound (documented in the command's help and tests).</summary>
    public static JsonObject ToJson(BoundResult r) => new()
    {
        ["id"] = r.Id,
        ["applicable"] = true,
        ["value"] = r.Value,
        ["terms"] = new JsonArray(r.Terms.Select(t => (JsonNode)new JsonObject { ["name"] = t.Name, ["value"] = t.Value }).ToArray()),
        ["vacuous"] = r.Vacuous,
        ["delta_budget"] = new JsonObject
        {
            ["total"] = r.DeltaBudget.Total,
            ["shares"] = new JsonArray(r.DeltaBudget.Shares.Select(s => (JsonNode)new JsonObject
            {
                ["symbol"] = s.Symbol, ["delta"] = s.Delta, ["purpose"] = s.Purpose,
            }).ToArray()),
            ["grids"] = new JsonArray(r.DeltaBudget.Grids.Select(g => (JsonNode)new JsonObject
            {
                ["symbol"] = g.Symbol,
                ["measured"] = g.Measured,
                ["direction"] = g.Direction == SnapDirection.Up ? "up" : "down",
                ["grid_value"] = g.Point.Value,
                ["exponent"] = g.Point.Exponent,
                ["index"] = g.Point.Index,
                ["weight"] = g.Point.Weight,
            }).ToArray()),
            ["effective"] = r.DeltaBudget.Effective,
            ["ln_inverse_effective"] = r.DeltaBudget.LnInverseEffective,
        },
        ["provenance"] = r.Provenance.Name(),
        ["target"] = r.Target.Name(),
        ["warnings"] = new JsonArray(r.Warnings.Select(w => (JsonNode)w).ToArray()),
    };

    // An input renamed when the catalog moved to one vocabulary: say the new name rather than "no input named …".
    private static void RejectOldNames(BoundEntry entry, IReadOnlyDictionary<string, double> values)
    {
        foreach (string name in values.Keys)
            if (entry.Inputs.All(i => i.Name != name) && Vocabulary.RenamedTo(entry.Id, name) is { } renamed && entry.Inputs.Any(i => i.Name == renamed))
                throw new UsageException(
                    $"--set {name}: {entry.Id} has no input '{name}' any more; it is called '{renamed}' ({Vocabulary.Get(renamed).Meaning}); use --set {renamed}=value.");
    }

    // Each --set is name=value, or name=v1,v2,… for a vector input of the entry; every value must be a finite number
    // (domains and lengths are checked by the catalog).
    private static (Dictionary<string, double> Scalars, Dictionary<string, double[]> Vectors) ReadValues(ParsedArgs reader, BoundEntry entry)
    {
        var values = new Dictionary<string, double>();
        var vectors = new Dictionary<string, double[]>();
        foreach (string item in reader.Many(Set))
        {
            int eq = item.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
                throw UsageException.BadValue("--set", item, "name=value, e.g. --set n=60000");
            string name = item[..eq];
            string text = item[(eq + 1)..];
            bool added;
            if (entry.Inputs.FirstOrDefault(i => i.Name == name) is { IsVector: true } vector)
            {
                string[] parts = text.Split(',');
                if (parts.Any(string.IsNullOrWhiteSpace))
                    throw UsageException.BadValue($"--set {name}", text, $"comma-separated numbers, one per element of {name} ({vector.Length} of them), e.g. --set {name}=1.2,3.4,5");
                added = vectors.TryAdd(name, parts.Select((p, k) => ValueText.ParseDouble($"--set {name} (element {k + 1})", p.Trim())).ToArray());
            }
            else
            {
                if (text.Contains(',', StringComparison.Ordinal))
                    throw UsageException.BadValue($"--set {name}", text, $"one number: {name} is not a vector input of {entry.Id}");
                added = values.TryAdd(name, ValueText.ParseDouble($"--set {name}", text));
            }
            if (!added)
                throw UsageException.BadValue("--set", item, $"each input once; {name} was already set");
        }
        return (values, vectors);
    }

    // solve and sensitivity take scalar inputs only.
    private static Dictionary<string, double> ReadScalars(ParsedArgs reader, BoundEntry entry)
    {
        var (values, vectors) = ReadValues(reader, entry);
        if (vectors.Count > 0 || entry.HasVectorInputs)
            throw new UsageException($"{entry.Id} has vector inputs ({string.Join(", ", entry.Inputs.Where(i => i.IsVector).Select(i => i.Name))}), " +
                "which only `bounds eval` takes; use a fixed-depth alias with scalar inputs here (e.g. bft-spectral-3 with s_1..s_3, b_1..b_3).");
        return values;
    }

    private static string Format(double x) => x.ToString("G6", CultureInfo.InvariantCulture);
}
