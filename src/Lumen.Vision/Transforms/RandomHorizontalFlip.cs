using Lumen.Vision.Codecs;

namespace Lumen.Vision.Transforms;

/// <summary>Mirrors left–right with probability p, torchvision's <c>transforms.RandomHorizontalFlip(p=0.5)</c>
/// (flips when <c>torch.rand(1) &lt; p</c>).</summary>
public sealed class RandomHorizontalFlip : Transform
{
    private readonly Generator? _g;

    /// <summary>Probability of a flip.</summary>
    public double P { get; }

    public RandomHorizontalFlip(double p = 0.5, Generator? generator = null)
    {
        if (!(p >= 0 && p <= 1)) throw new ArgumentException($"RandomHorizontalFlip: p ({p}) must be in [0, 1].");
        P = p;
        _g = generator;
    }

    protected override object ForwardImage(Image image) => Rand1(_g) < (float)P ? TF.HFlip(image) : image;
    protected override object ForwardTensor(Tensor tensor) => Rand1(_g) < (float)P ? TF.HFlip(tensor) : tensor;
    public override string ToString() => $"RandomHorizontalFlip(p={F(P)})";
}
