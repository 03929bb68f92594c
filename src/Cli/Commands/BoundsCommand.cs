using System.Globalization;
using System.Text.Json.Nodes;
using BoundLab.Bounds.Catalog;
using BoundLab.Bounds.Symbolic;
using BoundLab.Cli.Framework;

namespace BoundLab.Cli.Commands;

/// <summary>
/// <c>boundlab bounds</c>: list, show, evaluate and solve the bound catalog.
/// <c>list [--json]</c>, <c>show ID [--latex]</c>, <c>eval ID --set name=value … [--classes K] [--json]</c>,
/// <c>solve ID --for n --target EPS --set … [--json]</c>, <c>sensitivity ID --set … [--json]</c>.
/// </summary>
public sealed class BoundsCommand : ICommand
{
    private readonly TextWriter? output;

    /// <summary>Writes to standard output.</summary>
    public BoundsCommand() { }

    /// <summary>Writes to the given writer (tests capture output this way).</summary>
    public BoundsCommand(TextWriter output) => this.output = output;

    private TextWriter Out => output ?? Console.Out;

    /// <inheritdoc/>
    public string Name => "bounds";

    /// <inheritdoc/>
    public string Summary => "list, show, evaluate and solve generalization bounds (list | show | eval | solve | sensitivity)";

    /// <inheritdoc/>
    public int Run(IReadOnlyList<string> args)
    {
        var reader = new ArgReader(args);
        string? verb = reader.OptionalPositional();
        if (verb is null || (reader.HelpRequested && verb is "help"))
        {
            if (!reader.HelpRequested && verb is null)
                throw new UsageException("bounds: a subcommand is required; allowed: list, show, eval, solve, sensitivity (see --help).");
            PrintHelp();
            return 0;
        }
        if (reader.HelpRequested)
        {
            PrintHelp();
            return 0;
        }
        try
        {
            return verb switch
            {
                "list" => List(reader),
                "show" => Show(reader),
                "eval" => Eval(reader),
                "solve" => Solve(reader),
                "sensitivity" => Sensitivity(reader),
                _ => throw UsageException.BadValue("bounds", verb, "list, show, eval, solve, sensitivity"),
            };
        }
        catch (ArgumentException e)
        {
            // The catalog's messages already name the symbol, value and allowed set; drop .NET's "(Parameter 'x')" suffix.
            string message = e.ParamName is { } p ? e.Message.Replace($" (Parameter '{p}')", "", StringComparison.Ordinal) : e.Message;
            throw new UsageException(message);
        }
    }

    private void PrintHelp()
    {
        Out.WriteLine("usage: boundlab bounds list [--json]");
        Out.WriteLine("       boundlab bounds show ID [--latex]");
        Out.WriteLine("       boundlab bounds eval ID --set name=value ... [--classes K] [--json]");
        Out.WriteLine("       boundlab bounds solve ID --for COUNT --target VALUE --set name=value ... [--json]");
        Out.WriteLine("       boundlab bounds sensitivity ID --set name=value ... [--json]");
        Out.WriteLine("`boundlab bounds show ID` lists an entry's inputs and their allowed values.");
    }

    private int List(ArgReader reader)
    {
        bool json = reader.Flag("--json");
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
        foreach (var e in BoundCatalog.All)
            Out.WriteLine($"{e.Id,-24} {e.Family.Name(),-11} {e.Target.Name(),-13} {e.Provenance.Name(),-11} {e.Title}");
        return 0;
    }

    private int Show(ArgReader reader)
    {
        var entry = BoundCatalog.Get(reader.Positional("bound id (see `boundlab bounds list`)"));
        bool latex = reader.Flag("--latex");
        reader.Finish();
        Out.WriteLine($"{entry.Id}: {entry.Title}");
        Out.WriteLine(latex ? LatexPrinter.Latex(entry.Formula) : TextPrinter.Unicode(entry.Formula));
        Out.WriteLine($"family: {entry.Family.Name()}   target: {entry.Target.Name()}   provenance: {entry.Provenance.Name()}");
        Out.WriteLine($"citation: {entry.Citation}");
        Out.WriteLine($"provenance note: {entry.ProvenanceNote}");
        Out.WriteLine("inputs:");
        foreach (var i in entry.Inputs)
            Out.WriteLine($"  {i.Name,-20} {i.Domain.Describe(),-28} {i.Meaning}");
        foreach (var p in entry.Preconditions)
            Out.WriteLine($"precondition: {p.Description}");
        foreach (var a in entry.Assumptions)
            Out.WriteLine($"assumed, not checked: {a}");
        if (entry.BinaryOnlyReason is { } reason)
            Out.WriteLine($"binary classification only: {reason}");
        return 0;
    }

    private int Eval(ArgReader reader)
    {
        var entry = BoundCatalog.Get(reader.Positional("bound id (see `boundlab bounds list`)"));
        var values = ReadValues(reader);
        int classes = reader.Int("--classes", 2, min: 2);
        bool json = reader.Flag("--json");
        reader.Finish();

        var applicability = BoundEvaluator.Applicability(entry, classes);
        if (!applicability.IsApplicable)
        {
            Out.WriteLine(json
                ? Json.Serialize(new JsonObject { ["id"] = entry.Id, ["applicable"] = false, ["reason"] = applicability.Reason })
                : $"{entry.Id}: not applicable to {classes} classes: {applicability.Reason}");
            return 0;
        }
        var result = BoundEvaluator.Evaluate(entry, values, classes);
        if (json)
        {
            Out.WriteLine(Json.Serialize(ToJson(result)));
            return 0;
        }
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
                Out.WriteLine($"  effective {result.DeltaBudget.Shares[0].Symbol} after the grid union bound: {Format(result.DeltaBudget.Effective)}");
        }
        foreach (var w in result.Warnings)
            Out.WriteLine($"warning: {w}");
        return 0;
    }

    private int Solve(ArgReader reader)
    {
        var entry = BoundCatalog.Get(reader.Positional("bound id (see `boundlab bounds list`)"));
        string symbol = reader.OptionalString("--for") ?? throw new UsageException("--for: required; the integer count to solve for, e.g. --for n.");
        double target = reader.OptionalDouble("--target", min: 0, minExclusive: true)
            ?? throw new UsageException("--target: required; the value the bound must reach, a finite number > 0.");
        var values = ReadValues(reader);
        bool json = reader.Flag("--json");
        reader.Finish();
        if (values.ContainsKey(symbol))
            throw new UsageException($"--set {symbol}: not allowed together with --for {symbol}; the solver chooses {symbol}.");
        var result = SampleComplexity.Solve(entry, symbol, target, values);
        if (json)
        {
            Out.WriteLine(Json.Serialize(new JsonObject
            {
                ["id"] = result.Id,
                [result.Symbol] = result.Value,
                ["target"] = result.Target,
                ["achieved"] = result.Achieved,
            }));
            return 0;
        }
        Out.WriteLine($"{result.Id}: least {result.Symbol} = {result.Value} (value {Format(result.Achieved)} ≤ target {Format(result.Target)})");
        return 0;
    }

    private int Sensitivity(ArgReader reader)
    {
        var entry = BoundCatalog.Get(reader.Positional("bound id (see `boundlab bounds list`)"));
        var values = ReadValues(reader);
        bool json = reader.Flag("--json");
        reader.Finish();
        var partials = Bounds.Catalog.Sensitivity.At(entry, values);
        if (json)
        {
            var o = new JsonObject { ["id"] = entry.Id };
            var d = new JsonObject();
            foreach (var p in partials) d[p.Symbol] = p.Derivative;
            o["partials"] = d;
            Out.WriteLine(Json.Serialize(o));
            return 0;
        }
        foreach (var p in partials)
            Out.WriteLine($"∂{entry.Id}/∂{p.Symbol,-20} {Format(p.Derivative)}");
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
        },
        ["provenance"] = r.Provenance.Name(),
        ["target"] = r.Target.Name(),
        ["warnings"] = new JsonArray(r.Warnings.Select(w => (JsonNode)w).ToArray()),
    };

    // Each --set is name=value; the value must be a finite number (domains are checked by the catalog).
    private static Dictionary<string, double> ReadValues(ArgReader reader)
    {
        var values = new Dictionary<string, double>();
        foreach (string item in reader.Many("--set"))
        {
            int eq = item.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
                throw UsageException.BadValue("--set", item, "name=value, e.g. --set n=60000");
            string name = item[..eq];
            double value = ArgReader.ParseDouble($"--set {name}", item[(eq + 1)..]);
            if (!values.TryAdd(name, value))
                throw UsageException.BadValue("--set", item, $"each input once; {name} was already set");
        }
        return values;
    }

    private static string Format(double x) => x.ToString("G6", CultureInfo.InvariantCulture);
}
