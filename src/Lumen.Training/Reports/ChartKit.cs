using System.Globalization;

namespace Lumen.Training.Reports;

/// <summary>Shared chart pieces: sizes, colours, "nice" tick steps, axes with grid lines and text measurement.</summary>
internal static class ChartKit
{
    public const double TickSize = 11, LabelSize = 12, TitleSize = 15;

    public static readonly Rgb Ink = new(34, 34, 34);
    public static readonly Rgb Muted = new(102, 102, 102);
    public static readonly Rgb Grid = new(225, 225, 225);
    public static readonly Rgb Axis = new(68, 68, 68);
    // Matplotlib's "tab10" first three: blue, orange, green.
    public static readonly Rgb Blue = new(31, 119, 180);
    public static readonly Rgb Orange = new(255, 127, 14);
    public static readonly Rgb Green = new(44, 160, 44);
    public static readonly Rgb Wrong = new(214, 39, 40);
    public static readonly Rgb Right = new(30, 120, 30);

    // ColorBrewer "Blues" (9 classes), light to dark: the confusion-matrix colour ramp.
    private static readonly Rgb[] Blues =
    [
        new(247, 251, 255), new(222, 235, 247), new(198, 219, 239), new(158, 202, 225), new(107, 174, 214),
        new(66, 146, 198), new(33, 113, 181), new(8, 81, 156), new(8, 48, 107),
    ];

    /// <summary>The "Blues" ramp at <paramref name="t"/> in [0, 1] (0 lightest), piecewise linear.</summary>
    public static Rgb BlueRamp(double t)
    {
        if (!double.IsFinite(t)) t = 0;
        t = Math.Clamp(t, 0, 1) * (Blues.Length - 1);
        int i = Math.Min((int)t, Blues.Length - 2);
        return Rgb.Lerp(Blues[i], Blues[i + 1], t - i);
    }

    /// <summary>Estimated width of <paramref name="text"/> at <paramref name="size"/>: a monospace advance of 0.6 em.</summary>
    public static double TextWidth(string text, double size) => text.Length * 0.6 * size;

    /// <summary><paramref name="text"/> cut to at most <paramref name="maxChars"/> characters, ending in ".." when cut.</summary>
    public static string Fit(string text, int maxChars)
    {
        if (maxChars <= 0) return "";
        if (text.Length <= maxChars) return text;
        return maxChars <= 2 ? text[..maxChars] : text[..(maxChars - 2)] + "..";
    }

    /// <summary>Characters of <paramref name="size"/> text that fit in <paramref name="width"/>.</summary>
    public static int CharsFitting(double width, double size) => Math.Max(0, (int)Math.Floor(width / (0.6 * size)));

    /// <summary>An axis range covering [lo, hi] with round ends and about <paramref name="target"/> intervals of a
    /// 1-2-5 step. A degenerate range is widened around its value.</summary>
    public static (double Lo, double Hi, double Step) NiceRange(double lo, double hi, int target = 5)
    {
        if (!double.IsFinite(lo) || !double.IsFinite(hi)) (lo, hi) = (0, 1);
        if (hi < lo) (lo, hi) = (hi, lo);
        if (hi - lo < 1e-12 * Math.Max(1, Math.Abs(hi)))
        {
            double pad = lo == 0 ? 0.5 : Math.Abs(lo) * 0.1;
            lo -= pad; hi += pad;
        }
        double step = NiceStep((hi - lo) / target);
        double nlo = Math.Floor(lo / step + 1e-9) * step, nhi = Math.Ceiling(hi / step - 1e-9) * step;
        return (nlo, nhi, step);
    }

    /// <summary>The 1-2-5 × 10^k value nearest above <paramref name="raw"/>.</summary>
    public static double NiceStep(double raw)
    {
        if (!(raw > 0) || !double.IsFinite(raw)) return 1;
        double mag = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double f = raw / mag;
        double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
        return nice * mag;
    }

    /// <summary>Tick values lo, lo+step, …, hi (rounded to the step's precision so 0.30000000000000004 prints as 0.3).</summary>
    public static double[] Ticks(double lo, double hi, double step)
    {
        int n = (int)Math.Round((hi - lo) / step);
        var t = new double[n + 1];
        int decimals = Decimals(step);
        for (int i = 0; i <= n; i++) t[i] = Math.Round(lo + i * step, Math.Min(15, decimals + 1));
        return t;
    }

    /// <summary>Decimals needed to print multiples of <paramref name="step"/>.</summary>
    public static int Decimals(double step) => step >= 1 ? 0 : Math.Min(10, (int)Math.Ceiling(-Math.Log10(step) - 1e-9));

    public static string FormatTick(double v, double step)
    {
        if (Math.Abs(v) < step * 1e-6) v = 0; // no "-0"
        double a = Math.Abs(v);
        if (a != 0 && (a >= 1e6 || a < 1e-4)) return v.ToString("0.##E+0", CultureInfo.InvariantCulture);
        return v.ToString("F" + Decimals(step), CultureInfo.InvariantCulture);
    }

    /// <summary>Draws a plot frame at (x, y, w, h): horizontal grid lines and labels at the y ticks, labels under the x
    /// ticks, and the left and bottom axes. Returns the maps from data to figure coordinates.</summary>
    public static (Func<double, double> X, Func<double, double> Y) Axes(Figure f, double x, double y, double w, double h,
        (double Lo, double Hi) xRange, double[] xTicks, Func<double, string> xLabel,
        (double Lo, double Hi) yRange, double[] yTicks, Func<double, string> yLabel)
    {
        double xs = xRange.Hi > xRange.Lo ? w / (xRange.Hi - xRange.Lo) : 0;
        double ys = yRange.Hi > yRange.Lo ? h / (yRange.Hi - yRange.Lo) : 0;
        Func<double, double> mx = v => x + (v - xRange.Lo) * xs;
        Func<double, double> my = v => y + h - (v - yRange.Lo) * ys;
        foreach (double t in yTicks)
        {
            double py = my(t);
            f.Line(x, py, x + w, py, Grid, 1);
            f.Line(x - 4, py, x, py, Axis, 1);
            f.Text(x - 7, py, yLabel(t), TickSize, Muted, TextAnchor.End);
        }
        foreach (double t in xTicks)
        {
            double px = mx(t);
            f.Line(px, y + h, px, y + h + 4, Axis, 1);
            f.Text(px, y + h + 13, xLabel(t), TickSize, Muted, TextAnchor.Middle);
        }
        f.Line(x, y, x, y + h, Axis, 1);
        f.Line(x, y + h, x + w, y + h, Axis, 1);
        return (mx, my);
    }

    /// <summary>A legend row of coloured swatches and names, right-aligned at <paramref name="right"/>.</summary>
    public static void Legend(Figure f, double right, double y, IReadOnlyList<(string Name, Rgb Color)> items, bool lines)
    {
        double x = right;
        for (int i = items.Count - 1; i >= 0; i--)
        {
            var (name, color) = items[i];
            x -= TextWidth(name, LabelSize);
            f.Text(x, y, name, LabelSize, Ink);
            x -= 22;
            if (lines) { f.Line(x, y, x + 16, y, color, 2.5); f.Circle(x + 8, y, 3.5, color); }
            else f.Rect(x + 3, y - 5, 10, 10, color);
            x -= 14;
        }
    }
}
