using System.Globalization;
using static Lumen.Training.Reports.ChartKit;

namespace Lumen.Training.Reports;

/// <summary>Loss and accuracy per epoch, train and validation, as two line charts side by side. NaN and infinite
/// values leave gaps (the line breaks; a point between two gaps still shows as a dot); one epoch draws dots on a
/// one-tick axis; a series with no finite value is left out of the legend.</summary>
internal static class CurveChart
{
    private const double PanelW = 430, PanelH = 300;
    private const double Left = 62, Right = 18, Top = 44, Bottom = 46;

    public static Figure? Build(IReadOnlyList<EpochRecord> epochs)
    {
        if (epochs.Count == 0) return null;
        var f = new Figure("curves", "Loss and accuracy per epoch", 2 * PanelW, PanelH);
        var xs = epochs.Select(e => (double)e.Epoch).ToArray();
        Panel(f, 0, "Loss", xs,
            [("train", Blue, epochs.Select(e => e.TrainLoss).ToArray()), ("valid", Orange, epochs.Select(e => e.ValidLoss).ToArray())],
            floorAtZero: true, capAtOne: false);
        Panel(f, PanelW, "Accuracy", xs,
            [("train", Blue, epochs.Select(e => e.TrainAccuracy).ToArray()), ("valid", Orange, epochs.Select(e => e.ValidAccuracy).ToArray())],
            floorAtZero: true, capAtOne: true);
        return f;
    }

    private static void Panel(Figure f, double x0, string title, double[] xs, (string Name, Rgb Color, double[] Values)[] series,
        bool floorAtZero, bool capAtOne)
    {
        double px = x0 + Left, py = Top, pw = PanelW - Left - Right, ph = PanelH - Top - Bottom;
        f.Text(x0 + Left, 16, title, TitleSize, Ink, bold: true);
        f.Text(px + pw / 2, PanelH - 10, "epoch", LabelSize, Muted, TextAnchor.Middle);

        var present = series.Where(s => s.Values.Any(double.IsFinite)).ToArray();
        Legend(f, x0 + PanelW - Right, 16, present.Select(s => (s.Name, s.Color)).ToArray(), lines: true);

        // x: integer epochs; a single epoch gets half an epoch either side.
        double xmin = xs.Min(), xmax = xs.Max();
        (double Lo, double Hi) xr = xmax > xmin ? (xmin, xmax) : (xmin - 0.5, xmax + 0.5);
        double xstep = Math.Max(1, NiceStep((xmax - xmin) / 8));
        var xticks = new List<double>();
        for (double t = Math.Ceiling(xmin / xstep) * xstep; t <= xmax + 1e-9; t += xstep) xticks.Add(t);
        if (xticks.Count == 0 || xticks[0] - xmin >= xstep / 2) xticks.Insert(0, xmin); // the first epoch is labelled too

        var finite = present.SelectMany(s => s.Values).Where(double.IsFinite).ToArray();
        if (finite.Length == 0)
        {
            Axes(f, px, py, pw, ph, xr, xticks.ToArray(), FormatEpoch, (0, 1), [0, 1], v => FormatTick(v, 1));
            f.Text(px + pw / 2, py + ph / 2, "no data", LabelSize, Muted, TextAnchor.Middle);
            return;
        }
        double lo = finite.Min(), hi = finite.Max();
        if (floorAtZero && lo >= 0 && (!capAtOne || hi - lo > 0.5 * hi)) lo = 0; // losses start at 0 unless the curves are a thin band
        var (ylo, yhi, ystep) = NiceRange(lo, hi);
        if (floorAtZero && lo >= 0) ylo = Math.Max(0, ylo);
        if (capAtOne && hi <= 1) yhi = Math.Min(1, yhi);
        var yticks = Ticks(ylo, yhi, ystep);
        var (mx, my) = Axes(f, px, py, pw, ph, xr, xticks.ToArray(), FormatEpoch, (ylo, yhi), yticks, v => FormatTick(v, ystep));

        foreach (var (_, color, values) in present)
        {
            // Runs of consecutive finite values become polylines; dots mark points when they are few or isolated.
            var run = new List<(double, double)>();
            bool dots = values.Length <= 60;
            for (int i = 0; i <= values.Length; i++)
            {
                if (i < values.Length && double.IsFinite(values[i])) { run.Add((mx(xs[i]), my(values[i]))); continue; }
                if (run.Count > 1) f.Polyline(run.ToArray(), color, 2);
                if (run.Count == 1 || dots) foreach (var (cx, cy) in run) f.Circle(cx, cy, 3, color);
                run.Clear();
            }
        }
    }

    private static string FormatEpoch(double v) => ((long)Math.Round(v)).ToString(CultureInfo.InvariantCulture);
}
