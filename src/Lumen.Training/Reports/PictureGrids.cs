using static Lumen.Training.Reports.ChartKit;

namespace Lumen.Training.Reports;

/// <summary>The two picture figures: first-layer filters and sample predictions.</summary>
internal static class PictureGrids
{
    /// <summary>Most filter cells drawn; the title says when some were left out.</summary>
    public const int MaxFilterCells = 256;

    /// <summary>Most prediction samples drawn.</summary>
    public const int MaxSamples = 64;

    /// <summary>
    /// First-layer weights (out, in, kH, kW) as a grid. Each output filter is min-max scaled over all its input channels to
    /// [0, 255] (a constant filter draws mid-gray). in = 3: one RGB cell per output filter, in a near-square grid.
    /// in = 1: one gray cell per filter, likewise. Otherwise one gray cell per (out, in) pair, a row per output filter.
    /// Cells are enlarged with nearest-neighbour sampling to about 48 units, so a 3×3 kernel shows nine clear squares.
    /// </summary>
    public static Figure? Filters(TensorData w, string? layer)
    {
        if (w.Shape.Length != 4 || w.Data.Length == 0) return null;
        int outC = w.Shape[0], inC = w.Shape[1], kh = w.Shape[2], kw = w.Shape[3];
        var cells = FilterCells(w, out int cols, out int rows, out bool truncated);
        double zoom = Math.Max(1, Math.Round(48.0 / Math.Max(kh, kw)));
        double cw = kw * zoom, ch = kh * zoom, gap = 4, top = 44, left = 12;
        double width = Math.Max(left * 2 + cols * (cw + gap) - gap, 360), height = top + rows * (ch + gap) - gap + 12;
        string shape = $"[{outC}, {inC}, {kh}, {kw}]";
        string title = $"{(string.IsNullOrEmpty(layer) ? "First-layer" : layer)} filters {shape}";
        var f = new Figure("filters", title, width, height);
        f.Text(12, 16, title, TitleSize, Ink, bold: true);
        string note = inC == 3 ? "RGB, each filter min-max scaled" : inC == 1 ? "each filter min-max scaled" : "row = output filter, column = input channel; min-max scaled per filter";
        if (truncated) note += $"; first {cells.Count} cells";
        f.Text(12, 32, note, TickSize, Muted);
        for (int i = 0; i < cells.Count; i++)
        {
            var (img, r, col) = cells[i];
            f.Picture(left + col * (cw + gap), top + r * (ch + gap), cw, ch, img);
        }
        return f;
    }

    /// <summary>The filter cells with their grid row and column.</summary>
    internal static List<(Raster Image, int Row, int Col)> FilterCells(TensorData w, out int cols, out int rows, out bool truncated)
    {
        int outC = w.Shape[0], inC = w.Shape[1], kh = w.Shape[2], kw = w.Shape[3];
        int k = kh * kw, per = inC * k;
        var list = new List<(Raster, int, int)>();
        truncated = false;
        if (inC == 3 || inC == 1)
        {
            int n = Math.Min(outC, MaxFilterCells);
            truncated = n < outC;
            cols = Math.Max(1, (int)Math.Ceiling(Math.Sqrt(n)));
            rows = (n + cols - 1) / cols;
            for (int o = 0; o < n; o++)
            {
                var (lo, scale) = MinMax(w.Data.AsSpan(o * per, per));
                var img = new Raster(kw, kh, inC);
                for (int y = 0; y < kh; y++)
                    for (int x = 0; x < kw; x++)
                        for (int c = 0; c < inC; c++)
                            img.Pixels[(y * kw + x) * inC + c] = ToByte(w.Data[o * per + c * k + y * kw + x], lo, scale);
                list.Add((img, o / cols, o % cols));
            }
            return list;
        }
        int inShown = Math.Min(inC, 16);
        int outShown = Math.Max(1, Math.Min(outC, MaxFilterCells / inShown));
        truncated = inShown < inC || outShown < outC;
        cols = inShown;
        rows = outShown;
        for (int o = 0; o < outShown; o++)
        {
            var (lo, scale) = MinMax(w.Data.AsSpan(o * per, per));
            for (int c = 0; c < inShown; c++)
            {
                var img = new Raster(kw, kh, 1);
                for (int i = 0; i < k; i++) img.Pixels[i] = ToByte(w.Data[o * per + c * k + i], lo, scale);
                list.Add((img, o, c));
            }
        }
        return list;
    }

    private static (double Lo, double Scale) MinMax(ReadOnlySpan<float> v)
    {
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (float x in v)
            if (float.IsFinite(x)) { lo = Math.Min(lo, x); hi = Math.Max(hi, x); }
        if (!(hi > lo)) return (double.NaN, 0); // constant or no finite value: mid-gray
        return (lo, 255.0 / (hi - lo));
    }

    private static byte ToByte(float v, double lo, double scale)
    {
        if (double.IsNaN(lo) || !float.IsFinite(v)) return 128;
        return (byte)Math.Clamp(Math.Round((v - lo) * scale), 0, 255);
    }

    /// <summary>
    /// Sample predictions as a grid of pictures (up to 8 a row) captioned "true / predicted". Wrong predictions get a red
    /// frame and a red caption, right ones a green caption. Inputs are de-normalised per channel (x·std + mean), clamped
    /// to [0, 1] and scaled to 0–255; pictures are enlarged (or reduced) with nearest-neighbour sampling to about 96 units.
    /// </summary>
    public static Figure? Samples(PredictionSamples s, IReadOnlyList<string> names)
    {
        var items = s.Items.Where(i => i.Image.Shape.Length == 3 && i.Image.Data.Length > 0).Take(MaxSamples).ToList();
        if (items.Count == 0) return null;
        int cols = Math.Min(8, items.Count), rows = (items.Count + cols - 1) / cols;
        const double box = 96, cellW = 112, captionH = 34, top = 44, left = 8;
        double cellH = box + captionH;
        double width = Math.Max(left * 2 + cols * cellW, 360), height = top + rows * cellH + 8;
        int wrong = items.Count(i => !i.Correct);
        var f = new Figure("samples", "Sample predictions", width, height);
        f.Text(12, 16, "Sample predictions", TitleSize, Ink, bold: true);
        f.Text(12, 32, $"true / predicted; {wrong} of {items.Count} wrong (red)", TickSize, Muted);
        int chars = CharsFitting(cellW - 6, TickSize);
        for (int n = 0; n < items.Count; n++)
        {
            var it = items[n];
            var img = SampleImage(it.Image, s.Mean, s.Std);
            double zoom = box / Math.Max(img.Width, img.Height);
            double w = img.Width * zoom, h = img.Height * zoom;
            double cx = left + (n % cols) * cellW + cellW / 2, y0 = top + (n / cols) * cellH;
            double x = cx - w / 2, y = y0 + (box - h) / 2;
            f.Picture(x, y, w, h, img);
            if (!it.Correct) f.Rect(x - 2, y - 2, w + 4, h + 4, null, Wrong, 3);
            // "true / predicted" on one line when it fits, else the two names on two lines.
            string truth = Name(names, it.Label), guess = Name(names, it.Predicted), one = $"{truth} / {guess}";
            var colour = it.Correct ? Right : Wrong;
            if (one.Length <= chars) f.Text(cx, y0 + box + 12, one, TickSize, colour, TextAnchor.Middle, bold: !it.Correct);
            else
            {
                f.Text(cx, y0 + box + 10, Fit(truth, chars - 2) + " /", TickSize, colour, TextAnchor.Middle, bold: !it.Correct);
                f.Text(cx, y0 + box + 23, Fit(guess, chars), TickSize, colour, TextAnchor.Middle, bold: !it.Correct);
            }
        }
        return f;
    }

    private static string Name(IReadOnlyList<string> names, int i) => i >= 0 && i < names.Count ? names[i] : i.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A (C, H, W) input as an 8-bit picture: gray for C = 1 (and the first channel of C ∉ {1, 3}), RGB for C = 3.</summary>
    internal static Raster SampleImage(TensorData chw, float[]? mean, float[]? std)
    {
        int c = chw.Shape[0], h = chw.Shape[1], w = chw.Shape[2];
        int outC = c == 3 ? 3 : 1, plane = h * w;
        var img = new Raster(w, h, outC);
        for (int ch = 0; ch < outC; ch++)
        {
            double m = mean is not null && ch < mean.Length ? mean[ch] : 0, sd = std is not null && ch < std.Length ? std[ch] : 1;
            for (int i = 0; i < plane; i++)
            {
                double v = chw.Data[ch * plane + i] * sd + m;
                if (!double.IsFinite(v)) v = 0;
                img.Pixels[i * outC + ch] = (byte)Math.Round(Math.Clamp(v, 0, 1) * 255);
            }
        }
        return img;
    }
}
