namespace Lumen.Training.Reports;

/// <summary>Draws a <see cref="Figure"/> into an 8-bit RGB <see cref="Raster"/>: anti-aliased lines of any width
/// (distance-to-segment coverage), discs, filled and stroked rectangles, nearest-neighbour images and
/// <see cref="BitmapFont"/> text scaled by whole pixels. No fonts or native libraries are involved.</summary>
internal static class Rasterizer
{
    /// <summary>Renders <paramref name="figure"/> at <paramref name="scale"/> device pixels per figure unit on white.</summary>
    public static Raster Render(Figure figure, int scale = 2)
    {
        if (scale < 1) throw new ArgumentException($"Rasterizer: scale must be at least 1, got {scale}.", nameof(scale));
        int w = Math.Max(1, (int)Math.Ceiling(figure.Width * scale)), h = Math.Max(1, (int)Math.Ceiling(figure.Height * scale));
        var canvas = new Canvas(w, h, scale);
        canvas.Fill(Rgb.White);
        foreach (var op in figure.Ops)
        {
            switch (op)
            {
                case RectOp r: canvas.Rect(r); break;
                case PolylineOp p: canvas.Polyline(p.Points, p.Color, p.Width); break;
                case CircleOp c: canvas.Circle(c.Cx, c.Cy, c.R, c.Fill); break;
                case TextOp t: canvas.Text(t); break;
                case ImageOp i: canvas.Picture(i); break;
            }
        }
        return canvas.Image;
    }

    /// <summary>Integer magnification of the 5×8 font for text of <paramref name="size"/> figure units at
    /// <paramref name="scale"/>: a glyph cell is 0.6 em wide (a monospace advance), so k ≈ 0.6·size·scale / 6.</summary>
    public static int GlyphScale(double size, int scale) => Math.Max(1, (int)Math.Round(size * scale / 10.0));

    private sealed class Canvas(int width, int height, int scale)
    {
        public readonly Raster Image = new(width, height, 3);
        private byte[] Px => Image.Pixels;

        public void Fill(Rgb c)
        {
            var p = Px;
            for (int i = 0; i < p.Length; i += 3) { p[i] = c.R; p[i + 1] = c.G; p[i + 2] = c.B; }
        }

        private void Blend(int x, int y, Rgb c, double a)
        {
            if ((uint)x >= (uint)width || (uint)y >= (uint)height || a <= 0) return;
            int i = (y * width + x) * 3;
            var p = Px;
            if (a >= 1) { p[i] = c.R; p[i + 1] = c.G; p[i + 2] = c.B; return; }
            p[i] = (byte)Math.Round(p[i] + (c.R - p[i]) * a);
            p[i + 1] = (byte)Math.Round(p[i + 1] + (c.G - p[i + 1]) * a);
            p[i + 2] = (byte)Math.Round(p[i + 2] + (c.B - p[i + 2]) * a);
        }

        private void FillDevice(int x0, int y0, int x1, int y1, Rgb c)
        {
            x0 = Math.Max(0, x0); y0 = Math.Max(0, y0); x1 = Math.Min(width, x1); y1 = Math.Min(height, y1);
            for (int y = y0; y < y1; y++)
                for (int x = x0; x < x1; x++) Blend(x, y, c, 1);
        }

        private int D(double v) => (int)Math.Round(v * scale);

        public void Rect(RectOp r)
        {
            if (r.Fill is Rgb f) FillDevice(D(r.X), D(r.Y), D(r.X + r.W), D(r.Y + r.H), f);
            if (r.Stroke is Rgb s)
            {
                int t = Math.Max(1, D(r.StrokeWidth));
                int x0 = D(r.X) - t / 2, y0 = D(r.Y) - t / 2, x1 = D(r.X + r.W) + (t - t / 2), y1 = D(r.Y + r.H) + (t - t / 2);
                FillDevice(x0, y0, x1, y0 + t, s);
                FillDevice(x0, y1 - t, x1, y1, s);
                FillDevice(x0, y0, x0 + t, y1, s);
                FillDevice(x1 - t, y0, x1, y1, s);
            }
        }

        public void Polyline((double X, double Y)[] pts, Rgb c, double lineWidth)
        {
            if (pts.Length == 0) return;
            double hw = Math.Max(0.5, lineWidth * scale / 2);
            double minX = double.MaxValue, minY = double.MaxValue, maxX = double.MinValue, maxY = double.MinValue;
            foreach (var (x, y) in pts)
            {
                minX = Math.Min(minX, x * scale); maxX = Math.Max(maxX, x * scale);
                minY = Math.Min(minY, y * scale); maxY = Math.Max(maxY, y * scale);
            }
            int bx0 = Math.Max(0, (int)Math.Floor(minX - hw - 1)), by0 = Math.Max(0, (int)Math.Floor(minY - hw - 1));
            int bx1 = Math.Min(width, (int)Math.Ceiling(maxX + hw + 1)), by1 = Math.Min(height, (int)Math.Ceiling(maxY + hw + 1));
            if (bx0 >= bx1 || by0 >= by1) return;
            int bw = bx1 - bx0;
            // Coverage is the maximum over segments, so joints are not blended twice.
            var cover = new float[bw * (by1 - by0)];
            int segments = Math.Max(1, pts.Length - 1);
            for (int s = 0; s < segments; s++)
            {
                double ax = pts[s].X * scale, ay = pts[s].Y * scale;
                double qx = pts[Math.Min(s + 1, pts.Length - 1)].X * scale, qy = pts[Math.Min(s + 1, pts.Length - 1)].Y * scale;
                int sx0 = Math.Max(bx0, (int)Math.Floor(Math.Min(ax, qx) - hw - 1)), sx1 = Math.Min(bx1, (int)Math.Ceiling(Math.Max(ax, qx) + hw + 1));
                int sy0 = Math.Max(by0, (int)Math.Floor(Math.Min(ay, qy) - hw - 1)), sy1 = Math.Min(by1, (int)Math.Ceiling(Math.Max(ay, qy) + hw + 1));
                double dx = qx - ax, dy = qy - ay, len2 = dx * dx + dy * dy;
                for (int y = sy0; y < sy1; y++)
                    for (int x = sx0; x < sx1; x++)
                    {
                        double px = x + 0.5 - ax, py = y + 0.5 - ay;
                        double t = len2 > 0 ? Math.Clamp((px * dx + py * dy) / len2, 0, 1) : 0;
                        double ex = px - t * dx, ey = py - t * dy;
                        double cov = Math.Clamp(hw + 0.5 - Math.Sqrt(ex * ex + ey * ey), 0, 1);
                        ref float m = ref cover[(y - by0) * bw + (x - bx0)];
                        if (cov > m) m = (float)cov;
                    }
            }
            for (int y = by0; y < by1; y++)
                for (int x = bx0; x < bx1; x++) Blend(x, y, c, cover[(y - by0) * bw + (x - bx0)]);
        }

        public void Circle(double cx, double cy, double r, Rgb c)
        {
            double x0 = cx * scale, y0 = cy * scale, rr = r * scale;
            for (int y = (int)Math.Floor(y0 - rr - 1); y <= (int)Math.Ceiling(y0 + rr + 1); y++)
                for (int x = (int)Math.Floor(x0 - rr - 1); x <= (int)Math.Ceiling(x0 + rr + 1); x++)
                {
                    double dx = x + 0.5 - x0, dy = y + 0.5 - y0;
                    Blend(x, y, c, Math.Clamp(rr + 0.5 - Math.Sqrt(dx * dx + dy * dy), 0, 1));
                }
        }

        public void Text(TextOp t)
        {
            if (t.Text.Length == 0) return;
            int k = GlyphScale(t.Size, scale);
            int len = BitmapFont.Width(t.Text) * k;
            // u runs along the text from its start, v across it (down for horizontal text).
            double along = t.Anchor switch { TextAnchor.Middle => -len / 2.0, TextAnchor.End => -len, _ => 0 };
            int u0 = (int)Math.Round(along);
            int v0 = (int)Math.Round(-3.5 * k); // capitals (rows 0–6) centred on the anchor line
            int ax = D(t.X), ay = D(t.Y);
            int passes = t.Bold ? 2 : 1;
            for (int i = 0; i < t.Text.Length; i++)
            {
                char ch = t.Text[i];
                for (int row = 0; row < BitmapFont.GlyphHeight; row++)
                    for (int col = 0; col < BitmapFont.GlyphWidth; col++)
                    {
                        if (!BitmapFont.Ink(ch, col, row)) continue;
                        for (int b = 0; b < passes; b++)
                            for (int sy = 0; sy < k; sy++)
                                for (int sx = 0; sx < k; sx++)
                                {
                                    int u = u0 + (i * BitmapFont.Advance + col) * k + sx + b, v = v0 + row * k + sy;
                                    if (t.Vertical) Blend(ax + v, ay - u, t.Color, 1);
                                    else Blend(ax + u, ay + v, t.Color, 1);
                                }
                    }
            }
        }

        public void Picture(ImageOp op)
        {
            int x0 = D(op.X), y0 = D(op.Y), x1 = D(op.X + op.W), y1 = D(op.Y + op.H);
            if (x1 <= x0 || y1 <= y0) return;
            var src = op.Image;
            for (int y = Math.Max(0, y0); y < Math.Min(height, y1); y++)
            {
                int sy = Math.Min(src.Height - 1, (int)((y - y0 + 0.5) * src.Height / (y1 - y0)));
                for (int x = Math.Max(0, x0); x < Math.Min(width, x1); x++)
                {
                    int sx = Math.Min(src.Width - 1, (int)((x - x0 + 0.5) * src.Width / (x1 - x0)));
                    int i = (sy * src.Width + sx) * src.Channels;
                    var p = src.Pixels;
                    var c = src.Channels >= 3 ? new Rgb(p[i], p[i + 1], p[i + 2]) : new Rgb(p[i], p[i], p[i]);
                    Blend(x, y, c, 1);
                }
            }
        }
    }
}
