using System.Globalization;
using Lumen.Training.Metrics;
using static Lumen.Training.Reports.ChartKit;

namespace Lumen.Training.Reports;

/// <summary>The confusion matrix as a heatmap: rows = true class, columns = predicted class, each cell coloured by its
/// share of the row (so a class's recall reads as the darkness of its diagonal cell, whatever its support) and
/// labelled with its count when the count fits.</summary>
internal static class ConfusionChart
{
    public static Figure? Build(ClassificationResult result, IReadOnlyList<string> names, string split)
    {
        if (result.ConfusionMatrix is not long[,] m) return null;
        int c = m.GetLength(0);
        if (c == 0) return null;
        double cell = Math.Clamp(440.0 / c, 12, 56);
        var labels = names.Select(n => Fit(n, 16)).ToArray();
        double labelW = labels.Max(l => TextWidth(l, LabelSize));
        bool verticalX = labels.Any(l => TextWidth(l, LabelSize) > cell - 4);
        double left = 30 + labelW + 10, top = 50;
        double bottomLabels = verticalX ? labelW + 10 : 20;
        double gridW = c * cell, width = Math.Max(left + gridW + 24, 360), height = top + gridW + bottomLabels + 30;

        var f = new Figure("confusion", $"Confusion matrix ({split})", width, height);
        f.Text(12, 16, $"Confusion matrix ({split})", TitleSize, Ink, bold: true);
        f.Text(12, 34, "cell colour: share of the true class's row", TickSize, Muted);

        long max = 0;
        for (int i = 0; i < c; i++) for (int j = 0; j < c; j++) max = Math.Max(max, m[i, j]);
        string widest = max.ToString(CultureInfo.InvariantCulture);
        double countSize = Math.Min(LabelSize, cell * 0.8 / Math.Max(1, widest.Length) / 0.6);
        bool counts = countSize >= 7;

        for (int i = 0; i < c; i++)
        {
            long rowSum = 0;
            for (int j = 0; j < c; j++) rowSum += m[i, j];
            for (int j = 0; j < c; j++)
            {
                double share = rowSum > 0 ? (double)m[i, j] / rowSum : 0;
                var fill = BlueRamp(share);
                double x = left + j * cell, y = top + i * cell;
                f.Rect(x, y, cell, cell, fill);
                if (counts)
                    f.Text(x + cell / 2, y + cell / 2, m[i, j].ToString(CultureInfo.InvariantCulture), countSize,
                        fill.Luma < 0.5 ? Rgb.White : Ink, TextAnchor.Middle);
            }
        }
        f.Rect(left, top, gridW, gridW, null, Axis, 1);

        for (int i = 0; i < c; i++)
        {
            f.Text(left - 6, top + (i + 0.5) * cell, labels[i], LabelSize, Ink, TextAnchor.End);
            if (verticalX) f.Text(left + (i + 0.5) * cell, top + gridW + 6, labels[i], LabelSize, Ink, TextAnchor.End, vertical: true);
            else f.Text(left + (i + 0.5) * cell, top + gridW + 12, labels[i], LabelSize, Ink, TextAnchor.Middle);
        }
        f.Text(left + gridW / 2, height - 10, "predicted", LabelSize, Muted, TextAnchor.Middle);
        f.Text(14, top + gridW / 2, "true", LabelSize, Muted, TextAnchor.Middle, vertical: true);
        return f;
    }
}
