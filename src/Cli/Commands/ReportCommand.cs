using BoundLab.Cli.Framework;
using BoundLab.Cli.Framework.Options;
using BoundLab.Studies.Report;
using BoundLab.Studies.Results;

namespace BoundLab.Cli.Commands;

/// <summary><c>boundlab report DIR</c>: re-renders a study's report.md, results.json and figures from what the study stored, without retraining.</summary>
/// <param name="load">Reads the study results of an output folder (the results store; a bad folder throws ArgumentException naming it).</param>
public sealed class ReportCommand(Func<string, StudyResults> load) : ICommand
{
    private static readonly CliArgument Dir = new("DIR", "a study output folder written by boundlab study",
        "DIR (a study output folder written by boundlab study)");

    /// <summary>The declaration of <c>report</c>'s arguments.</summary>
    public static CommandSpec Spec { get; } = new("report",
        "re-render a study's report.md, results.json and figures from its stored results, without retraining",
        [], [Dir], notes: """

        Reads the results stored in DIR and writes, each file atomically: DIR/results.json (runs with config,
        errors, gap, bounds and measures; the ranking of every entry: Kendall τ, granulated τ, sign-error),
        DIR/report.md (tables, entries that do not apply and why, a loud flag for any verified test-error bound
        below the measured test error) and DIR/figures/*.png|svg|pdf. Two renders of the same store give
        identical files.
        """);

    private readonly Func<string, StudyResults> _load = load ?? throw new ArgumentNullException(nameof(load));

    /// <inheritdoc />
    CommandSpec? ICommand.Spec => Spec;

    /// <inheritdoc />
    public string Name => "report";

    /// <inheritdoc />
    public string Summary => "re-render a study's report.md, results.json and figures without retraining";

    /// <inheritdoc />
    public int Run(IReadOnlyList<string> args)
    {
        ParsedArgs reader = Spec.Parse(args);
        if (reader.HelpRequested)
        {
            Spec.WriteHelp(Console.Out);
            return 0;
        }

        string dir = reader.Positional(Dir);
        reader.Finish();
        if (!Directory.Exists(dir))
        {
            throw UsageException.BadValue("DIR", dir, "an existing study output folder written by boundlab study");
        }

        StudyResults results = _load(dir);
        IReadOnlyList<EntryRanking> ranking = StudyReport.Write(results, dir);
        int figures = Directory.GetFiles(Path.Combine(dir, StudyReport.FiguresFolder), "*.png").Length;
        int flags = ReportMarkdown.Flags(results).Count;
        Console.Out.WriteLine($"{results.Runs.Count} runs, {ranking.Count} entries ranked; wrote {Path.Combine(dir, StudyReport.ReportFile)}, "
            + $"{Path.Combine(dir, StudyReport.ResultsFile)} and {figures} figures (PNG, SVG, PDF) in {Path.Combine(dir, StudyReport.FiguresFolder)}.");
        if (flags > 0)
        {
            Console.Error.WriteLine($"warning: {flags} verified test-error bound value(s) lie below the measured test error; see the flag section of report.md.");
        }

        return 0;
    }
}
