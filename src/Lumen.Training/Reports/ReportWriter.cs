using System.Globalization;
using System.Text;
using Lumen.Serialization;
using Lumen.Training.Metrics;

namespace Lumen.Training.Reports;

/// <summary>
/// Writes a run's report: a self-contained <c>report.html</c> (inline SVG figures, no scripts, no external files) and
/// the same figures as PNG files drawn by Lumen's own rasteriser: <c>curves.png</c> (loss and accuracy per epoch),
/// <c>confusion.png</c> (confusion-matrix heatmap), <c>per_class.png</c> (precision / recall / F1 bars),
/// <c>filters.png</c> (first-layer filters) and <c>samples.png</c> (sample predictions), each only when the
/// <see cref="RunReport"/> holds its data. The confusion matrix and per-class bars show the test split when present,
/// else the validation split.
/// </summary>
public static class ReportWriter
{
    /// <summary>The page's file name.</summary>
    public const string HtmlFileName = "report.html";

    /// <summary>Writes the report into <paramref name="outputDir"/> (created if missing). Each file is written to a
    /// temporary file and renamed into place, so a reader never sees a half-written file.</summary>
    /// <param name="report">the run's record.</param>
    /// <param name="outputDir">folder for the files.</param>
    /// <param name="saveJson">also save <paramref name="report"/> as <see cref="RunReport.FileName"/>, so the page can be
    /// rebuilt later with <see cref="RunReport.Load"/>.</param>
    /// <param name="pngScale">PNG pixels per figure unit (the SVG's CSS pixel); 2 suits high-density screens.</param>
    /// <returns>The full paths written, PNGs first, then the JSON (if saved) and the page.</returns>
    public static IReadOnlyList<string> Write(RunReport report, string outputDir, bool saveJson = true, int pngScale = 2)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentException.ThrowIfNullOrEmpty(outputDir);
        if (pngScale is < 1 or > 8) throw new ArgumentException($"ReportWriter.Write: pngScale must lie in 1..8, got {pngScale}.", nameof(pngScale));
        Directory.CreateDirectory(outputDir);
        var figures = BuildFigures(report);
        var written = new List<string>();
        foreach (var f in figures)
        {
            var png = Rasterizer.Render(f, pngScale).EncodePng();
            string path = Path.GetFullPath(Path.Combine(outputDir, f.Name + ".png"));
            AtomicFile.Write(path, s => s.Write(png));
            written.Add(path);
        }
        if (saveJson)
        {
            string json = Path.GetFullPath(Path.Combine(outputDir, RunReport.FileName));
            report.Save(json);
            written.Add(json);
        }
        string html = Path.GetFullPath(Path.Combine(outputDir, HtmlFileName));
        var bytes = new UTF8Encoding(false).GetBytes(HtmlReport.Render(report, figures, ClassNames(report)));
        AtomicFile.Write(html, s => s.Write(bytes));
        written.Add(html);
        return written;
    }

    /// <summary>The report page as a string (what <see cref="Write"/> saves as <see cref="HtmlFileName"/>).</summary>
    public static string RenderHtml(RunReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return HtmlReport.Render(report, BuildFigures(report), ClassNames(report));
    }

    /// <summary>The figures the report has data for, in page order.</summary>
    internal static List<Figure> BuildFigures(RunReport report)
    {
        var names = ClassNames(report);
        var list = new List<Figure?> { CurveChart.Build(report.Epochs) };
        var (final, split) = report.Test is not null ? (report.Test, "test") : (report.Valid, "valid");
        if (final is not null)
        {
            list.Add(ConfusionChart.Build(final, names, split));
            list.Add(PerClassChart.Build(final, names, split));
        }
        if (report.Filters is not null) list.Add(PictureGrids.Filters(report.Filters, report.FiltersLayer));
        if (report.Samples is not null) list.Add(PictureGrids.Samples(report.Samples, names));
        return list.Where(f => f is not null).Select(f => f!).ToList();
    }

    /// <summary>A name for every class the results mention: <see cref="RunReport.ClassNames"/> where given, the class
    /// index as text elsewhere.</summary>
    internal static IReadOnlyList<string> ClassNames(RunReport r)
    {
        int c = Math.Max(r.Valid?.NumClasses ?? 0, r.Test?.NumClasses ?? 0);
        if (r.Valid?.Task == ClassificationTask.Binary || r.Test?.Task == ClassificationTask.Binary) c = Math.Max(c, 2);
        c = Math.Max(c, r.ClassNames?.Length ?? 0);
        var names = new string[c];
        for (int i = 0; i < c; i++)
            names[i] = r.ClassNames is { } n && i < n.Length && n[i] is not null ? n[i] : i.ToString(CultureInfo.InvariantCulture);
        return names;
    }
}
