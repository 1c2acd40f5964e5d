using Lumen.Vision.Codecs;

namespace Lumen.Vision.Transforms;

/// <summary>The centred (height, width) crop, zero-padded when larger than the input, torchvision's <c>transforms.CenterCrop(size)</c>.</summary>
public sealed class CenterCrop : Transform
{
    /// <summary>Output (height, width).</summary>
    public (int Height, int Width) Size { get; }

    public CenterCrop(int size) : this((size, size)) { }

    public CenterCrop((int Height, int Width) size)
    {
        if (size.Height <= 0 || size.Width <= 0) throw new ArgumentException($"CenterCrop: size ({size.Height}, {size.Width}) must be positive.");
        Size = size;
    }

    protected override object ForwardImage(Image image) => TF.CenterCrop(image, Size.Height, Size.Width);
    protected override object ForwardTensor(Tensor tensor) => TF.CenterCrop(tensor, Size.Height, Size.Width);
    public override string ToString() => $"CenterCrop(size=({Size.Height}, {Size.Width}))";
}
