namespace Lumen.Vision.Transforms;

/// <summary>A random (depth, height, width) crop of a volume (…, C, D, H, W): the offsets are drawn like RandomCrop's, with
/// <c>torch.randint(0, size - crop + 1, (1,))</c> for depth, then height, then width.</summary>
public sealed class RandomCrop3d : Transform
{
    private readonly Generator? _g;

    /// <summary>Output (depth, height, width).</summary>
    public (int Depth, int Height, int Width) Size { get; }

    public RandomCrop3d((int Depth, int Height, int Width) size, Generator? generator = null)
    {
        if (size.Depth <= 0 || size.Height <= 0 || size.Width <= 0) throw new ArgumentException($"RandomCrop3d: size {size} must be positive.");
        Size = size;
        _g = generator;
    }

    protected override object ForwardTensor(Tensor tensor)
    {
        if (tensor.Ndim < 4) throw new ShapeMismatchException($"RandomCrop3d: expected a volume (..., C, D, H, W), got {tensor.Shape}.");
        int d = tensor.Size(-3), h = tensor.Size(-2), w = tensor.Size(-1);
        if (d < Size.Depth || h < Size.Height || w < Size.Width)
            throw new ArgumentException($"RandomCrop3d: required crop size ({Size.Depth}, {Size.Height}, {Size.Width}) is larger than input volume size ({d}, {h}, {w}).");
        int k = d == Size.Depth ? 0 : RandInt1(0, d - Size.Depth + 1, _g);
        int i = h == Size.Height ? 0 : RandInt1(0, h - Size.Height + 1, _g);
        int j = w == Size.Width ? 0 : RandInt1(0, w - Size.Width + 1, _g);
        return tensor.Narrow(-3, k, Size.Depth).Narrow(-2, i, Size.Height).Narrow(-1, j, Size.Width).Contiguous();
    }

    public override string ToString() => $"RandomCrop3d(size=({Size.Depth}, {Size.Height}, {Size.Width}))";
}
