using System.Text.RegularExpressions;
using ScottPlot;
using SkiaSharp;

namespace BoundLab.Studies.Report.Figures;

/// <summary>Saves one ScottPlot plot as PNG, SVG and PDF (the PDF draws the same plot on a SkiaSharp PDF page), each atomically.</summary>
internal static partial class FigureFile
{
    /// <summary>Figure size in pixels (PNG) and points (SVG, PDF).</summary>
    public const int Width = 800, Height = 560;

    // Fixed document dates: Skia otherwise stamps nothing, but a fixed value keeps two renders byte-identical whatever the default.
    private static readonly DateTime Epoch = new(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Writes dir/name.png, dir/name.svg and dir/name.pdf; returns the three paths.</summary>
    public static IReadOnlyList<string> Save(Plot plot, string dir, string name)
    {
        string png = Path.Combine(dir, name + ".png"), svg = Path.Combine(dir, name + ".svg"), pdf = Path.Combine(dir, name + ".pdf");
        AtomicFile.Write(png, plot.GetImageBytes(Width, Height, ImageFormat.Png));
        AtomicFile.Write(svg, System.Text.Encoding.UTF8.GetBytes(StableIds(plot.GetSvgXml(Width, Height))));
        AtomicFile.Write(pdf, Pdf(plot));
        return [png, svg, pdf];
    }

    // Skia's SVG canvas names clip paths from a process-wide counter (cl_24, cl_25, …), so the same plot drawn twice in one
    // process gives different bytes; renaming every id by its order of first appearance makes the file depend on the plot only.
    internal static string StableIds(string svg)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match m in IdAttribute().Matches(svg))
        {
            string id = m.Groups[1].Value;
            names.TryAdd(id, $"id{names.Count + 1}");
        }

        return names.Count == 0 ? svg : Reference().Replace(svg, m =>
            names.TryGetValue(m.Groups[2].Value, out string? n) ? m.Groups[1].Value + n + m.Groups[3].Value : m.Value);
    }

    [GeneratedRegex("\\bid=\"([^\"]+)\"")]
    private static partial Regex IdAttribute();

    [GeneratedRegex("(\\bid=\"|url\\(#|href=\"#)([^\")]+)(\"|\\))")]
    private static partial Regex Reference();

    private static byte[] Pdf(Plot plot)
    {
        using var buffer = new MemoryStream();
        var metadata = new SKDocumentPdfMetadata
        {
            Title = plot.Axes.Title.Label.Text,
            Creator = "BoundLab",
            Producer = "BoundLab (SkiaSharp)",
            Creation = Epoch,
            Modified = Epoch,
        };
        using (SKDocument doc = SKDocument.CreatePdf(buffer, metadata))
        {
            SKCanvas canvas = doc.BeginPage(Width, Height);
            plot.Render(canvas, Width, Height);
            doc.EndPage();
            doc.Close();
        }

        return buffer.ToArray();
    }
}
