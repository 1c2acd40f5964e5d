using Lumen.Vision.Codecs;

namespace Lumen.Vision.Transforms;

/// <summary>Random brightness, contrast, saturation and hue, torchvision's <c>transforms.ColorJitter(brightness, contrast,
/// saturation, hue)</c>: draws the order with <c>torch.randperm(4)</c>, then one factor per enabled adjustment (b, c, s, h in that
/// order), then applies them in the drawn order with PIL's ImageEnhance arithmetic.</summary>
public sealed class ColorJitter : Transform
{
    private readonly Generator? _g;

    public (double Min, double Max)? Brightness { get; }
    public (double Min, double Max)? Contrast { get; }
    public (double Min, double Max)? Saturation { get; }
    public (double Min, double Max)? Hue { get; }

    /// <param name="brightness">factor drawn from [max(0, 1 − b), 1 + b].</param>
    /// <param name="contrast">factor drawn from [max(0, 1 − c), 1 + c].</param>
    /// <param name="saturation">factor drawn from [max(0, 1 − s), 1 + s].</param>
    /// <param name="hue">shift drawn from [−h, h], 0 ≤ h ≤ 0.5.</param>
    /// <param name="generator">generator to draw from; the global one when null.</param>
    public ColorJitter(double brightness = 0, double contrast = 0, double saturation = 0, double hue = 0, Generator? generator = null)
    {
        Brightness = Range(brightness, "brightness");
        Contrast = Range(contrast, "contrast");
        Saturation = Range(saturation, "saturation");
        if (hue < 0 || hue > 0.5) throw new ArgumentException($"ColorJitter: hue values should be between (-0.5, 0.5), got {hue}.");
        Hue = hue == 0 ? null : (-hue, hue);
        _g = generator;
    }

    private static (double, double)? Range(double v, string name)
    {
        if (v < 0) throw new ArgumentException($"ColorJitter: if {name} is a single number, it must be non negative, got {v}.");
        return v == 0 ? null : (Math.Max(0, 1 - v), 1 + v);
    }

    protected override object ForwardImage(Image image)
    {
        var order = Torch.RandPerm(4, _g).ToArray<long>();
        double? b = Brightness is var (b0, b1) ? Uniform1(b0, b1, _g) : null;
        double? c = Contrast is var (c0, c1) ? Uniform1(c0, c1, _g) : null;
        double? s = Saturation is var (s0, s1) ? Uniform1(s0, s1, _g) : null;
        double? h = Hue is var (h0, h1) ? Uniform1(h0, h1, _g) : null;
        foreach (var fn in order)
        {
            if (fn == 0 && b is double bf) image = TF.AdjustBrightness(image, bf);
            else if (fn == 1 && c is double cf) image = TF.AdjustContrast(image, cf);
            else if (fn == 2 && s is double sf) image = TF.AdjustSaturation(image, sf);
            else if (fn == 3 && h is double hf) image = TF.AdjustHue(image, hf);
        }
        return image;
    }

    private static string R((double, double)? r) => r is var (a, b) ? $"({F(a)}, {F(b)})" : "None";
    public override string ToString() => $"ColorJitter(brightness={R(Brightness)}, contrast={R(Contrast)}, saturation={R(Saturation)}, hue={R(Hue)})";
}
