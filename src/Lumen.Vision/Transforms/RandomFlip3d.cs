namespace Lumen.Vision.Transforms;

/// <summary>Flips a volume (…, C, D, H, W) along each of the chosen spatial axes independently with probability p (one
/// <c>torch.rand(1) &lt; p</c> draw per axis, in the order given): the 3D counterpart of RandomHorizontalFlip / RandomVerticalFlip.</summary>
public sealed class RandomFlip3d : Transform
{
    private readonly Generator? _g;

    /// <summary>Probability of flipping each axis.</summary>
    public double P { get; }

    /// <summary>Spatial axes: 0 = depth, 1 = height, 2 = width.</summary>
    public IReadOnlyList<int> Axes { get; }

    public RandomFlip3d(double p = 0.5, int[]? axes = null, Generator? generator = null)
    {
        if (!(p >= 0 && p <= 1)) throw new ArgumentException($"RandomFlip3d: p ({p}) must be in [0, 1].");
        axes ??= new[] { 0, 1, 2 };
        foreach (var a in axes)
            if (a is < 0 or > 2) throw new ArgumentException($"RandomFlip3d: axis {a} is not a spatial axis (0 = depth, 1 = height, 2 = width).");
        P = p;
        Axes = axes.ToArray();
        _g = generator;
    }

    protected override object ForwardTensor(Tensor tensor)
    {
        if (tensor.Ndim < 4) throw new ShapeMismatchException($"RandomFlip3d: expected a volume (..., C, D, H, W), got {tensor.Shape}.");
        var dims = new List<int>();
        foreach (var a in Axes)
            if (Rand1(_g) < (float)P) dims.Add(a - 3);
        return dims.Count == 0 ? tensor : tensor.Flip(dims.ToArray()).Contiguous();
    }

    public override string ToString() => $"RandomFlip3d(p={F(P)}, axes=[{string.Join(", ", Axes)}])";
}
