using System.IO.Compression;
using Lumen.Imaging;

namespace Lumen.Vision.Codecs;

/// <summary>PNG reading and writing in managed code (zlib through System.IO.Compression); the encoder is the core's
/// <see cref="PngEncoder"/>.</summary>
/// <remarks>
/// Decoding accepts every colour type and bit depth of the PNG spec, tRNS, all five row filters, Adam7 interlacing and
/// IDAT split over many chunks. The result is always 8-bit:
/// <list type="bullet">
/// <item>gray 1/2/4-bit samples scale to 0–255 (×255, ×85, ×17), as PIL's <c>convert("L")</c> does;</item>
/// <item>16-bit samples keep their high byte (libpng's <c>png_set_strip_16</c>; what PIL does for 16-bit RGB, RGBA and LA;
/// PIL opens 16-bit gray as 32-bit mode "I" instead, which this type cannot hold);</item>
/// <item>palette images expand to RGB, or RGBA when a tRNS chunk is present (PIL's <c>convert("RGBA")</c>);</item>
/// <item>a tRNS colour key on gray or RGB images adds an alpha channel (0 where the sample matches the key, else 255),
/// like libpng's <c>png_set_tRNS_to_alpha</c>; PIL keeps it as <c>info["transparency"]</c> instead.</item>
/// </list>
/// Encoding writes 8-bit gray, gray+alpha, RGB or RGBA, non-interlaced, choosing each row's filter by libpng's
/// minimum-sum-of-absolute-differences heuristic.
/// </remarks>
public static class Png
{
    /// <summary>Decodes a PNG file held in memory.</summary>
    /// <param name="data">the whole file.</param>
    /// <param name="pathForErrors">file name to put in error messages, or null.</param>
    /// <param name="checkCrc">verify each chunk's CRC-32 (default true, as libpng and PIL do; false accepts chunks whose CRC is wrong).</param>
    /// <exception cref="ImageFormatException">the data is not a valid PNG, is truncated, or is larger than 2^28 pixels.</exception>
    public static Image Decode(ReadOnlySpan<byte> data, string? pathForErrors = null, bool checkCrc = true) =>
        PngDecoder.Decode(data, pathForErrors, checkCrc);

    /// <summary>Encodes an 8-bit image (1, 2, 3 or 4 channels) as a non-interlaced PNG.</summary>
    /// <param name="image">the image; channels 1 = gray, 2 = gray + alpha, 3 = RGB, 4 = RGBA.</param>
    /// <param name="compressionLevel">zlib effort (default <see cref="CompressionLevel.Optimal"/>, zlib level 6).</param>
    public static byte[] Encode(Image image, CompressionLevel compressionLevel = CompressionLevel.Optimal)
    {
        ArgumentNullException.ThrowIfNull(image);
        return PngEncoder.Encode(image.Pixels, image.Width, image.Height, image.Channels, compressionLevel);
    }

    /// <summary>Writes <paramref name="image"/> as a PNG to <paramref name="path"/> through <see cref="Lumen.Serialization.AtomicFile"/>:
    /// a temporary file in the same folder, flushed to disk, then renamed over <paramref name="path"/>, so neither a reader
    /// nor a crash ever leaves a half-written file in place of an old one.</summary>
    public static void Save(Image image, string path, CompressionLevel compressionLevel = CompressionLevel.Optimal)
    {
        ArgumentNullException.ThrowIfNull(path);
        Lumen.Serialization.AtomicFile.WriteAllBytes(path, Encode(image, compressionLevel));
    }
}
