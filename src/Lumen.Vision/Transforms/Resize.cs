using Lumen.Vision.Codecs;

namespace Lumen.Vision.Transforms;

/// <summary>Resizes an image, torchvision's <c>transforms.Resize(size, interpolation, max_size)</c>: an int size scales the
/// shorter edge to it keeping the aspect ratio; a (height, width) size is exact. Bilinear and bicubic reproduce PIL 9.4's
/// antialiased resampling (the filter support widens with the downscale factor) byte for byte.</summary>
public sealed class Resize : Transform
{
    private readonly int? _edge;
    private readonly (int Height, int Width) _size;

    /// <summary>Resampling filter.</summary>
    public InterpolationMode Interpolation { get; }

    /// <summary>Cap on the longer edge when an int size is given.</summary>
    public int? MaxSize { get; }

    /// <summary>Scales the shorter edge to <paramref name="size"/>.</summary>
    public Resize(int size, InterpolationMode interpolation = InterpolationMode.Bilinear, int? maxSize = null)
    {
        if (size <= 0) throw new ArgumentException($"Resize: size ({size}) must be positive.");
        _edge = size;
        Interpolation = interpolation;
        MaxSize = maxSize;
    }

    /// <summary>Resizes to exactly <paramref name="size"/> = (height, width).</summary>
    public Resize((int Height, int Width) size, InterpolationMode interpolation = InterpolationMode.Bilinear)
    {
        if (size.Height <= 0 || size.Width <= 0) throw new ArgumentException($"Resize: size ({size.Height}, {size.Width}) must be positive.");
        _size = size;
        Interpolation = interpolation;
    }

    /// <summary>The output (height, width) for an input of (height, width).</summary>
    public (int Height, int Width) OutputSize(int height, int width) =>
        _edge is int e ? TF.ResizedSize(height, width, e, MaxSize) : _size;

    protected override object ForwardImage(Image image)
    {
        var (h, w) = OutputSize(image.Height, image.Width);
        return TF.Resize(image, h, w, Interpolation);
    }

    public override string ToString() =>
        $"Resize(size={(_edge is int e ? e.ToString() : $"({_size.Height}, {_size.Width})")}, interpolation={Interpolation.ToString().ToLowerInvariant()}, max_size={(MaxSize?.ToString() ?? "None")}, antialias=None)";
}
