using System.Globalization;
using System.Text;
using Lumen.Training.Metrics;
using static Lumen.Training.Reports.Markup;

namespace Lumen.Training.Reports;

/// <summary>Builds the self-contained report page: XHTML-compatible markup (every element closed, only the five XML
/// entities), one inline SVG per figure, CSS in a style element, no scripts and no external references.</summary>
internal static class HtmlReport
{
    private const string Css = """
        body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; margin: 24px auto; max-width: 1240px; color: #222; padding: 0 16px; }
        h1 { font-size: 26px; margin: 0 0 4px 0; }
        h2 { font-size: 20px; margin: 28px 0 10px 0; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
        h3 { font-size: 16px; margin: 16px 0 6px 0; }
        .meta { color: #666; margin: 0 0 12px 0; }
        table { border-collapse: collapse; font-size: 14px; margin: 6px 0 12px 0; }
        th, td { border: 1px solid #ddd; padding: 3px 9px; text-align: right; }
        th { background: #f4f6f8; }
        td.key, th.key { text-align: left; }
        tr.best td { background: #fff6db; font-weight: bold; }
        svg.figure { max-width: 100%; height: auto; display: block; }
        pre { background: #f7f7f7; padding: 8px; font-size: 13px; overflow-x: auto; }
        .cards { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
        """;

    /// <summary>Figures are shown 1.25 times their drawing size, which puts tick labels at about 14 CSS pixels.</summary>
    private const double DisplayScale = 1.25;

    public static string Render(RunReport r, IReadOnlyList<Figure> figures, IReadOnlyList<string> classNames)
    {
        var h = new StringBuilder();
        h.Append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n");
        h.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n");
        h.Append($"<meta name=\"generator\" content=\"Lumen.Training.Reports\"/>\n<title>{Escape(r.Name)} – run report</title>\n");
        h.Append("<style>\n").Append(Css).Append("\n</style>\n</head>\n<body>\n");
        h.Append($"<h1>{Escape(r.Name)}</h1>\n<p class=\"meta\">");
        var meta = new List<string>();
        if (r.Created is DateTimeOffset created) meta.Add("started " + created.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture));
        meta.Add($"{r.Epochs.Count} epoch{(r.Epochs.Count == 1 ? "" : "s")}");
        if (classNames.Count > 0) meta.Add($"{classNames.Count} classes");
        h.Append(Escape(string.Join(" · ", meta))).Append("</p>\n");

        Summary(h, r);
        Figure? Find(string name) => figures.FirstOrDefault(f => f.Name == name);
        Section(h, "curves", "Training curves", Find("curves"));
        var final = r.Test ?? r.Valid;
        Section(h, "confusion", "Confusion matrix", Find("confusion"));
        if (Find("per_class") is Figure perClass)
        {
            Section(h, "per-class", "Per-class precision and recall", perClass);
            if (final is not null) PerClassTable(h, final, classNames);
        }
        Section(h, "filters", "First-layer filters", Find("filters"));
        Section(h, "samples", "Sample predictions", Find("samples"));
        History(h, r);
        if (final is not null)
        {
            h.Append($"<h3>Classification report ({(r.Test is not null ? "test" : "valid")})</h3>\n<pre>");
            h.Append(Escape(final.Report(classNames))).Append("</pre>\n");
        }
        h.Append("</body>\n</html>\n");
        return h.ToString();
    }

    private static void Section(StringBuilder h, string id, string title, Figure? f)
    {
        if (f is null) return;
        h.Append($"<section id=\"{id}\">\n<h2>{Escape(title)}</h2>\n").Append(SvgRenderer.Render(f, DisplayScale)).Append("\n</section>\n");
    }

    private static void Summary(StringBuilder h, RunReport r)
    {
        h.Append("<section id=\"summary\">\n<h2>Summary</h2>\n<div class=\"cards\">\n<div>\n<h3>Hyperparameters</h3>\n");
        if (r.Config.Count == 0) h.Append("<p class=\"meta\">none recorded</p>\n");
        else
        {
            h.Append("<table class=\"config\">\n");
            foreach (var (k, v) in r.Config) h.Append($"<tr><td class=\"key\">{Escape(k)}</td><td class=\"key\">{Escape(v)}</td></tr>\n");
            h.Append("</table>\n");
        }
        h.Append("</div>\n<div>\n<h3>Results</h3>\n<table class=\"results\">\n");
        var best = r.FindBestEpoch();
        if (best is not null)
        {
            h.Append($"<tr><td class=\"key\">best epoch</td><td>{best.Epoch}</td></tr>\n");
            h.Append($"<tr><td class=\"key\">valid loss at best</td><td>{Metric(best.ValidLoss)}</td></tr>\n");
            h.Append($"<tr><td class=\"key\">valid accuracy at best</td><td>{Metric(best.ValidAccuracy)}</td></tr>\n");
        }
        if (r.Epochs.Count > 0)
        {
            double total = r.Epochs.Where(e => double.IsFinite(e.Seconds)).Sum(e => e.Seconds);
            h.Append($"<tr><td class=\"key\">training time (s)</td><td>{Metric(total, 1)}</td></tr>\n");
        }
        h.Append("</table>\n</div>\n</div>\n");
        if (r.Valid is not null || r.Test is not null)
        {
            h.Append("<h3>Final metrics</h3>\n<table class=\"final\">\n<tr><th class=\"key\">split</th><th>n</th><th>loss</th><th>accuracy</th>");
            h.Append("<th>macro precision</th><th>macro recall</th><th>macro F1</th><th>mean AUROC</th></tr>\n");
            foreach (var (name, res) in new[] { ("valid", r.Valid), ("test", r.Test) })
            {
                if (res is null) continue;
                h.Append($"<tr><td class=\"key\">{name}</td><td>{res.Count}</td><td>{Metric(res.Loss)}</td><td>{Metric(res.Accuracy)}</td>");
                h.Append($"<td>{Metric(res.MacroPrecision)}</td><td>{Metric(res.MacroRecall)}</td><td>{Metric(res.MacroF1)}</td><td>{Metric(res.MeanAuroc)}</td></tr>\n");
            }
            h.Append("</table>\n");
        }
        h.Append("</section>\n");
    }

    private static void PerClassTable(StringBuilder h, ClassificationResult res, IReadOnlyList<string> names)
    {
        h.Append("<table class=\"per-class\">\n<tr><th class=\"key\">class</th><th>precision</th><th>recall</th><th>F1</th><th>support</th></tr>\n");
        for (int i = 0; i < res.Precision.Length; i++)
            h.Append($"<tr><td class=\"key\">{Escape(i < names.Count ? names[i] : i.ToString(CultureInfo.InvariantCulture))}</td><td>{Metric(res.Precision[i])}</td>" +
                     $"<td>{Metric(res.Recall[i])}</td><td>{Metric(res.F1[i])}</td><td>{res.Support[i]}</td></tr>\n");
        h.Append("</table>\n");
    }

    private static void History(StringBuilder h, RunReport r)
    {
        if (r.Epochs.Count == 0) return;
        int? best = r.FindBestEpoch()?.Epoch;
        h.Append("<section id=\"history\">\n<h2>History</h2>\n<table class=\"history\">\n");
        h.Append("<tr><th>epoch</th><th>train loss</th><th>train acc</th><th>valid loss</th><th>valid acc</th><th>lr</th><th>seconds</th></tr>\n");
        foreach (var e in r.Epochs)
        {
            h.Append(e.Epoch == best ? "<tr class=\"best\">" : "<tr>");
            h.Append($"<td>{e.Epoch}</td><td>{Metric(e.TrainLoss)}</td><td>{Metric(e.TrainAccuracy)}</td><td>{Metric(e.ValidLoss)}</td>");
            h.Append($"<td>{Metric(e.ValidAccuracy)}</td><td>{General(e.LearningRate)}</td><td>{Metric(e.Seconds, 1)}</td></tr>\n");
        }
        h.Append("</table>\n</section>\n");
    }
}
