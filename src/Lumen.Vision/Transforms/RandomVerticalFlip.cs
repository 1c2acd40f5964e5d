using Lumen.Vision.Codecs;

namespace Lumen.Vision.Transforms;

/// <summary>Mirrors top–bottom with probability p, torchvision's <c>transforms.RandomVerticalFlip(p=0.5)</c>
/// (flips when <c>torch.rand(1) &lt; p</c>).</summary>
public sealed class RandomVerticalFlip : Transform
{
    private readonly Generator? _g;

    /// <summary>Probability of a flip.</summary>
    public double P { get; }

    public RandomVerticalFlip(double p = 0.5, Generator? generator = null)
    {
        if (!(p >= 0 && p <= 1)) throw new ArgumentException($"RandomVerticalFlip: p ({p}) must be in [0, 1].");
        P = p;
        _g = generator;
    }

    protected override object ForwardImage(Image image) => Rand1(_g) < (float)P ? TF.VFlip(image) : image;
    protected override object ForwardTensor(Tensor tensor) => Rand1(_g) < (float)P ? TF.VFlip(tensor) : tensor;
    public override string ToString() => $"RandomVerticalFlip(p={F(P)})";
}
