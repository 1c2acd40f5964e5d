using Lumen.Vision.Codecs;

namespace Lumen.Vision.Transforms;

/// <summary>A random (height, width) crop, torchvision's <c>transforms.RandomCrop(size, padding, pad_if_needed, fill,
/// padding_mode)</c>: pads first (padding, then pad_if_needed), then draws the top edge with
/// <c>torch.randint(0, h - th + 1, (1,))</c> and the left edge likewise.</summary>
public sealed class RandomCrop : Transform
{
    private readonly Generator? _g;

    /// <summary>Output (height, width).</summary>
    public (int Height, int Width) Size { get; }

    /// <summary>Padding (left, top, right, bottom) applied before cropping, or null.</summary>
    public (int Left, int Top, int Right, int Bottom)? Padding { get; }

    /// <summary>Pad the image when it is smaller than the crop.</summary>
    public bool PadIfNeeded { get; }

    /// <summary>Constant fill (0–255 for images; the value itself for tensors).</summary>
    public float Fill { get; }

    /// <summary>How the padding is filled.</summary>
    public PaddingMode PaddingMode { get; }

    /// <param name="size">output (height, width).</param>
    /// <param name="padding">padding on every side (use <paramref name="paddingLTRB"/> for uneven padding).</param>
    /// <param name="padIfNeeded">pad to the crop size when the image is smaller.</param>
    /// <param name="fill">constant fill value.</param>
    /// <param name="paddingMode">constant, edge, reflect or symmetric.</param>
    /// <param name="paddingLTRB">(left, top, right, bottom) padding.</param>
    /// <param name="generator">generator to draw from; the global one when null.</param>
    public RandomCrop((int Height, int Width) size, int? padding = null, bool padIfNeeded = false, double fill = 0,
        PaddingMode paddingMode = PaddingMode.Constant, (int Left, int Top, int Right, int Bottom)? paddingLTRB = null, Generator? generator = null)
    {
        if (size.Height <= 0 || size.Width <= 0) throw new ArgumentException($"RandomCrop: size ({size.Height}, {size.Width}) must be positive.");
        if (padding is not null && paddingLTRB is not null) throw new ArgumentException("RandomCrop: give padding or paddingLTRB, not both.");
        Size = size;
        Padding = padding is int p ? (p, p, p, p) : paddingLTRB;
        PadIfNeeded = padIfNeeded;
        Fill = (float)fill;
        PaddingMode = paddingMode;
        _g = generator;
    }

    /// <summary>A square crop of <paramref name="size"/>.</summary>
    public RandomCrop(int size, int? padding = null, bool padIfNeeded = false, double fill = 0, PaddingMode paddingMode = PaddingMode.Constant, Generator? generator = null)
        : this((size, size), padding, padIfNeeded, fill, paddingMode, null, generator) { }

    /// <summary>torchvision's <c>RandomCrop.get_params</c>: (top, left) for a crop of <paramref name="size"/> from an image of (h, w).</summary>
    public static (int Top, int Left) GetParams(int h, int w, (int Height, int Width) size, Generator? generator = null)
    {
        var (th, tw) = size;
        if (h < th || w < tw) throw new ArgumentException($"RandomCrop: required crop size ({th}, {tw}) is larger than input image size ({h}, {w}).");
        if (w == tw && h == th) return (0, 0);
        int i = RandInt1(0, h - th + 1, generator);
        int j = RandInt1(0, w - tw + 1, generator);
        return (i, j);
    }

    protected override object ForwardImage(Image image)
    {
        byte fill = (byte)Fill;
        if (Padding is var (l, t, r, b)) image = TF.Pad(image, l, t, r, b, fill, PaddingMode);
        if (PadIfNeeded && image.Width < Size.Width) { int d = Size.Width - image.Width; image = TF.Pad(image, d, 0, d, 0, fill, PaddingMode); }
        if (PadIfNeeded && image.Height < Size.Height) { int d = Size.Height - image.Height; image = TF.Pad(image, 0, d, 0, d, fill, PaddingMode); }
        var (i, j) = GetParams(image.Height, image.Width, Size, _g);
        return TF.Crop(image, i, j, Size.Height, Size.Width);
    }

    protected override object ForwardTensor(Tensor tensor)
    {
        if (Padding is var (l, t, r, b)) tensor = TF.Pad(tensor, l, t, r, b, Fill, PaddingMode);
        if (PadIfNeeded && tensor.Size(-1) < Size.Width) { int d = Size.Width - tensor.Size(-1); tensor = TF.Pad(tensor, d, 0, d, 0, Fill, PaddingMode); }
        if (PadIfNeeded && tensor.Size(-2) < Size.Height) { int d = Size.Height - tensor.Size(-2); tensor = TF.Pad(tensor, 0, d, 0, d, Fill, PaddingMode); }
        var (i, j) = GetParams(tensor.Size(-2), tensor.Size(-1), Size, _g);
        return TF.Crop(tensor, i, j, Size.Height, Size.Width);
    }

    public override string ToString() =>
        $"RandomCrop(size=({Size.Height}, {Size.Width}), padding={(Padding is var (l, t, r, b) ? $"[{l}, {t}, {r}, {b}]" : "None")})";
}
