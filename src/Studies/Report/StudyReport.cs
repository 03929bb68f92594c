using BoundLab.Studies.Results;

namespace BoundLab.Studies.Report;

/// <summary>Renders a study's results into its output folder: results.json, report.md and the figures.</summary>
public static class StudyReport
{
    /// <summary>The file names written into the output folder (figures go under <see cref="FiguresFolder"/>).</summary>
    public const string ResultsFile = "results.json", ReportFile = "report.md", FiguresFolder = "figures";

    /// <summary>Ranks every entry and writes DIR/results.json, DIR/report.md and DIR/figures/*, each file atomically.</summary>
    /// <returns>The ranking that was written.</returns>
    public static IReadOnlyList<EntryRanking> Write(StudyResults results, string dir)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentException.ThrowIfNullOrWhiteSpace(dir);
        if (!Directory.Exists(dir))
        {
            throw new ArgumentException($"dir {dir} does not exist; allowed: an existing study output folder.", nameof(dir));
        }

        StudyResults clean = Sanitized.Of(results);
        IReadOnlyList<EntryRanking> ranking = StudyRanking.Compute(clean);
        AtomicFile.Write(Path.Combine(dir, ResultsFile), ResultsJson.Render(clean, ranking));
        IReadOnlyList<FigureInfo> figures = Figures.ReportFigures.Write(clean, ranking, Path.Combine(dir, FiguresFolder));
        AtomicFile.Write(Path.Combine(dir, ReportFile), System.Text.Encoding.UTF8.GetBytes(ReportMarkdown.Render(clean, ranking, figures)));
        return ranking;
    }
}
