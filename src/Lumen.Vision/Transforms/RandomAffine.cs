using Lumen.Vision.Codecs;

namespace Lumen.Vision.Transforms;

/// <summary>A random affine transform about the centre, torchvision's <c>transforms.RandomAffine(degrees, translate, scale,
/// shear, interpolation=nearest, fill=0)</c>, drawing angle, translation, scale and shear in torchvision's order and
/// resampling as PIL does (nearest neighbour).</summary>
public sealed class RandomAffine : Transform
{
    private readonly Generator? _g;

    public (double Min, double Max) Degrees { get; }
    public (double X, double Y)? Translate { get; }
    public (double Min, double Max)? Scale { get; }
    /// <summary>Shear ranges in degrees: x (and optionally y).</summary>
    public (double XMin, double XMax, double YMin, double YMax)? Shear { get; }
    public byte Fill { get; }
    private readonly bool _shearY;

    /// <param name="degrees">rotation range [−degrees, degrees].</param>
    /// <param name="translate">maximal absolute fraction for horizontal and vertical translations.</param>
    /// <param name="scale">scale range.</param>
    /// <param name="shear">x-shear range [−shear, shear] degrees.</param>
    /// <param name="fill">fill for pixels from outside the image (0–255).</param>
    /// <param name="degreesRange">explicit rotation range (min, max), overriding <paramref name="degrees"/>.</param>
    /// <param name="shearRange">explicit x-shear range (min, max) in degrees.</param>
    /// <param name="shearY">y-shear range (min, max) in degrees (with shearRange).</param>
    /// <param name="generator">generator to draw from; the global one when null.</param>
    public RandomAffine(double degrees, (double X, double Y)? translate = null, (double Min, double Max)? scale = null, double? shear = null,
        byte fill = 0, (double Min, double Max)? degreesRange = null, (double XMin, double XMax)? shearRange = null, (double YMin, double YMax)? shearY = null,
        Generator? generator = null)
    {
        if (degrees < 0) throw new ArgumentException($"RandomAffine: if degrees is a single number, it must be positive, got {degrees}.");
        Degrees = degreesRange ?? (-degrees, degrees);
        if (translate is var (tx, ty) && !(tx >= 0 && tx <= 1 && ty >= 0 && ty <= 1))
            throw new ArgumentException($"RandomAffine: translation values should be between 0 and 1, got ({tx}, {ty}).");
        Translate = translate;
        if (scale is var (s0, s1) && !(s0 > 0 && s1 > 0)) throw new ArgumentException($"RandomAffine: scale values should be positive, got ({s0}, {s1}).");
        Scale = scale;
        if (shear is double sh)
        {
            if (sh < 0) throw new ArgumentException($"RandomAffine: if shear is a single number, it must be positive, got {sh}.");
            Shear = (-sh, sh, 0, 0);
        }
        else if (shearRange is var (a, b)) Shear = (a, b, shearY?.YMin ?? 0, shearY?.YMax ?? 0);
        _shearY = Shear is not null && shearY is not null;
        Fill = fill;
        _g = generator;
    }

    /// <summary>torchvision's <c>RandomAffine.get_params</c> for an image of (width, height): angle, (tx, ty), scale, (shear x, shear y).</summary>
    public (double Angle, (int X, int Y) Translate, double Scale, (double X, double Y) Shear) GetParams(int width, int height)
    {
        double angle = Uniform1(Degrees.Min, Degrees.Max, _g);
        (int, int) t = (0, 0);
        if (Translate is var (fx, fy))
        {
            double maxDx = fx * width, maxDy = fy * height;
            int tx = (int)Math.Round(Uniform1(-maxDx, maxDx, _g), MidpointRounding.ToEven);
            int ty = (int)Math.Round(Uniform1(-maxDy, maxDy, _g), MidpointRounding.ToEven);
            t = (tx, ty);
        }
        double scale = Scale is var (s0, s1) ? Uniform1(s0, s1, _g) : 1.0;
        double shx = 0, shy = 0;
        if (Shear is var (x0, x1, y0, y1))
        {
            shx = Uniform1(x0, x1, _g);
            if (_shearY) shy = Uniform1(y0, y1, _g);
        }
        return (angle, t, scale, (shx, shy));
    }

    protected override object ForwardImage(Image image)
    {
        var (angle, t, scale, shear) = GetParams(image.Width, image.Height);
        return TF.Affine(image, angle, t, scale, shear, Fill);
    }

    public override string ToString() => $"RandomAffine(degrees=[{F(Degrees.Min)}, {F(Degrees.Max)}])";
}
