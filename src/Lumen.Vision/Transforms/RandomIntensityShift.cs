namespace Lumen.Vision.Transforms;

/// <summary>Adds to a float tensor (an image or a volume) one offset drawn from [min, max]
/// (<c>torch.empty(1).uniform_(min, max)</c>), with probability p (drawn first as <c>torch.rand(1) &lt; p</c>).</summary>
public sealed class RandomIntensityShift : Transform
{
    private readonly Generator? _g;

    public (double Min, double Max) Range { get; }
    public double P { get; }

    public RandomIntensityShift((double Min, double Max) range, double p = 1.0, Generator? generator = null)
    {
        if (range.Min > range.Max) throw new ArgumentException($"RandomIntensityShift: range ({range.Min}, {range.Max}) should be (min, max).");
        if (!(p >= 0 && p <= 1)) throw new ArgumentException($"RandomIntensityShift: p ({p}) must be in [0, 1].");
        Range = range;
        P = p;
        _g = generator;
    }

    protected override object ForwardTensor(Tensor tensor)
    {
        if (tensor.DType != DType.Float32) throw new ArgumentException($"RandomIntensityShift: expected a float tensor, got {tensor.DType.TorchName()}.");
        if (P < 1 && !(Rand1(_g) < (float)P)) return tensor;
        return tensor.Add((float)Uniform1(Range.Min, Range.Max, _g));
    }

    public override string ToString() => $"RandomIntensityShift(range=({F(Range.Min)}, {F(Range.Max)}), p={F(P)})";
}
