namespace Lumen.Training.Reports;

/// <summary>An 8-bit picture the report charts draw into: <see cref="Height"/> rows of <see cref="Width"/> pixels of
/// <see cref="Channels"/> interleaved samples (row-major HWC). Reports keep their own small buffer, written out through
/// the core's <see cref="Lumen.Imaging.PngEncoder"/>, so Lumen.Training needs neither Lumen.Vision nor its codecs.</summary>
internal sealed class Raster
{
    public int Width { get; }
    public int Height { get; }

    /// <summary>1 (gray), 3 (RGB) or 4 (RGBA).</summary>
    public int Channels { get; }

    /// <summary>Height × Width × Channels samples, row-major.</summary>
    public byte[] Pixels { get; }

    public Raster(int width, int height, int channels, byte[] pixels)
    {
        if (width <= 0 || height <= 0 || channels is < 1 or > 4 || (long)width * height * channels != pixels.LongLength)
            throw new ArgumentException($"Raster: {width}x{height}x{channels} does not fit {pixels.LongLength} bytes.");
        (Width, Height, Channels, Pixels) = (width, height, channels, pixels);
    }

    /// <summary>A zero-filled (black) raster.</summary>
    public Raster(int width, int height, int channels) : this(width, height, channels, new byte[Math.Max(0, width * height * channels)]) { }

    /// <summary>The samples of row <paramref name="y"/>.</summary>
    public Span<byte> Row(int y) => Pixels.AsSpan(y * Width * Channels, Width * Channels);

    /// <summary>This picture as a PNG file's bytes.</summary>
    public byte[] EncodePng() => Lumen.Imaging.PngEncoder.Encode(Pixels, Width, Height, Channels);
}
