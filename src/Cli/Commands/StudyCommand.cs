using System.Globalization;
using BoundLab.Cli.Framework;
using BoundLab.Cli.Framework.Options;
using BoundLab.Gpu;
using BoundLab.Bounds.Catalog.Sweep;
using BoundLab.Studies.Evaluation;
using BoundLab.Studies.Results;
using BoundLab.Studies.Runner;
using BoundLab.Studies.Specs;
using BoundLab.Studies.Store;

namespace BoundLab.Cli.Commands;

/// <summary><c>boundlab study [--spec FILE] --out DIR [--resume] [--fail-fast] [--shard i/N] [--threads N]</c> runs a study
/// into DIR (study.sqlite and runs/&lt;id&gt;/); <c>boundlab study merge DIR… --out DIR</c> combines shards' stores.</summary>
public sealed class StudyCommand : ICommand
{
    private static readonly CliOption<string> SpecFile = Opt.Text("--spec", "FILE", "study file (JSON; see studies/quick.json)",
        defaultText: "the built-in study, studies/quick.json");

    private static readonly CliOption<string> Out = Opt.Text("--out", "DIR", "study folder (study.sqlite, runs/<id>/)");
    private static readonly CliFlag Resume = Opt.Flag("--resume", "continue the study in --out: skip finished runs, continue interrupted ones");
    private static readonly CliFlag FailFast = Opt.Flag("--fail-fast", "stop at the first failed run (default: record it and go on)");
    private static readonly CliOption<string> Shard = Opt.Text("--shard", "i/N", "run only every N-th run (by sorted id), starting at the i-th (1 ≤ i ≤ N)");
    private static readonly CliArgument Sources = new("DIR", "study folders to merge", "DIR (the study folders to merge)");

    private static readonly CommandSpec MergeSpec = new("merge", "combine the stores of a study's shards into --out (identical runs kept once)",
        [Out], [Sources]);

    /// <summary>The declaration of <c>study</c>'s options.</summary>
    public static CommandSpec Spec { get; } = new("study",
        "train a study's networks, measure them and evaluate every bound on each; results in DIR/study.sqlite",
        [SpecFile, Out, Resume, FailFast, Shard, OptionSets.Threads, OptionSets.Device], notes: """

        Runs run one after the other, each on --threads cores; ids derive from each run's config, data checksums and
        code version, so a finished run is never trained twice. A killed study (Ctrl-C or kill -9) loses at most the
        epoch in progress: rerun the same command with --resume. A failed run is recorded with its error and the study
        goes on (exit code 1 at the end) unless --fail-fast. Split a study across processes or machines with
        --shard 1/N … N/N (one --out each), then: boundlab study merge DIR… --out DIR.
        --device cuda (or auto) trains the runs on the GPU; its results match the CPU's within float tolerance, not
        bit for bit, so GPU runs get ids of their own and record the device in run.json.
        """);

    /// <summary>The evaluator every run is measured and evaluated with; the one place to switch evaluators.</summary>
    internal static Func<StudyPlan, IRunEvaluator> EvaluatorFactory { get; set; } = plan =>
        new MeasuringEvaluator(Measure, new CatalogEvaluator(null, EpochFacts(plan)));

    // What a run's config says that its in-memory model does not (optimizer, loss, batch), by run folder, for the
    // applicability of the bounds recorded after every epoch.
    private static Func<string, RunFacts?> EpochFacts(StudyPlan plan)
    {
        var byId = plan.Runs.ToDictionary(r => r.Id, r => new RunFacts(null, null, "unknown", r.Config.Algorithm.Name,
            BoundLab.Numerics.Losses.Loss.Name(r.Config.Loss), true, false) { Batch = r.Config.BatchSize });
        return dir => byId.GetValueOrDefault(Path.GetFileName(Path.TrimEndingDirectorySeparator(dir)));
    }

    // What `boundlab measure RUN_DIR` writes, with a lighter sharpness search than measure's defaults (5 draws, 10
    // bisection steps on a 2,000-point subsample) so that a study's runs are measured in seconds each.
    private static void Measure(string dir, int threads)
    {
        int code = new MeasureCommand().Run([dir, "--threads", threads.ToString(CultureInfo.InvariantCulture),
            "--sharpness-draws", "5", "--sharpness-depth", "10"]);
        if (code != 0)
            throw new InvalidOperationException($"boundlab measure {dir} exited with code {code}");
    }

    /// <summary>A study folder's results: from its store (study.sqlite), or from results.json where only that was kept.</summary>
    public static StudyResults LoadResults(string dir) =>
        File.Exists(Path.Combine(dir, ResultsStore.FileName)) ? ResultsStore.Load(dir) : BoundLab.Studies.Report.ResultsJsonReader.Load(dir);

    /// <inheritdoc />
    CommandSpec? ICommand.Spec => Spec;

    /// <inheritdoc />
    public string Name => "study";

    /// <inheritdoc />
    public string Summary => "train a study's networks, evaluate every bound on each, store results (merge: combine shards)";

    /// <inheritdoc />
    public int Run(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Count > 0 && args[0] == "merge")
        {
            return Merge(args.Skip(1).ToArray());
        }

        ParsedArgs reader = Spec.Parse(args);
        if (reader.HelpRequested)
        {
            Spec.WriteHelp(Console.Out);
            return 0;
        }

        string? specFile = reader.GetOrNull(SpecFile);
        string outDir = reader.GetOrNull(Out) ?? throw new UsageException("--out DIR is required: the folder the study writes (study.sqlite, runs/).");
        bool resume = reader.Flag(Resume);
        bool failFast = reader.Flag(FailFast);
        (int index, int count)? shard = reader.GetOrNull(Shard) is { } s ? ParseShard(s) : null;
        int threads = reader.Get(OptionSets.Threads);
        DeviceKind deviceKind = DeviceSelection.Parse(reader.Get(OptionSets.Device));
        reader.Finish();
        SelectedDevice device = DeviceSelection.Select(deviceKind, threads);
        bool cpu = device.Kind == DeviceKind.Cpu;

        StudySpec spec = specFile is null ? DefaultStudy.Spec() : StudySpec.Load(specFile);
        string source = specFile ?? DefaultStudy.Source;
        // The folder rules are checked before any data is loaded; the folder is created and locked only once every run of
        // the file is known to be trainable (a file the data refuses leaves nothing behind).
        StudyFolder.Check(outDir, resume);
        Console.Error.WriteLine($"study {spec.Name}: {spec.Runs.Count} runs; loading data and deriving run ids …");
        if (deviceKind != DeviceKind.Cpu)
            Console.Error.WriteLine(device.Description);
        StudyPlan plan = StudyPlan.Build(spec, source, new Progress<string>(m => Console.Error.WriteLine(m)), cpu ? null : device.Name);
        using StudyFolder folder = StudyFolder.Open(outDir, resume, spec);
        // Runs the store holds that this study (this file, this code version: ids derive from both) no longer has are
        // kept but left out of the results, so a report never mixes two code versions of one run.
        int superseded = folder.Store.Supersede(plan.Runs.Select(r => r.Id).ToHashSet(StringComparer.Ordinal));
        if (superseded > 0)
            Console.Error.WriteLine($"{superseded} run(s) in {outDir} come from another code version, device or study file: kept in the store, left out of the results.");
        if (shard is { } sh)
        {
            plan = plan.Shard(sh.index, sh.count);
            Console.Error.WriteLine($"shard {sh.index}/{sh.count}: {plan.Runs.Count} of the study's runs");
        }

        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        var display = new StudyDisplay(Console.Out, Console.Error, !Console.IsOutputRedirected);
        StudyOutcome outcome;
        try
        {
            outcome = new StudyRunner(folder, EvaluatorFactory(plan), display, threads, failFast,
                cpu ? null : device.Backend, cpu ? null : device.Summary).Run(plan, cancel.Token);
        }
        catch (OperationCanceledException)
        {
            Console.Out.WriteLine();
            Console.Error.WriteLine($"interrupted; finished runs and epochs are stored in {outDir}. Continue with the same command plus --resume.");
            return 130;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }

        string notRun = outcome.NotRun > 0 ? $", {outcome.NotRun} not run (--fail-fast)" : "";
        Console.Out.WriteLine($"study {spec.Name}: {outcome.Trained} trained, {outcome.Skipped} finished earlier, {outcome.Failed.Count} failed" +
                              $"{notRun}; results in {Path.Combine(outDir, ResultsStore.FileName)}");
        Report(folder.Path, folder.Store.Load());
        return outcome.Failed.Count > 0 ? 1 : 0;
    }

    /// <summary>The report step after the runs — the one call site of the report renderer (<c>boundlab report DIR</c> renders
    /// the same from the store): a table of the runs' errors and gaps, then results.json, report.md and the figures.</summary>
    internal static void Report(string dir, StudyResults results)
    {
        ArgumentNullException.ThrowIfNull(results);
        Console.Out.WriteLine();
        Console.Out.WriteLine($"{"run",-16}  {"status",-8}  {"train err",9}  {"test err",9}  {"gap",7}  {"bounds",6}  axes");
        foreach (StudyRun r in results.Runs)
        {
            string Pct(double? v) => v is { } x ? (100 * x).ToString("F2", CultureInfo.InvariantCulture) + "%" : "—";
            int values = r.Bounds.Count(b => b.Status == "value");
            Console.Out.WriteLine($"{r.Id,-16}  {r.Status,-8}  {Pct(r.TrainError),9}  {Pct(r.TestError),9}  {Pct(r.Gap),7}  {values,6}  " +
                                  string.Join(", ", r.Axes.Select(kv => $"{kv.Key} {kv.Value}")));
        }

        var ranking = BoundLab.Studies.Report.StudyReport.Write(results, dir);
        Console.Out.WriteLine($"({results.Runs.Count} runs, {ranking.Count} entries ranked; wrote {Path.Combine(dir, BoundLab.Studies.Report.StudyReport.ReportFile)}, " +
                              $"{BoundLab.Studies.Report.StudyReport.ResultsFile} and {BoundLab.Studies.Report.StudyReport.FiguresFolder}/)");
        int flags = BoundLab.Studies.Report.ReportMarkdown.Flags(results).Count;
        if (flags > 0)
            Console.Error.WriteLine($"warning: {flags} verified test-error bound value(s) lie below the measured test error; see the flag section of report.md.");
    }

    private static (int, int) ParseShard(string text)
    {
        string[] parts = text.Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int i)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 1 && i >= 1 && i <= n)
        {
            return (i, n);
        }

        throw UsageException.BadValue("--shard", text, "i/N with whole numbers 1 ≤ i ≤ N, e.g. 1/4");
    }

    private static int Merge(IReadOnlyList<string> args)
    {
        if (args.Any(a => a is "--help" or "-h" or "-?"))
        {
            MergeSpec.WriteHelp(Console.Out);
            return 0;
        }

        var sources = new List<string>();
        string? outDir = null;
        for (int i = 0; i < args.Count; i++)
        {
            if (args[i] == "--out")
            {
                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    throw new UsageException("--out: a value is required: the folder of the merged study.");
                }

                if (outDir is not null)
                {
                    throw new UsageException("--out: given twice; give one folder for the merged study.");
                }

                outDir = args[++i];
            }
            else if (args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new UsageException($"unknown option {args[i]} for study merge; allowed: DIR… --out DIR (see study merge --help).");
            }
            else
            {
                sources.Add(args[i]);
            }
        }

        if (outDir is null)
        {
            throw new UsageException("study merge: --out DIR is required: the folder of the merged study.");
        }

        if (sources.Count == 0)
        {
            throw new UsageException("study merge: missing DIR (the study folders to merge).");
        }

        MergeOutcome m = StoreMerge.Merge(sources, outDir);
        Console.Out.WriteLine($"merged {sources.Count} stores into {outDir}: {m.Runs} runs ({m.Duplicates} identical duplicates kept once" +
                              (m.Unfinished > 0 ? $"; {m.Unfinished} unfinished runs left out — resume their shards, then merge again" : "") + ")");
        return 0;
    }
}
