namespace Lumen.Training.Reports;

/// <summary>An sRGB colour.</summary>
internal readonly record struct Rgb(byte R, byte G, byte B)
{
    public string Hex => $"#{R:x2}{G:x2}{B:x2}";

    public static Rgb Lerp(Rgb a, Rgb b, double t)
    {
        t = Math.Clamp(t, 0, 1);
        return new((byte)Math.Round(a.R + (b.R - a.R) * t), (byte)Math.Round(a.G + (b.G - a.G) * t), (byte)Math.Round(a.B + (b.B - a.B) * t));
    }

    /// <summary>Relative luminance in [0, 1] (Rec. 709 weights on the encoded values; good enough to pick a text colour).</summary>
    public double Luma => (0.2126 * R + 0.7152 * G + 0.0722 * B) / 255.0;

    public static readonly Rgb White = new(255, 255, 255);
    public static readonly Rgb Black = new(0, 0, 0);
}

internal enum TextAnchor { Start, Middle, End }

/// <summary>One drawing instruction of a <see cref="Figure"/>, in figure units (CSS pixels of the SVG).</summary>
internal abstract record DrawOp;

/// <summary>An axis-aligned rectangle, filled and/or stroked (the stroke is centred on the edge).</summary>
internal sealed record RectOp(double X, double Y, double W, double H, Rgb? Fill, Rgb? Stroke = null, double StrokeWidth = 1) : DrawOp;

/// <summary>Connected straight segments of one width with round joins and caps.</summary>
internal sealed record PolylineOp((double X, double Y)[] Points, Rgb Color, double Width) : DrawOp;

/// <summary>A filled disc.</summary>
internal sealed record CircleOp(double Cx, double Cy, double R, Rgb Fill) : DrawOp;

/// <summary>One line of text. (X, Y) is the anchor point on the text's middle line (half the capital height above
/// the baseline); <paramref name="Vertical"/> text is turned 90° counter-clockwise and reads bottom to top.</summary>
internal sealed record TextOp(double X, double Y, string Text, double Size, Rgb Color, TextAnchor Anchor = TextAnchor.Start,
    bool Vertical = false, bool Bold = false) : DrawOp;

/// <summary>A raster image stretched over a rectangle with nearest-neighbour sampling.</summary>
internal sealed record ImageOp(double X, double Y, double W, double H, Raster Image) : DrawOp;

/// <summary>A chart as a list of drawing instructions that <see cref="SvgRenderer"/> and <see cref="Rasterizer"/> both
/// draw, so the page and the PNG show the same figure.</summary>
internal sealed class Figure(string name, string title, double width, double height)
{
    /// <summary>File stem of the PNG ("curves", "confusion" …).</summary>
    public string Name { get; } = name;
    /// <summary>Human-readable title (the HTML section heading and the SVG's accessible name).</summary>
    public string Title { get; } = title;
    public double Width { get; } = width;
    public double Height { get; } = height;
    public List<DrawOp> Ops { get; } = [];

    public void Rect(double x, double y, double w, double h, Rgb? fill, Rgb? stroke = null, double strokeWidth = 1) =>
        Ops.Add(new RectOp(x, y, w, h, fill, stroke, strokeWidth));

    public void Line(double x1, double y1, double x2, double y2, Rgb color, double width = 1) =>
        Ops.Add(new PolylineOp([(x1, y1), (x2, y2)], color, width));

    public void Polyline((double X, double Y)[] points, Rgb color, double width) => Ops.Add(new PolylineOp(points, color, width));

    public void Circle(double cx, double cy, double r, Rgb fill) => Ops.Add(new CircleOp(cx, cy, r, fill));

    public void Text(double x, double y, string text, double size, Rgb color, TextAnchor anchor = TextAnchor.Start,
        bool vertical = false, bool bold = false) => Ops.Add(new TextOp(x, y, text, size, color, anchor, vertical, bold));

    public void Picture(double x, double y, double w, double h, Raster image) => Ops.Add(new ImageOp(x, y, w, h, image));
}
