using ScottPlot;
using SkiaSharp;

namespace BoundLab.Studies.Report.Figures;

/// <summary>The one typeface every report figure uses: DejaVu Sans (regular and bold) embedded in this assembly, so figures
/// have their text on a machine with no fonts installed (SkiaSharp's NoDependencies build reads no fontconfig) and the same
/// bytes whatever fonts a machine has.</summary>
internal sealed class EmbeddedFont : IFontResolver
{
    /// <summary>The family name plots ask for.</summary>
    public const string Name = "DejaVu Sans (BoundLab)";

    private static readonly Lazy<SKTypeface> Regular = new(() => Load("DejaVuSans.ttf"));
    private static readonly Lazy<SKTypeface> Bold = new(() => Load("DejaVuSans-Bold.ttf"));
    private static readonly object Gate = new();
    private static bool registered;

    /// <summary>Registers the resolver with ScottPlot (once per process) and returns the family name to set on a plot.</summary>
    public static string Use()
    {
        lock (Gate)
        {
            if (!registered)
            {
                Fonts.FontResolvers.Insert(0, new EmbeddedFont());
                registered = true;
            }
        }

        return Name;
    }

    /// <summary>The regular or bold face.</summary>
    public static SKTypeface Typeface(bool bold) => bold ? Bold.Value : Regular.Value;

    /// <inheritdoc />
    public SKTypeface? CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing width)
        => fontName == Name ? Typeface(weight >= FontWeight.SemiBold) : null;

    /// <inheritdoc />
    public SKTypeface? CreateTypeface(string fontName, bool bold, bool italic)
        => fontName == Name ? Typeface(bold) : null;

    private static SKTypeface Load(string file)
    {
        string resource = "BoundLab.Studies.Fonts." + file;
        using Stream stream = typeof(EmbeddedFont).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"the font resource {resource} is missing from BoundLab.Studies; the build embeds Report/Figures/Fonts/*.ttf.");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return SKTypeface.FromData(SKData.CreateCopy(memory.ToArray()))
            ?? throw new InvalidOperationException($"the font resource {resource} is not a font SkiaSharp can read.");
    }
}
