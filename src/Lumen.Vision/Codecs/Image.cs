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

    /// <summary>Reads and decodes an image file (PNG, JPEG, BMP, PPM/PGM, sniffed by content), PIL's <c>Image.open(path)</c>;
    /// <c>Image.Open(p).Convert("RGB")</c> is the tutorials' <c>Image.open(p).convert('RGB')</c>.</summary>
    /// <exception cref="ImageFormatException">Not a supported image, or corrupt; the message names the path.</exception>
    public static Image Open(string path) => ImageCodec.Load(path);

    /// <summary>This image in another PIL mode, PIL's <c>img.convert(mode)</c>: "RGB" (gray replicated, alpha dropped as
    /// PIL drops it, without compositing), "L" (ITU-R 601-2 luma, L = (19595 R + 38470 G + 7471 B + 0x8000) &gt;&gt; 16),
    /// "RGBA" and "LA" (alpha 255 when there was none). Always a new image.</summary>
    /// <exception cref="ArgumentException">Another mode.</exception>
    public Image Convert(string mode)
    {
        int target = mode switch
        {
            "L" => 1, "LA" => 2, "RGB" => 3, "RGBA" => 4,
            _ => throw new ArgumentException($"Image.Convert: mode '{mode}' is not supported (use \"L\", \"LA\", \"RGB\" or \"RGBA\")."),
        };
        if (target == Channels) return new Image(Width, Height, Channels, (byte[])Pixels.Clone());
        var gray = Channels <= 2;
        var dst = new Image(Width, Height, target);
        if (!gray && target <= 2)
        {
            var l = Transforms.PilOps.ToGray(this);   // luma of the colour channels
            for (int i = 0, n = Width * Height; i < n; i++)
            {
                dst.Pixels[i * target] = l.Pixels[i];
                if (target == 2) dst.Pixels[i * 2 + 1] = Channels == 4 ? Pixels[i * 4 + 3] : (byte)255;
            }
            return dst;
        }
        for (int i = 0, n = Width * Height; i < n; i++)
        {
            int s = i * Channels, d = i * target;
            bool srcAlpha = Channels is 2 or 4;
            byte a = srcAlpha ? Pixels[s + Channels - 1] : (byte)255;
            if (gray) { byte v = Pixels[s]; for (int c = 0; c < Math.Min(target, 3); c++) dst.Pixels[d + c] = v; }   // alpha slot rewritten below
            else for (int c = 0; c < 3; c++) dst.Pixels[d + c] = Pixels[s + c];
            if (target is 2 or 4) dst.Pixels[d + target - 1] = a;
        }
        return dst;
    }

    public override string ToString() => $"Image({Width}x{Height}, {Mode})";
}
