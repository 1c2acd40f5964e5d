using Lumen.Vision.Codecs;

namespace Lumen.Vision.Transforms;

/// <summary>Rotates by an angle drawn from [min, max] degrees, torchvision's <c>transforms.RandomRotation(degrees,
/// interpolation=nearest, expand=False, center=None, fill=0)</c>: the angle is <c>torch.empty(1).uniform_(min, max)</c> and the
/// rotation is PIL's (nearest neighbour about the centre, same size).</summary>
public sealed class RandomRotation : Transform
{
    private readonly Generator? _g;

    /// <summary>Range of angles in degrees.</summary>
    public (double Min, double Max) Degrees { get; }

    /// <summary>Fill for pixels that come from outside the image (0–255).</summary>
    public byte Fill { get; }

    /// <summary>Angles from [−degrees, degrees].</summary>
    public RandomRotation(double degrees, byte fill = 0, Generator? generator = null) : this((-degrees, degrees), fill, generator)
    {
        if (degrees < 0) throw new ArgumentException($"RandomRotation: if degrees is a single number, it must be positive, got {degrees}.");
    }

    public RandomRotation((double Min, double Max) degrees, byte fill = 0, Generator? generator = null)
    {
        Degrees = degrees;
        Fill = fill;
        _g = generator;
    }

    protected override object ForwardImage(Image image)
    {
        double angle = Uniform1(Degrees.Min, Degrees.Max, _g);
        return TF.Rotate(image, angle, Fill);
    }

    public override string ToString() => $"RandomRotation(degrees=[{F(Degrees.Min)}, {F(Degrees.Max)}], interpolation=nearest, expand=False, fill={Fill})";
}
