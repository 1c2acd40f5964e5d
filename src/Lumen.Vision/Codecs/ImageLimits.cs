namespace Lumen.Vision.Codecs;

/// <summary>Guards shared by the decoders: a header may claim any size, so allocation is bounded before it happens.</summary>
internal static class ImageLimits
{
    /// <summary>Largest pixel count (width × height) a decoder accepts: 2^28 (16384 × 16384), ~1 GiB of RGBA.</summary>
    public const long MaxPixels = 1L << 28;

    public static void CheckDimensions(string format, long width, long height, string? path)
    {
        if (width <= 0 || height <= 0)
            throw new ImageFormatException($"{format}: invalid dimensions {width}x{height}.", path);
        if (width * height > MaxPixels)
            throw new ImageFormatException($"{format}: dimensions {width}x{height} exceed the limit of {MaxPixels} pixels.", path);
    }
}
