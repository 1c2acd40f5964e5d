using System.Text;
using static Lumen.Training.Reports.Markup;

namespace Lumen.Training.Reports;

/// <summary>Writes a <see cref="Figure"/> as a standalone SVG element (well-formed XML, no scripts, no external
/// references: raster pictures are embedded as PNG data URIs, pre-enlarged with nearest-neighbour sampling so they stay
/// sharp in viewers that ignore <c>image-rendering: pixelated</c>).</summary>
internal static class SvgRenderer
{
    /// <summary>Largest side, in pixels, of an embedded picture after enlargement.</summary>
    private const int MaxEmbeddedSide = 1024;

    /// <param name="f">the figure.</param>
    /// <param name="displayScale">CSS pixels per figure unit for the element's width and height (the drawing itself is
    /// in figure units through the viewBox, so it scales without blur).</param>
    public static string Render(Figure f, double displayScale = 1)
    {
        var s = new StringBuilder();
        s.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"figure\" id=\"fig-{Escape(f.Name)}\" role=\"img\" ");
        s.Append($"width=\"{Num(f.Width * displayScale)}\" height=\"{Num(f.Height * displayScale)}\" viewBox=\"0 0 {Num(f.Width)} {Num(f.Height)}\" ");
        s.Append("font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\">\n");
        s.Append($"<title>{Escape(f.Title)}</title>\n");
        s.Append($"<rect x=\"0\" y=\"0\" width=\"{Num(f.Width)}\" height=\"{Num(f.Height)}\" fill=\"#ffffff\"/>\n");
        foreach (var op in f.Ops)
        {
            switch (op)
            {
                case RectOp r:
                    s.Append($"<rect x=\"{Num(r.X)}\" y=\"{Num(r.Y)}\" width=\"{Num(Math.Max(0, r.W))}\" height=\"{Num(Math.Max(0, r.H))}\" ");
                    s.Append(r.Fill is Rgb fill ? $"fill=\"{fill.Hex}\"" : "fill=\"none\"");
                    if (r.Stroke is Rgb st) s.Append($" stroke=\"{st.Hex}\" stroke-width=\"{Num(r.StrokeWidth)}\"");
                    s.Append("/>\n");
                    break;
                case PolylineOp p:
                    if (p.Points.Length == 0) break;
                    s.Append("<polyline fill=\"none\" stroke-linecap=\"round\" stroke-linejoin=\"round\" ");
                    s.Append($"stroke=\"{p.Color.Hex}\" stroke-width=\"{Num(p.Width)}\" points=\"");
                    for (int i = 0; i < p.Points.Length; i++)
                    {
                        if (i > 0) s.Append(' ');
                        s.Append(Num(p.Points[i].X)).Append(',').Append(Num(p.Points[i].Y));
                    }
                    s.Append("\"/>\n");
                    break;
                case CircleOp c:
                    s.Append($"<circle cx=\"{Num(c.Cx)}\" cy=\"{Num(c.Cy)}\" r=\"{Num(c.R)}\" fill=\"{c.Fill.Hex}\"/>\n");
                    break;
                case TextOp t:
                    AppendText(s, t);
                    break;
                case ImageOp i:
                    s.Append($"<image x=\"{Num(i.X)}\" y=\"{Num(i.Y)}\" width=\"{Num(i.W)}\" height=\"{Num(i.H)}\" ");
                    s.Append("preserveAspectRatio=\"none\" style=\"image-rendering:pixelated\" href=\"data:image/png;base64,");
                    s.Append(Convert.ToBase64String(Enlarge(i.Image, i.W * 2, i.H * 2).EncodePng()));
                    s.Append("\"/>\n");
                    break;
            }
        }
        s.Append("</svg>");
        return s.ToString();
    }

    private static void AppendText(StringBuilder s, TextOp t)
    {
        string anchor = t.Anchor switch { TextAnchor.Middle => "middle", TextAnchor.End => "end", _ => "start" };
        // Baseline 0.35 em below the middle line: capitals (about 0.7 em) end up centred on it.
        double baseline = 0.35 * t.Size;
        if (t.Vertical)
            s.Append($"<text x=\"{Num(t.X)}\" y=\"{Num(t.Y + baseline)}\" transform=\"rotate(-90 {Num(t.X)} {Num(t.Y)})\" ");
        else
            s.Append($"<text x=\"{Num(t.X)}\" y=\"{Num(t.Y + baseline)}\" ");
        s.Append($"font-size=\"{Num(t.Size)}\" fill=\"{t.Color.Hex}\" text-anchor=\"{anchor}\"");
        if (t.Bold) s.Append(" font-weight=\"bold\"");
        s.Append('>').Append(Escape(t.Text)).Append("</text>\n");
    }

    /// <summary>The picture enlarged by the whole factor that first reaches (<paramref name="w"/>, <paramref name="h"/>)
    /// pixels, nearest neighbour; unchanged when already that large.</summary>
    internal static Raster Enlarge(Raster src, double w, double h)
    {
        int k = (int)Math.Ceiling(Math.Max(w / src.Width, h / src.Height));
        k = Math.Min(k, Math.Max(1, MaxEmbeddedSide / Math.Max(src.Width, src.Height)));
        if (k <= 1) return src;
        var dst = new Raster(src.Width * k, src.Height * k, src.Channels);
        int c = src.Channels;
        for (int y = 0; y < dst.Height; y++)
        {
            var row = dst.Row(y);
            var srow = src.Row(y / k);
            for (int x = 0; x < dst.Width; x++)
                for (int ch = 0; ch < c; ch++) row[x * c + ch] = srow[(x / k) * c + ch];
        }
        return dst;
    }
}
