using Lumen.Training.Metrics;
using static Lumen.Training.Reports.ChartKit;

namespace Lumen.Training.Reports;

/// <summary>Precision, recall and F1 of each class as grouped bars on a 0–1 axis.</summary>
internal static class PerClassChart
{
    public static Figure? Build(ClassificationResult result, IReadOnlyList<string> names, string split)
    {
        int c = result.Precision.Length;
        if (c == 0) return null;
        const double left = 52, top = 48, plotH = 240;
        double group = Math.Clamp(560.0 / c, 12, 60);
        var labels = names.Select(n => Fit(n, 16)).ToArray();
        double labelW = labels.Max(l => TextWidth(l, LabelSize));
        bool verticalX = labels.Any(l => TextWidth(l, LabelSize) > group - 2);
        double plotW = c * group, bottom = (verticalX ? labelW + 12 : 22) + 8;
        double width = Math.Max(left + plotW + 20, 420), height = top + plotH + bottom;

        var f = new Figure("per_class", $"Per-class precision, recall and F1 ({split})", width, height);
        f.Text(12, 16, $"Per-class metrics ({split})", TitleSize, Ink, bold: true);
        (string, Rgb)[] legend = [("precision", Blue), ("recall", Orange), ("F1", Green)];
        Legend(f, width - 20, 16, legend, lines: false);

        var yticks = Ticks(0, 1, 0.2);
        var (_, my) = Axes(f, left, top, plotW, plotH, (0, c), [], _ => "", (0, 1), yticks, v => FormatTick(v, 0.2));
        double bar = group * 0.8 / 3;
        for (int i = 0; i < c; i++)
        {
            double gx = left + i * group + group * 0.1;
            double[] values = [result.Precision[i], result.Recall[i], result.F1[i]];
            for (int k = 0; k < 3; k++)
            {
                double v = double.IsFinite(values[k]) ? Math.Clamp(values[k], 0, 1) : 0;
                double y = my(v);
                if (top + plotH - y > 0) f.Rect(gx + k * bar, y, bar, top + plotH - y, legend[k].Item2);
            }
            double cx = left + (i + 0.5) * group;
            if (verticalX) f.Text(cx, top + plotH + 6, labels[i], LabelSize, Ink, TextAnchor.End, vertical: true);
            else f.Text(cx, top + plotH + 13, labels[i], LabelSize, Ink, TextAnchor.Middle);
        }
        return f;
    }
}
