using Lumen.Vision.Codecs;

namespace Lumen.Vision.Transforms;

/// <summary>A random-area, random-aspect crop resized to a fixed size, torchvision's <c>transforms.RandomResizedCrop(size,
/// scale=(0.08, 1.0), ratio=(3/4, 4/3), interpolation=bilinear)</c>, with torchvision's ten tries and central fallback.</summary>
public sealed class RandomResizedCrop : Transform
{
    private readonly Generator? _g;

    /// <summary>Output (height, width).</summary>
    public (int Height, int Width) Size { get; }

    /// <summary>Range of the crop's area as a fraction of the image.</summary>
    public (double Min, double Max) Scale { get; }

    /// <summary>Range of the crop's aspect ratio (width / height).</summary>
    public (double Min, double Max) Ratio { get; }

    /// <summary>Resampling filter.</summary>
    public InterpolationMode Interpolation { get; }

    public RandomResizedCrop((int Height, int Width) size, (double Min, double Max)? scale = null, (double Min, double Max)? ratio = null,
        InterpolationMode interpolation = InterpolationMode.Bilinear, Generator? generator = null)
    {
        if (size.Height <= 0 || size.Width <= 0) throw new ArgumentException($"RandomResizedCrop: size ({size.Height}, {size.Width}) must be positive.");
        Size = size;
        Scale = scale ?? (0.08, 1.0);
        Ratio = ratio ?? (3.0 / 4.0, 4.0 / 3.0);
        if (Scale.Min > Scale.Max || Ratio.Min > Ratio.Max) throw new ArgumentException("RandomResizedCrop: scale and ratio should be of kind (min, max).");
        Interpolation = interpolation;
        _g = generator;
    }

    public RandomResizedCrop(int size, (double Min, double Max)? scale = null, (double Min, double Max)? ratio = null,
        InterpolationMode interpolation = InterpolationMode.Bilinear, Generator? generator = null)
        : this((size, size), scale, ratio, interpolation, generator) { }

    /// <summary>torchvision's <c>RandomResizedCrop.get_params</c>: (top, left, height, width).</summary>
    public static (int Top, int Left, int Height, int Width) GetParams(int height, int width, (double Min, double Max) scale, (double Min, double Max) ratio, Generator? generator = null)
    {
        double area = (double)height * width;
        float logR0 = MathF.Log((float)ratio.Min), logR1 = MathF.Log((float)ratio.Max);
        for (int attempt = 0; attempt < 10; attempt++)
        {
            double targetArea = area * Uniform1(scale.Min, scale.Max, generator);
            double aspect = MathF.Exp((float)Uniform1(logR0, logR1, generator));
            int w = (int)Math.Round(Math.Sqrt(targetArea * aspect), MidpointRounding.ToEven);
            int h = (int)Math.Round(Math.Sqrt(targetArea / aspect), MidpointRounding.ToEven);
            if (0 < w && w <= width && 0 < h && h <= height)
            {
                int i = RandInt1(0, height - h + 1, generator);
                int j = RandInt1(0, width - w + 1, generator);
                return (i, j, h, w);
            }
        }
        double inRatio = (double)width / height;
        int cw, ch;
        if (inRatio < Math.Min(ratio.Min, ratio.Max)) { cw = width; ch = (int)Math.Round(cw / Math.Min(ratio.Min, ratio.Max), MidpointRounding.ToEven); }
        else if (inRatio > Math.Max(ratio.Min, ratio.Max)) { ch = height; cw = (int)Math.Round(ch * Math.Max(ratio.Min, ratio.Max), MidpointRounding.ToEven); }
        else { cw = width; ch = height; }
        return ((height - ch) / 2, (width - cw) / 2, ch, cw);
    }

    protected override object ForwardImage(Image image)
    {
        var (i, j, h, w) = GetParams(image.Height, image.Width, Scale, Ratio, _g);
        return TF.Resize(TF.Crop(image, i, j, h, w), Size.Height, Size.Width, Interpolation);
    }

    public override string ToString() =>
        $"RandomResizedCrop(size=({Size.Height}, {Size.Width}), scale=({F(Scale.Min)}, {F(Scale.Max)}), ratio=({F(Ratio.Min)}, {F(Ratio.Max)}), interpolation={Interpolation.ToString().ToLowerInvariant()}, antialias=None)";
}
