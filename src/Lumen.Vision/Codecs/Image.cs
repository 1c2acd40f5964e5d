namespace Lumen.Vision.Codecs;

/// <summary>A decoded 8-bit image: <see cref="Height"/> rows of <see cref="Width"/> pixels of <see cref="Channels"/>
/// interleaved samples, stored row-major in <see cref="Pixels"/> (HWC, the layout of a PIL image's
/// <c>np.asarray(img)</c> and of torchvision's input to <c>ToTensor</c>).</summary>
/// <remarks>Channels: 1 = gray (PIL "L"), 2 = gray + alpha ("LA"), 3 = RGB, 4 = RGBA.
/// The sample of channel <c>c</c> at (<c>y</c>, <c>x</c>) is <c>Pixels[(y * Width + x) * Channels + c]</c>.</remarks>
public sealed class Image
{
    /// <summary>Pixels per row.</summary>
    public int Width { get; }

    /// <summary>Rows.</summary>
    public int Height { get; }

    /// <summary>Samples per pixel: 1 (gray), 2 (gray, alpha), 3 (RGB) or 4 (RGBA).</summary>
    public int Channels { get; }

    /// <summary>Height × Width × Channels samples, row-major (HWC).</summary>
    public byte[] Pixels { get; }

    /// <summary>Wraps <paramref name="pixels"/> (not copied) as a Height × Width × Channels image.</summary>
    /// <exception cref="ArgumentException">a dimension is not positive, channels is not 1–4, or pixels has the wrong length.</exception>
    public Image(int width, int height, int channels, byte[] pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        if (width <= 0 || height <= 0) throw new ArgumentException($"Image: width ({width}) and height ({height}) must be positive.");
        if (channels < 1 || channels > 4) throw new ArgumentException($"Image: channels ({channels}) must be 1, 2, 3 or 4.", nameof(channels));
        if ((long)width * height * channels != pixels.LongLength)
            throw new ArgumentException($"Image: pixels has {pixels.LongLength} bytes but {height}x{width}x{channels} needs {(long)width * height * channels}.", nameof(pixels));
        Width = width;
        Height = height;
        Channels = channels;
        Pixels = pixels;
    }

    /// <summary>A zero-filled Height × Width × Channels image.</summary>
    public Image(int width, int height, int channels)
        : this(width, height, channels, new byte[width > 0 && height > 0 && channels is >= 1 and <= 4 ? checked(width * height * channels) : 0]) { }

    /// <summary>Bytes per row: Width × Channels.</summary>
    public int Stride => Width * Channels;

    /// <summary>The samples of row <paramref name="y"/>.</summary>
    public Span<byte> Row(int y) => Pixels.AsSpan(y * Stride, Stride);

    /// <summary>PIL's name for this channel layout: "L", "LA", "RGB" or "RGBA".</summary>
    public string Mode => Channels switch { 1 => "L", 2 => "LA", 3 => "RGB", _ => "RGBA" };

    public override string ToString() => $"Image({Width}x{Height}, {Mode})";
}
