using System.Xml;
using System.Xml.Linq;
using Lumen.Training.Reports;
using Lumen.Vision.Codecs;
using Xunit;

namespace Lumen.Training.Tests.Reports;

public sealed class ReportWriterTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "lumen-report-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    private static readonly XNamespace Xhtml = "http://www.w3.org/1999/xhtml";

    private static XDocument ParseXml(string html)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore };
        using var reader = XmlReader.Create(new StringReader(html), settings);
        return XDocument.Load(reader);
    }

    [Fact]
    public void Page_is_well_formed_xml_with_one_svg_per_figure_and_no_scripts_or_external_references()
    {
        var html = ReportWriter.RenderHtml(ReportData.Full());
        var doc = ParseXml(html);
        var svgs = doc.Descendants(Svg + "svg").ToList();
        Assert.Equal(["fig-curves", "fig-confusion", "fig-per_class", "fig-filters", "fig-samples"], svgs.Select(s => (string?)s.Attribute("id")));
        Assert.DoesNotContain(doc.Descendants(), e => e.Name.LocalName is "script" or "link" or "iframe" or "object");
        foreach (var a in doc.Descendants().Attributes().Where(a => a.Name.LocalName is "href" or "src"))
            Assert.StartsWith("data:image/png;base64,", a.Value);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/", ""));
        // The summary holds the hyperparameters, the best epoch and both splits' final metrics.
        var text = string.Concat(doc.Descendants(Xhtml + "td").Select(td => td.Value + "|"));
        Assert.Contains("batch_size|64|", text);
        Assert.Contains("best epoch|12|", text);
        Assert.Contains("valid|", text);
        Assert.Contains("test|", text);
    }

    [Fact]
    public void Class_names_and_run_names_with_markup_characters_are_escaped()
    {
        var report = ReportData.Full();
        var html = ReportWriter.RenderHtml(report);
        Assert.DoesNotContain("<&>", html);
        Assert.Contains("&lt;&amp;&gt;", html);
        var doc = ParseXml(html);
        Assert.Equal(report.Name, doc.Descendants(Xhtml + "h1").Single().Value);
        // The heatmap labels its rows and columns with the real name.
        var confusion = doc.Descendants(Svg + "svg").Single(s => (string?)s.Attribute("id") == "fig-confusion");
        Assert.Equal(2, confusion.Descendants(Svg + "text").Count(t => t.Value == "<&>"));
        Assert.Contains(doc.Descendants(Xhtml + "td"), td => td.Value == "<&>");
    }

    [Fact]
    public void Write_saves_each_figure_as_a_png_that_lumen_decodes_at_twice_the_figure_size()
    {
        var report = ReportData.Full();
        var files = ReportWriter.Write(report, _dir);
        Assert.Equal(["curves.png", "confusion.png", "per_class.png", "filters.png", "samples.png", "report.json", "report.html"],
            files.Select(Path.GetFileName));
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));
        foreach (var fig in ReportWriter.BuildFigures(report))
        {
            var img = ImageCodec.Load(Path.Combine(_dir, fig.Name + ".png"));
            Assert.Equal(3, img.Channels);
            Assert.Equal((int)Math.Ceiling(fig.Width * 2), img.Width);
            Assert.Equal((int)Math.Ceiling(fig.Height * 2), img.Height);
            var colours = new HashSet<int>();
            for (int i = 0; i < img.Pixels.Length; i += 3) colours.Add(img.Pixels[i] << 16 | img.Pixels[i + 1] << 8 | img.Pixels[i + 2]);
            Assert.True(colours.Count >= 10, $"{fig.Name}.png has only {colours.Count} colours");
            int ink = 0;
            for (int i = 0; i < img.Pixels.Length; i += 3) if (img.Pixels[i] + img.Pixels[i + 1] + img.Pixels[i + 2] < 600) ink++;
            Assert.True(ink > img.Width * img.Height / 100, $"{fig.Name}.png is nearly blank");
        }
        Assert.Equal(ReportWriter.RenderHtml(report), File.ReadAllText(Path.Combine(_dir, "report.html")));
    }

    [Fact]
    public void In_the_confusion_png_the_cell_of_the_largest_count_is_the_darkest()
    {
        var confusion = new long[,] { { 7, 2, 1, 0 }, { 3, 12, 4, 1 }, { 0, 1, 60, 2 }, { 5, 5, 5, 5 } };
        var report = new RunReport { Name = "heat", Test = ReportData.FromConfusion(confusion), ClassNames = ["a", "b", "c", "d"] };
        ReportWriter.Write(report, _dir, saveJson: false);
        var img = ImageCodec.Load(Path.Combine(_dir, "confusion.png"));
        var fig = ReportWriter.BuildFigures(report).Single(f => f.Name == "confusion");
        var cells = fig.Ops.OfType<RectOp>().Where(o => o.Fill is not null && o.W == o.H).ToList();
        Assert.Equal(16, cells.Count);
        // Sample each cell near its top-left corner (away from the count printed at its centre).
        var luma = cells.Select(c =>
        {
            int x = (int)(c.X * 2) + 4, y = (int)(c.Y * 2) + 4, i = (y * img.Width + x) * 3;
            return 0.2126 * img.Pixels[i] + 0.7152 * img.Pixels[i + 1] + 0.0722 * img.Pixels[i + 2];
        }).ToList();
        Assert.Equal(2 * 4 + 2, luma.IndexOf(luma.Min()));          // the 60 at (2, 2)
        Assert.True(luma[3] > 245, "a zero cell is near white");      // (0, 3) holds 0
        Assert.Equal(luma[12], luma[15], 1);                          // row 3 is uniform
        // Colour follows the row share, not the count: (1, 1) holds 12 = 0.6 of its row, (0, 0) holds 7 = 0.7 of its row.
        Assert.True(luma[5] > luma[0]);
    }

    [Fact]
    public void Figures_without_data_are_left_out()
    {
        var report = new RunReport { Name = "curves only", Epochs = ReportData.Epochs(1) };
        var files = ReportWriter.Write(report, _dir);
        Assert.Equal(["curves.png", "report.json", "report.html"], files.Select(Path.GetFileName));
        var doc = ParseXml(File.ReadAllText(files[^1]));
        Assert.Single(doc.Descendants(Svg + "svg"));

        var empty = new RunReport { Name = "nothing yet" };
        Assert.Equal(["report.json", "report.html"], ReportWriter.Write(empty, _dir).Select(Path.GetFileName));
    }

    [Fact]
    public void A_report_rebuilt_from_its_json_renders_the_same_page()
    {
        var report = ReportData.Full(epochs: 5);
        ReportWriter.Write(report, _dir);
        var again = RunReport.Load(_dir);
        Assert.Equal(ReportWriter.RenderHtml(report), ReportWriter.RenderHtml(again));
    }
    [Fact]
    public void Binary_results_draw_a_2x2_heatmap_and_multi_label_results_draw_bars_only()
    {
        var bin = new Lumen.Training.Metrics.ClassificationMetrics(2, task: Lumen.Training.Metrics.ClassificationTask.Binary);
        bin.Update(Torch.Tensor(new float[] { 2, -1, 0.5f, -3, 1 }), Torch.Tensor(new float[] { 1, 0, 0, 0, 1 }));
        var binary = new RunReport { Name = "bin", Test = bin.Compute(), ClassNames = ["neg", "pos"] };
        var figs = ReportWriter.BuildFigures(binary);
        Assert.Equal(["confusion", "per_class"], figs.Select(f => f.Name));
        Assert.Equal(4, figs[0].Ops.OfType<RectOp>().Count(o => o.Fill is not null && o.W == o.H));

        var ml = new Lumen.Training.Metrics.ClassificationMetrics(3, task: Lumen.Training.Metrics.ClassificationTask.MultiLabel);
        ml.Update(Torch.Tensor(new float[,] { { 1, -1, 2 }, { -1, 1, -2 } }), Torch.Tensor(new float[,] { { 1, 0, 1 }, { 0, 0, 1 } }));
        var multi = new RunReport { Name = "ml", Valid = ml.Compute() };
        Assert.Equal(["per_class"], ReportWriter.BuildFigures(multi).Select(f => f.Name));
        ParseXml(ReportWriter.RenderHtml(multi));
    }
}
